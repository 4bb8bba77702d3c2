//! Operating the server: health, readiness, security headers, CORS, body
//! limit and request timeout.

use std::time::Duration;

use casebook::store::DatabaseUrl;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::db_proxy::DbProxy;
use crate::helpers::{Backend, TestApp};

/// Readiness once it answers 200, or its last answer after 5 s of asking.
async fn readiness_within_5s(app: &TestApp) -> StatusCode {
    let mut answer = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..50 {
        answer = app.get("/health/ready", None).await.status;
        if answer == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    answer
}

async fn the_server_is_live_and_ready(app: TestApp) {
    let live = app.get("/health/live", None).await;
    let ready = app.get("/health/ready", None).await;

    assert_eq!((live.status, live.body["status"].as_str()), (StatusCode::OK, Some("ok")));
    assert_eq!((ready.status, ready.body["status"].as_str()), (StatusCode::OK, Some("ready")));
}

async fn readiness_fails_while_migrations_are_pending(app: TestApp) {
    let latest = "SELECT max(version) FROM __diesel_schema_migrations";
    app.execute_sql(&format!("CREATE TABLE parked AS SELECT * FROM __diesel_schema_migrations WHERE version = ({latest}); \
                            DELETE FROM __diesel_schema_migrations WHERE version = (SELECT version FROM parked);")).await;

    let unready = app.get("/health/ready", None).await;

    unready.assert_problem(503, "UNAVAILABLE");
    assert!(unready.body["detail"].as_str().expect("detail").contains("expects"), "{}", unready.body);
    app.execute_sql("INSERT INTO __diesel_schema_migrations SELECT * FROM parked; DROP TABLE parked;").await;
    assert_eq!(app.get("/health/ready", None).await.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_flips_when_postgres_goes_away_and_comes_back() {
    let Some(app) = TestApp::spawn(Backend::Postgres).await else { return };
    assert_eq!(app.get("/health/ready", None).await.status, StatusCode::OK);
    let DatabaseUrl::Postgres(url) = &app.settings.database.url else { unreachable!() };
    let (base, name) = url.rsplit_once('/').expect("database name");
    let mut admin = AsyncPgConnection::establish(&format!("{base}/postgres")).await.expect("admin");

    admin
        .batch_execute(&format!(
            "ALTER DATABASE {name} ALLOW_CONNECTIONS false; \
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}';"
        ))
        .await
        .expect("cut off");
    let gone = app.get("/health/ready", None).await;
    admin.batch_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true;")).await.expect("restore");

    gone.assert_problem(503, "UNAVAILABLE");
    assert_eq!(readiness_within_5s(&app).await, StatusCode::OK, "readiness did not recover");
    assert_eq!(app.get("/v1/accounts/me", None).await.status, StatusCode::UNAUTHORIZED);
    app.signed_in_user("after@example.com").await;
}

/// MySQL/MariaDB: the server reaches its database through a proxy the test
/// cuts (every connection dropped, new ones refused) and restores.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_flips_when_mysql_goes_away_and_comes_back() {
    let Some(app) = TestApp::spawn(Backend::Mysql).await else { return };
    let DatabaseUrl::Mysql(url) = app.settings.database.url.clone() else { unreachable!() };
    let (user, rest) = url.split_once('@').expect("user@host");
    let (host, database) = rest.split_once('/').expect("host/database");
    let proxy = DbProxy::start(host.parse().expect("host:port")).await;
    // mysql_async would otherwise switch to the server's Unix socket, as
    // it does for any server on this machine, going around the proxy.
    let proxied = DatabaseUrl::Mysql(format!("{user}@{}/{database}?prefer_socket=false", proxy.addr()));
    let app = app.restart_with(|settings| settings.database.url = proxied).await;
    let token = app.signed_in_user("before@example.com").await;
    assert_eq!(app.get("/health/ready", None).await.status, StatusCode::OK);

    proxy.cut().await;
    let gone = app.get("/health/ready", None).await;
    let refused = app.get("/v1/workspaces", Some(&token)).await;
    proxy.restore();

    gone.assert_problem(503, "UNAVAILABLE");
    refused.assert_problem(503, "UNAVAILABLE");
    assert_eq!(readiness_within_5s(&app).await, StatusCode::OK, "readiness did not recover");
    assert_eq!(app.get("/v1/workspaces", Some(&token)).await.status, StatusCode::OK);
    app.signed_in_user("after@example.com").await;
}

async fn every_response_carries_security_headers(app: TestApp) {
    for path in ["/v1/accounts/me", "/health/live", "/nowhere", "/docs"] {
        let response = app.get(path, None).await;

        assert_eq!(response.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(response.header("x-frame-options"), "DENY", "{path}");
        assert_eq!(response.header("referrer-policy"), "no-referrer", "{path}");
        let policy = response.header("content-security-policy");
        assert!(policy.contains("frame-ancestors 'none'"), "{path}: {policy}");
        if path == "/docs" {
            assert!(policy.contains("'unsafe-inline'"), "Swagger UI needs its inline scripts: {policy}");
        } else {
            assert!(policy.starts_with("default-src 'none'"), "{path}: {policy}");
            assert_eq!(response.header("cache-control"), "no-store", "{path}");
        }
    }
}

async fn only_allowed_origins_may_call_from_a_browser(app: TestApp) {
    let app =
        app.restart_with(|s| s.server.cors_allowed_origins = vec!["https://app.example.com".into()]).await;
    let preflight = |origin: &'static str| {
        app.client
            .request(Method::OPTIONS, format!("{}/v1/sessions", app.base_url))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type,idempotency-key")
            .send()
    };

    let allowed = preflight("https://app.example.com").await.expect("sent");
    let refused = TestApp::read(preflight("https://evil.example.net").await.expect("sent")).await;

    assert!(allowed.status().is_success(), "{}", allowed.status());
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://app.example.com");
    assert!(refused.headers.get("access-control-allow-origin").is_none());
    assert!(refused.status.is_client_error(), "{:?}", refused.status);
    assert_eq!(refused.header("content-type"), "application/problem+json");
}

async fn the_body_limit_is_a_setting(app: TestApp) {
    let app = app.restart_with(|s| s.server.json_body_limit = 2048).await;
    let body =
        json!({"email": "a@example.com", "password": "p".repeat(900), "display_name": "x".repeat(1200)});

    let refused = app.post("/v1/accounts", None, body).await;

    refused.assert_problem(413, "PAYLOAD_TOO_LARGE");
    assert!(refused.body["detail"].as_str().expect("detail").contains("2048"));
}

async fn a_request_slower_than_the_timeout_is_abandoned(app: TestApp) {
    app.sign_up("ada@example.com").await;
    let app = app.restart_with(|s| s.server.request_timeout = Duration::from_millis(1)).await;

    let response = app.sign_in_as("ada@example.com", crate::helpers::PASSWORD).await;

    response.assert_problem(503, "UNAVAILABLE");
    assert!(response.body["detail"].as_str().expect("detail").contains("longer than"));
}

crate::on_every_backend!(
    the_server_is_live_and_ready,
    readiness_fails_while_migrations_are_pending,
    every_response_carries_security_headers,
    only_allowed_origins_may_call_from_a_browser,
    the_body_limit_is_a_setting,
    a_request_slower_than_the_timeout_is_abandoned,
);
