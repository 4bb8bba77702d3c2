//! Prometheus metrics move as requests, errors and scans happen.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use casebook::store::DatabaseUrl;

use crate::helpers::TestApp;

/// Shared PostgreSQL readers connected, as the scrape shows them.
pub const CONNECTED_READERS: &str = r#"casebook_db_shared_reader_connections{state="connected"}"#;
/// Shared PostgreSQL readers lost and being connected again.
pub const LOST_READERS: &str = r#"casebook_db_shared_reader_connections{state="lost"}"#;

/// The value of the sample whose line starts with `series` (name and labels).
pub async fn sample(app: &TestApp, series: &str) -> f64 {
    let text = scrape(app).await;
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| line.strip_prefix(series).and_then(|rest| rest.trim().parse().ok()))
        .unwrap_or(0.0)
}

async fn scrape(app: &TestApp) -> String {
    let response = app.client.get(format!("{}/metrics", app.base_url)).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str().expect("ct").starts_with("text/plain"));
    response.text().await.expect("text")
}

async fn metrics_move_as_requests_errors_and_scans_happen(app: TestApp) {
    let unauthorized = r#"casebook_http_requests_total{method="GET",operation="getMyAccount",status="401"}"#;
    let created = r#"casebook_http_requests_total{method="POST",operation="createAccount",status="201"}"#;
    let (before_401, before_201) = (sample(&app, unauthorized).await, sample(&app, created).await);
    let before_queries = sample(&app, "casebook_db_query_duration_seconds_count").await;

    app.get("/v1/accounts/me", None).await;
    app.get("/v1/accounts/me", None).await;
    let token = app.signed_in_user("ada@example.com").await;

    assert_eq!(sample(&app, unauthorized).await - before_401, 2.0);
    assert_eq!(sample(&app, created).await - before_201, 1.0);
    assert!(sample(&app, "casebook_db_query_duration_seconds_count").await > before_queries);
    let text = scrape(&app).await;
    for series in [
        r#"casebook_http_request_duration_seconds_bucket{method="POST",operation="createSession""#,
        r#"casebook_db_pool_connections{state="open"}"#,
        r#"casebook_password_hashes{state="in_flight"}"#,
        "casebook_process_resident_memory_bytes",
        "casebook_process_cpu_seconds_total",
        "casebook_up 1",
    ] {
        assert!(text.contains(series), "missing {series}");
    }
    assert!(!text.contains("acct_"), "ids must not become labels");
    let shared = match app.settings.database.url {
        DatabaseUrl::Postgres(_) => f64::from(app.settings.database.read_connections),
        DatabaseUrl::Sqlite(_) | DatabaseUrl::Mysql(_) => 0.0,
    };
    assert_eq!(sample(&app, CONNECTED_READERS).await, shared);
    assert_eq!(sample(&app, LOST_READERS).await, 0.0);

    let probes_before = sample(&app, "casebook_scan_probes_total").await;
    let ws = app.create_workspace(&token, "Metrics").await;
    let ws = ws["id"].as_str().expect("id");
    let scan = app
        .post(
            &format!("/v1/workspaces/{ws}/scans"),
            Some(&token),
            json!({"target": "127.0.0.1", "ports": "1-100"}),
        )
        .await;
    let path = format!("/v1/workspaces/{ws}/scans/{}", scan.body["id"].as_str().expect("id"));
    for _ in 0..200 {
        if app.get(&path, Some(&token)).await.body["status"] == "completed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(sample(&app, "casebook_scan_probes_total").await - probes_before, 100.0);
    assert_eq!(sample(&app, r#"casebook_scans{status="completed"}"#).await, 1.0);
    let unmatched = r#"casebook_http_requests_total{method="GET",operation="unmatched",status="404"}"#;
    let before_404 = sample(&app, unmatched).await;
    app.get("/v1/no/such/route", None).await;
    assert_eq!(sample(&app, unmatched).await - before_404, 1.0);
}

async fn metrics_can_have_a_listener_of_their_own(app: TestApp) {
    let app =
        app.restart_with(|s| s.server.metrics_listen = Some("127.0.0.1:0".parse().expect("addr"))).await;
    let separate = app.metrics_url.clone().expect("a metrics listener");

    let on_main = app.get("/metrics", None).await;
    let on_own = app.client.get(format!("{separate}/metrics")).send().await.expect("sent");

    on_main.assert_problem(404, "NOT_FOUND");
    assert_eq!(on_own.status(), StatusCode::OK);
    assert!(on_own.text().await.expect("text").contains("casebook_db_pool_connections"));
    let api_elsewhere = app.client.get(format!("{separate}/v1/accounts/me")).send().await.expect("sent");
    assert_eq!(api_elsewhere.status(), StatusCode::NOT_FOUND, "the metrics listener serves only metrics");
}

crate::on_every_backend!(
    metrics_move_as_requests_errors_and_scans_happen,
    metrics_can_have_a_listener_of_their_own
);
