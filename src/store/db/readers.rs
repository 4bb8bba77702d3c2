//! PostgreSQL connections shared by concurrent single-statement reads.
//!
//! A pooled connection serves one caller at a time: a read checks it out,
//! sends its query, waits for the answer and checks it back in, and each
//! step wakes another task or process. A connection shared through
//! `&AsyncPgConnection` pipelines instead: tokio-postgres writes the queries
//! of all its waiting callers in one go and reads the answers back as they
//! come, so a few connections carry many readers with fewer round trips and
//! wake-ups. PostgreSQL still runs one connection's statements one after
//! another, each in its own implicit transaction, so a shared connection
//! never holds a transaction (see [`super::DbConn::SharedPostgres`]).
//!
//! Because a connection answers its statements in order, one slow statement
//! (or a backend the OS has not scheduled for a while) holds up every read
//! queued behind it. So each read takes the connection with the fewest
//! readers on it right now, and reads flow around a stalled one.
//!
//! Each shared connection's socket is driven by a task of its own, which
//! marks the connection lost as soon as it closes (the server restarted, or
//! the backend was terminated). Reads then use the other shared connections
//! (the pool, when none is left) while that slot is connected again in the
//! background, and a statement that failed because its connection was
//! closed under it reports the connection lost (callers answer "try again")
//! rather than a failed query.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use diesel_async::AsyncPgConnection;
use tokio_util::sync::CancellationToken;

use super::StoreError;

/// The shared connections' `application_name` (as `pg_stat_activity` shows it).
pub const APPLICATION_NAME: &str = "casebook-reader";

/// How long a lost connection's slot waits between attempts to connect again.
const RECONNECT_EVERY: Duration = Duration::from_secs(1);
/// How long a failed statement waits to learn whether its connection is
/// closing: a server ending a connection sends the reason (which is what
/// the statement fails with) and then closes the socket at once.
const CLOSE_GRACE: Duration = Duration::from_millis(100);

/// A fixed number of shared connections, handed out in turn.
pub(super) struct SharedReaders {
    url: String,
    slots: Box<[Slot]>,
    next: AtomicUsize,
}

/// One shared connection, or none while a lost one is being replaced.
#[derive(Default)]
struct Slot {
    current: Mutex<Option<Arc<SharedConn>>>,
    reconnecting: AtomicBool,
}

/// A PostgreSQL connection that many readers use at once.
pub struct SharedConn {
    conn: AsyncPgConnection,
    /// Cancelled when the socket closes.
    lost: CancellationToken,
    /// Readers holding a [`SharedLease`] on it right now.
    in_use: AtomicUsize,
}

/// One reader's use of a shared connection: counted in the connection's
/// `in_use` until dropped.
pub struct SharedLease(Arc<SharedConn>);

impl SharedLease {
    fn new(conn: Arc<SharedConn>) -> Self {
        conn.in_use.fetch_add(1, Ordering::Relaxed);
        Self(conn)
    }
}

impl std::ops::Deref for SharedLease {
    type Target = SharedConn;

    fn deref(&self) -> &SharedConn {
        &self.0
    }
}

impl Drop for SharedLease {
    fn drop(&mut self) {
        self.0.in_use.fetch_sub(1, Ordering::Relaxed);
    }
}

impl SharedConn {
    /// Connects to `url`, driving the socket on a task that marks the
    /// connection lost when it ends.
    async fn connect(url: &str) -> Result<Self, StoreError> {
        let failed =
            |err: &dyn std::fmt::Display| StoreError::Setup(format!("cannot open a shared reader: {err}"));
        let (client, socket) =
            tokio_postgres::connect(url, tokio_postgres::NoTls).await.map_err(|err| failed(&err))?;
        let lost = CancellationToken::new();
        let marks_lost = lost.clone();
        tokio::spawn(async move {
            if let Err(err) = socket.await {
                tracing::warn!(error = %err, "a shared reader's connection failed");
            }
            marks_lost.cancel();
        });
        let conn = AsyncPgConnection::try_from(client).await.map_err(|err| failed(&err))?;
        Ok(Self { conn, lost, in_use: AtomicUsize::new(0) })
    }

