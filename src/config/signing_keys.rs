//! Token signing keys at startup: the configured ones, or — for SQLite only —
//! a key generated once and kept in a file beside the database.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::services::identity::{SigningKey, SigningKeyError};
use crate::store::DatabaseUrl;

/// Why no signing keys could be had.
#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    /// Server database deployments (PostgreSQL, MySQL/MariaDB) share keys
    /// between instances; they must be given.
    #[error(
        "CASEBOOK_TOKEN_KEYS is not set. With a database server (PostgreSQL, MySQL or MariaDB), every Casebook instance must \
         share the same token signing keys: generate one with `casebook generate-key` and \
         set CASEBOOK_TOKEN_KEYS (or --token-keys) on every instance"
    )]
    MissingForServerDatabase,
    /// The key file could not be read or written.
    #[error("token key file {path}: {source}")]
    File {
        /// The key file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// The key file holds something that is not a key.
    #[error("token key file {path}: {source}")]
    BadKey {
        /// The key file.
        path: PathBuf,
        /// What is wrong with it.
        source: SigningKeyError,
    },
    /// The system's random source failed.
    #[error("cannot generate a token signing key: {0}")]
    Random(getrandom::Error),
}

/// The keys to sign and verify tokens with.
pub fn resolve(configured: &[SigningKey], database: &DatabaseUrl) -> Result<Vec<SigningKey>, KeysError> {
    if !configured.is_empty() {
        return Ok(configured.to_vec());
    }
    match database.sqlite_path() {
        None => Err(KeysError::MissingForServerDatabase),
        Some(path) => load_or_create(&key_file_for(path)),
    }
}

/// `casebook.db` keeps its key in `casebook.db.token-key`.
pub fn key_file_for(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".token-key");
    PathBuf::from(name)
}

fn load_or_create(path: &Path) -> Result<Vec<SigningKey>, KeysError> {
    let file_error = |source| KeysError::File { path: path.to_owned(), source };
    match std::fs::read_to_string(path) {
        Ok(contents) => contents
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                SigningKey::parse(line).map_err(|source| KeysError::BadKey { path: path.to_owned(), source })
            })
            .collect(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let key = SigningKey::generate().map_err(KeysError::Random)?;
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .map_err(file_error)?;
            writeln!(file, "{}", key.encode()).and_then(|()| file.sync_all()).map_err(file_error)?;
            tracing::warn!(
                path = %path.display(),
                "no token signing key configured: generated one and stored it (mode 0600); \
                 keep this file with the database"
            );
            Ok(vec![key])
        }
        Err(err) => Err(file_error(err)),
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn sqlite_generates_a_private_key_file_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let database = DatabaseUrl::Sqlite(dir.path().join("cb.db"));
        let first = resolve(&[], &database).expect("generated");
        let path = dir.path().join("cb.db.token-key");
        let mode = std::fs::metadata(&path).expect("key file").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let second = resolve(&[], &database).expect("loaded");
        assert_eq!(first[0].encode(), second[0].encode());
    }

    #[test]
    fn postgres_refuses_to_start_without_keys() {
        let database = DatabaseUrl::Postgres("postgres://u@h/db".into());
        let err = resolve(&[], &database).expect_err("refused");
        assert!(err.to_string().contains("CASEBOOK_TOKEN_KEYS"));
    }
}
