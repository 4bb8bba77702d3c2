//! `/v1/workspaces/{workspace_id}/scans/{scan_id}/attachments`: evidence
//! files on a scan.

use super::owner_api::attachment_api;
use crate::http::responses::Problems;
use crate::ids::ScanId;
use crate::services::attachments::Owner;

attachment_api! {
    /// Attachments on scans.
    ScanAttachmentsApi: Scan(ScanId) as scan_id in "scans";

    /// The scan.
    owner;

    /// Attach a file to a scan
    ///
    /// Uploads evidence (editors and admins) as `multipart/form-data` with a
    /// `file` part and an optional `description`. The file's type is judged
    /// from its content; identical contents are stored once. When the scan
    /// is linked to a case, the case's audit trail records the upload.
    upload "uploadScanAttachment" at "/v1/workspaces/:workspace_id/scans/:scan_id/attachments";

    /// List a scan's attachments
    ///
    /// The scan's evidence files, newest first.
    list "listScanAttachments";

    /// Get a scan attachment
    ///
    /// One attachment's record (not its bytes; see `downloadScanAttachment`).
    get "getScanAttachment" at "/v1/workspaces/:workspace_id/scans/:scan_id/attachments/:attachment_id";

    /// Download a scan attachment
    ///
    /// The file's bytes, as a download, with the media type judged at upload.
    /// Supports `If-None-Match` with the `ETag`, and one byte range at a time
    /// (`Range: bytes=FIRST-LAST`, with `If-Range`).
    download "downloadScanAttachment"
        at "/v1/workspaces/:workspace_id/scans/:scan_id/attachments/:attachment_id/content";

    /// Delete a scan attachment
    ///
    /// Its uploader (editor or admin) or any admin deletes it. When the scan
    /// is linked to a case, the case's audit trail records the deletion.
    delete "deleteScanAttachment";
}
