//! What scan operations can fail with.

use crate::services::idempotency::IdempotencyError;
use crate::services::validation::ValidationErrors;
use crate::services::workspaces::AccessDenied;
use crate::store::StoreError;

/// A failed scan operation.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// Invalid input.
    #[error(transparent)]
    Validation(#[from] ValidationErrors),
    /// The target lies outside the networks this server may scan.
    #[error("target {0} is outside the allowed scan scope")]
    OutOfScope(String),
    /// Not a member, or too weak a role.
    #[error(transparent)]
    Access(#[from] AccessDenied),
    /// No such scan in this workspace.
    #[error("no such scan")]
    NotFound,
    /// The scan has already finished (cancel) or has not (delete).
    #[error("the scan is {0}")]
    WrongState(&'static str),
    /// The idempotency key could not be honoured.
    #[error(transparent)]
    Idempotency(#[from] IdempotencyError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for ScanError {
    fn from(err: diesel::result::Error) -> Self {
        Self::Store(err.into())
    }
}
