//! Documented error responses. An operation returns
//! `Result<ItsSuccessResponse, Problems<ItsStatuses>>`, where `ItsStatuses`
//! lists every error status it can answer with, framework errors included; the
//! list becomes that operation's responses in the OpenAPI document, each with
//! the `Problem` schema, so generated SDKs get typed errors.

use std::marker::PhantomData;

use poem_openapi::ApiResponse;
use poem_openapi::registry::{
    MetaHeader, MetaMediaType, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef, Registry,
};
use poem_openapi::types::Type;

use super::error::ApiError;
use super::problem::Problem;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The error statuses one operation can answer with (500 and 503 are always
/// added, and 429 to every operation that takes a token).
pub trait ErrorStatuses: Send + Sync + 'static {
    /// The statuses, ascending.
    const STATUSES: &'static [u16];
}

/// Declares a marker type listing an operation's error statuses:
/// `error_statuses!(SignUpErrors: 400, 409, 413, 415, 422);`
macro_rules! error_statuses {
    ($($(#[$doc:meta])* $name:ident: $($status:literal),+;)+) => {
        $(
            $(#[$doc])*
            pub enum $name {}
            impl $crate::http::responses::ErrorStatuses for $name {
                const STATUSES: &'static [u16] = &[$($status),+];
            }
        )+
    };
}
pub(crate) use error_statuses;

/// Declares an operation's one success answer: its type, its status, its
/// variant (with the body, if any) and what it means:
/// `one_answer!(CaseResponse: 200 Ok(Json<CaseView>), "The case.");`
macro_rules! one_answer {
    ($(#[$doc:meta])* $vis:vis $name:ident: $status:tt $variant:ident($body:ty), $meaning:tt) => {
        $(#[$doc])*
        #[derive(poem_openapi::ApiResponse)]
        $vis enum $name {
            #[doc = $meaning]
            #[oai(status = $status)]
            $variant($body),
        }
    };
    ($(#[$doc:meta])* $vis:vis $name:ident: $status:tt $variant:ident, $meaning:tt) => {
        $(#[$doc])*
        #[derive(poem_openapi::ApiResponse)]
        $vis enum $name {
            #[doc = $meaning]
            #[oai(status = $status)]
            $variant,
        }
    };
}
pub(crate) use one_answer;

/// Declares the answer of an idempotent create: 201 with the record, its
/// `Location`, and `Idempotent-Replayed: true` when the answer repeats an
/// earlier request's. Each create names its type, its body, what the 201
/// means and what the `Location` is:
/// `idempotent_created!(pub CreateCaseResponse(Json<CaseView>), "The case was opened ...", "The new case's address.");`
/// A create that may find the record already there adds
/// `existing: "What the 200 means."`, for an `Existing` answer with status 200.
macro_rules! idempotent_created {
    ($(#[$doc:meta])* $vis:vis $name:ident($body:ty), $meaning:tt, $location:tt $(, existing: $existing:tt)?) => {
        $(#[$doc])*
        #[derive(poem_openapi::ApiResponse)]
        $vis enum $name {
            #[doc = $meaning]
            #[oai(status = 201)]
            Created(
                $body,
                #[doc = $location]
                #[oai(header = "Location")]
                String,
                /// `true` when this repeats the response of an earlier request with the same key.
                #[oai(header = "Idempotent-Replayed")]
                Option<String>,
            ),
            $(
                #[doc = $existing]
                #[oai(status = 200)]
                Existing(
                    $body,
                    /// `true` when this repeats the response of an earlier request with the same key.
                    #[oai(header = "Idempotent-Replayed")]
                    Option<String>,
                ),
            )?
        }
    };
}
pub(crate) use idempotent_created;

error_statuses! {
    /// Errors of creating a record inside a workspace.
    CreateErrors: 400, 401, 403, 404, 413, 415, 422;
    /// Errors of listing records inside a workspace.
    ListErrors: 401, 404, 422;
    /// Errors of reading one record inside a workspace.
    GetErrors: 401, 404;
    /// Errors of changing a record inside a workspace (and of creates that
    /// can conflict with what is there).
    UpdateErrors: 400, 401, 403, 404, 409, 413, 415, 422;
    /// Errors of deleting a record inside a workspace.
    DeleteErrors: 401, 403, 404;
    /// Errors of deleting a record that others may still use.
    DeleteInUseErrors: 401, 403, 404, 409, 422;
    /// Errors of reading admin-only records.
    AdminGetErrors: 401, 403, 404;
    /// Errors of listing admin-only records.
    AdminListErrors: 401, 403, 404, 422;
    /// Errors of admin-only actions that the record's state can refuse.
    AdminActionErrors: 401, 403, 404, 409;
}

/// An operation's error: renders as a problem; documents the statuses `S`.
pub struct Problems<S>(pub ApiError, PhantomData<S>);

/// Errors that become API problems (service errors, store errors).
pub trait IntoApiError: Into<ApiError> {}
impl IntoApiError for ApiError {}
impl IntoApiError for crate::services::kernel::Failure {}
impl IntoApiError for crate::services::identity::IdentityError {}
impl IntoApiError for crate::services::validation::ValidationErrors {}
impl IntoApiError for crate::services::workspaces::WorkspaceError {}
impl IntoApiError for crate::services::cases::CaseError {}
impl IntoApiError for crate::services::scans::ScanError {}
impl IntoApiError for crate::services::health::Unready {}
impl IntoApiError for crate::services::attachments::AttachmentError {}
impl IntoApiError for crate::services::fields::FieldError {}
impl IntoApiError for crate::services::templates::TemplateError {}
impl IntoApiError for crate::services::links::LinkError {}
impl IntoApiError for crate::services::webhooks::WebhookError {}

impl<S, E: IntoApiError> From<E> for Problems<S> {
    fn from(err: E) -> Self {
        Self(err.into(), PhantomData)
    }
}

impl<S> From<Problems<S>> for poem::Error {
    fn from(problems: Problems<S>) -> Self {
        poem::Error::from(problems.0)
    }
}

impl<S: ErrorStatuses> ApiResponse for Problems<S> {
    fn meta() -> MetaResponses {
        // Every operation that takes a token is also under the per-account rate limit.
        let limited = S::STATUSES.contains(&401).then_some(429);
        let mut statuses: Vec<u16> = S::STATUSES.iter().copied().chain(limited).chain([500, 503]).collect();
        statuses.sort_unstable();
        statuses.dedup();
        MetaResponses { responses: statuses.into_iter().map(problem_response).collect() }
    }

    fn register(registry: &mut Registry) {
        Problem::register(registry);
    }
}

fn problem_response(status: u16) -> MetaResponse {
    let headers = match status {
        401 => vec![string_header(
            "WWW-Authenticate",
            "`Bearer`, with `error=\"invalid_token\"` when a token was sent but refused.",
        )],
        _ => Vec::new(),
    };
    MetaResponse {
        description: status_description(status),
        status: Some(status),
        status_range: None,
        content: vec![MetaMediaType { content_type: PROBLEM_JSON, schema: Problem::schema_ref() }],
        headers,
    }
}

fn string_header(name: &str, description: &str) -> MetaHeader {
    MetaHeader {
        name: name.to_owned(),
        description: Some(description.to_owned()),
        required: true,
        deprecated: false,
        schema: MetaSchemaRef::Inline(Box::new(MetaSchema::new("string"))),
    }
}

/// What each status means across the API.
fn status_description(status: u16) -> &'static str {
    match status {
        400 => {
            "The body is not well-formed: not JSON where JSON is expected, or an unreadable form (`MALFORMED_REQUEST`)."
        }
        401 => {
            "Not signed in (`NEED_LOGIN`), or the token is bad (`INVALID_TOKEN`) or its session ended (`SESSION_EXPIRED`); an API key is bad (`API_KEY_INVALID`), revoked (`API_KEY_REVOKED`), expired (`API_KEY_EXPIRED`) or its service account disabled (`SERVICE_ACCOUNT_DISABLED`); for sign-in, `INVALID_CREDENTIALS`."
        }
        403 => {
            "Signed in, but the role does not allow this (`FORBIDDEN`), or only a person may do it, not a service account (`SERVICE_ACCOUNT_NOT_ALLOWED`)."
        }
        404 => "No such resource, or one the caller may not know of (`NOT_FOUND`).",
        409 => {
            "The request conflicts with the current state (`EMAIL_TAKEN`, `ALREADY_MEMBER`, `LAST_ADMIN`, `VERSION_CONFLICT`; `CASE_MERGED` when adding to, or merging, a case that was merged into another)."
        }
        413 => "The body is too large (`PAYLOAD_TOO_LARGE`).",
        415 => {
            "The body's `Content-Type` is not one the operation takes: `application/json` unless the operation lists others (`UNSUPPORTED_MEDIA_TYPE`)."
        }
        422 => {
            "Some fields are invalid; `errors` lists each (`VALIDATION_FAILED`); or the `Idempotency-Key` was used for a different request (`IDEMPOTENCY_KEY_REUSED`)."
        }
        429 => "Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`).",
        503 => "The service cannot answer now; try again shortly (`UNAVAILABLE`).",
        _ => "An internal error; the body carries only the request id (`INTERNAL`).",
    }
}
