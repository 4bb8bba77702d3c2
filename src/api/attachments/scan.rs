//! `/v1/workspaces/{workspace_id}/scans/{scan_id}/attachments`: evidence
//! files on a scan.

use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;

use super::content::{ContentResponse, content_response, is_current, requested_range};
use super::responses::{
    AttachmentDeletedResponse, AttachmentListResponse, AttachmentResponse, ContentErrors, CreatedAttachment,
    DeleteAttachmentErrors, GetAttachmentErrors, ListAttachmentsErrors, UploadAttachmentErrors, created,
};
use super::upload::AttachmentUpload;
use crate::http::auth::BearerAuth;
use crate::http::responses::Problems;
use crate::http::tags::ApiTags;
use crate::http::wire::WireId;
use crate::ids::{AttachmentId, ScanId, WorkspaceId};
use crate::services::Services;
use crate::services::attachments::Owner;
use crate::services::pagination::PageRequest;

/// Attachments on scans.
pub struct ScanAttachmentsApi;

#[OpenApi(tag = "ApiTags::Attachments")]
impl ScanAttachmentsApi {
    /// Attach a file to a scan
    ///
    /// Uploads evidence (editors and admins) as `multipart/form-data` with a
    /// `file` part and an optional `description`. The file's type is judged
    /// from its content; identical contents are stored once. When the scan
    /// is linked to a case, the case's audit trail records the upload.
    #[oai(
        path = "/v1/workspaces/:workspace_id/scans/:scan_id/attachments",
        method = "post",
        operation_id = "uploadScanAttachment"
    )]
    async fn upload(
        &self,
        auth: BearerAuth,
        services: Data<&Services>,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The scan.
        scan_id: Path<WireId<ScanId>>,
        /// A client-chosen key (1 to 255 visible ASCII characters) that makes
        /// retries of this request safe for 24 hours.
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255))]
        idempotency_key: Header<Option<String>>,
        form: AttachmentUpload,
    ) -> Result<CreatedAttachment, Problems<UploadAttachmentErrors>> {
        let key = crate::http::idempotency::key(idempotency_key.0.as_deref())?;
        let (workspace, owner) = (workspace_id.0.id(), Owner::Scan(scan_id.0.id()));
        let uploaded = services.attachments.upload(auth.0.account.id, workspace, owner, form, key).await?;
        let base = format!("/v1/workspaces/{}/scans/{}", workspace_id.0, scan_id.0);
        Ok(created(&base, uploaded))
    }

    /// List a scan's attachments
    ///
    /// The scan's evidence files, newest first.
    #[oai(
        path = "/v1/workspaces/:workspace_id/scans/:scan_id/attachments",
        method = "get",
        operation_id = "listScanAttachments"
    )]
    async fn list(
        &self,
        auth: BearerAuth,
        services: Data<&Services>,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The scan.
        scan_id: Path<WireId<ScanId>>,
        /// Items per page, 1 to 100 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<AttachmentListResponse, Problems<ListAttachmentsErrors>> {
        let page = PageRequest::parse(limit.0, cursor.0.as_deref())?;
        let (workspace, owner) = (workspace_id.0.id(), Owner::Scan(scan_id.0.id()));
        let page = services.attachments.list(auth.0.account.id, workspace, owner, page).await?;
        Ok(AttachmentListResponse::Ok(Json(page.into())))
    }

    /// Get a scan attachment
    ///
    /// One attachment's record (not its bytes; see `downloadScanAttachment`).
    #[oai(
        path = "/v1/workspaces/:workspace_id/scans/:scan_id/attachments/:attachment_id",
        method = "get",
        operation_id = "getScanAttachment"
    )]
    async fn get(
        &self,
        auth: BearerAuth,
        services: Data<&Services>,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The scan.
        scan_id: Path<WireId<ScanId>>,
        /// The attachment.
        attachment_id: Path<WireId<AttachmentId>>,
    ) -> Result<AttachmentResponse, Problems<GetAttachmentErrors>> {
        let (workspace, owner) = (workspace_id.0.id(), Owner::Scan(scan_id.0.id()));
        let id = attachment_id.0.id();
        let attachment = services.attachments.get(auth.0.account.id, workspace, owner, id).await?;
        Ok(AttachmentResponse::Ok(Json(attachment.into())))
    }

    /// Download a scan attachment
    ///
    /// The file's bytes, as a download, with the media type judged at upload.
    /// Supports `If-None-Match` with the `ETag`, and one byte range at a time
    /// (`Range: bytes=FIRST-LAST`, with `If-Range`).
    #[oai(
        path = "/v1/workspaces/:workspace_id/scans/:scan_id/attachments/:attachment_id/content",
        method = "get",
        operation_id = "downloadScanAttachment"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn download(
        &self,
        auth: BearerAuth,
        services: Data<&Services>,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The scan.
        scan_id: Path<WireId<ScanId>>,
        /// The attachment.
        attachment_id: Path<WireId<AttachmentId>>,
        /// One byte range, such as `bytes=0-1023`; several ranges, or a
        /// malformed value, get the whole content.
        #[oai(name = "Range")]
        range: Header<Option<String>>,
        /// Serve the range only if the content still has this `ETag`.
        #[oai(name = "If-Range")]
        if_range: Header<Option<String>>,
        /// Answer 304 when the content still has one of these `ETag`s.
        #[oai(name = "If-None-Match")]
        if_none_match: Header<Option<String>>,
    ) -> Result<ContentResponse, Problems<ContentErrors>> {
        let (workspace, owner) = (workspace_id.0.id(), Owner::Scan(scan_id.0.id()));
        let id = attachment_id.0.id();
        let range = requested_range(range.0.as_deref(), if_range.0.as_deref());
        let download = services.attachments.open(auth.0.account.id, workspace, owner, id, range).await?;
        if is_current(&download.attachment, if_none_match.0.as_deref()) {
            return Ok(ContentResponse::NotModified(super::content::etag(&download.attachment)));
        }
        Ok(content_response(download))
    }

    /// Delete a scan attachment
    ///
    /// Its uploader (editor or admin) or any admin deletes it. When the scan
    /// is linked to a case, the case's audit trail records the deletion.
    #[oai(
        path = "/v1/workspaces/:workspace_id/scans/:scan_id/attachments/:attachment_id",
        method = "delete",
        operation_id = "deleteScanAttachment"
    )]
    async fn delete(
        &self,
        auth: BearerAuth,
        services: Data<&Services>,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The scan.
        scan_id: Path<WireId<ScanId>>,
        /// The attachment.
        attachment_id: Path<WireId<AttachmentId>>,
    ) -> Result<AttachmentDeletedResponse, Problems<DeleteAttachmentErrors>> {
        let (workspace, owner) = (workspace_id.0.id(), Owner::Scan(scan_id.0.id()));
        let id = attachment_id.0.id();
        services.attachments.delete(auth.0.account.id, workspace, owner, id).await?;
        Ok(AttachmentDeletedResponse::NoContent)
    }
}
