//! What identity operations can fail with.

use crate::services::kernel::{Failure, area_error};

/// A failed identity operation.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// A failure every area shares.
    #[error(transparent)]
    Common(Failure),
    /// Another account already uses this email.
    #[error("the email address is already registered")]
    EmailTaken,
    /// Unknown email or wrong password (deliberately indistinguishable).
    #[error("the email or password is wrong")]
    InvalidCredentials,
    /// The token is malformed or its signature does not verify.
    #[error("the token is not valid")]
    InvalidToken,
    /// The session has expired or was ended by signing out.
    #[error("the session has ended")]
    SessionExpired,
    /// The API key is malformed, fails its checksum, or names no key.
    #[error("the API key is not valid")]
    ApiKeyInvalid,
    /// The API key was revoked.
    #[error("the API key was revoked")]
    ApiKeyRevoked,
    /// The API key has expired.
    #[error("the API key has expired")]
    ApiKeyExpired,
    /// The API key's service account is disabled.
    #[error("the service account is disabled")]
    ServiceAccountDisabled,
    /// Too many sign-in or sign-up attempts for this email.
    #[error("too many attempts; retry after {retry_after:?}")]
    RateLimited {
        /// How long until the next attempt is allowed.
        retry_after: std::time::Duration,
    },
}

impl IdentityError {
    /// Hashing or verifying a password failed unexpectedly.
    pub fn hashing(why: impl std::fmt::Display) -> Self {
        Self::Common(Failure::Internal(format!("password hashing failed: {why}").into()))
    }
}

area_error!(IdentityError);
