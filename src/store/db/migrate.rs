//! Embedded migrations, one folder per backend (mirrored by name).

use diesel::{Connection, SqliteConnection};
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::{AsyncMysqlConnection, AsyncPgConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::{DatabaseUrl, Store, StoreError};

const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const MYSQL: EmbeddedMigrations = embed_migrations!("migrations/mysql");

/// The migrations embedded for `backend`.
pub(in crate::store) fn embedded(backend: super::Backend) -> EmbeddedMigrations {
    match backend {
        super::Backend::Postgres => POSTGRES,
        super::Backend::Sqlite => SQLITE,
        super::Backend::Mysql => MYSQL,
    }
}

/// Serialises migrations when several instances start at once against one
/// PostgreSQL database (an arbitrary, fixed advisory lock key).
const POSTGRES_MIGRATION_LOCK: i64 = 0x6361_7365_626f_6f6b; // "casebook"
/// The same on MySQL/MariaDB: a named lock (`GET_LOCK`), held by the
/// migrating connection, waited for up to ten minutes by the others.
const MYSQL_MIGRATION_LOCK: &str = "SELECT GET_LOCK('casebook_migrations', 600)";
const MYSQL_MIGRATION_UNLOCK: &str = "SELECT RELEASE_LOCK('casebook_migrations')";

impl Store {
    /// Applies every pending migration; returns the names of those applied.
    pub async fn run_migrations(&self) -> Result<Vec<String>, StoreError> {
        let url = self.url().clone();
        let handle = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            // The async PostgreSQL connection drives itself on this runtime.
            let _guard = handle.enter();
            migrate_blocking(&url)
        })
        .await
        .map_err(|err| StoreError::Setup(format!("migration task failed: {err}")))?
    }
}

fn migrate_blocking(url: &DatabaseUrl) -> Result<Vec<String>, StoreError> {
    let failed = |err: &dyn std::fmt::Display| StoreError::Setup(format!("migrating {url}: {err}"));
    match url {
        DatabaseUrl::Postgres(raw) => {
            let mut conn =
                AsyncConnectionWrapper::<AsyncPgConnection>::establish(raw).map_err(|err| failed(&err))?;
            use diesel::connection::SimpleConnection;
            conn.batch_execute(&format!("SELECT pg_advisory_lock({POSTGRES_MIGRATION_LOCK})"))
                .map_err(|err| failed(&err))?;
            let applied = applied_names(conn.run_pending_migrations(POSTGRES));
            let unlocked =
                conn.batch_execute(&format!("SELECT pg_advisory_unlock({POSTGRES_MIGRATION_LOCK})"));
            let applied = applied.map_err(|err| failed(&*err))?;
            unlocked.map_err(|err| failed(&err))?;
            Ok(applied)
        }
        DatabaseUrl::Mysql(raw) => {
            let mut conn =
                AsyncConnectionWrapper::<AsyncMysqlConnection>::establish(raw).map_err(|err| failed(&err))?;
            use diesel::connection::SimpleConnection;
            conn.batch_execute(MYSQL_MIGRATION_LOCK).map_err(|err| failed(&err))?;
            let applied = applied_names(conn.run_pending_migrations(MYSQL));
            let unlocked = conn.batch_execute(MYSQL_MIGRATION_UNLOCK);
            let applied = applied.map_err(|err| failed(&*err))?;
            unlocked.map_err(|err| failed(&err))?;
            Ok(applied)
        }
        DatabaseUrl::Sqlite(path) => {
            let mut conn =
                SqliteConnection::establish(&path.to_string_lossy()).map_err(|err| failed(&err))?;
            use diesel::connection::SimpleConnection;
            conn.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;")
                .map_err(|err| failed(&err))?;
            applied_names(conn.run_pending_migrations(SQLITE)).map_err(|err| failed(&*err))
        }
    }
}

type MigrationResult<'a> = diesel::migration::Result<Vec<diesel::migration::MigrationVersion<'a>>>;

fn applied_names(
    result: MigrationResult<'_>,
) -> Result<Vec<String>, Box<dyn std::error::Error + Send + Sync>> {
    Ok(result?.into_iter().map(|version| version.to_string()).collect())
}
