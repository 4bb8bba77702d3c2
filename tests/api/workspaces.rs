//! Workspaces and their members.

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;
use crate::team::{Caller, EVERYONE, Team, assert_access};

async fn creating_a_workspace_makes_the_creator_its_admin(app: TestApp) {
    let token = app.signed_in_user("ada@example.com").await;

    let response =
        app.post("/v1/workspaces", Some(&token), json!({"name": "  Blue team ", "description": "EU"})).await;

    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    let ws = &response.body;
    let id = ws["id"].as_str().expect("id");
    assert!(id.starts_with("ws_"), "{id}");
    assert_eq!(response.header("location"), format!("/v1/workspaces/{id}"));
    assert_eq!(
        (ws["name"].as_str(), ws["description"].as_str(), ws["role"].as_str()),
        (Some("Blue team"), Some("EU"), Some("admin"))
    );
    assert_eq!(ws["version"], 1);
    assert_eq!(app.get(&format!("/v1/workspaces/{id}"), Some(&token)).await.body, *ws);
    let members = app.get(&format!("/v1/workspaces/{id}/members"), Some(&token)).await.body;
    assert_eq!(members["items"][0]["role"], "admin");
    assert_eq!(members["items"][0]["email"], "ada@example.com");
}

async fn workspace_fields_are_validated(app: TestApp) {
    let token = app.signed_in_user("ada@example.com").await;
    let cases = [
        (json!({"name": ""}), vec!["name"]),
        (json!({"name": "   "}), vec!["name"]),
        (json!({"name": "n".repeat(101)}), vec!["name"]),
        (json!({"name": "ok", "description": "d".repeat(2001)}), vec!["description"]),
        (json!({"name": "", "description": "d".repeat(2001)}), vec!["name", "description"]),
        (json!({"name": "ok", "owner": "me"}), vec!["owner"]),
    ];
    for (body, fields) in cases {
        let response = app.post("/v1/workspaces", Some(&token), body.clone()).await;

        response.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(response.error_fields(), fields, "{body}");
    }
    assert_eq!(
        app.post("/v1/workspaces", Some(&token), json!({"name": "n".repeat(100)})).await.status,
        StatusCode::CREATED
    );
    assert_eq!(app.get("/v1/workspaces", Some(&token)).await.body["items"].as_array().map(Vec::len), Some(1));
}

async fn listing_shows_only_my_workspaces_newest_first_in_pages(app: TestApp) {
    let ada = app.signed_in_user("ada@example.com").await;
    let bob = app.signed_in_user("bob@example.com").await;
    app.create_workspace(&bob, "Bob's").await;
    let mut created = Vec::new();
    for i in 0..5 {
        created
            .push(app.create_workspace(&ada, &format!("W{i}")).await["id"].as_str().expect("id").to_owned());
    }
    created.reverse();

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/workspaces?limit=2&cursor={c}"),
            None => "/v1/workspaces?limit=2".into(),
        };
        let page = app.get(&path, Some(&ada)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        for item in page.body["items"].as_array().expect("items") {
            seen.push(item["id"].as_str().expect("id").to_owned());
        }
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, created);
}

async fn list_paging_parameters_are_validated(app: TestApp) {
    let token = app.signed_in_user("ada@example.com").await;
    for (query, field) in
        [("limit=0", "limit"), ("limit=101", "limit"), ("limit=abc", "limit"), ("cursor=garbage!", "cursor")]
    {
        let response = app.get(&format!("/v1/workspaces?{query}"), Some(&token)).await;

        response.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(response.error_fields(), [field], "{query}");
    }
}

async fn workspaces_answer_each_role_as_documented(app: TestApp) {
    let team = Team::create(&app).await;
    let path = format!("/v1/workspaces/{}", team.id());
    for caller in EVERYONE {
        let read = app.get(&path, team.token(caller)).await;
        assert_access(caller, caller >= Caller::Viewer, &read, StatusCode::OK);
        if caller >= Caller::Viewer {
            assert_eq!(read.body["role"].as_str(), caller.role());
        }
        let version = app.get(&path, Some(&team.admin)).await.body["version"].clone();
        let update = app
            .patch(&path, team.token(caller), json!({"version": version, "name": format!("{caller:?}")}))
            .await;
        assert_access(caller, caller >= Caller::Admin, &update, StatusCode::OK);
    }
    for caller in EVERYONE.into_iter().filter(|caller| *caller != Caller::Admin) {
        let delete = app.delete(&path, team.token(caller)).await;
        if caller == Caller::AdminKey {
            delete.assert_problem(403, "SERVICE_ACCOUNT_NOT_ALLOWED");
        } else {
            assert_access(caller, false, &delete, StatusCode::NO_CONTENT);
        }
    }
    assert_eq!(app.delete(&path, Some(&team.admin)).await.status, StatusCode::NO_CONTENT);
    app.get(&path, Some(&team.admin)).await.assert_problem(404, "NOT_FOUND");
}

