//! What attachment operations can fail with.

use crate::services::idempotency::IdempotencyError;
use crate::services::validation::ValidationErrors;
use crate::services::workspaces::AccessDenied;
use crate::store::StoreError;
use crate::store::evidence::EvidenceStoreError;

/// A failed attachment operation.
#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    /// Invalid input (a missing file part, an over-long description...).
    #[error(transparent)]
    Validation(#[from] ValidationErrors),
    /// The upload form could not be read (malformed multipart, or the
    /// client went away).
    #[error("the upload could not be read: {0}")]
    UnreadableForm(String),
    /// Not a member of the workspace, or too weak a role.
    #[error(transparent)]
    Access(#[from] AccessDenied),
    /// No such case, scan or attachment in this workspace.
    #[error("no such {0}")]
    NotFound(&'static str),
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
    /// The idempotency key could not be honoured.
    #[error(transparent)]
    Idempotency(#[from] IdempotencyError),
    /// The evidence store failed.
    #[error(transparent)]
    Evidence(#[from] EvidenceStoreError),
    /// A stored record could not be read.
    #[error("corrupt record: {0}")]
    Corrupt(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for AttachmentError {
    fn from(err: diesel::result::Error) -> Self {
        Self::Store(err.into())
    }
}
