//! The HTTP API: poem-openapi handler structs and their wire types. Handlers
//! only translate: wire types in, one service call, wire types or a problem
//! out. The OpenAPI document is derived from this code.

mod accounts;
mod attachment_error;
mod attachment_responses;
mod attachment_wire;
mod auth;
mod case_attachments;
mod case_wire;
mod cases;
mod comment_wire;
mod comments;
mod document;
mod edge;
mod error;
mod evidence_content;
mod idempotency;
mod identity_wire;
mod json_body;
mod json_response;
mod limits;
mod members;
mod multipart_upload;
mod operations;
mod problem;
mod request_data;
mod responses;
mod scan_attachments;
mod scan_wire;
mod scans;
mod sessions;
mod tags;
mod wire;
mod workspace_wire;
mod workspaces;

use bytes::Bytes;
use poem::endpoint::make_sync;
use poem::http::header;
use poem::{Endpoint, EndpointExt, Response, Route};
use poem_openapi::{ContactObject, LicenseObject, OpenApiService, ServerObject};

pub use edge::REQUEST_ID_HEADER;
pub use error::ApiError;
pub use limits::RateLimits;
pub use problem::ProblemKind;

use crate::services::Services;

type Apis = (
    accounts::AccountsApi,
    sessions::SessionsApi,
    workspaces::WorkspacesApi,
    members::MembersApi,
    cases::CasesApi,
    comments::CommentsApi,
    scans::ScansApi,
    case_attachments::CaseAttachmentsApi,
    scan_attachments::ScanAttachmentsApi,
    operations::OperationsApi,
);

fn openapi_service() -> OpenApiService<Apis, ()> {
    OpenApiService::new(
        (
            accounts::AccountsApi,
            sessions::SessionsApi,
            workspaces::WorkspacesApi,
            members::MembersApi,
            cases::CasesApi,
            comments::CommentsApi,
            scans::ScansApi,
            case_attachments::CaseAttachmentsApi,
            scan_attachments::ScanAttachmentsApi,
            operations::OperationsApi,
        ),
        "Casebook",
        env!("CARGO_PKG_VERSION"),
    )
    .description(
        "Incident case management for security teams: Casebook tracks security \
         incidents as cases inside workspaces.\n\n\
         Sign up with `POST /v1/accounts`, sign in with `POST /v1/sessions`, then send \
         the token as `Authorization: Bearer <token>`. Every error is an RFC 9457 problem \
         (`application/problem+json`) with a stable `code`; every response carries an \
         `X-Request-Id`.",
    )
    .contact(ContactObject::new().name("Casebook maintainers"))
    .license(LicenseObject::new(env!("CARGO_PKG_LICENSE")).url("https://www.apache.org/licenses/LICENSE-2.0"))
    .server(ServerObject::new("/").description("The server this document was fetched from"))
}

/// The OpenAPI document as YAML: what `/openapi.yaml` serves, what
/// `casebook openapi` prints, and what `openapi.yaml` in the repository holds.
pub fn openapi_yaml() -> String {
    published_document().yaml()
}

fn published_document() -> document::Document {
    document::complete(&openapi_service().spec())
}

/// The published document's texts, each rendered on its first request and
/// then served from memory (shared bytes: serving one copies nothing).
#[derive(Default)]
struct PublishedTexts {
    json: std::sync::OnceLock<Bytes>,
    yaml: std::sync::OnceLock<Bytes>,
    swagger_page: std::sync::OnceLock<Bytes>,
}

impl PublishedTexts {
    fn json(&self) -> Bytes {
        self.json.get_or_init(|| exact_bytes(published_document().json())).clone()
    }

    fn yaml(&self) -> Bytes {
        self.yaml.get_or_init(|| exact_bytes(published_document().yaml())).clone()
    }

