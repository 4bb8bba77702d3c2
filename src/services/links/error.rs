//! The errors of link operations.

use crate::services::kernel::{Failure, area_error};

/// A failed link operation.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// A failure every area shares.
    #[error(transparent)]
    Common(Failure),
    /// The two cases are linked already (by a link of any type).
    #[error("the cases are linked already")]
    Exists,
    /// The `parent_of` link would close a cycle.
    #[error("the link would make a case its own ancestor")]
    Cycle,
}

area_error!(LinkError);
