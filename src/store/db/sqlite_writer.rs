//! Turns at SQLite's one write lock. Left to themselves, writers that find
//! the lock taken sleep in SQLite's busy handler for growing intervals (up
//! to 100 ms), so under load the lock often stands free while they sleep,
//! and every long write (a batch of deliveries, an import) pushes the
//! others into longer sleeps. Waiting here instead, in arrival order, hands
//! the lock on the moment it is let go. A writer that waits longer than
//! SQLite's own busy timeout goes ahead and lets the busy handler decide,
//! as before, so a caller that nests write transactions on two connections
//! fails as it always did rather than hanging.

use std::time::Duration;

use diesel_async::{AsyncConnection, TransactionManager};
use tokio::sync::{Mutex, MutexGuard};

use super::pool::SqliteConn;

/// How long a writer waits for its turn: SQLite's `busy_timeout`.
const TURN_TIMEOUT: Duration = Duration::from_secs(5);

/// The write lock's queue, for every SQLite database of this process (in
/// practice one: the server's).
static WRITERS: Mutex<()> = Mutex::const_new(());

/// Waits for this writer's turn; hold the answer until the transaction has
/// ended. A connection already inside a transaction has its turn (a nested
/// transaction is a savepoint) and gets none.
pub async fn turn(conn: &mut SqliteConn) -> Option<MutexGuard<'static, ()>> {
    let status = <SqliteConn as AsyncConnection>::TransactionManager::transaction_manager_status_mut(conn);
    if matches!(status.transaction_depth(), Ok(Some(_))) {
        return None;
    }
    tokio::time::timeout(TURN_TIMEOUT, WRITERS.lock()).await.ok()
}

#[cfg(test)]
mod tests {
    use diesel_async::AsyncConnection;

    use super::*;

    #[tokio::test]
    async fn a_transaction_waits_for_its_turn_but_a_nested_one_has_it_already() {
        let mut conn = SqliteConn::establish(":memory:").await.expect("an in-memory database");
        let outer = turn(&mut conn).await;
        assert!(outer.is_some(), "a writer outside any transaction takes a turn");
        assert!(WRITERS.try_lock().is_err(), "and holds it until it lets go");
        let nested = conn
            .transaction(async |conn| Ok::<_, diesel::result::Error>(turn(conn).await.is_none()))
            .await
            .expect("the transaction");
        assert!(nested, "inside a transaction, the turn is already this connection's");
        drop(outer);
        assert!(WRITERS.try_lock().is_ok(), "the next writer goes once the turn is let go");
    }
}