    /// Swagger UI showing the published document.
    fn swagger_page(&self) -> Bytes {
        self.swagger_page
            .get_or_init(|| {
                let api = openapi_service();
                let json = self.json();
                let completed = std::str::from_utf8(&json)
                    .unwrap_or_else(|_| unreachable!("the document was built as a String"));
                exact_bytes(document::swagger_page(&api.swagger_ui_html(), &api.spec(), completed))
            })
            .clone()
    }
}

/// `text` as bytes without the spare capacity its growth left.
fn exact_bytes(text: String) -> Bytes {
    Bytes::from(text.into_boxed_str().into_boxed_bytes())
}

/// How the HTTP layer treats requests.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Largest JSON body, in bytes.
    pub json_body_limit: u64,
    /// Longest a request may take to produce its response.
    pub request_timeout: std::time::Duration,
    /// Browser origins allowed to call the API; empty for none.
    pub cors_allowed_origins: Vec<String>,
    /// Sign-ins and sign-ups per client address.
    pub auth_per_address: Option<crate::services::rate::Rate>,
    /// Authenticated calls per account.
    pub per_account: Option<crate::services::rate::Rate>,
    /// Whether `/metrics` is served here (not on a listener of its own).
    pub metrics_on_main: bool,
}

/// Every route of the server, inside the edge (request ids, problems,
/// security headers, timeouts, logs).
pub fn routes(
    services: Services,
    http: HttpSettings,
    limits: std::sync::Arc<RateLimits>,
) -> impl Endpoint<Output = Response> {
    let api = openapi_service();
    let published = document::complete(&api.spec());
    let (methods, nulls) = (std::sync::Arc::new(published.methods()), published.nulls());
    drop(published);
    let texts = std::sync::Arc::new(PublishedTexts::default());
    let (json, yaml, docs) = (texts.clone(), texts.clone(), texts);
    let limit = json_body::JsonBodyLimit(usize::try_from(http.json_body_limit).unwrap_or(usize::MAX));
    let routes = Route::new()
        .nest("/", api)
        .at("/docs", make_sync(move |_| document(docs.swagger_page(), "text/html; charset=utf-8")))
        .at("/openapi.json", make_sync(move |_| document(json.json(), "application/json")))
        .at("/openapi.yaml", make_sync(move |_| document(yaml.yaml(), "application/yaml")));
    let routes = request_data::RequestData {
        services,
        json_body_limit: limit,
        nulls: std::sync::Arc::new(nulls),
        limits: limits.clone(),
        metrics_here: operations::MetricsHere(http.metrics_on_main),
    }
    .around(routes);
    let cors = (!http.cors_allowed_origins.is_empty()).then(|| {
        poem::middleware::Cors::new()
            .allow_origins(http.cors_allowed_origins)
            .allow_methods(["GET", "POST", "PATCH", "DELETE"])
            .allow_headers([
                "authorization",
                "content-type",
                "idempotency-key",
                "last-event-id",
                "x-request-id",
            ])
            .expose_headers(["location", "x-request-id", "idempotent-replayed", "retry-after"])
            .max_age(600)
    });
    // Boxed rather than `with_if`: the future of an either-endpoint is the
    // size of its larger side (CORS), even when CORS is off.
    let routes = match cors {
        Some(cors) => routes.with(cors).boxed(),
        None => routes.boxed(),
    };
    edge::Edge::new(routes, http.request_timeout, limits, Some(methods))
}

/// The metrics listener: `/metrics` only, inside the same edge.
pub fn metrics_routes(services: Services) -> impl Endpoint<Output = Response> {
    let limits = std::sync::Arc::new(RateLimits::new(None, None));
    let scrape = poem::endpoint::make(move |_| {
        let telemetry = services.telemetry.clone();
        async move { document(telemetry.scrape().await, "text/plain; version=0.0.4") }
    });
    edge::Edge::new(Route::new().at("/metrics", scrape), std::time::Duration::from_secs(10), limits, None)
}

fn document(body: impl Into<poem::Body>, content_type: &'static str) -> Response {
    Response::builder().header(header::CONTENT_TYPE, content_type).body(body)
}
