//! What attachment operations can fail with.

use crate::services::kernel::{Failure, area_error};
use crate::store::evidence::EvidenceStoreError;

/// A failed attachment operation.
#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    /// A failure every area shares.
    #[error(transparent)]
    Common(Failure),
    /// The upload form could not be read (malformed multipart, or the
    /// client went away).
    #[error("the upload could not be read: {0}")]
    UnreadableForm(String),
    /// Only the uploader (or an admin) may delete an attachment.
    #[error("only the uploader of the attachment or an admin may delete it")]
    NotUploader,
    /// The file is larger than the limit.
    #[error("the file is larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The case or scan already has as many attachments as allowed.
    #[error("at most {limit} attachments are allowed on one {owner}")]
    TooMany {
        /// The limit.
        limit: u32,
        /// "case" or "scan".
        owner: &'static str,
    },
    /// The content is not of an allowed type, or is not what it claims to be.
    #[error("{0}")]
    UnsupportedType(String),
    /// The requested byte range lies outside the content.
    #[error("the range is not satisfiable for {size} bytes")]
    RangeNotSatisfiable {
        /// The content's size.
        size: u64,
    },
    /// The evidence store (a directory or a bucket) is not answering.
    #[error("the evidence store is not answering")]
    EvidenceUnavailable(#[source] crate::services::kernel::Cause),
}

area_error!(AttachmentError);

impl From<EvidenceStoreError> for AttachmentError {
    fn from(err: EvidenceStoreError) -> Self {
        match err {
            EvidenceStoreError::Backend(cause) => Self::EvidenceUnavailable(Box::new(cause)),
            other => Self::Common(Failure::Internal(Box::new(other))),
        }
    }
}
