//! What case operations can fail with.

use crate::services::idempotency::IdempotencyError;
use crate::services::validation::ValidationErrors;
use crate::services::workspaces::AccessDenied;
use crate::store::StoreError;

/// A failed case operation.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// Invalid input.
    #[error(transparent)]
    Validation(#[from] ValidationErrors),
    /// Not a member of the workspace, or too weak a role.
    #[error(transparent)]
    Access(#[from] AccessDenied),
    /// No such case (or comment) in this workspace.
    #[error("no such {0}")]
    NotFound(&'static str),
    /// Only the author (or, for deletion, an admin) may do this.
    #[error("only the author of the comment may do this")]
    NotAuthor,
    /// The record changed since the client read it.
    #[error("{what} is at version {current}; the update was based on version {given}")]
    VersionConflict {
        /// What kind of record.
        what: &'static str,
        /// The version stored now.
        current: i32,
        /// The version the client sent.
        given: i32,
    },
    /// The idempotency key could not be honoured.
    #[error(transparent)]
    Idempotency(#[from] IdempotencyError),
    /// A stored record could not be read.
    #[error("corrupt record: {0}")]
    Corrupt(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for CaseError {
    fn from(err: diesel::result::Error) -> Self {
        Self::Store(err.into())
    }
}
