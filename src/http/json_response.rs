//! `JsonResponse<T>`: a JSON response body written straight from `T`'s serde
//! `Serialize`, for the busiest answers (a case, a page of cases).
//!
//! poem-openapi's `Json<T>` first builds a `serde_json::Value` tree (an
//! ordered map per object) through `ToJSON`, then writes it out. For a page
//! of fifty cases that tree cost about a sixth of the server's CPU in a
//! profile of the load bench's list scenario. The schema still comes from
//! `T`'s poem-openapi derive, which also gives it `ToJSON`; the tests below
//! hold the two encodings byte for byte equal for every type sent this way.

use poem::{IntoResponse, Response};
use poem_openapi::payload::Payload;
use poem_openapi::registry::{MetaSchemaRef, Registry};
use poem_openapi::types::Type;
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

impl<T: Type + Serialize> IntoResponse for JsonResponse<T> {
    /// poem's own serde `Json` response: the same content type, and a 500
    /// should serializing ever fail (it cannot for these types: string
    /// keys, no custom errors).
    fn into_response(self) -> Response {
        poem::web::Json(self.0).into_response()
    }
}
