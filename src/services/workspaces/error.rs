//! What workspace operations can fail with.

use super::AccessDenied;
use crate::services::idempotency::IdempotencyError;
use crate::services::validation::ValidationErrors;
use crate::store::StoreError;

/// A failed workspace operation.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// Invalid input.
    #[error(transparent)]
    Validation(#[from] ValidationErrors),
    /// Not a member or too weak a role.
    #[error(transparent)]
    Access(#[from] AccessDenied),
    /// No such member in this workspace.
    #[error("no such member")]
    MemberNotFound,
    /// The account is a member already.
    #[error("the account is already a member")]
    AlreadyMember,
    /// The change would leave the workspace without an admin.
    #[error("a workspace must keep at least one admin")]
    LastAdmin,
    /// The record changed since the client read it.
    #[error("at version {current}; the update was based on version {given}")]
    VersionConflict {
        /// What kind of record (`workspace`, `membership`).
        what: &'static str,
        /// The version stored now.
        current: i32,
        /// The version the client sent.
        given: i32,
    },
    /// The idempotency key could not be honoured.
    #[error(transparent)]
    Idempotency(#[from] IdempotencyError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for WorkspaceError {
    fn from(err: diesel::result::Error) -> Self {
        Self::Store(err.into())
    }
}
