//! The edge of the server, around every route: assigns the request id, opens
//! the request's tracing span, logs the outcome, and turns every error — ours
//! and the framework's — into one `application/problem+json` shape.

use std::sync::Arc;
use std::time::{Duration, Instant};

use poem::error::{MethodNotAllowedError, NotFoundError};
use poem::http::{HeaderValue, StatusCode, header};
use poem::{Endpoint, IntoResponse, Request, Response};
use poem_openapi::OperationId;
use poem_openapi::error::{
    AuthorizationError, ContentTypeError, ParseMultipartError, ParseParamError, ParsePathError,
    ParseRequestPayloadError,
};
use poem_openapi::types::ToJSON;
use tracing::Instrument;

use super::document::MethodIndex;
use super::error::ApiError;
use super::limits::RateLimits;
use super::problem::{Problem, ProblemFieldError, ProblemKind};
use super::responses::PROBLEM_JSON;
use crate::services::validation::FieldError;

/// The request id header, read from clients and always answered.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The id of one request, as logged and as returned to the client.
#[derive(Debug, Clone)]
pub struct RequestId(String);

impl RequestId {
    /// The client's id if it is sane (1 to 128 of `A-Z a-z 0-9 - _ . :`),
    /// otherwise a fresh `req_` id.
    fn from_request(request: &Request) -> Self {
        let sent = request.headers().get(REQUEST_ID_HEADER).and_then(|v| v.to_str().ok());
        match sent {
            Some(id) if is_sane(id) => Self(id.to_owned()),
            _ => Self(format!("req_{}", uuid::Uuid::now_v7().simple())),
        }
    }
}

fn is_sane(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// `next` inside the edge. Never fails: every error becomes a problem
/// response here. A request that takes longer than `timeout` to produce its
/// response is abandoned with 503; a sign-in or sign-up beyond its
/// address's rate limit is refused with 429; a 405 lists the methods its
/// path accepts in `Allow`.
///
/// One endpoint rather than closures around `next`: each closure layer's
/// future held the whole request again while awaiting the next, and every
/// request in flight carries these futures.
///
/// Why not poem's own `RequestId`, `SetHeader` and `Tracing` middleware for
/// the parts they cover. Measured with `size_of_val` on the future of one
/// call (poem 3.1.12, 2026-12-04): a bare route's future is 2,056 bytes;
/// this edge around it, doing everything listed above, 3,608; poem's
/// `SetHeader` and `Tracing` alone around the same route, 4,128. This edge
/// must stay for the problem mapping, timeout and limits in any case, so
/// the poem layers would add their 2,072 bytes to every request in flight
/// (5,680 with both). They also do not fit: `RequestId` reuses a client's
/// id unchecked or mints one without the `req_` prefix the conventions
/// give, and `SetHeader` sets one header list for every path where Swagger
/// UI's page needs its own content security policy and handlers may set
/// their own headers first.
pub struct Edge<E> {
    next: E,
    timeout: Duration,
    limits: Arc<RateLimits>,
    methods: Option<Arc<MethodIndex>>,
}

impl<E: Endpoint> Edge<E> {
    /// The edge around `next`. `methods` (the documented paths' methods)
    /// gives `Allow` on 405; without it a 405 has none.
    pub fn new(
        next: E,
        timeout: Duration,
        limits: Arc<RateLimits>,
        methods: Option<Arc<MethodIndex>>,
    ) -> Self {
        Self { next, timeout, limits, methods }
    }
}

impl<E: Endpoint> Endpoint for Edge<E> {
    type Output = Response;

    fn call(&self, mut request: Request) -> impl Future<Output = poem::Result<Response>> + Send {
        let request_id = RequestId::from_request(&request);
        let span = tracing::info_span!(
            "request",
            request_id = %request_id.0,
            method = %request.method(),
            path = %request.uri().path(),
            account_id = tracing::field::Empty,
            principal = tracing::field::Empty,
            api_key_id = tracing::field::Empty,
        );
        request.extensions_mut().insert(request_id.clone());
        let is_docs = request.uri().path().starts_with("/docs");
        // No text column can store U+0000 (PostgreSQL refuses it); a query
        // string can only carry it percent-encoded ("%00": digits have no
        // case, so no lowercased copy of the query is needed).
        let nul_in_query = request.uri().query().is_some_and(|query| query.contains("%00"));
        let method = request.method().clone();
        // Label by operation, not path: ids in paths would make every
        // request a new time series. Documents and unknown routes share
        // labels.
        let unnamed = match request.uri().path() {
            p if p.starts_with("/docs") => "docs",
            "/openapi.json" | "/openapi.yaml" => "openapi",
            _ => "unmatched",
        };
        let idempotency_key = request
            .headers()
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .filter(|key| is_sane(key))
            .map(str::to_owned);
        // Cloning a Uri shares its bytes; the path is only looked at on a 405.
        let uri = self.methods.is_some().then(|| request.uri().clone());
        let limited = self.limits.check_auth_attempt(&request);
        async move {
            let started = Instant::now();
            let call = async {
                match limited {
                    Err(too_many) => Err(poem::Error::from(too_many)),
                    Ok(()) if nul_in_query => {
                        Err(poem::Error::from(ApiError::validation(vec![FieldError {
                            field: "query".into(),
                            message: "query parameters must not contain the NUL character".into(),
                        }])))
                    }
                    Ok(()) => self.next.call(request).await.map(IntoResponse::into_response),
                }
            };
            let mut operation = None;
            let mut response = match tokio::time::timeout(self.timeout, call).await {
                Ok(Ok(response)) => {
                    operation = response.data::<OperationId>().map(|id| id.0);
                    response
                }
                Ok(Err(err)) => {
                    operation = err.data::<OperationId>().map(|id| id.0);
                    problem_response(classify(err), &request_id)
                }
                Err(_elapsed) => problem_response(
                    ApiError::new(
                        ProblemKind::Unavailable,
                        format!(
                            "The request took longer than {} s and was abandoned.",
                            self.timeout.as_secs_f32()
                        ),
                    ),
                    &request_id,
                ),
            };
            secure(&mut response, is_docs);
            if let Ok(value) = HeaderValue::from_str(&request_id.0) {
                response.headers_mut().insert(REQUEST_ID_HEADER, value);
            }
            if response.status() == StatusCode::METHOD_NOT_ALLOWED
                && let (Some(methods), Some(uri)) = (&self.methods, &uri)
                && let Some(value) =
                    methods.allow(uri.path()).and_then(|allow| HeaderValue::from_str(allow).ok())
            {
                response.headers_mut().insert(header::ALLOW, value);
            }
            let elapsed = started.elapsed();
            let status = response.status().as_u16();
            let operation = operation.unwrap_or(unnamed);
            crate::platform::metrics::observe_request(method.as_str(), operation, status, elapsed);
            tracing::info!(
                operation,
                status,
                latency_us = elapsed.as_micros() as u64,
                idempotency_key = idempotency_key.as_deref(),
                "request finished"
            );
            Ok(response)
        }
        .instrument(span)
    }
}

/// Security headers on every response. The API serves only JSON, so its
/// content security policy forbids everything; Swagger UI's page needs its
/// inlined scripts and styles.
fn secure(response: &mut Response, is_docs: bool) {
    let headers = response.headers_mut();
    let policy = if is_docs {
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
    } else {
        "default-src 'none'; frame-ancestors 'none'"
    };
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("content-security-policy", policy),
    ] {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    }
    if !is_docs {
        headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    }
}

