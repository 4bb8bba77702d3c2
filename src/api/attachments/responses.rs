//! Responses and error sets shared by the case and scan attachment APIs.

use poem_openapi::payload::Json;

use super::wire::{AttachmentList, AttachmentView};
use crate::http::idempotency::replayed;
use crate::http::responses::{error_statuses, idempotent_created, one_answer};
use crate::http::wire::WireId;
use crate::services::attachments::Attachment;
use crate::services::idempotency::Created;

error_statuses! {
    /// Errors of the downloads.
    ContentErrors: 401, 404, 416;
}

idempotent_created!(
    /// Answer of the uploads.
    pub CreatedAttachment(Json<AttachmentView>),
    "The file was stored and attached (or, with `Idempotent-Replayed: true`, an earlier upload with the same key).",
    "The attachment's address."
);

one_answer!(
    /// Answer of the attachment lists.
    pub AttachmentListResponse: 200 Ok(Json<AttachmentList>),
    "A page of attachments."
);

one_answer!(
    /// Answer of reading one attachment's record.
    pub AttachmentResponse: 200 Ok(Json<AttachmentView>),
    "The attachment."
);

one_answer!(
    /// Answer of the deletions.
    pub AttachmentDeletedResponse: 204 NoContent,
    "The attachment is gone (its content too, unless another attachment has the same)."
);

/// 201 for an upload to the case or scan at `base`.
pub fn created(base: &str, uploaded: Created<Attachment>) -> CreatedAttachment {
    let location = format!("{base}/attachments/{}", WireId::new(uploaded.value.id));
    CreatedAttachment::Created(Json(uploaded.value.into()), location, replayed(uploaded.replayed))
}
