//! `JsonBody<T>`: a JSON request body that separates malformed JSON (400)
//! from well-formed JSON of the wrong shape (422, naming the field).
//!
//! The schema comes from `T`'s poem-openapi `Object` derive (with its
//! documented bounds); parsing goes through serde with `deny_unknown_fields`,
//! so a misspelt field is refused rather than dropped. Bounds on values are
//! checked by the domain types' `parse`, which report every offending field.

use poem::error::ReadBodyError;
use poem::{Request, RequestBody};
use poem_openapi::impl_apirequest_for_payload;
use poem_openapi::payload::{ParsePayload, Payload};
use poem_openapi::registry::{MetaSchemaRef, Registry};
use poem_openapi::types::Type;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use super::null_rules::NullRules;
use super::problem::ProblemKind;
use crate::services::validation::FieldError;

/// Largest request body accepted (JSON or text) (a setting, attached to every request);
/// larger ones are refused while streaming, with 413, before they are held
/// in memory.
#[derive(Debug, Clone, Copy)]
pub struct JsonBodyLimit(pub usize);

/// The limit when none is attached (the setting's default).
const DEFAULT_LIMIT: usize = 1024 * 1024;

/// A JSON request body of type `T`.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: Type> Payload for JsonBody<T> {
    const CONTENT_TYPE: &'static str = "application/json";

    fn check_content_type(content_type: &str) -> bool {
        matches!(content_type.parse::<mime::Mime>(), Ok(mime)
            if mime.type_() == "application"
                && (mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json")))
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: Type + DeserializeOwned> ParsePayload for JsonBody<T> {
    const IS_REQUIRED: bool = true;

    async fn from_request(request: &Request, body: &mut RequestBody) -> poem::Result<Self> {
        let bytes = read_limited(request, body).await?;
        let nulls = request.data::<std::sync::Arc<NullRules>>();
        parse(&bytes, &T::name(), nulls.map(|n| &**n)).map(Self).map_err(poem::Error::from)
    }
}

impl_apirequest_for_payload!(JsonBody<T>, T: Type + DeserializeOwned);

/// Reads a whole request body of at most the body limit (413 beyond it).
pub(super) async fn read_limited(
    request: &Request,
    body: &mut RequestBody,
) -> Result<bytes::Bytes, ApiError> {
    let limit = request.data::<JsonBodyLimit>().map_or(DEFAULT_LIMIT, |limit| limit.0);
    let taken = body.take().map_err(|err| {
        ApiError::new(ProblemKind::MalformedRequest, format!("The request body could not be read: {err}."))
    })?;
    taken.into_bytes_limit(limit).await.map_err(|err| match err {
        ReadBodyError::PayloadTooLarge => ApiError::new(
            ProblemKind::PayloadTooLarge,
            format!("The request body is larger than {limit} bytes."),
        ),
        other => ApiError::new(
            ProblemKind::MalformedRequest,
            format!("The request body could not be read: {other}."),
        ),
    })
}

/// Parses `bytes` as a `T` (whose schema is `schema`), classifying failures.
fn parse<T: DeserializeOwned>(bytes: &[u8], schema: &str, nulls: Option<&NullRules>) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::new(
            ProblemKind::MalformedRequest,
            "The request body is empty; send a JSON object.",
        ));
    }
    // Syntax first (trailing characters included), then shape: serde would
    // otherwise also accept an array in place of an object (tuple form).
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|err| classify(".", err))?;
    if !value.is_object() {
        return Err(ApiError::validation(vec![FieldError {
            field: "body".into(),
            message: "must be a JSON object".into(),
        }]));
    }
    if let Some(field) = nul_character(&value, "") {
        return Err(ApiError::validation(vec![FieldError {
            field: if field.is_empty() { "body".into() } else { field },
            message: "must not contain the NUL character".into(),
        }]));
    }
    if let Some(field) = value.as_object().and_then(|body| nulls?.violation(schema, body)) {
        return Err(ApiError::validation(vec![FieldError {
            field,
            message: "must not be null; leave it out instead".into(),
        }]));
    }
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        classify(&path, err.into_inner())
    })
}

/// The path of the first string (or key) holding U+0000, which no text
/// column can store (PostgreSQL refuses it) and no caller means.
fn nul_character(value: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(text) if text.contains('\0') => Some(path.to_owned()),
        Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, item)| nul_character(item, &format!("{path}[{i}]")))
        }
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let field = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            if key.contains('\0') { Some(field) } else { nul_character(item, &field) }
        }),
        _ => None,
    }
}

/// Syntax errors are malformed requests; shape errors name their field.
fn classify(path: &str, err: serde_json::Error) -> ApiError {
    let message = without_position(&err.to_string());
    if !err.is_data() {
        return ApiError::new(
            ProblemKind::MalformedRequest,
            format!("The request body is not valid JSON: {message}."),
        );
    }
    let field = field_name(path, &message);
    ApiError::validation(vec![FieldError { field, message }])
}

/// serde_json appends " at line L column C"; the field name says more.
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// The offending field: the path serde reached (for an unknown field, the
/// path already ends in its name); for a missing field, the path of its
/// parent and the name quoted in the message.
fn field_name(path: &str, message: &str) -> String {
    let quoted = message.split('`').nth(1).unwrap_or_default();
    match (path, message.starts_with("missing field")) {
        (".", true) if !quoted.is_empty() => quoted.to_owned(),
        (".", _) => "body".into(),
        (path, true) => format!("{path}.{quoted}"),
        (path, false) => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_characters_are_found_by_path() {
        let value = serde_json::json!({"a": "ok", "tags": ["x", "y\0"]});
        assert_eq!(nul_character(&value, ""), Some("tags[1]".into()));
        assert_eq!(nul_character(&serde_json::json!({"a": "fine"}), ""), None);
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        name: String,
        count: u32,
    }

    fn problem(body: &str) -> ApiError {
        parse::<Sample>(body.as_bytes(), "Sample", None).expect_err("refused")
    }

    #[test]
    fn broken_json_is_malformed() {
        for body in ["", "  ", "{", "{\"name\": }", "{\"name\":\"a\",\"count\":1} trailing", "nul"] {
            assert_eq!(problem(body).kind, ProblemKind::MalformedRequest, "{body:?}");
        }
    }

    #[test]
    fn wrong_shapes_name_the_field() {
        let cases = [
            (r#"{"name": 5, "count": 1}"#, "name"),
            (r#"{"count": 1}"#, "name"),
            (r#"{"name": "a", "count": 1, "nmae": "b"}"#, "nmae"),
            (r#"{"name": "a", "count": -1}"#, "count"),
            ("[]", "body"),
        ];
        for (body, field) in cases {
            let err = problem(body);
            assert_eq!(err.kind, ProblemKind::ValidationFailed, "{body}");
            assert_eq!(err.fields[0].field, field, "{body}: {:?}", err.fields);
            assert!(!err.fields[0].message.contains("line"), "{:?}", err.fields);
        }
    }
}
