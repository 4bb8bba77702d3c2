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

impl LinkError {
    /// The failure of link work that cannot meet an existing link or a
    /// cycle (a merge's `duplicates` link after removing the old one, an
    /// export's reading): the shared failures as they are, anything else
    /// internal.
    pub(crate) fn into_failure(self) -> Failure {
        match self {
            Self::Common(failure) => failure,
            other => Failure::Internal(Box::new(other)),
        }
    }
}
