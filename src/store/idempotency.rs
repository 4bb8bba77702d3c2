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
    db_run!(conn: {
        diesel::delete(
            idempotency_keys::table
                .find((account_id, key))
                .filter(idempotency_keys::created_at.lt(DbTime::from(expired_before))),
        )
        .execute(conn)
        .await?;
        let inserted = diesel::insert_into(idempotency_keys::table)
            .values((
                idempotency_keys::account_id.eq(account_id),
                idempotency_keys::key.eq(key),
                idempotency_keys::fingerprint.eq(fingerprint),
                idempotency_keys::snapshot.eq(""),
                idempotency_keys::created_at.eq(DbTime::from(now)),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        if inserted == 1 {
            return Ok(Claimed::New);
        }
        let (fingerprint, snapshot) = idempotency_keys::table
            .find((account_id, key))
            .select((idempotency_keys::fingerprint, idempotency_keys::snapshot))
            .first::<(Vec<u8>, String)>(conn)
            .await?;
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
