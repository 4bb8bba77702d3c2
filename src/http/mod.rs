//! The HTTP edge, beside the resources rather than among them: serving over
//! hyper, the middleware edge (request ids, problems, security headers,
//! timeouts, logs), problem responses and the mapping of service errors to
//! them, the published document, body and response encoders, limits, the
//! bearer scheme and the wire forms every resource shares. It knows no
//! resource: [`crate::api`] hands it the handlers.

pub mod actor;
pub mod auth;
mod described;
pub mod document;
mod edge;
pub mod error;
mod field_value_schemas;
pub mod idempotency;
pub mod json_body;
pub mod json_response;
pub mod limits;
pub mod null_rules;
pub mod problem;
mod request_data;
pub mod responses;
pub mod serve;
pub mod tags;
pub mod text_body;
mod uri_limit;
pub mod wire;

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use poem::endpoint::make_sync;
use poem::http::header;
use poem::{Endpoint, EndpointExt, Response, Route};
use poem_openapi::{OpenApi, OpenApiService};

pub use described::Described;
pub use edge::REQUEST_ID_HEADER;
pub use error::ApiError;
pub use limits::RateLimits;
pub use problem::ProblemKind;
pub use request_data::MetricsHere;

use crate::platform::rate::Rate;
use crate::services::Services;

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
    pub auth_per_address: Option<Rate>,
    /// Authenticated calls per account.
    pub per_account: Option<Rate>,
    /// Authenticated calls per API key.
    pub per_api_key: Option<Rate>,
    /// Whether `/metrics` is served here (not on a listener of its own).
    pub metrics_on_main: bool,
}

/// Builds the document of the handlers (without the handlers), lazily, for
/// the document routes and Swagger UI's page.
pub type ApiFactory<T> = fn() -> OpenApiService<T, ()>;

/// The published document's texts, each rendered on its first request and
/// then served from memory (shared bytes: serving one copies nothing).
struct PublishedTexts<T> {
    api: ApiFactory<T>,
    json: OnceLock<Bytes>,
    yaml: OnceLock<Bytes>,
    swagger_page: OnceLock<Bytes>,
}

impl<T: OpenApi> PublishedTexts<T> {
    fn new(api: ApiFactory<T>) -> Self {
        Self { api, json: OnceLock::new(), yaml: OnceLock::new(), swagger_page: OnceLock::new() }
    }

    fn document(&self) -> document::Document {
        document::complete(&(self.api)().spec())
    }

    fn json(&self) -> Bytes {
        self.json.get_or_init(|| exact_bytes(self.document().json())).clone()
    }

    fn yaml(&self) -> Bytes {
        self.yaml.get_or_init(|| exact_bytes(self.document().yaml())).clone()
    }

    /// Swagger UI showing the published document.
    fn swagger_page(&self) -> Bytes {
        self.swagger_page
            .get_or_init(|| {
                let api = (self.api)();
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

/// Every route of the server — the handlers, their document (built by
/// `describe`) and Swagger UI — inside the edge (request ids, problems, security headers,
/// timeouts, logs).
pub fn routes<T: OpenApi + 'static, D: OpenApi + 'static>(
    handlers: OpenApiService<T, ()>,
    describe: ApiFactory<D>,
    services: Services,
    http: HttpSettings,
    limits: Arc<RateLimits>,
) -> impl Endpoint<Output = Response> {
    let published = document::complete(&handlers.spec());
    let (methods, nulls) = (Arc::new(published.methods()), published.nulls());
    drop(published);
    let texts = Arc::new(PublishedTexts::new(describe));
    let (json, yaml, docs) = (texts.clone(), texts.clone(), texts);
    let limit = json_body::JsonBodyLimit(usize::try_from(http.json_body_limit).unwrap_or(usize::MAX));
    let routes = Route::new()
        .nest("/", handlers)
        .at("/docs", make_sync(move |_| document(docs.swagger_page(), "text/html; charset=utf-8")))
        .at("/openapi.json", make_sync(move |_| document(json.json(), "application/json")))
        .at("/openapi.yaml", make_sync(move |_| document(yaml.yaml(), "application/yaml")));
    let routes = request_data::RequestData {
        services,
        json_body_limit: limit,
        nulls: Arc::new(nulls),
        limits: limits.clone(),
        metrics_here: MetricsHere(http.metrics_on_main),
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
    let limits = Arc::new(RateLimits::new(None, None, None));
    let scrape = poem::endpoint::make(move |_| {
        let telemetry = services.telemetry.clone();
        async move { document(telemetry.scrape().await, "text/plain; version=0.0.4") }
    });
    edge::Edge::new(Route::new().at("/metrics", scrape), std::time::Duration::from_secs(10), limits, None)
}

fn document(body: impl Into<poem::Body>, content_type: &'static str) -> Response {
    Response::builder().header(header::CONTENT_TYPE, content_type).body(body)
}
