//! What handlers and the HTTP layer read from each request's extensions,
//! attached in one layer.
//!
//! poem's `.data(value)` wraps the routes in one endpoint per value, and
//! each wrapper's future holds the whole request again while it awaits the
//! next: five of them made every request in flight kilobytes larger and
//! moved the request five more times.

use std::sync::Arc;

use poem::{Endpoint, Request};

use super::json_body::JsonBodyLimit;
use super::limits::RateLimits;
use super::null_rules::NullRules;
use crate::services::Services;

/// Whether this listener serves `/metrics` (false when metrics have a
/// listener of their own).
#[derive(Debug, Clone, Copy)]
pub struct MetricsHere(pub bool);

/// The values attached to every request.
#[derive(Clone)]
pub struct RequestData {
    /// The services handlers call.
    pub services: Services,
    /// The JSON body limit.
    pub json_body_limit: JsonBodyLimit,
    /// Which request fields may be `null`.
    pub nulls: Arc<NullRules>,
    /// The rate limits.
    pub limits: Arc<RateLimits>,
    /// Whether `/metrics` is served on this listener.
    pub metrics_here: MetricsHere,
}

impl RequestData {
    /// Wraps `routes` so that each request carries these values.
    pub fn around<E: Endpoint>(self, routes: E) -> WithRequestData<E> {
        WithRequestData { inner: routes, data: self }
    }
}

/// `routes` with [`RequestData`] attached to each request.
pub struct WithRequestData<E> {
    inner: E,
    data: RequestData,
}

impl<E: Endpoint> Endpoint for WithRequestData<E> {
    type Output = E::Output;

    /// Not an `async fn`: it returns the routes' own future, so this layer
    /// adds nothing to a request in flight.
    fn call(&self, mut request: Request) -> impl Future<Output = poem::Result<Self::Output>> + Send {
        let extensions = request.extensions_mut();
        extensions.insert(self.data.services.clone());
        extensions.insert(self.data.json_body_limit);
        extensions.insert(self.data.nulls.clone());
        extensions.insert(self.data.limits.clone());
        extensions.insert(self.data.metrics_here);
        self.inner.call(request)
    }
}
