//! The `Idempotency-Key` request header and `Idempotent-Replayed` response
//! header, shared by every create.

use serde::Serialize;

use super::error::ApiError;
use crate::services::idempotency::{Claim, IdempotencyKey};
use crate::services::kernel::Actor;
use crate::services::validation::ValidationErrors;

/// The client's `Idempotency-Key`, checked, if it sent one.
pub fn key(raw: Option<&str>) -> Result<Option<IdempotencyKey>, ApiError> {
    raw.map(|raw| {
        IdempotencyKey::parse(raw)
            .map_err(|message| ValidationErrors::single("Idempotency-Key", message).into())
    })
    .transpose()
}

/// The claim a create makes with the client's key, if it sent one. Keys
/// are the caller's own: a person's and a service account's never meet.
pub fn claim(
    caller: Actor,
    raw_key: Option<&str>,
    operation: &str,
    request: &impl Serialize,
) -> Result<Option<Claim>, ApiError> {
    Ok(key(raw_key)?.map(|key| Claim::new(caller.id, key, operation, request)))
}

/// `Idempotent-Replayed: true` on replays; no header otherwise.
pub fn replayed(replayed: bool) -> Option<String> {
    replayed.then(|| "true".to_owned())
}
