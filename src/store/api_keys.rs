//! Saving and loading API keys: a digest of each secret, never the secret.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::schema::{api_keys, service_accounts};
use super::service_accounts::ServiceAccountRow;
use crate::ids::{AccountId, ApiKeyId, ServiceAccountId};

use super::{DbConn, DbTime, StoreError, db_run};

/// An API key as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    /// Key id (UUIDv7, part of the secret).
    pub id: ApiKeyId,
    /// The service account it acts as.
    pub service_account_id: ServiceAccountId,
    /// Its name.
    pub name: String,
    /// The secret's first characters, for telling keys apart.
    pub prefix: String,
    /// Keyed digest of the whole secret.
    pub secret_hash: Vec<u8>,
    /// The person who created it.
    pub created_by: AccountId,
    /// When.
    pub created_at: DbTime,
    /// When it stops being accepted, if ever.
    pub expires_at: Option<DbTime>,
    /// When it was last used (to the minute).
    pub last_used_at: Option<DbTime>,
    /// When it was revoked.
    pub revoked_at: Option<DbTime>,
}

/// Inserts a key.
pub async fn insert(conn: &mut DbConn<'_>, row: ApiKeyRow) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::insert_into(api_keys::table).values(row).execute(conn).await?;
        Ok(())
    })
}

/// One key of a service account.
pub async fn find(
    conn: &mut DbConn<'_>,
    owner: ServiceAccountId,
    id: ApiKeyId,
) -> Result<Option<ApiKeyRow>, StoreError> {
    db_run!(conn: {
        Ok(api_keys::table
            .filter(api_keys::id.eq(id))
            .filter(api_keys::service_account_id.eq(owner))
            .select(ApiKeyRow::as_select())
            .first(conn)
            .await
            .optional()?)
    })
}

/// A service account's keys, by id descending, after `after`.
pub async fn list(
    conn: &mut DbConn<'_>,
    owner: ServiceAccountId,
    after: Option<ApiKeyId>,
    limit: i64,
) -> Result<Vec<ApiKeyRow>, StoreError> {
    let after = after.unwrap_or(ApiKeyId::MAX);
    db_run!(conn: {
        Ok(api_keys::table
            .filter(api_keys::service_account_id.eq(owner))
            .filter(api_keys::id.lt(after))
            .order(api_keys::id.desc())
            .limit(limit)
            .select(ApiKeyRow::as_select())
            .load(conn)
            .await?)
    })
}

/// Revokes a key that is not revoked yet; whether it was.
pub async fn revoke(conn: &mut DbConn<'_>, id: ApiKeyId, now: DbTime) -> Result<bool, StoreError> {
    db_run!(conn: {
        let revoked = diesel::update(api_keys::table.find(id))
            .filter(api_keys::revoked_at.is_null())
            .set(api_keys::revoked_at.eq(Some(now)))
            .execute(conn)
            .await?;
        Ok(revoked > 0)
    })
}

/// A key with its service account: all that authenticating with it needs,
/// in one query (the role is checked like any member's).
pub async fn for_authentication(
    conn: &mut DbConn<'_>,
    id: ApiKeyId,
) -> Result<Option<(ApiKeyRow, ServiceAccountRow)>, StoreError> {
    db_run!(conn: {
        Ok(api_keys::table
            .inner_join(service_accounts::table)
            .filter(api_keys::id.eq(id))
            .select((ApiKeyRow::as_select(), ServiceAccountRow::as_select()))
            .first(conn)
            .await
            .optional()?)
    })
}

/// Records that a key was used at `now`, unless that was already recorded
/// after `stale_before` (by this or another instance).
pub async fn touch(
    conn: &mut DbConn<'_>,
    id: ApiKeyId,
    now: DbTime,
    stale_before: DbTime,
) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::update(api_keys::table.find(id))
            .filter(api_keys::last_used_at.is_null().or(api_keys::last_used_at.lt(stale_before)))
            .set(api_keys::last_used_at.eq(Some(now)))
            .execute(conn)
            .await?;
        Ok(())
    })
}
