//! Serving an attachment's bytes: streamed with its stored media type, as
//! a download with a safe file name, an `ETag` of its SHA-256, conditional
//! `If-None-Match`, and single byte ranges.

use poem::http::header;
use poem::{Body, IntoResponse, Response};
use poem_openapi::ApiResponse;
use poem_openapi::payload::Payload;
use poem_openapi::registry::{MetaSchema, MetaSchemaRef};

use crate::services::attachments::{Attachment, Download, RequestedRange};

/// Attachment bytes with their own media type.
pub struct EvidenceBody {
    media_type: String,
    body: Body,
}

impl Payload for EvidenceBody {
    /// Any type: each attachment is served with the type judged at upload.
    const CONTENT_TYPE: &'static str = "*/*";

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema::new_with_format("string", "binary")))
    }
}

impl IntoResponse for EvidenceBody {
    fn into_response(self) -> Response {
        Response::builder().header(header::CONTENT_TYPE, self.media_type).body(self.body)
    }
}

/// Answer of the content downloads.
#[derive(ApiResponse)]
pub enum ContentResponse {
    /// The whole content.
    #[oai(status = 200)]
    Ok(
        EvidenceBody,
        /// `attachment`, with the file name in plain ASCII and in UTF-8.
        #[oai(header = "Content-Disposition")]
        String,
        /// The content's SHA-256, quoted.
        #[oai(header = "ETag")]
        String,
        /// Size in bytes.
        #[oai(header = "Content-Length")]
        u64,
        /// `bytes`: single byte ranges may be requested.
        #[oai(header = "Accept-Ranges")]
        String,
    ),
    /// The requested byte range.
    #[oai(status = 206)]
    Partial(
        EvidenceBody,
        /// `attachment`, with the file name in plain ASCII and in UTF-8.
        #[oai(header = "Content-Disposition")]
        String,
        /// The content's SHA-256, quoted.
        #[oai(header = "ETag")]
        String,
        /// Bytes in this part.
        #[oai(header = "Content-Length")]
        u64,
        /// `bytes FIRST-LAST/SIZE`.
        #[oai(header = "Content-Range")]
        String,
    ),
    /// The client's copy (`If-None-Match`) is current.
    #[oai(status = 304)]
    NotModified(
        /// The content's SHA-256, quoted.
        #[oai(header = "ETag")]
        String,
    ),
}

/// The `Range` to ask the service for, honouring `If-Range`: the range is
/// served only while the content still has that strong `ETag` (a date or a
/// weak tag never matches, so the whole content is sent).
pub fn requested_range(range: Option<&str>, if_range: Option<&str>) -> Option<RequestedRange> {
    let range = RequestedRange::parse(range?)?;
    match if_range.map(str::trim) {
        None => Some(range),
        Some(tag) => {
            let sha = tag.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or("not a strong tag");
            Some(range.only_if_sha256(sha.to_owned()))
        }
    }
}

/// Whether `If-None-Match` names the current content.
pub fn is_current(attachment: &Attachment, if_none_match: Option<&str>) -> bool {
    let etag = etag(attachment);
    if_none_match.is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == "*" || tag.trim() == etag))
}

/// The response for an opened download.
pub fn content_response(download: Download) -> ContentResponse {
    let Download { attachment, range, body } = download;
    let etag = etag(&attachment);
    let disposition = disposition(&attachment.file_name);
    let body =
        EvidenceBody { media_type: attachment.media_type.clone(), body: Body::from_bytes_stream(body) };
    match range {
        Some(range) => {
            let content_range = format!("bytes {}-{}/{}", range.start, range.end - 1, attachment.size);
            ContentResponse::Partial(body, disposition, etag, range.end - range.start, content_range)
        }
        None => ContentResponse::Ok(body, disposition, etag, attachment.size, "bytes".into()),
    }
}

/// The content's `ETag`: its SHA-256, quoted.
pub fn etag(attachment: &Attachment) -> String {
    format!("\"{}\"", attachment.sha256)
}

/// `attachment; filename="..."; filename*=UTF-8''...` (RFC 6266): the
/// plain name keeps printable ASCII other than quotes and backslashes; the
/// UTF-8 one is percent-encoded.
fn disposition(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(file_name, percent_encoding::NON_ALPHANUMERIC);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::disposition;

    #[test]
    fn file_names_cannot_break_out_of_the_header() {
        assert_eq!(
            disposition("a\"b\\c.txt"),
            "attachment; filename=\"a_b_c.txt\"; filename*=UTF-8''a%22b%5Cc%2Etxt"
        );
        assert_eq!(
            disposition("résumé.pdf"),
            "attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%2Epdf"
        );
    }
}
