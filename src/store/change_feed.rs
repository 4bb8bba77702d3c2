//! A feed of short change notices between the instances that share one
//! PostgreSQL database (`LISTEN`/`NOTIFY` on one channel). A notice sent
//! inside a transaction is delivered when it commits, and not at all if it
//! rolls back. SQLite has one instance per database file, so there the feed
//! carries nothing and [`ChangeFeed::subscribe`] returns `None`.

use std::pin::pin;

use diesel::sql_types::Text;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use futures::StreamExt;

use super::{DatabaseUrl, DbConn, StoreError};

/// The one channel every Casebook instance listens on.
const CHANNEL: &str = "casebook_changes";
/// The feed connection's `application_name` (as `pg_stat_activity` shows it).
pub const APPLICATION_NAME: &str = "casebook-changes";

/// Sends `notice` to every listening instance (this one included) when the
/// surrounding transaction commits; at once outside a transaction. Does
/// nothing on SQLite.
pub async fn publish(conn: &mut DbConn<'_>, notice: &str) -> Result<(), StoreError> {
    let notify =
        diesel::sql_query("SELECT pg_notify($1, $2)").bind::<Text, _>(CHANNEL).bind::<Text, _>(notice);
    match conn {
        DbConn::Postgres(conn) => notify.execute(&mut **conn).await?,
        DbConn::SharedPostgres(shared) => notify.execute(&mut shared.conn()).await?,
        DbConn::Sqlite(_) => 0,
    };
    Ok(())
}

/// A dedicated connection listening for notices.
pub struct ChangeFeed {
    conn: AsyncPgConnection,
}

impl ChangeFeed {
    /// Opens a listening connection to `url` (not from the pool: it stays
    /// busy for the life of the feed). `None` on SQLite.
    pub async fn subscribe(url: &DatabaseUrl) -> Result<Option<Self>, StoreError> {
        let DatabaseUrl::Postgres(raw) = url else {
            return Ok(None);
        };
        let separator = if raw.contains('?') { '&' } else { '?' };
        let named = format!("{raw}{separator}application_name={APPLICATION_NAME}");
        let mut conn = AsyncPgConnection::establish(&named)
            .await
            .map_err(|err| StoreError::Setup(format!("cannot open the change feed on {url}: {err}")))?;
        conn.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
        Ok(Some(Self { conn }))
    }

    /// The next notice. An error means the connection is gone and notices
    /// may have been missed. Cancel-safe: a notice is never lost by dropping
    /// this future.
    pub async fn next(&mut self) -> Result<String, StoreError> {
        match pin!(self.conn.notifications_stream()).next().await {
            Some(Ok(notice)) => Ok(notice.payload),
            Some(Err(err)) => Err(err.into()),
            None => Err(StoreError::Setup("the change feed's connection closed".to_owned())),
        }
    }

    /// Checks the connection is still alive (a silent network failure shows
    /// no error until something is sent).
    pub async fn ping(&mut self) -> Result<(), StoreError> {
        Ok(self.conn.batch_execute("SELECT 1").await?)
    }
}
