//! What scan operations can fail with.

use crate::services::kernel::{Failure, area_error};

/// A failed scan operation.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// A failure every area shares.
    #[error(transparent)]
    Common(Failure),
    /// The target lies outside the networks this server may scan.
    #[error("target {0} is outside the allowed scan scope")]
    OutOfScope(String),
    /// The scan has already finished (cancel) or has not (delete).
    #[error("the scan is {0}")]
    WrongState(&'static str),
}

area_error!(ScanError);
