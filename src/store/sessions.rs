//! Saving, loading and ending sessions.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use super::accounts::AccountRow;
use super::schema::{accounts, sessions};
use super::{DbConn, DbTime, DbUuid, StoreError, db_run};

/// A session as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    /// Session id (UUIDv4: reveals nothing about when it was made).
    #[diesel(deserialize_as = DbUuid, serialize_as = DbUuid)]
    pub id: Uuid,
    /// The signed-in account.
    #[diesel(deserialize_as = DbUuid, serialize_as = DbUuid)]
    pub account_id: Uuid,
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
    id: Uuid,
) -> Result<Option<(SessionRow, AccountRow)>, StoreError> {
    db_run!(conn: {
        Ok(sessions::table
            .inner_join(accounts::table)
            .filter(sessions::id.eq(DbUuid(id)))
            .select((SessionRow::as_select(), AccountRow::as_select()))
            .first(conn)
            .await
            .optional()?)
    })
}

/// Deletes one session; returns whether it existed.
pub async fn delete(conn: &mut DbConn<'_>, id: Uuid) -> Result<bool, StoreError> {
    db_run!(conn: {
        let deleted = diesel::delete(sessions::table.filter(sessions::id.eq(DbUuid(id))))
            .execute(conn)
            .await?;
        Ok(deleted > 0)
    })
}

/// Deletes every session of an account, except `keep` if given; returns how
/// many were deleted.
pub async fn delete_for_account(
    conn: &mut DbConn<'_>,
    account_id: Uuid,
    keep: Option<Uuid>,
) -> Result<usize, StoreError> {
    // Uuid::nil never names a session, so "keep none" needs no second query body.
    let keep = DbUuid(keep.unwrap_or(Uuid::nil()));
    db_run!(conn: {
        Ok(diesel::delete(
            sessions::table
                .filter(sessions::account_id.eq(DbUuid(account_id)))
                .filter(sessions::id.ne(keep)),
        )
        .execute(conn)
        .await?)
    })
}

/// Deletes an account's sessions that expired before `now`.
pub async fn delete_expired_for_account(
    conn: &mut DbConn<'_>,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    db_run!(conn: {
        Ok(diesel::delete(
            sessions::table
                .filter(sessions::account_id.eq(DbUuid(account_id)))
                .filter(sessions::expires_at.le(DbTime::from(now))),
        )
        .execute(conn)
        .await?)
    })
}
