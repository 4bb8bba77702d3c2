//! Operational routes outside `/v1`: liveness, readiness and metrics.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::payload::{Json, PlainText};
use poem_openapi::{ApiResponse, Object, OpenApi};

use crate::http::MetricsHere;
use crate::http::error::ApiError;
use crate::http::problem::ProblemKind;
use crate::http::responses::{Problems, error_statuses, one_answer};
use crate::http::tags::ApiTags;
use crate::services::health::HealthService;
use crate::services::telemetry::TelemetryService;

/// Health checks and metrics.
pub struct OperationsApi {
    /// Readiness checks.
    pub(in crate::api) health: Arc<HealthService>,
    /// Metrics scrapes.
    pub(in crate::api) telemetry: Arc<TelemetryService>,
}

error_statuses! {
    /// Errors of `getLiveness`.
    LivenessErrors: 404;
    /// Errors of `getReadiness` (503 when not ready).
    ReadinessErrors: 404;
}

/// The outcome of a health check.
#[derive(Debug, Object)]
#[oai(rename = "Health")]
pub struct Health {
    /// `ok` when alive, `ready` when ready.
    pub status: String,
}

one_answer!(
    /// Answer of `getLiveness`.
    LivenessResponse: 200 Ok(Json<Health>),
    "The process answers."
);

one_answer!(
    /// Answer of `getReadiness`.
    ReadinessResponse: 200 Ok(Json<Health>),
    "The database answers and its migrations are current."
);

/// Answer of `getMetrics`.
#[derive(ApiResponse)]
enum MetricsResponse {
    /// Every metric in the Prometheus text format (version 0.0.4).
    #[oai(status = 200, content_type = "text/plain; version=0.0.4")]
    Ok(PlainText<String>),
}

#[OpenApi(tag = "ApiTags::Operations")]
impl OperationsApi {
    /// Prometheus metrics
    ///
    /// Requests by method, operation and status; latency histograms; database
    /// pool and query latency; password hashes in flight and waiting; scans
    /// by status and probes sent; process memory and CPU.
    #[oai(path = "/metrics", method = "get", operation_id = "getMetrics")]
    async fn metrics(&self, here: Data<&MetricsHere>) -> Result<MetricsResponse, Problems<LivenessErrors>> {
        if !here.0.0 {
            return Err(
                ApiError::new(ProblemKind::NotFound, "Metrics are served on their own listener.").into()
            );
        }
        Ok(MetricsResponse::Ok(PlainText(self.telemetry.scrape().await)))
    }

    /// Liveness
    ///
    /// 200 while the process answers; for restarts by an orchestrator.
    #[oai(path = "/health/live", method = "get", operation_id = "getLiveness")]
    async fn liveness(&self) -> Result<LivenessResponse, Problems<LivenessErrors>> {
        Ok(LivenessResponse::Ok(Json(Health { status: "ok".into() })))
    }

    /// Readiness
    ///
    /// 200 when the database answers and carries every migration this server
    /// expects; 503 `UNAVAILABLE` otherwise, so load balancers route around it.
    #[oai(path = "/health/ready", method = "get", operation_id = "getReadiness")]
    async fn readiness(&self) -> Result<ReadinessResponse, Problems<ReadinessErrors>> {
        self.health.ready().await?;
        Ok(ReadinessResponse::Ok(Json(Health { status: "ready".into() })))
    }
}
