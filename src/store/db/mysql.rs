//! What MySQL and MariaDB need beyond the shared query code: the session
//! every pooled connection starts with, the oldest server versions that have
//! what Casebook relies on, and which failures are lock contention (retried)
//! or a lost connection (answered "try again").

use diesel::QueryableByName;
use diesel::connection::TransactionManagerStatus;
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
pub(crate) async fn establish(url: String) -> diesel::ConnectionResult<AsyncMysqlConnection> {
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

/// A statement running outside a transaction of its own: the connection
/// counts as broken until [`InFlight::clear`], so if the statement's future
/// is dropped midway the pool drops the connection. It borrows the
/// transaction manager's error state for the purpose (diesel-async reports
/// a connection broken exactly then), saving the state it replaces, so the
/// statement may run inside a caller's transaction too.
pub struct InFlight(TransactionManagerStatus);

impl InFlight {
    /// Marks `conn` broken until cleared.
    pub fn mark(conn: &mut AsyncMysqlConnection) -> Self {
        Self(std::mem::replace(status(conn), TransactionManagerStatus::InError))
    }

    /// The statement ended: `conn` is as it was before.
    pub fn clear(self, conn: &mut AsyncMysqlConnection) {
        *status(conn) = self.0;
    }
}

fn status(conn: &mut AsyncMysqlConnection) -> &mut TransactionManagerStatus {
    <AnsiTransactionManager as TransactionManager<AsyncMysqlConnection>>::transaction_manager_status_mut(conn)
}

/// The error a transaction on `conn` failed with, or, when the connection
/// turns out to be gone, a lost connection (and the connection marked
/// broken so the pool drops it).
pub async fn settle_transaction<E: From<DieselError>>(conn: &mut AsyncMysqlConnection, err: E) -> E {
    if conn.batch_execute("SELECT 1").await.is_ok() {
        return err;
    }
    status(conn).set_in_error();
    E::from(DieselError::DatabaseError(
        DatabaseErrorKind::ClosedConnection,
        Box::new("the connection was lost during a transaction".to_owned()),
    ))
}

/// Whether `conn` is inside a transaction.
pub fn in_transaction(conn: &mut AsyncMysqlConnection) -> bool {
    matches!(status(conn).transaction_depth(), Ok(Some(_)))
}

/// Runs `$pair` (an async closure: a write and the read back of its row) on
/// `$conn` atomically: as it is inside the caller's transaction, which most
/// writes already run in, or else in a transaction of its own. A savepoint
/// inside the caller's transaction would cost two round trips for nothing.
macro_rules! atomically {
    ($conn:ident, $pair:ident) => {
        if $crate::store::db::mysql::in_transaction($conn) {
            $pair(&mut **$conn).await
        } else {
            diesel_async::AsyncConnection::transaction(&mut **$conn, $pair).await
        }
    };
}
pub(crate) use atomically;

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
    use crate::store::{DatabaseUrl, Store, db_run, db_transaction};

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

    /// The MariaDB server the tests use, or `None` (after a notice) when
    /// none answers and `CASEBOOK_REQUIRE_MYSQL` is not set.
    async fn test_server() -> Option<String> {
        let url =
            std::env::var("CASEBOOK_TEST_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
        match AsyncMysqlConnection::establish(&url).await {
            Ok(_) => Some(url.trim_end_matches('/').to_owned()),
            Err(err) if std::env::var_os("CASEBOOK_REQUIRE_MYSQL").is_some() => {
                panic!("MySQL at {url}: {err}")
            }
            Err(err) => {
                eprintln!("\n*** SKIPPED: MySQL at {url} is unreachable ({err}).\n");
                None
            }
        }
    }

    async fn execute(conn: &mut crate::store::DbConn<'_>, statement: &str) -> Result<(), StoreError> {
        db_run!(conn: {
            diesel::sql_query(statement).execute(conn).await?;
            Ok(())
        })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_transaction_that_loses_a_deadlock_runs_again() {
        let Some(server) = test_server().await else { return };
        let name = format!("casebook_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = AsyncMysqlConnection::establish(&server).await.expect("admin");
        admin.batch_execute(&format!("CREATE DATABASE {name}")).await.expect("database");
        let url = format!("{server}/{name}");
        let mut other = establish(url.clone()).await.expect("other connection");
        other
            .batch_execute(
                "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL); INSERT INTO t VALUES (1, 0), (2, 0); \
                 CREATE TABLE filler (id INT PRIMARY KEY)",
            )
            .await
            .expect("tables");
        // The other transaction holds row 2 and has written more rows than
        // ours will, so InnoDB picks ours as the deadlock's victim.
        other
            .batch_execute(
                "BEGIN; INSERT INTO filler WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) \
                 SELECT i FROM n; UPDATE t SET v = v + 1 WHERE id = 2",
            )
            .await
            .expect("the other transaction starts");
        let other = tokio::sync::Mutex::new(Some(other));
        let store = Store::connect(&DatabaseUrl::Mysql(url), 2, 0).await.expect("store");
        let mut pooled = store.conn().await.expect("connection");
        let conn = &mut pooled.db();
        let attempts = std::sync::atomic::AtomicU32::new(0);

        let result = db_transaction!(conn, |tx| {
            let attempt = attempts.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            execute(tx, "UPDATE t SET v = v + 1 WHERE id = 1").await?;
            if let Some(mut other) = other.lock().await.take() {
                // It now waits for our row 1 while we wait for its row 2.
                tokio::spawn(async move {
                    other
                        .batch_execute("UPDATE t SET v = v + 1 WHERE id = 1; COMMIT")
                        .await
                        .expect("it commits");
                });
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            }
            execute(tx, "UPDATE t SET v = v + 1 WHERE id = 2").await?;
            Ok::<_, StoreError>(attempt)
        });

        let values: Vec<(i32, i32)> = {
            let mut check = establish(format!("{server}/{name}")).await.expect("check");
            diesel::sql_query("SELECT id, v FROM t ORDER BY id")
                .load::<Row>(&mut check)
                .await
                .expect("values")
                .into_iter()
                .map(|row| (row.id, row.v))
                .collect()
        };
        admin.batch_execute(&format!("DROP DATABASE {name}")).await.expect("drop");
        assert_eq!(result.expect("the transaction succeeds in the end"), 2, "it ran twice");
        assert_eq!(values, vec![(1, 2), (2, 2)], "both transactions' updates, each once");
    }

    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        id: i32,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        v: i32,
    }
}
