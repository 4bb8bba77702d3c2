//! Attachments as the rest of Casebook sees them.

use std::ops::Range;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};

use super::AttachmentError;
use super::content::AllowedTypes;
use crate::ids::{AccountId, AttachmentId, CaseId, ScanId, WorkspaceId};
use crate::services::kernel::ActorKind;
use crate::services::validation::ValidationErrors;
use crate::store::attachments::{AttachmentRow, OwnerKey};

/// What an attachment hangs off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Owner {
    /// A case.
    Case(CaseId),
    /// A scan.
    Scan(ScanId),
}

impl Owner {
    /// "case" or "scan".
    pub fn noun(self) -> &'static str {
        match self {
            Self::Case(_) => "case",
            Self::Scan(_) => "scan",
        }
    }

    pub(super) fn key(self) -> OwnerKey {
        match self {
            Self::Case(id) => OwnerKey::Case(id),
            Self::Scan(id) => OwnerKey::Scan(id),
        }
    }
}

/// An evidence file attached to a case or a scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Id.
    pub id: AttachmentId,
    /// The workspace.
    pub workspace_id: WorkspaceId,
    /// The case or scan.
    pub owner: Owner,
    /// The file name given at upload, cleaned (display only).
    pub file_name: String,
    /// The media type, judged from the content.
    pub media_type: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// Optional description.
    pub description: Option<String>,
    /// Who uploaded it.
    pub uploaded_by: AccountId,
    /// Whether a person or a service account.
    #[serde(default)]
    pub uploaded_by_kind: ActorKind,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl TryFrom<AttachmentRow> for Attachment {
    type Error = String;

    fn try_from(row: AttachmentRow) -> Result<Self, String> {
        let owner = match (row.case_id, row.scan_id) {
            (Some(case), None) => Owner::Case(case),
            (None, Some(scan)) => Owner::Scan(scan),
            _ => return Err(format!("attachment {} has no single owner", row.id)),
        };
        Ok(Self {
            id: row.id,
            workspace_id: row.workspace_id,
            owner,
            file_name: row.file_name,
            media_type: row.media_type,
            size: u64::try_from(row.size).map_err(|err| err.to_string())?,
            sha256: row.sha256,
            description: row.description,
            uploaded_by: row.uploaded_by,
            uploaded_by_kind: ActorKind::from_stored(&row.uploaded_by_kind),
            created_at: row.created_at.into(),
        })
    }
}

impl Attachment {
    pub(super) fn to_row(&self) -> AttachmentRow {
        let (case_id, scan_id) = match self.owner {
            Owner::Case(case) => (Some(case), None),
            Owner::Scan(scan) => (None, Some(scan)),
        };
        AttachmentRow {
            id: self.id,
            workspace_id: self.workspace_id,
            case_id,
            scan_id,
            file_name: self.file_name.clone(),
            media_type: self.media_type.clone(),
            size: i64::try_from(self.size).unwrap_or(i64::MAX),
            sha256: self.sha256.clone(),
            description: self.description.clone(),
            uploaded_by: self.uploaded_by,
            uploaded_by_kind: self.uploaded_by_kind.as_str().to_owned(),
            created_at: self.created_at.into(),
        }
    }
}

/// An attachment's content, opened for reading.
pub struct Download {
    /// The attachment.
    pub attachment: Attachment,
    /// The byte range being sent, when a range was asked for; `None` for
    /// the whole content.
    pub range: Option<Range<u64>>,
    /// The bytes.
    pub body: BoxStream<'static, std::io::Result<Bytes>>,
}

/// Limits on uploads.
#[derive(Debug, Clone)]
pub struct AttachmentSettings {
    /// Largest file accepted, in bytes.
    pub max_size: u64,
    /// Most attachments on one case or scan.
    pub max_per_owner: u32,
    /// Media types accepted.
    pub allowed_types: AllowedTypes,
}

impl crate::services::outbox::Subject for Attachment {
    fn case_id(&self) -> Option<crate::ids::CaseId> {
        match self.owner {
            Owner::Case(case) => Some(case),
            Owner::Scan(_) => None,
        }
    }
}

/// The longest description an attachment may have.
const DESCRIPTION_MAX_CHARS: usize = 2_000;

/// Checks an attachment's description: at most 2,000 characters, no NUL.
pub(super) fn check_description(description: Option<&str>) -> Result<(), AttachmentError> {
    match description {
        Some(text) if text.chars().count() > DESCRIPTION_MAX_CHARS => Err(ValidationErrors::single(
            "description",
            format!("must be at most {DESCRIPTION_MAX_CHARS} characters"),
        )
        .into()),
        Some(text) if text.contains('\0') => {
            Err(ValidationErrors::single("description", "must not contain the NUL character").into())
        }
        _ => Ok(()),
    }
}
