//! What case template operations can fail with.

use crate::services::kernel::{Failure, area_error};

/// A failed case template operation.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// A failure every area shares.
    #[error(transparent)]
    Common(Failure),
    /// Another template of the workspace has this name (in any case).
    #[error("the name {0:?} is taken in this workspace")]
    NameTaken(String),
}

area_error!(TemplateError);