    /// The connection, for queries through a shared reference.
    pub fn conn(&self) -> &AsyncPgConnection {
        &self.conn
    }

    fn is_lost(&self) -> bool {
        self.lost.is_cancelled()
    }

    /// `result` of a statement on this connection, with a failure that the
    /// connection's closing explains reported as [`StoreError::ConnectionLost`]
    /// (diesel-async does not pass PostgreSQL's error codes on, so an
    /// administrator's "terminating connection" cannot be told apart from
    /// other failures by the error alone). Only failures wait, and at most
    /// [`CLOSE_GRACE`].
    pub async fn settle<T>(&self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        match result {
            Err(StoreError::Query(err)) => {
                let closed = tokio::time::timeout(CLOSE_GRACE, self.lost.cancelled()).await.is_ok();
                Err(if closed { StoreError::ConnectionLost(err) } else { StoreError::Query(err) })
            }
            other => other,
        }
    }
}

impl SharedReaders {
    /// Opens `count` (at least one) shared connections to `url`.
    pub(super) async fn connect(url: &str, count: usize) -> Result<Self, StoreError> {
        let url = super::database_url::postgres_session_url(url, APPLICATION_NAME);
        let slots: Box<[Slot]> = (0..count.max(1)).map(|_| Slot::default()).collect();
        for slot in &slots {
            *slot.lock() = Some(Arc::new(SharedConn::connect(&url).await?));
        }
        Ok(Self { url, slots, next: AtomicUsize::new(0) })
    }

    /// How many of the shared connections are connected right now, and
    /// how many there are in all.
    pub(super) fn connected(&self) -> (usize, usize) {
        let live =
            self.slots.iter().filter(|slot| slot.lock().as_ref().is_some_and(|conn| !conn.is_lost())).count();
        (live, self.slots.len())
    }

    /// The connected shared connection with the fewest readers on it (ties
    /// go round the slots in turn), so reads queue behind a slow or stalled
    /// connection only while every other one is as busy; the scan stops at
    /// the first idle one. `None` when all are lost: the caller should use
    /// the pool. A lost one found on the way is replaced in the background.
    pub(super) fn pick(self: &Arc<Self>) -> Option<SharedLease> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let (mut best, mut fewest) = (None, usize::MAX);
        for offset in 0..self.slots.len() {
            let index = (start + offset) % self.slots.len();
            let slot = &self.slots[index];
            let current = slot.lock();
            if let Some(conn) = current.as_ref().filter(|conn| !conn.is_lost()) {
                let in_use = conn.in_use.load(Ordering::Relaxed);
                if in_use < fewest {
                    (best, fewest) = (Some(Arc::clone(conn)), in_use);
                }
            } else {
                drop(current);
                if !slot.reconnecting.swap(true, Ordering::AcqRel) {
                    tokio::spawn(Arc::clone(self).reconnect(index));
                }
            }
            if fewest == 0 {
                break; // none can have fewer
            }
        }
        best.map(SharedLease::new)
    }

    /// Replaces slot `index`'s lost connection, trying until it succeeds.
    /// Readers still holding the old one finish with it (their queries fail).
    async fn reconnect(self: Arc<Self>, index: usize) {
        let slot = &self.slots[index];
        *slot.lock() = None;
        loop {
            match SharedConn::connect(&self.url).await {
                Ok(conn) => {
                    *slot.lock() = Some(Arc::new(conn));
                    break;
                }
                Err(err) => {
                    tracing::warn!(error = %err, "reads use the pool until the shared reader reconnects");
                    tokio::time::sleep(RECONNECT_EVERY).await;
                }
            }
        }
        slot.reconnecting.store(false, Ordering::Release);
    }
}

impl Slot {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Arc<SharedConn>>> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
