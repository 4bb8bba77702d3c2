//! What case operations can fail with.

use crate::services::kernel::{Failure, area_error};

/// A failed case operation.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// A failure every area shares.
    #[error(transparent)]
    Common(Failure),
    /// Only the author (or, for deletion, an admin) may do this.
    #[error("only the author of the comment may do this")]
    NotAuthor,
}

area_error!(CaseError);
