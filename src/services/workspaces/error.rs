//! What workspace operations can fail with.

use crate::services::kernel::{Failure, area_error};

/// A failed workspace operation.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// A failure every area shares.
    #[error(transparent)]
    Common(Failure),
    /// No such member in this workspace.
    #[error("no such member")]
    MemberNotFound,
    /// The account is a member already.
    #[error("the account is already a member")]
    AlreadyMember,
    /// The change would leave the workspace without an admin.
    #[error("a workspace must keep at least one admin")]
    LastAdmin,
}

area_error!(WorkspaceError);
