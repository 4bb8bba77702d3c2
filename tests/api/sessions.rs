//! Signing in and out, tokens, expiry and key rotation.

use std::time::Duration;

use casebook::services::identity::SigningKey;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp};

async fn signing_in_returns_a_token_its_session_and_the_account(app: TestApp) {
    let account = app.sign_up("ada@example.com").await;

    let response = app.sign_in_as("  ADA@example.com ", PASSWORD).await;

    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    assert_eq!(response.header("location"), "/v1/sessions/current");
    let body = &response.body;
    assert_eq!(body["account"], account);
    assert!(body["token"].as_str().is_some_and(|t| t.len() == 64), "{body}");
    let session_id = body["session"]["id"].as_str().expect("session id");
    assert!(session_id.starts_with("ses_"), "{session_id}");
    assert_eq!(body["session"]["account_id"], account["id"]);
}

async fn the_current_session_is_the_one_the_token_names(app: TestApp) {
    app.sign_up("ada@example.com").await;
    let signed_in = app.sign_in_as("ada@example.com", PASSWORD).await.body;

    let response = app.get("/v1/sessions/current", signed_in["token"].as_str()).await;

    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.body, signed_in["session"]);
}

async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(app: TestApp) {
    app.sign_up("ada@example.com").await;

    let wrong_password = app.sign_in_as("ada@example.com", "not the password").await;
    let unknown_email = app.sign_in_as("nobody@example.com", PASSWORD).await;

    wrong_password.assert_problem(401, "INVALID_CREDENTIALS");
    unknown_email.assert_problem(401, "INVALID_CREDENTIALS");
    let without_request_id = |body: &serde_json::Value| {
        let mut body = body.clone();
        body["request_id"] = json!(null);
        body
    };
    assert_eq!(without_request_id(&wrong_password.body), without_request_id(&unknown_email.body));
    assert_eq!(wrong_password.header("www-authenticate"), unknown_email.header("www-authenticate"));
}

async fn sign_in_input_is_validated(app: TestApp) {
    let cases = [
        (json!({"email": "ada@example.com"}), "password"),
        (json!({"email": "ada@example.com", "password": ""}), "password"),
        (json!({"email": "ada@example.com", "password": "x".repeat(1025)}), "password"),
        (json!({"email": " ", "password": PASSWORD}), "email"),
        (json!({"email": "ada@example.com", "password": PASSWORD, "remember": true}), "remember"),
    ];
    for (body, field) in cases {
        let response = app.post("/v1/sessions", None, body).await;

        response.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(response.error_fields(), [field]);
    }
}

async fn signing_out_ends_only_that_session(app: TestApp) {
    let token = app.signed_in_user("ada@example.com").await;
    let other = app.sign_in("ada@example.com").await;

    let response = app.delete("/v1/sessions/current", Some(&token)).await;

    assert_eq!(response.status, StatusCode::NO_CONTENT);
    let after = app.get("/v1/sessions/current", Some(&token)).await;
    after.assert_problem(401, "SESSION_EXPIRED");
    assert_eq!(after.header("www-authenticate"), "Bearer error=\"invalid_token\"");
    assert_eq!(app.get("/v1/sessions/current", Some(&other)).await.status, StatusCode::OK);
    app.delete("/v1/sessions/current", Some(&token)).await.assert_problem(401, "SESSION_EXPIRED");
}

async fn malformed_and_forged_tokens_are_invalid(app: TestApp) {
    let token = app.signed_in_user("ada@example.com").await;
    let mut flipped = token.clone().into_bytes();
    flipped[40] = if flipped[40] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).expect("ascii");
    let foreign_signer =
        casebook::services::identity::TokenSigner::new(&[SigningKey::generate().expect("key")])
            .expect("signer");
    let forged = foreign_signer.issue(casebook::ids::SessionId::new());

    for bad in [flipped.as_str(), "garbage", &token[..63], &format!("{token}x"), forged.as_str()] {
        let response = app.get("/v1/sessions/current", Some(bad)).await;

        response.assert_problem(401, "INVALID_TOKEN");
    }
    let not_bearer = app
        .client
        .get(format!("{}/v1/sessions/current", app.base_url))
        .header("authorization", format!("Basic {token}"))
        .send()
        .await
        .expect("sent");
    TestApp::read(not_bearer).await.assert_problem(401, "NEED_LOGIN");
}

async fn expired_sessions_are_refused(app: TestApp) {
    let app = app.restart_with(|settings| settings.auth.session_lifetime = Duration::from_secs(1)).await;
    let token = app.signed_in_user("ada@example.com").await;
    assert_eq!(app.get("/v1/sessions/current", Some(&token)).await.status, StatusCode::OK);

    tokio::time::sleep(Duration::from_millis(1100)).await;

    app.get("/v1/sessions/current", Some(&token)).await.assert_problem(401, "SESSION_EXPIRED");
    app.get("/v1/accounts/me", Some(&token)).await.assert_problem(401, "SESSION_EXPIRED");
}

async fn rotated_signing_keys_keep_old_tokens_until_the_old_key_is_retired(app: TestApp) {
    let old_key = app.settings.auth.token_keys[0].clone();
    let new_key = SigningKey::generate().expect("key");
    let old_token = app.signed_in_user("ada@example.com").await;

    let app = app.restart_with(|s| s.auth.token_keys = vec![new_key.clone(), old_key.clone()]).await;
    assert_eq!(app.get("/v1/sessions/current", Some(&old_token)).await.status, StatusCode::OK);
    let new_token = app.sign_in("ada@example.com").await;

    let app = app.restart_with(|s| s.auth.token_keys = vec![new_key.clone()]).await;
    app.get("/v1/sessions/current", Some(&old_token)).await.assert_problem(401, "INVALID_TOKEN");
    assert_eq!(app.get("/v1/sessions/current", Some(&new_token)).await.status, StatusCode::OK);
}

async fn sessions_survive_a_restart(app: TestApp) {
    let token = app.signed_in_user("ada@example.com").await;

    let app = app.restart_with(|_| {}).await;

    assert_eq!(app.get("/v1/sessions/current", Some(&token)).await.status, StatusCode::OK);
    app.post(
        "/v1/accounts",
        None,
        json!({"email": "ada@example.com", "password": PASSWORD, "display_name": "Again"}),
    )
    .await
    .assert_problem(409, "EMAIL_TAKEN");
}

crate::on_every_backend!(
    signing_in_returns_a_token_its_session_and_the_account,
    the_current_session_is_the_one_the_token_names,
    a_wrong_password_and_an_unknown_email_get_the_same_answer,
    sign_in_input_is_validated,
    signing_out_ends_only_that_session,
    malformed_and_forged_tokens_are_invalid,
    expired_sessions_are_refused,
    rotated_signing_keys_keep_old_tokens_until_the_old_key_is_retired,
    sessions_survive_a_restart,
);
