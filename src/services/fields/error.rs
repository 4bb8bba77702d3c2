//! What custom field operations can fail with.

use crate::services::kernel::{Failure, area_error};

/// A failed custom field operation.
#[derive(Debug, thiserror::Error)]
pub enum FieldError {
    /// A failure every area shares.
    #[error(transparent)]
    Common(Failure),
    /// Another field of the workspace has this key.
    #[error("the key {0:?} is taken in this workspace")]
    KeyTaken(String),
    /// Cases still hold the values the change would remove.
    #[error("{cases} cases hold values the change removes")]
    InUse {
        /// How many cases.
        cases: usize,
    },
}

area_error!(FieldError);
