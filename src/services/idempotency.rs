//! Idempotent creates, done once for every resource. A create that carries
//! an `Idempotency-Key` claims the key in the same transaction as the create
//! and stores a snapshot of the created record; a retry with the same key and
//! the same request (by the same account, within 24 hours) gets the snapshot
//! back and creates nothing; the same key with a different request is refused.
//!
//! Concurrent requests with one key cannot both create: on PostgreSQL the
//! second insert of the key waits for the first transaction and then sees its
//! row; on SQLite write transactions are serialised (`BEGIN IMMEDIATE`).

use chrono::TimeDelta;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::ids::AccountId;
use crate::platform::clock;
use crate::services::kernel::Failure;
use crate::store::DbConn;
use crate::store::idempotency::{self as store, Claimed};

/// How long a key and its stored response are kept.
pub const KEY_LIFETIME: TimeDelta = TimeDelta::hours(24);

/// A client-chosen key: 1 to 255 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Checks the key's length and characters.
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.is_empty() || raw.len() > 255 || !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("must be 1 to 255 visible ASCII characters".into());
        }
        Ok(Self(raw.to_owned()))
    }
}

/// A create's claim on a key: who, which key, and a fingerprint of what.
#[derive(Debug, Clone)]
pub struct Claim {
    account: AccountId,
    key: IdempotencyKey,
    fingerprint: Vec<u8>,
}

impl Claim {
    /// A claim for `request` (the parsed create input), under `operation`.
    pub fn new(account: AccountId, key: IdempotencyKey, operation: &str, request: &impl Serialize) -> Self {
        let mut hash = Sha256::new();
        hash.update(operation.as_bytes());
        hash.update([0]);
        hash.update(serde_json::to_vec(request).unwrap_or_default());
        Self { account, key, fingerprint: hash.finalize().to_vec() }
    }
}

/// What a create run under a claim produced.
#[derive(Debug, Clone)]
pub struct Created<T> {
    /// The created record (or, on a replay, the one created the first time).
    pub value: T,
    /// Whether this is a replay of an earlier request.
    pub replayed: bool,
}

impl<T> Created<T> {
    /// A record created now.
    pub fn new(value: T) -> Self {
        Self { value, replayed: false }
    }
}

/// Claims the key (if the request sent one) inside the create's transaction.
/// `Some(value)` means this is a retry: return `value` and create nothing.
pub async fn begin<T: DeserializeOwned>(
    tx: &mut DbConn<'_>,
    claim: Option<&Claim>,
) -> Result<Option<T>, Failure> {
    let Some(claim) = claim else {
        return Ok(None);
    };
    let now = clock::now();
    let claimed =
        store::claim(tx, claim.account, &claim.key.0, &claim.fingerprint, now - KEY_LIFETIME, now).await?;
    match claimed {
        Claimed::New => Ok(None),
        Claimed::Existing { fingerprint, .. } if fingerprint != claim.fingerprint => {
            Err(Failure::IdempotencyKeyReused)
        }
        Claimed::Existing { snapshot, .. } => Ok(Some(serde_json::from_str(&snapshot)?)),
    }
}

/// Stores the created record as the key's response (if the request sent
/// one), in the same transaction.
pub async fn finish<T: Serialize>(
    tx: &mut DbConn<'_>,
    claim: Option<&Claim>,
    value: &T,
) -> Result<(), Failure> {
    let Some(claim) = claim else {
        return Ok(());
    };
    store::set_snapshot(tx, claim.account, &claim.key.0, &serde_json::to_string(value)?).await?;
    Ok(())
}
