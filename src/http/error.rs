//! `ApiError`: a problem on its way to the client. Service errors become API
//! errors here, once; the edge renders them (with the request id).

use std::fmt;

use poem::error::ResponseError;
use poem::http::StatusCode;

use super::problem::{ItemProblem, ProblemFieldError, ProblemKind};
use crate::services::attachments::AttachmentError;
use crate::services::cases::CaseError;
use crate::services::fields::FieldError as CustomFieldError;
use crate::services::health::Unready;
use crate::services::identity::IdentityError;
use crate::services::kernel::Failure;
use crate::services::links::LinkError;
use crate::services::scans::ScanError;
use crate::services::templates::TemplateError;
use crate::services::validation::{FieldError, ValidationErrors};
use crate::services::webhooks::WebhookError;
use crate::services::workspaces::WorkspaceError;

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
        Self { cause: Some(Box::new(cause)), ..Self::internal_without_cause() }
    }

    /// "internal error", with the cause still to be attached.
    fn internal_without_cause() -> Self {
        Self::new(ProblemKind::Internal, "internal error")
    }
}

impl From<ApiError> for ItemProblem {
    fn from(err: ApiError) -> Self {
        let errors = (!err.fields.is_empty()).then(|| {
            err.fields
                .iter()
                .map(|f| ProblemFieldError { field: f.field.clone(), message: f.message.clone() })
                .collect()
        });
        Self {
            status: i32::from(err.kind.status()),
            code: err.kind.code().to_owned(),
            title: err.kind.title().to_owned(),
            detail: err.detail,
            errors,
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

impl From<Failure> for ApiError {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Validation(errors) => errors.into(),
            Failure::NoSuchWorkspace => Self::new(ProblemKind::NotFound, "There is no such workspace."),
            Failure::Forbidden { have, need } => Self::new(
                ProblemKind::Forbidden,
                format!("Your role in this workspace is {}; this needs {}.", have.as_str(), need.as_str()),
            ),
            Failure::PeopleOnly => Self::new(
                ProblemKind::ServiceAccountNotAllowed,
                "Only a person signed in with a session may do this, not a service account's API key.",
            ),
            Failure::NotFound(what) => Self::new(ProblemKind::NotFound, format!("There is no such {what}.")),
            Failure::VersionConflict { what, current, given } => version_conflict(what, current, given),
            Failure::CaseMerged { into } => Self::new(
                ProblemKind::CaseMerged,
                format!(
                    "This case was merged into case {}; add to that case instead.",
                    crate::http::wire::WireId::new(into)
                ),
            ),
            Failure::IdempotencyKeyReused => Self::new(
                ProblemKind::IdempotencyKeyReused,
                "This Idempotency-Key was already used with a different request; use a new key.",
            ),
            Failure::Unavailable(cause) => Self {
                cause: Some(cause),
                ..Self::new(ProblemKind::Unavailable, "The database is not answering; try again shortly.")
            },
            Failure::Internal(cause) => Self { cause: Some(cause), ..Self::internal_without_cause() },
        }
    }
}

/// "Workspace is at version 4; the update was based on version 3."
fn version_conflict(what: &str, current: i32, given: i32) -> ApiError {
    let mut what = what.to_owned();
    if let Some(first) = what.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    ApiError::new(
        ProblemKind::VersionConflict,
        format!("{what} is at version {current}; the update was based on version {given}."),
    )
}

impl From<IdentityError> for ApiError {
    fn from(err: IdentityError) -> Self {
        use ProblemKind::*;
        match err {
            IdentityError::Common(failure) => failure.into(),
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
            IdentityError::ApiKeyInvalid => Self::new(
                ApiKeyInvalid,
                "The API key is malformed, mistyped or unknown; check that it was copied whole.",
            ),
            IdentityError::ApiKeyRevoked => Self::new(ApiKeyRevoked, "The API key was revoked."),
            IdentityError::ApiKeyExpired => Self::new(ApiKeyExpired, "The API key has expired."),
            IdentityError::ServiceAccountDisabled => {
                Self::new(ServiceAccountDisabled, "The API key's service account is disabled.")
            }
            IdentityError::RateLimited { retry_after } => Self::too_many(retry_after),
        }
    }
}

impl From<WorkspaceError> for ApiError {
    fn from(err: WorkspaceError) -> Self {
        match err {
            WorkspaceError::Common(failure) => failure.into(),
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
        }
    }
}

impl From<CaseError> for ApiError {
    fn from(err: CaseError) -> Self {
        match err {
            CaseError::Common(failure) => failure.into(),
            CaseError::NotAuthor => {
                Self::new(ProblemKind::Forbidden, "Only the author of this comment may do this.")
            }
        }
    }
}

impl From<CustomFieldError> for ApiError {
    fn from(err: CustomFieldError) -> Self {
        match err {
            CustomFieldError::Common(failure) => failure.into(),
            CustomFieldError::KeyTaken(key) => Self::new(
                ProblemKind::CustomFieldKeyTaken,
                format!("Another custom field of this workspace has the key {key:?}."),
            ),
            CustomFieldError::InUse { cases } => Self::new(
                ProblemKind::CustomFieldInUse,
                format!(
                    "{cases} case(s) hold values this change removes; send clear_values=true to clear them."
                ),
            ),
        }
    }
}

impl From<TemplateError> for ApiError {
    fn from(err: TemplateError) -> Self {
        match err {
            TemplateError::Common(failure) => failure.into(),
            TemplateError::NameTaken(name) => Self::new(
                ProblemKind::CaseTemplateNameTaken,
                format!("Another case template of this workspace is named {name:?}."),
            ),
        }
    }
}

impl From<LinkError> for ApiError {
    fn from(err: LinkError) -> Self {
        match err {
            LinkError::Common(failure) => failure.into(),
            LinkError::Exists => Self::new(
                ProblemKind::CaseLinkExists,
                "The two cases are linked already; remove that link first to link them otherwise.",
            ),
            LinkError::Cycle => Self::new(
                ProblemKind::CaseLinkCycle,
                "This parent_of link would make a case its own ancestor.",
            ),
        }
    }
}

impl From<WebhookError> for ApiError {
    fn from(err: WebhookError) -> Self {
        match err {
            WebhookError::Common(failure) => failure.into(),
            WebhookError::Inactive => Self::new(
                ProblemKind::WebhookInactive,
                "This subscription is not active; turn it on with updateWebhook (active: true) first.",
            ),
        }
    }
}

impl From<ScanError> for ApiError {
    fn from(err: ScanError) -> Self {
        match err {
            ScanError::Common(failure) => failure.into(),
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
            ScanError::WrongState("finished") => {
                Self::new(ProblemKind::ScanFinished, "The scan has already finished.")
            }
            ScanError::WrongState(_) => Self::new(
                ProblemKind::ScanNotFinished,
                "The scan has not finished; cancel it first, then delete it once it has stopped.",
            ),
        }
    }
}

impl From<AttachmentError> for ApiError {
    fn from(err: AttachmentError) -> Self {
        match err {
            AttachmentError::Common(failure) => failure.into(),
            AttachmentError::UnreadableForm(why) => {
                Self::new(ProblemKind::MalformedRequest, format!("The upload form could not be read: {why}."))
            }
            AttachmentError::NotUploader => Self::new(
                ProblemKind::Forbidden,
                "Only the uploader of the attachment (with an editor role) or an admin may delete it.",
            ),
            AttachmentError::TooLarge { limit } => Self::new(
                ProblemKind::PayloadTooLarge,
                format!("The file is larger than {limit} bytes; nothing was kept."),
            ),
            AttachmentError::TooMany { limit, owner } => Self::new(
                ProblemKind::AttachmentLimitReached,
                format!("This {owner} already has {limit} attachments, the most allowed."),
            ),
            AttachmentError::UnsupportedType(detail) => Self::new(ProblemKind::UnsupportedFileType, detail),
            AttachmentError::RangeNotSatisfiable { size } => Self {
                unsatisfied_range_of: Some(size),
                ..Self::new(
                    ProblemKind::RangeNotSatisfiable,
                    format!("The requested range lies outside the content's {size} bytes."),
                )
            },
            AttachmentError::EvidenceUnavailable(cause) => Self {
                cause: Some(cause),
                ..Self::new(
                    ProblemKind::Unavailable,
                    "The evidence store is not answering; try again shortly.",
                )
            },
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
