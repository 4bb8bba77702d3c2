//! Claimed idempotency keys and their stored responses.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::schema::idempotency_keys;
use crate::ids::AccountId;

use super::{DbConn, DbTime, StoreError, db_run};

/// The outcome of claiming a key.
#[derive(Debug)]
pub enum Claimed {
    /// The key is now this request's.
    New,
    /// The key was claimed before (within its lifetime).
    Existing {
        /// The fingerprint of the request that claimed it.
        fingerprint: Vec<u8>,
        /// The stored response.
        snapshot: String,
    },
}

/// Claims `key` for `account_id`: inserts it, or — if present — returns the
/// stored claim. A claim older than `expired_before` is replaced.
pub async fn claim(
    conn: &mut DbConn<'_>,
    account_id: AccountId,
    key: &str,
    fingerprint: &[u8],
    expired_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Claimed, StoreError> {
    let expired = idempotency_keys::table
        .find((account_id, key))
        .filter(idempotency_keys::created_at.lt(DbTime::from(expired_before)));
    let row = (
        idempotency_keys::account_id.eq(account_id),
        idempotency_keys::key.eq(key),
        idempotency_keys::fingerprint.eq(fingerprint),
        idempotency_keys::snapshot.eq(""),
        idempotency_keys::created_at.eq(DbTime::from(now)),
    );
    let existing = idempotency_keys::table
        .find((account_id, key))
        .select((idempotency_keys::fingerprint, idempotency_keys::snapshot));
    db_run!(conn: {
        diesel::delete(expired).execute(conn).await?;
        let inserted =
            diesel::insert_into(idempotency_keys::table).values(row).on_conflict_do_nothing().execute(conn).await?;
        if inserted == 1 {
            return Ok(Claimed::New);
        }
        let (fingerprint, snapshot) = existing.first::<(Vec<u8>, String)>(conn).await?;
        Ok(Claimed::Existing { fingerprint, snapshot })
    } mysql: {
        // MySQL's stand-in for DO NOTHING (`ON DUPLICATE KEY UPDATE` a
        // column to itself) counts a found row as affected, so it cannot
        // tell a claim from a replay: a plain insert can, by its duplicate
        // key error, which (unlike on PostgreSQL) leaves the transaction
        // usable. A concurrent claim waits on the first one's row lock.
        diesel::delete(expired).execute(conn).await?;
        match diesel::insert_into(idempotency_keys::table).values(row).execute(conn).await.map_err(StoreError::from) {
            Ok(_) => return Ok(Claimed::New),
            Err(StoreError::UniqueViolation(_)) => {}
            Err(err) => return Err(err),
        }
        let (fingerprint, snapshot) = existing.first::<(Vec<u8>, String)>(conn).await?;
        Ok(Claimed::Existing { fingerprint, snapshot })
    })
}

/// Stores the response of the request that claimed the key.
pub async fn set_snapshot(
    conn: &mut DbConn<'_>,
    account_id: AccountId,
    key: &str,
    snapshot: &str,
) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::update(idempotency_keys::table.find((account_id, key)))
            .set(idempotency_keys::snapshot.eq(snapshot))
            .execute(conn)
            .await?;
        Ok(())
    })
}
