//! What MySQL and MariaDB need beyond the shared query code: the session
//! every pooled connection starts with, the oldest server versions that have
//! what Casebook relies on, and which failures are lock contention (retried)
//! or a lost connection (answered "try again").

use diesel::QueryableByName;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::Text;
use diesel_async::{
    AnsiTransactionManager, AsyncConnection, AsyncMysqlConnection, RunQueryDsl, SimpleAsyncConnection,
    TransactionManager,
};

use super::StoreError;

/// Set on every new connection, after diesel-async's own setup (UTC time
/// zone, utf8mb4 client character set): strict SQL, so a value that does not
/// fit fails instead of being cut; and READ COMMITTED, PostgreSQL's default
/// isolation, so a transaction sees rows others committed meanwhile and takes
/// no gap locks (fewer deadlocks between concurrent creates).
const SESSION: &str = "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,\
     ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'; \
     SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";

/// Opens a connection with the [`SESSION`] settings (the pool's setup hook).
pub(super) async fn establish(url: String) -> diesel::ConnectionResult<AsyncMysqlConnection> {
    let mut conn = AsyncMysqlConnection::establish(&url).await?;
    conn.batch_execute(SESSION).await.map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
    Ok(conn)
}

/// MariaDB 10.6 and MySQL 8.0 are the first with `FOR UPDATE SKIP LOCKED`,
/// which the scan queue needs.
const OLDEST_MARIADB: (u32, u32) = (10, 6);
const OLDEST_MYSQL: (u32, u32) = (8, 0);

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Text)]
    version: String,
}

/// Refuses a server older than MariaDB 10.6 or MySQL 8.0, naming the version found.
pub(super) async fn check_version(conn: &mut AsyncMysqlConnection) -> Result<String, StoreError> {
    let rows: Vec<Version> = diesel::sql_query("SELECT VERSION() AS version").load(conn).await?;
    let found = rows.into_iter().next().map(|row| row.version).unwrap_or_default();
    supported(&found)?;
    Ok(found)
}

/// Whether `version` (as `SELECT VERSION()` prints it, such as
/// `10.11.19-MariaDB-0+deb12u1` or `8.0.36`) is new enough.
fn supported(version: &str) -> Result<(), StoreError> {
    let mariadb = version.to_ascii_lowercase().contains("mariadb");
    let oldest = if mariadb { OLDEST_MARIADB } else { OLDEST_MYSQL };
    let mut numbers = version.split(|c: char| !c.is_ascii_digit()).map(|part| part.parse::<u32>().ok());
    let found = (numbers.next().flatten(), numbers.next().flatten());
    match found {
        (Some(major), Some(minor)) if (major, minor) >= oldest => Ok(()),
        _ => {
            let (engine, (major, minor)) = if mariadb { ("MariaDB", oldest) } else { ("MySQL", oldest) };
            Err(StoreError::Setup(format!(
                "the database server is version {version:?}; Casebook needs {engine} {major}.{minor} or newer \
                 (for FOR UPDATE SKIP LOCKED)"
            )))
        }
    }
}

/// Whether `err` is a deadlock or a lock wait timeout: the transaction was
/// rolled back (or its statement was) and running it again may succeed.
/// The driver passes MySQL's error numbers (1213, 1205) on only as text.
pub fn is_contention(err: &DieselError) -> bool {
    match err {
        DieselError::DatabaseError(DatabaseErrorKind::Unknown, info) => {
            let message = info.message();
            message.starts_with("Deadlock found") || message.starts_with("Lock wait timeout exceeded")
        }
        _ => false,
    }
}

/// `result` of a statement on `conn`, with a failure that a lost
/// connection explains reported as [`StoreError::ConnectionLost`]: the
/// driver passes no error number on for a closed socket, so a trivial
/// statement sent after a failure tells them apart (only failures pay it).
pub async fn settle<T>(
    conn: &mut AsyncMysqlConnection,
    result: Result<T, StoreError>,
) -> Result<T, StoreError> {
    let lost = match result {
        Err(StoreError::Query(err)) => match conn.batch_execute("SELECT 1").await {
            Err(_) => err,
            Ok(()) => return Err(StoreError::Query(err)),
        },
        Err(StoreError::ConnectionLost(err)) => err,
        other => return other,
    };
    <AnsiTransactionManager as TransactionManager<AsyncMysqlConnection>>::transaction_manager_status_mut(
        conn,
    )
    .set_in_error();
    Err(StoreError::ConnectionLost(lost))
}

/// How many times a transaction that lost a deadlock or timed out waiting
/// for a lock runs again before its caller is told to try again.
pub const CONTENTION_RETRIES: u32 = 4;

/// The pause before retry `attempt` (1-based): 5, 10, 20, 40 ms, so
/// transactions that deadlocked each other do not collide again at once.
pub fn contention_backoff(attempt: u32) -> std::time::Duration {
    std::time::Duration::from_millis(5 << attempt.saturating_sub(1).min(6))
}

/// Whether an error that ended a transaction is worth running it again for.
pub trait Contended {
    /// A deadlock or lock wait timeout.
    fn is_contention(&self) -> bool;
}

impl Contended for StoreError {
    fn is_contention(&self) -> bool {
        matches!(self, Self::Contention(_))
    }
}

impl Contended for DieselError {
    fn is_contention(&self) -> bool {
        is_contention(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_with_skip_locked_are_accepted() {
        for version in ["10.6.0-MariaDB", "10.11.19-MariaDB-0+deb12u1", "11.4.2-MariaDB", "8.0.36", "9.1.0"] {
            assert!(supported(version).is_ok(), "{version} was refused");
        }
    }

    #[test]
    fn older_versions_are_refused_by_name() {
        for (version, needed) in
            [("10.5.23-MariaDB", "MariaDB 10.6"), ("5.7.44-log", "MySQL 8.0"), ("", "MySQL 8.0")]
        {
            let err = supported(version).expect_err("refused").to_string();
            assert!(err.contains(needed) && err.contains(&format!("{version:?}")), "{err}");
        }
    }
}
