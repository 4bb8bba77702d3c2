//! Rate limits: 429 RATE_LIMITED with Retry-After beyond a quota, and
//! recovery once the window has passed.

use std::time::Duration;

use casebook::config::RateSetting;
use casebook::platform::rate::Rate;
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, TestApp, TestResponse};

/// `count` requests per `seconds`: one more allowed every `seconds / count`.
fn per(count: u32, seconds: u64) -> RateSetting {
    RateSetting(Some(Rate { count, period: Duration::from_secs(seconds) }))
}

/// Sign-ins hash a password (about a third of a second each, more on a busy
/// machine), so their limits refill one request every 3 s: slow enough that
/// the refused request comes before a refill, whatever the load.
fn slow_sign_ins(count: u32) -> RateSetting {
    per(count, 3 * u64::from(count))
}

#[track_caller]
fn assert_limited(response: &TestResponse, most_seconds: u64) {
    response.assert_problem(429, "RATE_LIMITED");
    let retry_after: u64 = response.header("retry-after").parse().expect("Retry-After in seconds");
    assert!((1..=most_seconds).contains(&retry_after), "{retry_after}");
}

async fn sign_ins_beyond_the_address_limit_wait_and_then_succeed(app: TestApp) {
    app.sign_up("ada@example.com").await;
    let app = app.restart_with(|s| s.auth.rate_limit_auth_per_address = slow_sign_ins(3)).await;

    for _ in 0..3 {
        app.sign_in_as("ada@example.com", "wrong password").await.assert_problem(401, "INVALID_CREDENTIALS");
    }
    let refused = app.sign_in_as("ada@example.com", PASSWORD).await;
    let sign_up_refused = app
        .post(
            "/v1/accounts",
            None,
            serde_json::json!({"email": "bob@example.com", "password": PASSWORD, "display_name": "Bob"}),
        )
        .await;

    assert_limited(&refused, 3);
    assert_limited(&sign_up_refused, 3);
    assert_eq!(
        app.get("/health/live", None).await.status,
        StatusCode::OK,
        "other routes are not limited by address"
    );
    tokio::time::sleep(Duration::from_millis(3100)).await;
    assert_eq!(app.sign_in_as("ada@example.com", PASSWORD).await.status, StatusCode::CREATED);
}

async fn sign_ins_beyond_the_email_limit_wait_and_then_succeed(app: TestApp) {
    app.sign_up("ada@example.com").await;
    app.sign_up("bob@example.com").await;
    let app = app.restart_with(|s| s.auth.rate_limit_auth_per_email = slow_sign_ins(2)).await;

    app.sign_in_as("ada@example.com", "wrong password").await.assert_problem(401, "INVALID_CREDENTIALS");
    app.sign_in_as("ADA@example.com ", "wrong password").await.assert_problem(401, "INVALID_CREDENTIALS");

    assert_limited(&app.sign_in_as("ada@example.com", PASSWORD).await, 3);
    assert_eq!(
        app.sign_in_as("bob@example.com", PASSWORD).await.status,
        StatusCode::CREATED,
        "another email is not limited"
    );
    tokio::time::sleep(Duration::from_millis(3100)).await;
    assert_eq!(app.sign_in_as("ada@example.com", PASSWORD).await.status, StatusCode::CREATED);
}

async fn calls_beyond_the_account_limit_wait_and_then_succeed(app: TestApp) {
    let ada = app.signed_in_user("ada@example.com").await;
    let bob = app.signed_in_user("bob@example.com").await;
    let app = app.restart_with(|s| s.auth.rate_limit_per_account = per(5, 1)).await;

    for _ in 0..5 {
        assert_eq!(app.get("/v1/accounts/me", Some(&ada)).await.status, StatusCode::OK);
    }
    assert_limited(&app.get("/v1/workspaces", Some(&ada)).await, 2);
    assert_eq!(
        app.get("/v1/accounts/me", Some(&bob)).await.status,
        StatusCode::OK,
        "another account is not limited"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(app.get("/v1/accounts/me", Some(&ada)).await.status, StatusCode::OK);
}

crate::on_every_backend!(
    sign_ins_beyond_the_address_limit_wait_and_then_succeed,
    sign_ins_beyond_the_email_limit_wait_and_then_succeed,
    calls_beyond_the_account_limit_wait_and_then_succeed,
);
