//! `ApiError`: a problem on its way to the client. Service errors become API
//! errors here, once; the edge renders them (with the request id).

use std::fmt;

use poem::error::ResponseError;
use poem::http::StatusCode;

use super::problem::ProblemKind;
use crate::services::cases::CaseError;
use crate::services::health::Unready;
use crate::services::idempotency::IdempotencyError;
use crate::services::identity::IdentityError;
use crate::services::scans::ScanError;
use crate::services::validation::{FieldError, ValidationErrors};
use crate::services::workspaces::{AccessDenied, WorkspaceError};
use crate::store::StoreError;

/// An error response in the making.
#[derive(Debug)]
pub struct ApiError {
    /// What kind of problem.
    pub kind: ProblemKind,
    /// A human sentence for `detail`.
    pub detail: String,
    /// Field errors, for validation failures.
    pub fields: Vec<FieldError>,
    /// The underlying failure of a 5xx, logged and never shown to the client.
    pub cause: Option<Box<dyn std::error::Error + Send + Sync>>,
    /// For 429: seconds until a retry may succeed (`Retry-After`).
    pub retry_after: Option<u64>,
    /// For 416: the content's size, sent as `Content-Range: bytes */size`.
    pub unsatisfied_range_of: Option<u64>,
}

impl ApiError {
    /// A problem of `kind` with a detail sentence.
    pub fn new(kind: ProblemKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
            fields: Vec::new(),
            cause: None,
            retry_after: None,
            unsatisfied_range_of: None,
        }
    }

    /// A validation failure listing each offending field.
    pub fn validation(fields: Vec<FieldError>) -> Self {
        let names = fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>().join(", ");
        Self {
            kind: ProblemKind::ValidationFailed,
            detail: format!("The request has invalid fields: {names}."),
            fields,
            cause: None,
            retry_after: None,
            unsatisfied_range_of: None,
        }
    }

    /// 429 with the wait, in whole seconds, for `Retry-After`.
    pub fn too_many(retry_after: std::time::Duration) -> Self {
        let seconds = (retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0)).max(1);
        Self {
            retry_after: Some(seconds),
            ..Self::new(ProblemKind::RateLimited, format!("Too many requests; retry in {seconds} s."))
        }
    }

    /// A failure the client cannot fix; `cause` is logged, not shown.
    pub fn internal(cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self {
            kind: ProblemKind::Internal,
            detail: "internal error".into(),
            fields: Vec::new(),
            cause: Some(Box::new(cause)),
            retry_after: None,
            unsatisfied_range_of: None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.code(), self.detail)
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause.as_deref().map(|cause| cause as &(dyn std::error::Error + 'static))
    }
}

impl ResponseError for ApiError {
    fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.kind.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        Self::validation(errors.errors().to_vec())
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Pool(_) | StoreError::PoolTimeout | StoreError::ConnectionLost(_) => {
                let mut problem =
                    Self::new(ProblemKind::Unavailable, "The database is not answering; try again shortly.");
                problem.cause = Some(Box::new(err));
                problem
            }
            other => Self::internal(other),
        }
    }
}

impl From<IdentityError> for ApiError {
    fn from(err: IdentityError) -> Self {
        use ProblemKind::*;
        match err {
            IdentityError::Validation(errors) => errors.into(),
            IdentityError::EmailTaken => {
                Self::new(EmailTaken, "An account with this email address already exists.")
            }
            IdentityError::InvalidCredentials => {
                Self::new(InvalidCredentials, "The email address or password is wrong.")
            }
            IdentityError::InvalidToken => Self::new(
                InvalidToken,
                "The bearer token is malformed or its signature does not verify; sign in again.",
            ),
            IdentityError::SessionExpired => {
                Self::new(SessionExpired, "The session has expired or was signed out; sign in again.")
            }
            IdentityError::VersionConflict { current, given } => version_conflict("account", current, given),
            IdentityError::RateLimited { retry_after } => Self::too_many(retry_after),
            IdentityError::Store(err) => err.into(),
            err @ IdentityError::Hashing(_) => Self::internal(err),
        }
    }
}

