//! Connection pools for every backend and the connection handle that queries
//! are written against.

use std::time::Duration;

use diesel::SqliteConnection;
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod};
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncConnection, AsyncMysqlConnection, AsyncPgConnection, SimpleAsyncConnection};

use super::readers::{SharedConn, SharedLease, SharedReaders};
use super::{DatabaseUrl, StoreError, postgres_session_url};

/// SQLite connections are synchronous; diesel-async runs them on blocking threads.
pub type SqliteConn = SyncConnectionWrapper<SqliteConnection>;
type PgManager = AsyncDieselConnectionManager<AsyncPgConnection>;
type SqliteManager = AsyncDieselConnectionManager<SqliteConn>;
type MysqlManager = AsyncDieselConnectionManager<AsyncMysqlConnection>;

/// Pragmas set on every new SQLite connection: enforce foreign keys, wait for
/// the write lock instead of failing, and use WAL so readers never block writers.
const SQLITE_PRAGMAS: &str = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
     PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";

/// The pooled PostgreSQL connections' `application_name` (as
/// `pg_stat_activity` shows it), so an operator can tell them from the
/// shared readers and the change feed.
pub const APPLICATION_NAME: &str = "casebook-pool";

/// How long a request waits for a pooled connection before failing.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(10);

/// Which database engine a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite (the default).
    Sqlite,
    /// PostgreSQL (production).
    Postgres,
    /// MySQL or MariaDB (production).
    Mysql,
}

impl Backend {
    /// A lowercase name for logs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
            Self::Mysql => "mysql",
        }
    }
}

#[derive(Clone)]
enum Pools {
    Postgres(bb8::Pool<PgManager>),
    Sqlite(bb8::Pool<SqliteManager>),
    Mysql(bb8::Pool<MysqlManager>),
}

/// A pool of connections to one database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pools: Pools,
    url: DatabaseUrl,
    waiting: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    readers: Option<std::sync::Arc<SharedReaders>>,
}

/// The pool's connections right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections open.
    pub open: u32,
    /// Of those, idle.
    pub idle: u32,
    /// Callers waiting for a connection.
    pub waiting: usize,
}

/// The shared PostgreSQL readers right now (see [`super::readers`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SharedReaderStatus {
    /// Connected and in use.
    pub connected: usize,
    /// Lost and being connected again (reads use the others meanwhile, or
    /// the pool when none is left).
    pub lost: usize,
}

