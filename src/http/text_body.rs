//! `TextBody<M>`: a UTF-8 text request body of one media type (`text/csv`,
//! `text/plain`), read whole up to the request body limit. A leading
//! byte-order mark (spreadsheets write one) is dropped; text that is not
//! UTF-8, or that holds U+0000, is refused naming `body`.

use std::marker::PhantomData;

use poem::{Request, RequestBody};
use poem_openapi::impl_apirequest_for_payload;
use poem_openapi::payload::{ParsePayload, Payload};
use poem_openapi::registry::{MetaSchemaRef, Registry};
use poem_openapi::types::Type;

use super::error::ApiError;
use super::json_body::read_limited;
use crate::services::validation::FieldError;

/// A text media type a [`TextBody`] accepts.
pub trait TextMedia: Send + Sync {
    /// Its essence, such as `text/csv`.
    const ESSENCE: &'static str;
}

/// `text/csv`.
pub struct Csv;

impl TextMedia for Csv {
    const ESSENCE: &'static str = "text/csv";
}

/// `text/plain`.
pub struct Plain;

impl TextMedia for Plain {
    const ESSENCE: &'static str = "text/plain";
}

/// A text body of media type `M`.
pub struct TextBody<M>(pub String, PhantomData<M>);

impl<M: TextMedia> Payload for TextBody<M> {
    const CONTENT_TYPE: &'static str = M::ESSENCE;

    /// The media type, with no charset or a UTF-8 (or ASCII) one.
    fn check_content_type(content_type: &str) -> bool {
        matches!(content_type.parse::<mime::Mime>(), Ok(mime)
        if mime.essence_str() == M::ESSENCE
            && mime.get_param(mime::CHARSET).is_none_or(|c| {
                c == mime::UTF_8 || c.as_str().eq_ignore_ascii_case("us-ascii")
            }))
    }

    fn schema_ref() -> MetaSchemaRef {
        String::schema_ref()
    }

    fn register(registry: &mut Registry) {
        String::register(registry);
    }
}

impl<M: TextMedia> ParsePayload for TextBody<M> {
    const IS_REQUIRED: bool = true;

    async fn from_request(request: &Request, body: &mut RequestBody) -> poem::Result<Self> {
        let bytes = read_limited(request, body).await?;
        let refused = |message: &str| {
            ApiError::validation(vec![FieldError { field: "body".into(), message: message.into() }])
        };
        let text = String::from_utf8(bytes.to_vec()).map_err(|_| refused("must be UTF-8 text"))?;
        if text.contains('\0') {
            return Err(refused("must not contain the NUL character").into());
        }
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_owned(),
            None => text,
        };
        Ok(Self(text, PhantomData))
    }
}

impl_apirequest_for_payload!(TextBody<M>, M: TextMedia);
