//! Prometheus metrics. Counters and histograms are updated where things
//! happen (the HTTP edge, every database query, the scanner); gauges that
//! describe current state (pool, shared readers, password hashing, scan
//! queue) are read at scrape time by `services::telemetry`.

use std::sync::LazyLock;
use std::time::Duration;

use prometheus::{
    Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
};

/// Every metric of the process.
pub struct Metrics {
    /// The registry the scrape renders.
    pub registry: Registry,
    /// Requests by method, operation (route) and status.
    pub http_requests: IntCounterVec,
    /// Request latency by method and operation.
    pub http_duration: HistogramVec,
    /// Bearer tokens checked, by principal kind and outcome.
    pub authentications: IntCounterVec,
    /// Database query latency.
    pub db_query_duration: Histogram,
    /// Database pool connections by state (`open`, `idle`, `waiting`).
    pub db_pool: IntGaugeVec,
    /// Shared PostgreSQL reader connections by state (`connected`, `lost`).
    pub db_shared_readers: IntGaugeVec,
    /// Password hashes by state (`in_flight`, `waiting`).
    pub password_hashes: IntGaugeVec,
    /// Scans by status.
    pub scans: IntGaugeVec,
    /// TCP probes sent by scans.
    pub scan_probes: IntCounter,
    /// Scan chunks committed.
    pub scan_chunks: IntCounter,
    /// Webhook delivery attempts by outcome (`delivered`, `retrying`, `failed`).
    pub webhook_deliveries: IntCounterVec,
    /// Time from an event's commit to its receiver's acknowledgement.
    pub webhook_delivery_latency: Histogram,
    /// Deliveries waiting (pending, to active subscriptions).
    pub webhook_queue_depth: IntGauge,
    /// Age of the oldest waiting delivery's event, in seconds (0 when none waits).
    pub webhook_oldest_pending: IntGauge,
    /// 1 while the server is serving.
    pub up: IntGauge,
}

fn build() -> Result<Metrics, prometheus::Error> {
    let registry = Registry::new_custom(Some("casebook".into()), None)?;
    let latency = vec![0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];
    let metrics = Metrics {
        http_requests: IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by method, operation and status"),
            &["method", "operation", "status"],
        )?,
        http_duration: HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency")
                .buckets(latency.clone()),
            &["method", "operation"],
        )?,
        authentications: IntCounterVec::new(
            Opts::new(
                "authentications_total",
                "Bearer tokens checked, by principal (person, service_account) and outcome (accepted, refused)",
            ),
            &["principal", "outcome"],
        )?,
        db_query_duration: Histogram::with_opts(
            HistogramOpts::new("db_query_duration_seconds", "Database query latency").buckets(latency),
        )?,
        db_pool: IntGaugeVec::new(
            Opts::new("db_pool_connections", "Database pool connections by state"),
            &["state"],
        )?,
        db_shared_readers: IntGaugeVec::new(
            Opts::new("db_shared_reader_connections", "Shared PostgreSQL reader connections by state"),
            &["state"],
        )?,
        password_hashes: IntGaugeVec::new(
            Opts::new("password_hashes", "Password hashes by state"),
            &["state"],
        )?,
        scans: IntGaugeVec::new(Opts::new("scans", "Scans by status"), &["status"])?,
        scan_probes: IntCounter::new("scan_probes_total", "TCP probes sent by scans")?,
        scan_chunks: IntCounter::new("scan_chunks_total", "Scan progress chunks committed")?,
        webhook_deliveries: IntCounterVec::new(
            Opts::new(
                "webhook_deliveries_total",
                "Webhook delivery attempts by outcome (delivered, retrying, failed)",
            ),
            &["outcome"],
        )?,
        webhook_delivery_latency: Histogram::with_opts(
            HistogramOpts::new(
                "webhook_delivery_latency_seconds",
                "Time from an event's commit to its receiver's acknowledgement",
            )
            .buckets(vec![0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0, 300.0, 3600.0]),
        )?,
        webhook_queue_depth: IntGauge::new(
            "webhook_queue_depth",
            "Webhook deliveries waiting: pending ones, and events active subscriptions have not yet taken",
        )?,
        webhook_oldest_pending: IntGauge::new(
            "webhook_oldest_pending_seconds",
            "Age of the oldest waiting webhook delivery's event (0 when none waits)",
        )?,
        up: IntGauge::new("up", "1 while the server is serving")?,
        registry,
    };
    let r = &metrics.registry;
    r.register(Box::new(metrics.http_requests.clone()))?;
    r.register(Box::new(metrics.http_duration.clone()))?;
    r.register(Box::new(metrics.authentications.clone()))?;
    r.register(Box::new(metrics.db_query_duration.clone()))?;
    r.register(Box::new(metrics.db_pool.clone()))?;
    r.register(Box::new(metrics.db_shared_readers.clone()))?;
    r.register(Box::new(metrics.password_hashes.clone()))?;
    r.register(Box::new(metrics.scans.clone()))?;
    r.register(Box::new(metrics.scan_probes.clone()))?;
    r.register(Box::new(metrics.scan_chunks.clone()))?;
    r.register(Box::new(metrics.webhook_deliveries.clone()))?;
    r.register(Box::new(metrics.webhook_delivery_latency.clone()))?;
    r.register(Box::new(metrics.webhook_queue_depth.clone()))?;
    r.register(Box::new(metrics.webhook_oldest_pending.clone()))?;
    r.register(Box::new(metrics.up.clone()))?;
    r.register(Box::new(prometheus::process_collector::ProcessCollector::for_self()))?;
    Ok(metrics)
}

/// The process's metrics.
pub static METRICS: LazyLock<Metrics> =
    LazyLock::new(|| build().unwrap_or_else(|err| panic!("metric definitions are invalid: {err}")));

/// Records one database query's latency.
pub fn observe_query(elapsed: Duration) {
    METRICS.db_query_duration.observe(elapsed.as_secs_f64());
}

/// Records one bearer token checked: a session token (`person`) or an API
/// key (`service_account`), accepted or refused.
pub fn observe_authentication(principal: &str, accepted: bool) {
    let outcome = if accepted { "accepted" } else { "refused" };
    METRICS.authentications.with_label_values(&[principal, outcome]).inc();
}

/// Records one HTTP request.
pub fn observe_request(method: &str, operation: &str, status: u16, elapsed: Duration) {
    METRICS.http_requests.with_label_values(&[method, operation, &status.to_string()]).inc();
    METRICS.http_duration.with_label_values(&[method, operation]).observe(elapsed.as_secs_f64());
}

/// The registry in the Prometheus text format.
pub fn render() -> String {
    use prometheus::Encoder as _;
    let mut buffer = Vec::new();
    let _ = prometheus::TextEncoder::new().encode(&METRICS.registry.gather(), &mut buffer);
    String::from_utf8(buffer).unwrap_or_default()
}
