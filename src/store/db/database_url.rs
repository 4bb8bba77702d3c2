//! Which database a URL names: `sqlite://PATH`, `postgres://...` or
//! `mysql://...` (`mariadb://...` is the same).

use std::fmt;
use std::path::PathBuf;

/// A parsed database URL. The PostgreSQL form keeps the URL as given (it may
/// hold a password, so `Display` hides it).
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite database file.
    Sqlite(PathBuf),
    /// A PostgreSQL server URL (`postgres://` or `postgresql://`).
    Postgres(String),
    /// A MySQL or MariaDB server URL, always spelt `mysql://` (the driver's
    /// scheme) whichever of `mysql://` and `mariadb://` was given.
    Mysql(String),
}

/// The URL names no SQLite file, PostgreSQL server or MySQL/MariaDB server.
#[derive(Debug, thiserror::Error)]
#[error(
    "unsupported database URL {0:?}: use sqlite://PATH (for example sqlite://casebook.db), \
     postgres://USER@HOST:PORT/DATABASE or mysql://USER@HOST:PORT/DATABASE"
)]
pub struct DatabaseUrlError(String);

impl DatabaseUrl {
    /// Parses `sqlite://PATH`, `sqlite:PATH`, `postgres://...`,
    /// `postgresql://...`, `mysql://...` or `mariadb://...`.
    pub fn parse(url: &str) -> Result<Self, DatabaseUrlError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        if let Some(rest) = url.strip_prefix("mysql://").or_else(|| url.strip_prefix("mariadb://")) {
            return Ok(Self::Mysql(format!("mysql://{rest}")));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .filter(|path| !path.is_empty() && !path.contains(":memory:"));
        match path {
            Some(path) => Ok(Self::Sqlite(PathBuf::from(path))),
            None => Err(DatabaseUrlError(redact(url))),
        }
    }

    /// The SQLite file, or `None` for a database server (PostgreSQL,
    /// MySQL/MariaDB), whose instances share the database and so need
    /// shared settings (token keys, an evidence location of their own).
    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        match self {
            Self::Sqlite(path) => Some(path),
            Self::Postgres(_) | Self::Mysql(_) => None,
        }
    }

    /// The backend this URL selects.
    pub fn backend(&self) -> super::Backend {
        match self {
            Self::Sqlite(_) => super::Backend::Sqlite,
            Self::Postgres(_) => super::Backend::Postgres,
            Self::Mysql(_) => super::Backend::Mysql,
        }
    }
}

/// The settings every PostgreSQL session of the server starts with, passed
/// as the connection's `options` (percent-encoded): JIT compilation off.
/// PostgreSQL compiles a plan whose estimated cost passes `jit_above_cost`
/// (100,000) to machine code first; a search for a common word at 1,000,000
/// cases spent 20 to 38 ms of a 106 ms query compiling, the whole query
/// being one of many short ones that JIT cannot pay back.
const POSTGRES_SESSION_OPTIONS: &str = "-c%20jit%3Doff";

/// The PostgreSQL `url` a connection of the server opens: with the
/// `application_name` that `pg_stat_activity` shows, and the server's
/// session settings ([`POSTGRES_SESSION_OPTIONS`]) unless the URL sets
/// `options` itself (then the operator's choice stands).
pub fn postgres_session_url(url: &str, application_name: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    let query = url.split_once('?').map_or("", |(_, query)| query);
    let sets_options = query.split('&').any(|pair| pair.split('=').next() == Some("options"));
    let options = if sets_options { String::new() } else { format!("&options={POSTGRES_SESSION_OPTIONS}") };
    format!("{url}{separator}application_name={application_name}{options}")
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            Self::Postgres(url) | Self::Mysql(url) => f.write_str(&redact(url)),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Replaces the password of `scheme://user:password@host` with `***`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((user_info, host)) if user_info.contains(':') => {
            let user = user_info.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_and_postgres_urls_are_recognised() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://casebook.db").ok(),
            Some(DatabaseUrl::Sqlite("casebook.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/cb.db").ok(),
            Some(DatabaseUrl::Sqlite("/var/lib/cb.db".into()))
        );
        assert!(matches!(DatabaseUrl::parse("postgresql://u@h/db"), Ok(DatabaseUrl::Postgres(_))));
        assert_eq!(
            DatabaseUrl::parse("mysql://u@h:3306/db").ok(),
            Some(DatabaseUrl::Mysql("mysql://u@h:3306/db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("mariadb://u@h/db").ok(),
            Some(DatabaseUrl::Mysql("mysql://u@h/db".into()))
        );
    }

    #[test]
    fn other_urls_are_refused() {
        for url in ["oracle://root@localhost/db", "casebook.db", "sqlite://", "sqlite::memory:"] {
            assert!(DatabaseUrl::parse(url).is_err(), "{url} was accepted");
        }
    }

    #[test]
    fn postgres_sessions_are_named_and_turn_jit_off_unless_the_url_sets_options() {
        assert_eq!(
            postgres_session_url("postgres://u@h/db", "casebook-pool"),
            "postgres://u@h/db?application_name=casebook-pool&options=-c%20jit%3Doff"
        );
        assert_eq!(
            postgres_session_url("postgres://u@h/db?sslmode=disable", "casebook-pool"),
            "postgres://u@h/db?sslmode=disable&application_name=casebook-pool&options=-c%20jit%3Doff"
        );
        assert_eq!(
            postgres_session_url("postgres://u@h/db?options=-c%20jit%3Don", "casebook-pool"),
            "postgres://u@h/db?options=-c%20jit%3Don&application_name=casebook-pool"
        );
    }

    #[test]
    fn passwords_never_reach_display_or_errors() {
        let url = "postgres://casebook:hunter2@db:5432/casebook";
        let parsed = DatabaseUrl::parse(url).expect("valid");
        assert_eq!(parsed.to_string(), "postgres://casebook:***@db:5432/casebook");
        let err = DatabaseUrl::parse("oracle://root:hunter2@db/x").expect_err("refused");
        assert!(!err.to_string().contains("hunter2"));
        let mysql = DatabaseUrl::parse("mariadb://casebook:hunter2@db/casebook").expect("valid");
        assert_eq!(mysql.to_string(), "mysql://casebook:***@db/casebook");
    }
}