impl From<AccessDenied> for ApiError {
    fn from(err: AccessDenied) -> Self {
        match err {
            AccessDenied::NotFound => Self::new(ProblemKind::NotFound, "There is no such workspace."),
            AccessDenied::Forbidden { have, need } => Self::new(
                ProblemKind::Forbidden,
                format!("Your role in this workspace is {}; this needs {}.", have.as_str(), need.as_str()),
            ),
            AccessDenied::Store(err) => err.into(),
        }
    }
}

impl From<IdempotencyError> for ApiError {
    fn from(err: IdempotencyError) -> Self {
        match err {
            IdempotencyError::KeyReused => Self::new(
                ProblemKind::IdempotencyKeyReused,
                "This Idempotency-Key was already used with a different request; use a new key.",
            ),
            IdempotencyError::Store(err) => err.into(),
            err @ IdempotencyError::Snapshot(_) => Self::internal(err),
        }
    }
}

/// "Workspace is at version 4; the update was based on version 3."
pub fn version_conflict(what: &str, current: i32, given: i32) -> ApiError {
    let mut what = what.to_owned();
    if let Some(first) = what.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    ApiError::new(
        ProblemKind::VersionConflict,
        format!("{what} is at version {current}; the update was based on version {given}."),
    )
}

impl From<WorkspaceError> for ApiError {
    fn from(err: WorkspaceError) -> Self {
        match err {
            WorkspaceError::Validation(errors) => errors.into(),
            WorkspaceError::Access(denied) => denied.into(),
            WorkspaceError::MemberNotFound => {
                Self::new(ProblemKind::NotFound, "That account is not a member of this workspace.")
            }
            WorkspaceError::AlreadyMember => {
                Self::new(ProblemKind::AlreadyMember, "That account is already a member of this workspace.")
            }
            WorkspaceError::LastAdmin => Self::new(
                ProblemKind::LastAdmin,
                "A workspace must keep at least one admin; make another member admin first.",
            ),
            WorkspaceError::VersionConflict { what, current, given } => {
                version_conflict(what, current, given)
            }
            WorkspaceError::Idempotency(err) => err.into(),
            WorkspaceError::Store(err) => err.into(),
        }
    }
}

impl From<CaseError> for ApiError {
    fn from(err: CaseError) -> Self {
        match err {
            CaseError::Validation(errors) => errors.into(),
            CaseError::Access(denied) => denied.into(),
            CaseError::NotFound(what) => {
                Self::new(ProblemKind::NotFound, format!("There is no such {what}."))
            }
            CaseError::NotAuthor => {
                Self::new(ProblemKind::Forbidden, "Only the author of this comment may do this.")
            }
            CaseError::VersionConflict { what, current, given } => version_conflict(what, current, given),
            CaseError::Idempotency(err) => err.into(),
            err @ CaseError::Corrupt(_) => Self::internal(err),
            CaseError::Store(err) => err.into(),
        }
    }
}

impl From<ScanError> for ApiError {
    fn from(err: ScanError) -> Self {
        match err {
            ScanError::Validation(errors) => errors.into(),
            ScanError::OutOfScope(target) => Self {
                fields: vec![FieldError {
                    field: "target".into(),
                    message: "is outside the networks this server may scan".into(),
                }],
                ..Self::new(
                    ProblemKind::TargetOutOfScope,
                    format!("{target} is outside the networks this server may scan; nothing was sent."),
                )
            },
            ScanError::Access(denied) => denied.into(),
            ScanError::NotFound => Self::new(ProblemKind::NotFound, "There is no such scan."),
            ScanError::WrongState("finished") => {
                Self::new(ProblemKind::ScanFinished, "The scan has already finished.")
            }
            ScanError::WrongState(_) => Self::new(
                ProblemKind::ScanNotFinished,
                "The scan has not finished; cancel it first, then delete it once it has stopped.",
            ),
            ScanError::Idempotency(err) => err.into(),
            ScanError::Store(err) => err.into(),
        }
    }
}

impl From<Unready> for ApiError {
    fn from(err: Unready) -> Self {
        Self {
            cause: Some(Box::new(FailedCheck(err.to_string()))),
            ..Self::new(ProblemKind::Unavailable, format!("Not ready: {err}."))
        }
    }
}

/// Why a readiness check failed, for the log.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct FailedCheck(String);
