//! Saving, loading and ending sessions.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::accounts::AccountRow;
use super::schema::{accounts, sessions};
use crate::ids::{AccountId, SessionId};

use super::{DbConn, DbTime, StoreError, db_run};

/// A session as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    /// Session id (UUIDv4: reveals nothing about when it was made).
    pub id: SessionId,
    /// The signed-in account.
    pub account_id: AccountId,
    /// When the session began.
    #[diesel(deserialize_as = DbTime, serialize_as = DbTime)]
    pub created_at: DateTime<Utc>,
    /// When the session stops being accepted.
    #[diesel(deserialize_as = DbTime, serialize_as = DbTime)]
    pub expires_at: DateTime<Utc>,
}

/// Inserts a session.
pub async fn insert(conn: &mut DbConn<'_>, session: SessionRow) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::insert_into(sessions::table).values(session).execute(conn).await?;
        Ok(())
    })
}

/// Loads a session together with its account, in one round trip.
pub async fn find_with_account(
    conn: &mut DbConn<'_>,
    id: SessionId,
) -> Result<Option<(SessionRow, AccountRow)>, StoreError> {
    db_run!(conn: {
        Ok(sessions::table
            .inner_join(accounts::table)
            .filter(sessions::id.eq(id))
            .select((SessionRow::as_select(), AccountRow::as_select()))
            .first(conn)
            .await
            .optional()?)
    })
}

/// Deletes one session; returns whether it existed.
pub async fn delete(conn: &mut DbConn<'_>, id: SessionId) -> Result<bool, StoreError> {
    db_run!(conn: {
        let deleted = diesel::delete(sessions::table.filter(sessions::id.eq(id)))
            .execute(conn)
            .await?;
        Ok(deleted > 0)
    })
}

/// Deletes every session of an account, except `keep` if given; returns how
/// many were deleted.
pub async fn delete_for_account(
    conn: &mut DbConn<'_>,
    account_id: AccountId,
    keep: Option<SessionId>,
) -> Result<usize, StoreError> {
    // Uuid::nil never names a session, so "keep none" needs no second query body.
    let keep = keep.unwrap_or(SessionId::NIL);
    db_run!(conn: {
        Ok(diesel::delete(
            sessions::table
                .filter(sessions::account_id.eq(account_id))
                .filter(sessions::id.ne(keep)),
        )
        .execute(conn)
        .await?)
    })
}

/// Deletes an account's sessions that expired before `now`.
pub async fn delete_expired_for_account(
    conn: &mut DbConn<'_>,
    account_id: AccountId,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    db_run!(conn: {
        Ok(diesel::delete(
            sessions::table
                .filter(sessions::account_id.eq(account_id))
                .filter(sessions::expires_at.le(DbTime::from(now))),
        )
        .execute(conn)
        .await?)
    })
}