/// A connection checked out of the pool; returned to it when dropped.
// Short-lived and on the stack: boxing the larger variant would cost an
// allocation per checkout for no gain.
#[allow(clippy::large_enum_variant)]
pub enum PooledConn {
    /// A PostgreSQL connection.
    Postgres(bb8::PooledConnection<'static, PgManager>),
    /// A SQLite connection.
    Sqlite(bb8::PooledConnection<'static, SqliteManager>),
    /// A MySQL or MariaDB connection.
    Mysql(bb8::PooledConnection<'static, MysqlManager>),
}

/// A connection for reads of one statement each, outside any transaction:
/// on PostgreSQL one shared with concurrent readers (see
/// [`super::readers`]), on SQLite a pooled one.
#[allow(clippy::large_enum_variant)]
pub enum ReadConn {
    /// A shared PostgreSQL connection.
    Shared(SharedLease),
    /// A connection of the pool.
    Pooled(PooledConn),
}

impl ReadConn {
    /// Borrows the connection for queries.
    pub fn db(&mut self) -> DbConn<'_> {
        match self {
            Self::Shared(conn) => DbConn::SharedPostgres(conn),
            Self::Pooled(conn) => conn.db(),
        }
    }
}

/// A borrowed connection of any backend: what every query takes.
pub enum DbConn<'a> {
    /// A PostgreSQL connection.
    Postgres(&'a mut AsyncPgConnection),
    /// A PostgreSQL connection shared with concurrent readers: one statement
    /// at a time, never a transaction.
    SharedPostgres(&'a SharedConn),
    /// A SQLite connection.
    Sqlite(&'a mut SqliteConn),
    /// A MySQL or MariaDB connection.
    Mysql(&'a mut AsyncMysqlConnection),
}

impl DbConn<'_> {
    /// The engine this connection talks to.
    pub fn backend(&self) -> Backend {
        match self {
            Self::Postgres(_) | Self::SharedPostgres(_) => Backend::Postgres,
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Mysql(_) => Backend::Mysql,
        }
    }
}

impl PooledConn {
    /// Borrows the connection for queries.
    pub fn db(&mut self) -> DbConn<'_> {
        match self {
            Self::Postgres(conn) => DbConn::Postgres(conn),
            Self::Sqlite(conn) => DbConn::Sqlite(conn),
            Self::Mysql(conn) => DbConn::Mysql(conn),
        }
    }
}

/// `result` of a statement on the pooled connection `conn`, with a failure
/// that the connection's closing explains reported as
/// [`StoreError::ConnectionLost`] (callers answer "try again"), not as a
/// failed query. diesel-async passes no SQLSTATE on, so a server ending the
/// connection mid-statement ("terminating connection due to administrator
/// command") fails like any other query; a trivial statement sent after it
/// tells them apart, as on a closed connection it cannot be sent at all.
/// Only failures pay that round trip. The pool drops a closed connection
/// when it is checked back in.
pub async fn settle_pooled<T>(
    conn: &mut AsyncPgConnection,
    result: Result<T, StoreError>,
) -> Result<T, StoreError> {
    match result {
        Err(StoreError::Query(err)) => match conn.batch_execute("SELECT 1").await.map_err(StoreError::from) {
            Err(StoreError::ConnectionLost(_)) => Err(StoreError::ConnectionLost(err)),
            _ => Err(StoreError::Query(err)),
        },
        other => other,
    }
}

fn pool_builder<M: bb8::ManageConnection>(pool_size: u32) -> bb8::Builder<M> {
    bb8::Pool::builder()
        .max_size(pool_size)
        .min_idle(Some(1))
        .connection_timeout(CHECKOUT_TIMEOUT)
        // A dead connection fails its query and is dropped; a ping before
        // every checkout would double the round trips.
        .test_on_check_out(false)
}

impl Store {
    /// Opens a pool of `pool_size` connections to `url` and, on PostgreSQL,
    /// `read_connections` connections shared by concurrent reads (none when
    /// zero: reads then use the pool). Fails when the database cannot be
    /// reached.
    pub async fn connect(
        url: &DatabaseUrl,
        pool_size: u32,
        read_connections: usize,
    ) -> Result<Self, StoreError> {
        let pools = match url {
            DatabaseUrl::Postgres(raw) => {
                let mut config = ManagerConfig::<AsyncPgConnection>::default();
                config.recycling_method = RecyclingMethod::Fast;
                let manager = PgManager::new_with_config(postgres_session_url(raw, APPLICATION_NAME), config);
                let pool = pool_builder(pool_size)
                    .build(manager)
                    .await
                    .map_err(|err| StoreError::Setup(format!("cannot connect to {url}: {err}")))?;
                Pools::Postgres(pool)
            }
            DatabaseUrl::Sqlite(path) => {
                let mut config = ManagerConfig::<SqliteConn>::default();
                config.recycling_method = RecyclingMethod::Fast;
                config.custom_setup = Box::new(|path| {
                    let path = path.to_owned();
                    Box::pin(async move {
                        let mut conn = SqliteConn::establish(&path).await?;
                        conn.batch_execute(SQLITE_PRAGMAS)
                            .await
                            .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                        Ok(conn)
                    })
                });
                let manager = SqliteManager::new_with_config(path.to_string_lossy(), config);
                let pool = pool_builder(pool_size)
                    .build(manager)
                    .await
                    .map_err(|err| StoreError::Setup(format!("cannot open {url}: {err}")))?;
                Pools::Sqlite(pool)
            }
            DatabaseUrl::Mysql(raw) => {
                let mut config = ManagerConfig::<AsyncMysqlConnection>::default();
                config.recycling_method = RecyclingMethod::Fast;
                config.custom_setup = Box::new(|url| Box::pin(super::mysql::establish(url.to_owned())));
                let manager = MysqlManager::new_with_config(raw, config);
                let pool = pool_builder(pool_size)
                    .build(manager)
                    .await
                    .map_err(|err| StoreError::Setup(format!("cannot connect to {url}: {err}")))?;
                Pools::Mysql(pool)
            }
        };
        if let Pools::Mysql(pool) = &pools {
            let mut conn = pool.get().await?;
            let version = super::mysql::check_version(&mut conn).await?;
            tracing::info!(%version, "connected to MySQL/MariaDB");
        }
        let readers = match url {
            DatabaseUrl::Postgres(raw) if read_connections > 0 => {
                Some(std::sync::Arc::new(SharedReaders::connect(raw, read_connections).await?))
            }
            _ => None,
        };
        Ok(Self { pools, url: url.clone(), waiting: Default::default(), readers })
    }

    /// A connection for reads of one statement each, outside any
    /// transaction: a shared one where the backend has them, else a pooled
    /// one.
    pub async fn reader(&self) -> Result<ReadConn, StoreError> {
        if let Some(shared) = self.readers.as_ref().and_then(SharedReaders::pick) {
            return Ok(ReadConn::Shared(shared));
        }
        Ok(ReadConn::Pooled(self.conn().await?))
    }

    /// Checks a connection out of the pool.
    pub async fn conn(&self) -> Result<PooledConn, StoreError> {
        let _waiting = crate::platform::counted::Counted::enter(&self.waiting);
        let conn = match &self.pools {
            Pools::Postgres(pool) => pool.get_owned().await.map(PooledConn::Postgres),
            Pools::Sqlite(pool) => pool.get_owned().await.map(PooledConn::Sqlite),
            Pools::Mysql(pool) => pool.get_owned().await.map(PooledConn::Mysql),
        };
        Ok(conn?)
    }

    /// The pool's connections right now.
    pub fn pool_status(&self) -> PoolStatus {
        let state = match &self.pools {
            Pools::Postgres(pool) => pool.state(),
            Pools::Sqlite(pool) => pool.state(),
            Pools::Mysql(pool) => pool.state(),
        };
        PoolStatus {
            open: state.connections,
            idle: state.idle_connections,
            waiting: self.waiting.load(std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// The shared readers right now: all zero where there are none
    /// (SQLite, or none configured).
    pub fn shared_reader_status(&self) -> SharedReaderStatus {
        let (connected, all) = self.readers.as_ref().map_or((0, 0), |readers| readers.connected());
        SharedReaderStatus { connected, lost: all - connected }
    }

    /// The engine behind this store.
    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    /// The database URL (its `Display` hides any password).
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_request_that_gives_up_waiting_for_a_connection_is_not_counted_waiting() {
        let directory = tempfile::tempdir().expect("temporary directory");
        let url = DatabaseUrl::parse(&format!("sqlite://{}", directory.path().join("pool.db").display()))
            .expect("url");
        let store = Store::connect(&url, 1, 0).await.expect("store");
        let held = store.conn().await.expect("the only connection");
        let gave_up = tokio::time::timeout(Duration::from_millis(50), store.conn()).await;
        assert!(gave_up.is_err(), "a second connection out of a pool of one");
        assert_eq!(store.pool_status().waiting, 0, "the caller that gave up still counts as waiting");
        drop(held);
    }
}
