//! Wire types of attachments: the record clients see and the upload form's
//! documented shape.

use poem_openapi::types::multipart::Upload;
use poem_openapi::{Multipart, Object};

use crate::http::actor::{ActorId, ActorKindWire};
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{AttachmentId, CaseId, ScanId};
use crate::services::attachments::{Attachment, Owner};

/// An evidence file attached to a case or a scan.
#[derive(Debug, Object)]
#[oai(rename = "Attachment")]
pub struct AttachmentView {
    /// The attachment's id.
    pub id: WireId<AttachmentId>,
    /// The case it is attached to (null when it is on a scan).
    #[oai(nullable)]
    pub case_id: Option<WireId<CaseId>>,
    /// The scan it is attached to (null when it is on a case).
    #[oai(nullable)]
    pub scan_id: Option<WireId<ScanId>>,
    /// The file name given at upload, without any directories; for display
    /// only.
    pub file_name: String,
    /// The media type, judged from the file's content.
    pub media_type: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the content, 64 lowercase hex digits; also the content's
    /// `ETag`.
    pub sha256: String,
    /// What the file shows, as given at upload.
    #[oai(nullable)]
    pub description: Option<String>,
    /// Who uploaded it.
    pub uploaded_by: ActorId,
    /// Whether `uploaded_by` is a person or a service account.
    pub uploaded_by_kind: ActorKindWire,
    /// When it was uploaded.
    pub created_at: Timestamp,
}

impl From<Attachment> for AttachmentView {
    fn from(a: Attachment) -> Self {
        let (case_id, scan_id) = match a.owner {
            Owner::Case(case) => (Some(WireId::new(case)), None),
            Owner::Scan(scan) => (None, Some(WireId::new(scan))),
        };
        Self {
            id: WireId::new(a.id),
            case_id,
            scan_id,
            file_name: a.file_name,
            media_type: a.media_type,
            size: a.size,
            sha256: a.sha256,
            description: a.description,
            uploaded_by: ActorId::new(a.uploaded_by, a.uploaded_by_kind),
            uploaded_by_kind: a.uploaded_by_kind.into(),
            created_at: a.created_at.into(),
        }
    }
}

/// A page of attachments, newest first.
#[derive(Debug, Object)]
pub struct AttachmentList {
    /// The attachments on this page.
    pub items: Vec<AttachmentView>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

crate::http::wire::list_from_page!(AttachmentList, Attachment);

/// The upload form (`multipart/form-data`). Only its schema is used: the
/// parts are read as a stream by `AttachmentUpload`.
#[derive(Debug, Multipart)]
#[allow(dead_code)] // Only its schema is used.
pub struct UploadFormSchema {
    /// The file. Its type is judged from its content (the part's declared
    /// `Content-Type`, if any, must agree); its name is kept for display.
    pub file: Upload,
    /// What the file shows (at most 2,000 characters).
    pub description: Option<String>,
}
