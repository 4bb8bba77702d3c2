//! Service accounts: admins (people) create, list, read, change and delete
//! them; keys of other roles and other workspaces are refused.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::team::{Caller, EVERYONE, Team, assert_access};

fn accounts_path(team: &Team) -> String {
    format!("/v1/workspaces/{}/service-accounts", team.id())
}

/// What a caller gets from an admin-only, people-only operation.
#[track_caller]
fn assert_admins_only(caller: Caller, response: &crate::helpers::TestResponse, success: StatusCode) {
    if caller == Caller::AdminKey {
        response.assert_problem(403, "SERVICE_ACCOUNT_NOT_ALLOWED");
    } else {
        assert_access(caller, caller == Caller::Admin, response, success);
    }
}

async fn service_accounts_answer_each_caller_as_documented(app: TestApp) {
    let team = Team::create(&app).await;
    let path = accounts_path(&team);
    let target = app.service_account_key(&team.admin, team.id(), "viewer").await;
    let one = format!("{path}/{}", target.id);
    for caller in EVERYONE {
        let token = team.token(caller);
        let create = app.post(&path, token, json!({"name": format!("{caller:?}"), "role": "viewer"})).await;
        assert_admins_only(caller, &create, StatusCode::CREATED);
        assert_admins_only(caller, &app.get(&path, token).await, StatusCode::OK);
        assert_admins_only(caller, &app.get(&one, token).await, StatusCode::OK);
        let version = app.get(&one, Some(&team.admin)).await.body["version"].clone();
        let update = app.patch(&one, token, json!({"version": version, "description": "x"})).await;
        assert_admins_only(caller, &update, StatusCode::OK);
        let keys = format!("{one}/keys");
        assert_admins_only(caller, &app.post(&keys, token, json!({"name": "k"})).await, StatusCode::CREATED);
        assert_admins_only(caller, &app.get(&keys, token).await, StatusCode::OK);
        if caller != Caller::Admin {
            assert_admins_only(caller, &app.delete(&one, token).await, StatusCode::NO_CONTENT);
            let key_id = app.get(&keys, Some(&team.admin)).await.body["items"][0]["id"].clone();
            let revoke = app.delete(&format!("{keys}/{}", key_id.as_str().expect("id")), token).await;
            assert_admins_only(caller, &revoke, StatusCode::NO_CONTENT);
        }
    }
    assert_eq!(app.delete(&one, Some(&team.admin)).await.status, StatusCode::NO_CONTENT);
    app.get(&one, Some(&team.admin)).await.assert_problem(404, "NOT_FOUND");
}