async fn unknown_and_malformed_workspace_ids_are_not_found(app: TestApp) {
    let token = app.signed_in_user("ada@example.com").await;
    for id in
        ["ws_00000000000000000000000000000000", "ws_nothex", "case_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b", "42"]
    {
        app.get(&format!("/v1/workspaces/{id}"), Some(&token)).await.assert_problem(404, "NOT_FOUND");
        app.get(&format!("/v1/workspaces/{id}/members"), Some(&token)).await.assert_problem(404, "NOT_FOUND");
    }
}

async fn a_stale_workspace_update_is_a_conflict(app: TestApp) {
    let token = app.signed_in_user("ada@example.com").await;
    let ws = app.create_workspace(&token, "Blue").await;
    let path = format!("/v1/workspaces/{}", ws["id"].as_str().expect("id"));
    let updates =
        (0..3).map(|i| app.patch(&path, Some(&token), json!({"version": 1, "description": format!("v{i}")})));

    let responses = join_all(updates).await;

    assert_eq!(responses.iter().filter(|r| r.status == StatusCode::OK).count(), 1, "{responses:?}");
    for loser in responses.iter().filter(|r| r.status != StatusCode::OK) {
        loser.assert_problem(409, "VERSION_CONFLICT");
        assert!(loser.body["detail"].as_str().expect("detail").contains("version 2"));
    }
    let empty = app.patch(&path, Some(&token), json!({"version": 2})).await;
    empty.assert_problem(422, "VALIDATION_FAILED");
}

async fn an_idempotent_create_is_replayed_not_repeated(app: TestApp) {
    let token = app.signed_in_user("ada@example.com").await;
    let send = |body: serde_json::Value, key: &str| {
        app.client
            .post(format!("{}/v1/workspaces", app.base_url))
            .bearer_auth(&token)
            .header("Idempotency-Key", key.to_owned())
            .json(&body)
            .send()
    };

    let first = TestApp::read(send(json!({"name": "Blue"}), "key-1").await.expect("sent")).await;
    let retry = TestApp::read(send(json!({"name": " Blue "}), "key-1").await.expect("sent")).await;
    let other_body = TestApp::read(send(json!({"name": "Red"}), "key-1").await.expect("sent")).await;
    let bad_key = TestApp::read(send(json!({"name": "Red"}), "").await.expect("sent")).await;

    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(first.header("idempotent-replayed"), "");
    assert_eq!(retry.status, StatusCode::CREATED);
    assert_eq!(retry.header("idempotent-replayed"), "true");
    assert_eq!(retry.body, first.body);
    assert_eq!(retry.header("location"), first.header("location"));
    other_body.assert_problem(422, "IDEMPOTENCY_KEY_REUSED");
    bad_key.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(app.get("/v1/workspaces", Some(&token)).await.body["items"].as_array().map(Vec::len), Some(1));
}

async fn concurrent_requests_with_one_key_create_once(app: TestApp) {
    let token = app.signed_in_user("ada@example.com").await;
    let send = || {
        app.client
            .post(format!("{}/v1/workspaces", app.base_url))
            .bearer_auth(&token)
            .header("Idempotency-Key", "same-moment")
            .json(&json!({"name": "Blue"}))
            .send()
    };

    let responses = join_all((0..6).map(|_| send())).await;

    let mut bodies = Vec::new();
    for response in responses {
        let response = TestApp::read(response.expect("sent")).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
        bodies.push(response.body);
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(app.get("/v1/workspaces", Some(&token)).await.body["items"].as_array().map(Vec::len), Some(1));
}

async fn another_account_can_reuse_a_key(app: TestApp) {
    let ada = app.signed_in_user("ada@example.com").await;
    let bob = app.signed_in_user("bob@example.com").await;
    for token in [&ada, &bob] {
        let response = app
            .client
            .post(format!("{}/v1/workspaces", app.base_url))
            .bearer_auth(token)
            .header("Idempotency-Key", "shared")
            .json(&json!({"name": "Blue"}))
            .send()
            .await
            .expect("sent");
        let response = TestApp::read(response).await;
        assert_eq!(response.status, StatusCode::CREATED);
        assert_eq!(response.header("idempotent-replayed"), "");
    }
}

crate::on_every_backend!(
    creating_a_workspace_makes_the_creator_its_admin,
    workspace_fields_are_validated,
    listing_shows_only_my_workspaces_newest_first_in_pages,
    list_paging_parameters_are_validated,
    workspaces_answer_each_role_as_documented,
    unknown_and_malformed_workspace_ids_are_not_found,
    a_stale_workspace_update_is_a_conflict,
    an_idempotent_create_is_replayed_not_repeated,
    concurrent_requests_with_one_key_create_once,
    another_account_can_reuse_a_key,
);
