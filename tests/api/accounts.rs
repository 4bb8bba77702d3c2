//! Signing up and managing one's own account.

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp};

async fn signing_up_creates_an_account(app: TestApp) {
    let response = app
        .post(
            "/v1/accounts",
            None,
            json!({"email": "  Ada@Example.COM ", "password": PASSWORD, "display_name": "  Ada  "}),
        )
        .await;

    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    assert_eq!(response.header("location"), "/v1/accounts/me");
    let account = &response.body;
    assert_eq!(account["email"], "ada@example.com");
    assert_eq!(account["display_name"], "Ada");
    assert_eq!(account["version"], 1);
    let id = account["id"].as_str().expect("id");
    assert!(id.starts_with("acct_") && id.len() == 37, "{id}");
    let created = account["created_at"].as_str().expect("created_at");
    assert!(created.ends_with('Z'), "{created}");
    assert_eq!(account["updated_at"], account["created_at"]);
    assert!(account.get("password").is_none() && account.get("password_hash").is_none());
}

async fn signing_up_with_a_registered_email_is_a_conflict(app: TestApp) {
    app.sign_up("ada@example.com").await;

    let response = app
        .post(
            "/v1/accounts",
            None,
            json!({"email": "ADA@example.com", "password": "another password", "display_name": "Imposter"}),
        )
        .await;

    response.assert_problem(409, "EMAIL_TAKEN");
}

async fn concurrent_sign_ups_with_one_email_create_one_account(app: TestApp) {
    let attempts = (0..8).map(|i| {
        app.post(
            "/v1/accounts",
            None,
            json!({"email": "race@example.com", "password": PASSWORD, "display_name": format!("Racer {i}")}),
        )
    });

    let responses = join_all(attempts).await;

    let created = responses.iter().filter(|r| r.status == StatusCode::CREATED).count();
    assert_eq!(created, 1, "{responses:?}");
    for response in responses.iter().filter(|r| r.status != StatusCode::CREATED) {
        response.assert_problem(409, "EMAIL_TAKEN");
    }
    app.sign_in("race@example.com").await;
}

async fn sign_up_reports_every_invalid_field_and_creates_nothing(app: TestApp) {
    let response = app
        .post(
            "/v1/accounts",
            None,
            json!({"email": "not-an-email", "password": "short", "display_name": "   "}),
        )
        .await;

    response.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(response.error_fields(), ["email", "password", "display_name"]);
    app.sign_in_as("not-an-email", "short").await.assert_problem(401, "INVALID_CREDENTIALS");
}

async fn sign_up_enforces_each_bound(app: TestApp) {
    let valid = json!({"email": "bounds@example.com", "password": PASSWORD, "display_name": "Bounds"});
    let cases = [
        ("password", json!("x".repeat(7)), false),
        ("password", json!("x".repeat(8)), true),
        ("password", json!("x".repeat(1024)), true),
        ("password", json!("x".repeat(1025)), false),
        ("password", json!("é".repeat(513)), false), // 1026 bytes, 513 characters
        ("display_name", json!("n".repeat(100)), true),
        ("display_name", json!("n".repeat(101)), false),
        ("display_name", json!(""), false),
        ("display_name", json!("tab\tinside"), false),
        ("email", json!(format!("{}@example.com", "a".repeat(243))), false),
        ("email", json!("ada@localhost"), false),
        ("email", json!(""), false),
    ];
    for (i, (field, value, accepted)) in cases.into_iter().enumerate() {
        let mut body = valid.clone();
        body[field] = value;
        if field != "email" {
            body["email"] = json!(format!("bounds{i}@example.com"));
        }

        let response = app.post("/v1/accounts", None, body).await;

        if accepted {
            assert_eq!(response.status, StatusCode::CREATED, "{field} case {i}: {}", response.body);
        } else {
            response.assert_problem(422, "VALIDATION_FAILED");
            assert_eq!(response.error_fields(), [field], "case {i}");
        }
    }
}

async fn sign_up_refuses_unknown_missing_and_mistyped_fields(app: TestApp) {
    let cases = [
        (
            json!({"email": "a@example.com", "password": PASSWORD, "display_name": "A", "role": "admin"}),
            "role",
        ),
        (json!({"email": "a@example.com", "password": PASSWORD}), "display_name"),
        (json!({"email": "a@example.com", "password": 12345678, "display_name": "A"}), "password"),
        (json!(["not", "an", "object"]), "body"),
    ];
    for (body, field) in cases {
        let response = app.post("/v1/accounts", None, body).await;

        response.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(response.error_fields(), [field]);
    }
    app.sign_in_as("a@example.com", PASSWORD).await.assert_problem(401, "INVALID_CREDENTIALS");
}

async fn my_account_needs_a_session(app: TestApp) {
    let response = app.get("/v1/accounts/me", None).await;

    response.assert_problem(401, "NEED_LOGIN");
    assert_eq!(response.header("www-authenticate"), "Bearer");
}

async fn my_account_is_the_signed_in_account(app: TestApp) {
    let account = app.sign_up("ada@example.com").await;
    let token = app.sign_in("ada@example.com").await;

    let response = app.get("/v1/accounts/me", Some(&token)).await;

    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.body, account);
}

async fn renaming_myself_raises_the_version(app: TestApp) {
    let token = app.signed_in_user("ada@example.com").await;

    let response =
        app.patch("/v1/accounts/me", Some(&token), json!({"version": 1, "display_name": " Ada King "})).await;

    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.body["display_name"], "Ada King");
    assert_eq!(response.body["version"], 2);
    assert_ne!(response.body["updated_at"], response.body["created_at"]);
    assert_eq!(app.get("/v1/accounts/me", Some(&token)).await.body, response.body);
}

