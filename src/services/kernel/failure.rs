//! The failures every area shares, defined once. Each area's error enum
//! wraps a [`Failure`] and adds only what is its own (see
//! [`area_error!`](crate::services::kernel::area_error)); the HTTP edge maps
//! a `Failure` to a problem in one place.

use crate::services::validation::ValidationErrors;
use crate::store::{Contended, StoreError};

use super::Role;

/// A cause kept for the log and never shown to a client.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// A failure any service can meet.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Invalid input, one entry per offending field.
    #[error(transparent)]
    Validation(#[from] ValidationErrors),
    /// No such workspace, or the caller is not a member of it: the two are
    /// indistinguishable, so a workspace's existence is never revealed.
    #[error("no such workspace")]
    NoSuchWorkspace,
    /// A member whose role is too weak.
    #[error("the role {have:?} does not allow this; {need:?} is needed")]
    Forbidden {
        /// The member's role.
        have: Role,
        /// The role the action needs.
        need: Role,
    },
    /// Only a person may do this; a service account (an API key) may not.
    #[error("only a person may do this, not a service account")]
    PeopleOnly,
    /// No such record (named: `case`, `comment`, `scan`...) in the workspace.
    #[error("no such {0}")]
    NotFound(&'static str),
    /// The record changed since the client read it.
    #[error("{what} is at version {current}; the update was based on version {given}")]
    VersionConflict {
        /// What kind of record.
        what: &'static str,
        /// The version stored now.
        current: i32,
        /// The version the client sent.
        given: i32,
    },
    /// The case was merged into another (`into`): it takes no new
    /// comments, attachments, tasks or observables, and cannot be merged
    /// again or merged into.
    #[error("the case was merged into another case")]
    CaseMerged {
        /// The case it was merged into.
        into: crate::ids::CaseId,
    },
    /// The idempotency key was used for a different request.
    #[error("the idempotency key was already used for a different request")]
    IdempotencyKeyReused,
    /// The database is not answering (no connection, or it was lost), or
    /// gave up waiting for a lock; trying again shortly may succeed.
    #[error("the database is not answering")]
    Unavailable(#[source] Cause),
    /// Something the client cannot fix: a failed query, a corrupt record,
    /// an unreadable snapshot.
    #[error("internal failure")]
    Internal(#[source] Cause),
}

impl Failure {
    /// A stored record that cannot be read as its domain type.
    pub fn corrupt(what: impl Into<String>) -> Self {
        Corrupt(what.into()).into()
    }
}

impl From<Corrupt> for Failure {
    fn from(corrupt: Corrupt) -> Self {
        Self::Internal(Box::new(corrupt))
    }
}

/// A stored record that cannot be read as its domain type.
#[derive(Debug, thiserror::Error)]
#[error("corrupt record: {0}")]
pub struct Corrupt(pub String);

impl From<StoreError> for Failure {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Pool(_)
            | StoreError::PoolTimeout
            | StoreError::ConnectionLost(_)
            | StoreError::Contention(_) => Self::Unavailable(Box::new(err)),
            other => Self::Internal(Box::new(other)),
        }
    }
}

impl Contended for Failure {
    fn is_contention(&self) -> bool {
        match self {
            Self::Unavailable(cause) => {
                cause.downcast_ref::<StoreError>().is_some_and(StoreError::is_contention)
            }
            _ => false,
        }
    }
}

impl From<diesel::result::Error> for Failure {
    fn from(err: diesel::result::Error) -> Self {
        StoreError::from(err).into()
    }
}

impl From<serde_json::Error> for Failure {
    fn from(err: serde_json::Error) -> Self {
        Self::Internal(Box::new(err))
    }
}

/// Gives an area's error enum (which has a `Common(Failure)` variant) the
/// conversions from everything a [`Failure`] comes from, so `?` works on
/// store, validation and access results alike.
macro_rules! area_error {
    ($area:ty) => {
        impl From<$crate::services::kernel::Failure> for $area {
            fn from(failure: $crate::services::kernel::Failure) -> Self {
                Self::Common(failure)
            }
        }
        impl From<$crate::services::validation::ValidationErrors> for $area {
            fn from(errors: $crate::services::validation::ValidationErrors) -> Self {
                Self::Common(errors.into())
            }
        }
        impl From<$crate::store::StoreError> for $area {
            fn from(err: $crate::store::StoreError) -> Self {
                Self::Common(err.into())
            }
        }
        impl From<$crate::services::kernel::Corrupt> for $area {
            fn from(corrupt: $crate::services::kernel::Corrupt) -> Self {
                Self::Common(corrupt.into())
            }
        }
        impl From<diesel::result::Error> for $area {
            fn from(err: diesel::result::Error) -> Self {
                Self::Common(err.into())
            }
        }
        impl $crate::store::Contended for $area {
            fn is_contention(&self) -> bool {
                matches!(self, Self::Common(failure) if failure.is_contention())
            }
        }
    };
}
pub(crate) use area_error;