/// Turns any error into an `ApiError`, keeping the framework's statuses.
fn classify(err: poem::Error) -> ApiError {
    let err = match err.downcast::<ApiError>() {
        Ok(api_error) => return api_error,
        Err(err) => err,
    };
    if err.is::<AuthorizationError>() {
        return ApiError::new(
            ProblemKind::NeedLogin,
            "This operation needs a bearer token: sign in with POST /v1/sessions, then send \
             `Authorization: Bearer <token>`.",
        );
    }
    if let Some(content_type) = err.downcast_ref::<ContentTypeError>() {
        return ApiError::new(
            ProblemKind::UnsupportedMediaType,
            format!(
                "{content_type}; send a body of a media type the operation documents \
                 (`application/json` unless it says otherwise)."
            ),
        );
    }
    if let Some(param) = err.downcast_ref::<ParseParamError>() {
        return ApiError::validation(vec![FieldError {
            field: param.name.to_owned(),
            message: param.reason.clone(),
        }]);
    }
    if err.is::<ParsePathError>() || err.is::<NotFoundError>() {
        return ApiError::new(ProblemKind::NotFound, "There is nothing at this address.");
    }
    if err.is::<MethodNotAllowedError>() {
        return ApiError::new(ProblemKind::MethodNotAllowed, "This address does not accept this method.");
    }
    if err.is::<ParseRequestPayloadError>() || err.is::<ParseMultipartError>() {
        return ApiError::new(
            ProblemKind::MalformedRequest,
            format!("The request body could not be read: {err}."),
        );
    }
    match err.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(ProblemKind::PayloadTooLarge, "The request body is larger than allowed.")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ApiError::new(ProblemKind::UnsupportedMediaType, err.to_string())
        }
        StatusCode::NOT_FOUND => ApiError::new(ProblemKind::NotFound, "There is nothing at this address."),
        StatusCode::FORBIDDEN => ApiError::new(ProblemKind::Forbidden, format!("Refused: {err}.")),
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::new(ProblemKind::MethodNotAllowed, "This address does not accept this method.")
        }
        status if status.is_client_error() => ApiError::new(
            ProblemKind::MalformedRequest,
            format!("The request could not be understood: {err}."),
        ),
        _ => ApiError::internal(FrameworkError(err.to_string())),
    }
}

/// A failure reported by the framework, kept for the log.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct FrameworkError(String);

/// Renders an `ApiError` as a problem response; logs server errors with
/// their cause chain.
fn problem_response(err: ApiError, request_id: &RequestId) -> Response {
    let status = err.kind.status();
    if status >= 500 {
        tracing::error!(code = err.kind.code(), error = %error_chain(&err), "request failed");
    }
    let fields = (!err.fields.is_empty()).then(|| {
        err.fields
            .iter()
            .map(|f| ProblemFieldError { field: f.field.clone(), message: f.message.clone() })
            .collect()
    });
    let retry_after = err.retry_after;
    let problem = Problem {
        type_uri: err.kind.type_uri().to_owned(),
        title: err.kind.title().to_owned(),
        status: i32::from(status),
        detail: err.detail,
        code: err.kind.code().to_owned(),
        request_id: request_id.0.clone(),
        errors: fields,
    };
    let body = problem.to_json().map(|json| json.to_string()).unwrap_or_default();
    let mut response = Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header(header::CONTENT_TYPE, PROBLEM_JSON)
        .body(body);
    if let Some(size) = err.unsatisfied_range_of
        && let Ok(value) = HeaderValue::try_from(format!("bytes */{size}"))
    {
        response.headers_mut().insert(header::CONTENT_RANGE, value);
    }
    if let Some(seconds) = retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    if status == 401 {
        let challenge = match err.kind {
            ProblemKind::NeedLogin | ProblemKind::InvalidCredentials => "Bearer",
            _ => "Bearer error=\"invalid_token\"",
        };
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    }
    response
}

/// "outer: inner: innermost", for logs.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut chain = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    chain
}