async fn a_service_account_is_created_read_changed_and_deleted(app: TestApp) {
    let team = Team::create(&app).await;
    let path = accounts_path(&team);
    let body = json!({"name": "  SIEM bridge ", "description": "Opens cases", "role": "editor"});
    let created = app.post(&path, Some(&team.admin), body.clone()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let account = created.body.clone();
    let id = account["id"].as_str().expect("id");
    assert!(id.starts_with("svc_"), "{id}");
    assert_eq!(created.header("location"), format!("{path}/{id}"));
    assert_eq!(account["name"], "SIEM bridge");
    assert_eq!(account["role"], "editor");
    assert_eq!(account["disabled"], false);
    assert_eq!(account["version"], 1);
    assert_eq!(account["workspace_id"], team.id());
    assert_eq!(account["created_by"], team.admin_id.as_str());
    assert_eq!(app.get(&format!("{path}/{id}"), Some(&team.admin)).await.body, account);

    let changed = app
        .patch(
            &format!("{path}/{id}"),
            Some(&team.admin),
            json!({"version": 1, "name": "SOAR", "role": "admin", "disabled": true}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(
        (&changed.body["name"], &changed.body["role"], &changed.body["disabled"], &changed.body["version"]),
        (&json!("SOAR"), &json!("admin"), &json!(true), &json!(2))
    );
    let stale =
        app.patch(&format!("{path}/{id}"), Some(&team.admin), json!({"version": 1, "name": "x"})).await;
    stale.assert_problem(409, "VERSION_CONFLICT");
    assert!(stale.body["detail"].as_str().is_some_and(|d| d.contains("version 2")), "{}", stale.body);

    let listed = app.get(&format!("{path}?limit=1"), Some(&team.admin)).await.body;
    assert_eq!(listed["items"][0]["id"], id);
    // The team fixture's three service accounts follow on later pages.
    let cursor = listed["next_cursor"].as_str().expect("more pages");
    let rest = app.get(&format!("{path}?limit=100&cursor={cursor}"), Some(&team.admin)).await.body;
    assert_eq!(rest["items"].as_array().map(Vec::len), Some(3));
    assert_eq!(rest["next_cursor"], Value::Null);

    // Service accounts are not members.
    let members = app.get(&format!("/v1/workspaces/{}/members", team.id()), Some(&team.admin)).await.body;
    assert_eq!(members["items"].as_array().map(Vec::len), Some(3), "{members}");

    assert_eq!(app.delete(&format!("{path}/{id}"), Some(&team.admin)).await.status, StatusCode::NO_CONTENT);
    app.get(&format!("{path}/{id}"), Some(&team.admin)).await.assert_problem(404, "NOT_FOUND");
    app.delete(&format!("{path}/{id}"), Some(&team.admin)).await.assert_problem(404, "NOT_FOUND");
}

async fn bad_service_account_input_changes_nothing(app: TestApp) {
    let team = Team::create(&app).await;
    let path = accounts_path(&team);
    let before = app.get(&format!("{path}?limit=100"), Some(&team.admin)).await.body;
    let long = "x".repeat(101);
    for (body, field) in [
        (json!({"name": "   ", "role": "viewer"}), "name"),
        (json!({"name": long, "role": "viewer"}), "name"),
        (json!({"name": "bot", "role": "owner"}), "role"),
        (json!({"name": "bot"}), "role"),
        (json!({"name": "bot", "role": "viewer", "colour": "red"}), "colour"),
        (json!({"name": "bot", "role": "viewer", "description": "d".repeat(2001)}), "description"),
    ] {
        let refused = app.post(&path, Some(&team.admin), body.clone()).await;
        refused.assert_problem(422, "VALIDATION_FAILED");
        assert!(refused.error_fields().contains(&field.to_owned()), "{body}: {}", refused.body);
    }
    let id = app.service_account_key(&team.admin, team.id(), "viewer").await.id;
    let one = format!("{path}/{id}");
    for body in
        [json!({"version": 1}), json!({"version": 0, "name": "x"}), json!({"version": 1, "role": "root"})]
    {
        app.patch(&one, Some(&team.admin), body).await.assert_problem(422, "VALIDATION_FAILED");
    }
    for bad in ["svc_nothex", "acct_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b", "svc_00000000000000000000000000000000"]
    {
        app.get(&format!("{path}/{bad}"), Some(&team.admin)).await.assert_problem(404, "NOT_FOUND");
    }
    let after = app.get(&format!("{path}?limit=100"), Some(&team.admin)).await.body;
    let count = |list: &Value| list["items"].as_array().map(Vec::len);
    assert_eq!(count(&after), count(&before).map(|n| n + 1));
    assert_eq!(app.get(&one, Some(&team.admin)).await.body["version"], 1);
}

async fn creating_a_service_account_is_idempotent(app: TestApp) {
    let team = Team::create(&app).await;
    let path = accounts_path(&team);
    let body = json!({"name": "nightly", "role": "editor"});
    let send = |body: Value| {
        let request = app
            .client
            .post(format!("{}{path}", app.base_url))
            .bearer_auth(&team.admin)
            .header("Idempotency-Key", "create-nightly")
            .json(&body);
        async move { TestApp::read(request.send().await.expect("sent")).await }
    };
    let first = send(body.clone()).await;
    let again = send(body).await;
    let other = send(json!({"name": "other", "role": "editor"})).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert_eq!(again.body, first.body);
    other.assert_problem(422, "IDEMPOTENCY_KEY_REUSED");
    let listed = app.get(&format!("{path}?limit=100"), Some(&team.admin)).await.body;
    let nightly =
        listed["items"].as_array().expect("items").iter().filter(|a| a["name"] == "nightly").count();
    assert_eq!(nightly, 1);
}

crate::on_every_backend!(
    service_accounts_answer_each_caller_as_documented,
    a_service_account_is_created_read_changed_and_deleted,
    bad_service_account_input_changes_nothing,
    creating_a_service_account_is_idempotent,
);
