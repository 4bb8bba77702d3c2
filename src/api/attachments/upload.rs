//! `AttachmentUpload`: a `multipart/form-data` request body read as a
//! stream, part by part, so a file goes to storage as it arrives instead of
//! being buffered (poem-openapi's own `Upload` spools whole files first).

use poem::web::Multipart;
use poem::{FromRequest, Request, RequestBody};
use poem_openapi::impl_apirequest_for_payload;
use poem_openapi::payload::{ParsePayload, Payload};
use poem_openapi::registry::{MetaSchemaRef, Registry};
use tokio::io::AsyncReadExt;

use super::wire::UploadFormSchema;
use crate::services::attachments::{FilePart, FormPart, UploadForm};

/// Bytes of a `description` part read; more than this many is surely over
/// the character limit, which the service reports.
const DESCRIPTION_BYTES: u64 = 8 * 1024 + 1;

/// A streamed upload form.
pub struct AttachmentUpload(Multipart);

impl Payload for AttachmentUpload {
    const CONTENT_TYPE: &'static str = "multipart/form-data";

    fn check_content_type(content_type: &str) -> bool {
        matches!(content_type.parse::<mime::Mime>(), Ok(mime) if mime.essence_str() == Self::CONTENT_TYPE)
    }

    fn schema_ref() -> MetaSchemaRef {
        <UploadFormSchema as Payload>::schema_ref()
    }

    fn register(registry: &mut Registry) {
        <UploadFormSchema as Payload>::register(registry);
    }
}

impl ParsePayload for AttachmentUpload {
    const IS_REQUIRED: bool = true;

    async fn from_request(request: &Request, body: &mut RequestBody) -> poem::Result<Self> {
        Ok(Self(Multipart::from_request(request, body).await?))
    }
}

impl_apirequest_for_payload!(AttachmentUpload);

impl UploadForm for AttachmentUpload {
    async fn next_part(&mut self) -> Result<Option<FormPart>, String> {
        let Some(field) = self.0.next_field().await.map_err(|err| err.to_string())? else {
            return Ok(None);
        };
        let part = match field.name() {
            Some("file") => FormPart::File(FilePart {
                file_name: field.file_name().map(str::to_owned),
                declared_type: field.content_type().map(str::to_owned),
                body: Box::pin(field.into_async_read()),
            }),
            Some("description") => {
                let mut bytes = Vec::new();
                let mut reader = Box::pin(field.into_async_read()).take(DESCRIPTION_BYTES);
                reader.read_to_end(&mut bytes).await.map_err(|err| err.to_string())?;
                FormPart::Description(String::from_utf8_lossy(&bytes).into_owned())
            }
            other => FormPart::Other(other.unwrap_or("(unnamed part)").to_owned()),
        };
        Ok(Some(part))
    }
}
