//! `/v1/workspaces/{workspace_id}/cases/{case_id}/attachments`: evidence
//! files on a case.

use super::owner_api::attachment_api;
use crate::http::responses::Problems;
use crate::ids::CaseId;
use crate::services::attachments::Owner;

attachment_api! {
    /// Attachments on cases.
    CaseAttachmentsApi: Case(CaseId) as case_id in "cases";

    /// The case.
    owner;

    /// Attach a file to a case
    ///
    /// Uploads evidence (editors and admins) as `multipart/form-data` with a
    /// `file` part and an optional `description`. The file's type is judged
    /// from its content; identical contents are stored once. The case's
    /// audit trail records the upload.
    upload "uploadCaseAttachment" at "/v1/workspaces/:workspace_id/cases/:case_id/attachments";

    /// List a case's attachments
    ///
    /// The case's evidence files, newest first.
    list "listCaseAttachments";

    /// Get a case attachment
    ///
    /// One attachment's record (not its bytes; see `downloadCaseAttachment`).
    get "getCaseAttachment" at "/v1/workspaces/:workspace_id/cases/:case_id/attachments/:attachment_id";

    /// Download a case attachment
    ///
    /// The file's bytes, as a download, with the media type judged at upload.
    /// Supports `If-None-Match` with the `ETag`, and one byte range at a time
    /// (`Range: bytes=FIRST-LAST`, with `If-Range`).
    download "downloadCaseAttachment"
        at "/v1/workspaces/:workspace_id/cases/:case_id/attachments/:attachment_id/content";

    /// Delete a case attachment
    ///
    /// Its uploader (editor or admin) or any admin deletes it. The case's
    /// audit trail records the deletion.
    delete "deleteCaseAttachment";
}
