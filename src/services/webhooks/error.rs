//! What webhook operations can fail with.

use crate::services::kernel::{Failure, area_error};

/// A failed webhook operation.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// A failure every area shares.
    #[error(transparent)]
    Common(Failure),
    /// The subscription is not active, so nothing would be sent.
    #[error("the subscription is not active")]
    Inactive,
}

area_error!(WebhookError);
