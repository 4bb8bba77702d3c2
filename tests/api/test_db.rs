//! A database made for one test and removed after it: a SQLite file in a
//! temporary directory, or a fresh database on the PostgreSQL or
//! MySQL/MariaDB server the environment names.

use casebook::store::DatabaseUrl;
use diesel_async::{AsyncConnection, AsyncMysqlConnection, AsyncPgConnection, SimpleAsyncConnection};

/// Where the PostgreSQL tests create their databases.
const POSTGRES_URL_VAR: &str = "CASEBOOK_TEST_POSTGRES_URL";
const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
/// When set (CI sets it), an unreachable PostgreSQL fails the tests instead of skipping them.
const REQUIRE_POSTGRES_VAR: &str = "CASEBOOK_REQUIRE_POSTGRES";
/// Where the MySQL/MariaDB tests create their databases (a server URL, with
/// or without a database name).
const MYSQL_URL_VAR: &str = "CASEBOOK_TEST_MYSQL_URL";
const DEFAULT_MYSQL_URL: &str = "mysql://root@127.0.0.1:3306";
/// When set (CI sets it), an unreachable MySQL/MariaDB fails the tests instead of skipping them.
const REQUIRE_MYSQL_VAR: &str = "CASEBOOK_REQUIRE_MYSQL";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    Mysql,
}

/// A database made for one test and removed after it.
pub enum TestDb {
    Sqlite { _dir: tempfile::TempDir, url: DatabaseUrl },
    Server { backend: Backend, admin_url: String, name: String, url: DatabaseUrl },
}

impl TestDb {
    /// A fresh database, or `None` (after a loud message) when its server is
    /// not reachable and not required.
    pub async fn create(backend: Backend) -> Option<Self> {
        let name = format!("casebook_test_{}", uuid::Uuid::new_v4().simple());
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = DatabaseUrl::Sqlite(dir.path().join("casebook.db"));
                Some(Self::Sqlite { _dir: dir, url })
            }
            Backend::Postgres => {
                let admin_url = server_url(POSTGRES_URL_VAR, DEFAULT_POSTGRES_URL);
                let mut admin =
                    reachable(AsyncPgConnection::establish(&admin_url).await, "PostgreSQL", &admin_url)?;
                admin.batch_execute(&format!("CREATE DATABASE {name}")).await.expect("create test database");
                let url = DatabaseUrl::Postgres(format!("{}/{name}", server_of(&admin_url)));
                Some(Self::Server { backend, admin_url, name, url })
            }
            Backend::Mysql => {
                let admin_url = server_url(MYSQL_URL_VAR, DEFAULT_MYSQL_URL);
                let mut admin = reachable(
                    AsyncMysqlConnection::establish(&admin_url).await,
                    "MySQL/MariaDB",
                    &admin_url,
                )?;
                admin
                    .batch_execute(&format!(
                        "CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
                    ))
                    .await
                    .expect("create test database");
                let url = DatabaseUrl::Mysql(format!("{}/{name}", server_of(&admin_url)));
                Some(Self::Server { backend, admin_url, name, url })
            }
        }
    }

    pub fn url(&self) -> &DatabaseUrl {
        match self {
            Self::Sqlite { url, .. } | Self::Server { url, .. } => url,
        }
    }
}

/// The server URL from `var`, or `default`.
fn server_url(var: &str, default: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| default.into())
}

/// `scheme://user@host:port` of a server URL that may name a database.
fn server_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    match url[after_scheme..].find('/') {
        Some(slash) => &url[..after_scheme + slash],
        None => url,
    }
}

/// The connection, or `None` after a loud message when the server is
/// unreachable and not required (a panic when it is).
fn reachable<C, E: std::fmt::Display>(conn: Result<C, E>, engine: &str, url: &str) -> Option<C> {
    let (require_var, url_var) = match engine {
        "PostgreSQL" => (REQUIRE_POSTGRES_VAR, POSTGRES_URL_VAR),
        _ => (REQUIRE_MYSQL_VAR, MYSQL_URL_VAR),
    };
    match conn {
        Ok(conn) => Some(conn),
        Err(err) if std::env::var_os(require_var).is_some() => {
            panic!("{require_var} is set but {engine} at {url} is unreachable: {err}")
        }
        Err(err) => {
            eprintln!(
                "\n*** SKIPPED: {engine} at {url} is unreachable ({err}).\n\
                 *** Set {url_var} to a server URL to run this test on {engine}.\n"
            );
            None
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Self::Server { backend, admin_url, name, .. } = self else { return };
        let (backend, admin_url, name) = (*backend, admin_url.clone(), name.clone());
        let label = name.clone();
        // Drop runs outside any runtime guarantee: use a thread of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(async {
                match backend {
                    Backend::Mysql => {
                        let mut admin = AsyncMysqlConnection::establish(&admin_url)
                            .await
                            .map_err(std::io::Error::other)?;
                        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).await
                    }
                    _ => {
                        let mut admin =
                            AsyncPgConnection::establish(&admin_url).await.map_err(std::io::Error::other)?;
                        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await
                    }
                }
                .map_err(std::io::Error::other)
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {label}: {dropped:?}");
        }
    }
}
