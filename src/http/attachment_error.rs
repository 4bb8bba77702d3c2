//! How attachment failures become problems.

use super::error::ApiError;
use super::problem::ProblemKind;
use crate::services::attachments::AttachmentError;
use crate::store::evidence::EvidenceStoreError;

impl From<AttachmentError> for ApiError {
    fn from(err: AttachmentError) -> Self {
        match err {
            AttachmentError::Validation(errors) => errors.into(),
            AttachmentError::UnreadableForm(why) => {
                Self::new(ProblemKind::MalformedRequest, format!("The upload form could not be read: {why}."))
            }
            AttachmentError::Access(denied) => denied.into(),
            AttachmentError::NotFound(what) => {
                Self::new(ProblemKind::NotFound, format!("There is no such {what}."))
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
            AttachmentError::Idempotency(err) => err.into(),
            AttachmentError::Evidence(EvidenceStoreError::Backend(err)) => Self {
                cause: Some(Box::new(err)),
                ..Self::new(
                    ProblemKind::Unavailable,
                    "The evidence store is not answering; try again shortly.",
                )
            },
            err @ (AttachmentError::Evidence(_) | AttachmentError::Corrupt(_)) => Self::internal(err),
            AttachmentError::Store(err) => err.into(),
        }
    }
}