async fn an_update_based_on_a_stale_version_is_a_conflict(app: TestApp) {
    let token = app.signed_in_user("ada@example.com").await;
    app.patch("/v1/accounts/me", Some(&token), json!({"version": 1, "display_name": "First"})).await;

    let response =
        app.patch("/v1/accounts/me", Some(&token), json!({"version": 1, "display_name": "Second"})).await;

    response.assert_problem(409, "VERSION_CONFLICT");
    assert!(response.body["detail"].as_str().expect("detail").contains("version 2"), "{}", response.body);
    assert_eq!(app.get("/v1/accounts/me", Some(&token)).await.body["display_name"], "First");
}

async fn concurrent_updates_from_one_version_let_exactly_one_win(app: TestApp) {
    let token = app.signed_in_user("ada@example.com").await;
    let updates = (0..4).map(|i| {
        app.patch(
            "/v1/accounts/me",
            Some(&token),
            json!({"version": 1, "display_name": format!("Writer {i}")}),
        )
    });

    let responses = join_all(updates).await;

    assert_eq!(responses.iter().filter(|r| r.status == StatusCode::OK).count(), 1, "{responses:?}");
    for response in responses.iter().filter(|r| r.status != StatusCode::OK) {
        response.assert_problem(409, "VERSION_CONFLICT");
    }
    assert_eq!(app.get("/v1/accounts/me", Some(&token)).await.body["version"], 2);
}

async fn account_updates_are_validated(app: TestApp) {
    let token = app.signed_in_user("ada@example.com").await;
    let cases = [
        (json!({"version": 1}), vec!["body"]),
        (json!({"version": 0, "display_name": "A"}), vec!["version"]),
        (json!({"version": 1, "display_name": " "}), vec!["display_name"]),
        (json!({"version": 1, "new_password": "a new password"}), vec!["current_password"]),
        (json!({"version": 1, "current_password": PASSWORD}), vec!["new_password"]),
        (json!({"version": 1, "current_password": PASSWORD, "new_password": "short"}), vec!["new_password"]),
        (json!({"display_name": "A"}), vec!["version"]),
        (json!({"version": 1, "email": "b@example.com"}), vec!["email"]),
    ];
    for (body, fields) in cases {
        let response = app.patch("/v1/accounts/me", Some(&token), body.clone()).await;

        response.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(response.error_fields(), fields, "{body}");
    }
    assert_eq!(app.get("/v1/accounts/me", Some(&token)).await.body["version"], 1);
}

async fn a_password_change_needs_the_current_password(app: TestApp) {
    let token = app.signed_in_user("ada@example.com").await;

    let response = app
        .patch("/v1/accounts/me", Some(&token), json!({"version": 1, "current_password": "wrong password", "new_password": "a brand new password"}))
        .await;

    response.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(response.error_fields(), ["current_password"]);
    app.sign_in("ada@example.com").await;
}

async fn a_password_change_ends_every_other_session(app: TestApp) {
    let token = app.signed_in_user("ada@example.com").await;
    let other = app.sign_in("ada@example.com").await;

    let response = app
        .patch(
            "/v1/accounts/me",
            Some(&token),
            json!({"version": 1, "current_password": PASSWORD, "new_password": "a brand new password"}),
        )
        .await;

    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.body["version"], 2);
    assert_eq!(app.get("/v1/sessions/current", Some(&token)).await.status, StatusCode::OK);
    app.get("/v1/sessions/current", Some(&other)).await.assert_problem(401, "SESSION_EXPIRED");
    app.sign_in_as("ada@example.com", PASSWORD).await.assert_problem(401, "INVALID_CREDENTIALS");
    assert_eq!(app.sign_in_as("ada@example.com", "a brand new password").await.status, StatusCode::CREATED);
}

async fn signing_out_everywhere_ends_every_session(app: TestApp) {
    let first = app.signed_in_user("ada@example.com").await;
    let second = app.sign_in("ada@example.com").await;
    let bystander = app.signed_in_user("bob@example.com").await;

    let response = app.delete("/v1/accounts/me/sessions", Some(&first)).await;

    assert_eq!(response.status, StatusCode::NO_CONTENT);
    app.get("/v1/sessions/current", Some(&first)).await.assert_problem(401, "SESSION_EXPIRED");
    app.get("/v1/sessions/current", Some(&second)).await.assert_problem(401, "SESSION_EXPIRED");
    assert_eq!(app.get("/v1/sessions/current", Some(&bystander)).await.status, StatusCode::OK);
    app.delete("/v1/accounts/me/sessions", None).await.assert_problem(401, "NEED_LOGIN");
}

crate::on_every_backend!(
    signing_up_creates_an_account,
    signing_up_with_a_registered_email_is_a_conflict,
    concurrent_sign_ups_with_one_email_create_one_account,
    sign_up_reports_every_invalid_field_and_creates_nothing,
    sign_up_enforces_each_bound,
    sign_up_refuses_unknown_missing_and_mistyped_fields,
    my_account_needs_a_session,
    my_account_is_the_signed_in_account,
    renaming_myself_raises_the_version,
    an_update_based_on_a_stale_version_is_a_conflict,
    concurrent_updates_from_one_version_let_exactly_one_win,
    account_updates_are_validated,
    a_password_change_needs_the_current_password,
    a_password_change_ends_every_other_session,
    signing_out_everywhere_ends_every_session,
);
