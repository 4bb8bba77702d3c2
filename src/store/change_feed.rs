//! A feed of short change notices between the instances that share one
//! database. On PostgreSQL it is `LISTEN`/`NOTIFY` on one channel; on
//! MySQL/MariaDB, which have no such thing, a change log table that each
//! instance polls (see [`super::change_log`]). Either way a notice sent
//! inside a transaction is delivered when it commits, and not at all if it
//! rolls back. SQLite has one instance per database file, so there the feed
//! carries nothing and [`ChangeFeed::subscribe`] returns `None`.

use std::pin::pin;
use std::time::Duration;

use diesel::sql_types::Text;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use futures::StreamExt;

use super::change_log::{self, Poller};
use super::db::postgres_session_url;
use super::{DatabaseUrl, DbConn, StoreError};

/// The one channel every Casebook instance listens on.
const CHANNEL: &str = "casebook_changes";
/// The feed connection's `application_name` (as `pg_stat_activity` shows it).
pub const APPLICATION_NAME: &str = "casebook-changes";
/// How often a quiet PostgreSQL feed checks its connection is still alive
/// (a silent network failure shows no error until something is sent).
const PING_EVERY: Duration = Duration::from_secs(15);

/// Sends `notice` to every listening instance (this one included) when the
/// surrounding transaction commits; at once outside a transaction. Does
/// nothing on SQLite.
pub async fn publish(conn: &mut DbConn<'_>, notice: &str) -> Result<(), StoreError> {
    let notify =
        diesel::sql_query("SELECT pg_notify($1, $2)").bind::<Text, _>(CHANNEL).bind::<Text, _>(notice);
    match conn {
        DbConn::Postgres(conn) => {
            notify.execute(&mut **conn).await?;
        }
        DbConn::SharedPostgres(shared) => {
            notify.execute(&mut shared.conn()).await?;
        }
        DbConn::Mysql(conn) => change_log::publish(conn, notice).await?,
        DbConn::Sqlite(_) => {}
    };
    Ok(())
}

/// A dedicated connection that hears notices.
pub struct ChangeFeed(Feed);

enum Feed {
    /// Listening on PostgreSQL.
    Postgres(Box<AsyncPgConnection>),
    /// Polling MySQL/MariaDB's change log.
    Mysql(Box<Poller>),
}

impl ChangeFeed {
    /// Opens a connection to `url` for the feed (not from the pool: it stays
    /// busy for the life of the feed). On MySQL/MariaDB it polls every
    /// `poll_every`. `None` on SQLite.
    pub async fn subscribe(url: &DatabaseUrl, poll_every: Duration) -> Result<Option<Self>, StoreError> {
        match url {
            DatabaseUrl::Sqlite(_) => Ok(None),
            DatabaseUrl::Mysql(raw) => {
                Ok(Some(Self(Feed::Mysql(Box::new(Poller::connect(raw, poll_every).await?)))))
            }
            DatabaseUrl::Postgres(raw) => {
                let named = postgres_session_url(raw, APPLICATION_NAME);
                let mut conn = AsyncPgConnection::establish(&named).await.map_err(|err| {
                    StoreError::Setup(format!("cannot open the change feed on {url}: {err}"))
                })?;
                conn.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
                Ok(Some(Self(Feed::Postgres(Box::new(conn)))))
            }
        }
    }

    /// The next notice. An error means the connection is gone and notices
    /// may have been missed. Not cancel-safe: await it to the end.
    pub async fn next(&mut self) -> Result<String, StoreError> {
        match &mut self.0 {
            Feed::Mysql(poller) => poller.next().await,
            Feed::Postgres(conn) => loop {
                let next = tokio::time::timeout(PING_EVERY, pin!(conn.notifications_stream()).next()).await;
                match next {
                    Ok(Some(Ok(notice))) => return Ok(notice.payload),
                    Ok(Some(Err(err))) => return Err(err.into()),
                    Ok(None) => {
                        return Err(StoreError::Setup("the change feed's connection closed".to_owned()));
                    }
                    // Quiet: make sure the connection is still alive.
                    Err(_quiet) => conn.batch_execute("SELECT 1").await?,
                }
            },
        }
    }
}
