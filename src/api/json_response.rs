//! `JsonResponse<T>`: a JSON response body written straight from `T`'s serde
//! `Serialize`, for the busiest answers (a case, a page of cases).
//!
//! poem-openapi's `Json<T>` first builds a `serde_json::Value` tree (an
//! ordered map per object) through `ToJSON`, then writes it out. For a page
//! of fifty cases that tree cost about a sixth of the server's CPU in a
//! profile of the load bench's list scenario. The schema still comes from
//! `T`'s poem-openapi derive, and `T` must implement `ToJSON` too: tests
//! hold the two encodings byte for byte equal for every type used here.

use poem::http::header;
use poem::{IntoResponse, Response};
use poem_openapi::payload::Payload;
use poem_openapi::registry::{MetaSchemaRef, Registry};
use poem_openapi::types::{ToJSON, Type};
use serde::Serialize;

/// A JSON response body of type `T`.
#[derive(Debug)]
pub struct JsonResponse<T>(pub T);

impl<T: Type> Payload for JsonResponse<T> {
    /// The same content type poem-openapi's `Json` declares and sends.
    const CONTENT_TYPE: &'static str = "application/json; charset=utf-8";

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: Type + ToJSON + Serialize> IntoResponse for JsonResponse<T> {
    fn into_response(self) -> Response {
        match serde_json::to_vec(&self.0) {
            Ok(body) => Response::builder().header(header::CONTENT_TYPE, Self::CONTENT_TYPE).body(body),
            // Serialize cannot fail for these types (string keys, no custom
            // errors); should one ever, the Value path answers instead.
            Err(err) => {
                tracing::error!(error = %err, "serializing a response directly failed");
                poem_openapi::payload::Json(self.0).into_response()
            }
        }
    }
}

/// Test support: asserts that `value` encodes to the same bytes through
/// serde as through poem-openapi's `ToJSON`.
#[cfg(test)]
pub fn assert_same_encoding<T: ToJSON + Serialize>(value: &T) {
    let direct = serde_json::to_string(value).expect("serializes");
    assert_eq!(direct, value.to_json_string(), "serde and ToJSON disagree");
}
