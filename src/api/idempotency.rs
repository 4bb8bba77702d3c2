//! The `Idempotency-Key` request header and `Idempotent-Replayed` response
//! header, shared by every create.

use serde::Serialize;

use super::error::ApiError;
use crate::services::idempotency::{Claim, IdempotencyKey};
use crate::services::ids::AccountId;
use crate::services::validation::ValidationErrors;

/// The claim a create makes with the client's key, if it sent one.
pub fn claim(
    account: AccountId,
    key: Option<&str>,
    operation: &str,
    request: &impl Serialize,
) -> Result<Option<Claim>, ApiError> {
    key.map(|raw| {
        IdempotencyKey::parse(raw)
            .map(|key| Claim::new(account, key, operation, request))
            .map_err(|message| ValidationErrors::single("Idempotency-Key", message).into())
    })
    .transpose()
}

/// `Idempotent-Replayed: true` on replays; no header otherwise.
pub fn replayed(replayed: bool) -> Option<String> {
    replayed.then(|| "true".to_owned())
}
