//! What identity operations can fail with.

use crate::services::validation::ValidationErrors;
use crate::store::StoreError;

/// A failed identity operation.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// One or more fields are invalid.
    #[error(transparent)]
    Validation(#[from] ValidationErrors),
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
    /// The account changed since the client read it.
    #[error("the account is at version {current}; the update was based on version {given}")]
    VersionConflict {
        /// The version stored now.
        current: i32,
        /// The version the client sent.
        given: i32,
    },
    /// Too many sign-in or sign-up attempts for this email.
    #[error("too many attempts; retry after {retry_after:?}")]
    RateLimited {
        /// How long until the next attempt is allowed.
        retry_after: std::time::Duration,
    },
    /// Hashing or verifying a password failed unexpectedly.
    #[error("password hashing failed: {0}")]
    Hashing(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for IdentityError {
    fn from(err: diesel::result::Error) -> Self {
        Self::Store(err.into())
    }
}
