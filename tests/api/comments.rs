//! Comments: who may write, edit and delete them, and their audit events.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::team::{Caller, EVERYONE, Team, assert_access};

async fn setup(app: &TestApp) -> (Team, String) {
    let team = Team::create(app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Discussed"})).await;
    let path = format!("/v1/workspaces/{}/cases/{}/comments", team.id(), case["id"].as_str().expect("id"));
    (team, path)
}

async fn comment(app: &TestApp, token: &str, path: &str, body: &str) -> Value {
    let response = app.post(path, Some(token), json!({"body": body})).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    response.body
}

fn comment_path(list: &str, comment: &Value) -> String {
    format!("{list}/{}", comment["id"].as_str().expect("id"))
}

async fn comments_answer_each_role_as_documented(app: TestApp) {
    let (team, path) = setup(&app).await;
    for caller in EVERYONE {
        let create = app.post(&path, team.token(caller), json!({"body": format!("from {caller:?}")})).await;
        assert_access(caller, caller >= Caller::Editor, &create, StatusCode::CREATED);
        assert_access(
            caller,
            caller >= Caller::Viewer,
            &app.get(&path, team.token(caller)).await,
            StatusCode::OK,
        );
    }
    let listed = app.get(&path, Some(&team.viewer)).await.body;
    let bodies: Vec<_> =
        listed["items"].as_array().expect("items").iter().map(|c| c["body"].clone()).collect();
    assert_eq!(
        bodies,
        [json!("from AdminKey"), json!("from Admin"), json!("from EditorKey"), json!("from Editor")]
    );
    let by_key = &listed["items"][2];
    assert_eq!(by_key["author_kind"], "service_account");
    assert!(by_key["author_id"].as_str().is_some_and(|id| id.starts_with("svc_")), "{by_key}");
    let one = &listed["items"][3];
    assert_eq!(one["author_id"].as_str(), Some(team.editor_id.as_str()));
    assert_eq!(one["author_kind"], "person");
    assert_eq!(app.get(&comment_path(&path, one), Some(&team.viewer)).await.body, *one);
    app.get(&comment_path(&path, one), Some(&team.outsider)).await.assert_problem(404, "NOT_FOUND");
}

async fn only_authors_edit_their_comments(app: TestApp) {
    let (team, path) = setup(&app).await;
    let mine = comment(&app, &team.editor, &path, "first draft").await;
    let target = comment_path(&path, &mine);

    let by_admin = app.patch(&target, Some(&team.admin), json!({"version": 1, "body": "hijacked"})).await;
    let by_viewer = app.patch(&target, Some(&team.viewer), json!({"version": 1, "body": "hijacked"})).await;
    let by_author = app.patch(&target, Some(&team.editor), json!({"version": 1, "body": "final"})).await;
    let stale = app.patch(&target, Some(&team.editor), json!({"version": 1, "body": "again"})).await;
    let invalid = app.patch(&target, Some(&team.editor), json!({"version": 0, "body": "  "})).await;

    by_admin.assert_problem(403, "FORBIDDEN");
    by_viewer.assert_problem(403, "FORBIDDEN");
    assert_eq!((by_author.status, by_author.body["version"].as_i64()), (StatusCode::OK, Some(2)));
    assert_eq!(by_author.body["body"], "final");
    stale.assert_problem(409, "VERSION_CONFLICT");
    invalid.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(invalid.error_fields(), ["version", "body"]);
}

async fn authors_and_admins_delete_comments(app: TestApp) {
    let (team, path) = setup(&app).await;
    let first = comment(&app, &team.editor, &path, "one").await;
    let second = comment(&app, &team.editor, &path, "two").await;
    let admins = comment(&app, &team.admin, &path, "three").await;

    app.delete(&comment_path(&path, &first), Some(&team.viewer)).await.assert_problem(403, "FORBIDDEN");
    app.delete(&comment_path(&path, &admins), Some(&team.editor)).await.assert_problem(403, "FORBIDDEN");
    app.delete(&comment_path(&path, &first), None).await.assert_problem(401, "NEED_LOGIN");
    assert_eq!(
        app.delete(&comment_path(&path, &first), Some(&team.editor)).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.delete(&comment_path(&path, &second), Some(&team.admin)).await.status,
        StatusCode::NO_CONTENT
    );
    app.delete(&comment_path(&path, &second), Some(&team.admin)).await.assert_problem(404, "NOT_FOUND");
    let left = app.get(&path, Some(&team.viewer)).await.body;
    assert_eq!(left["items"].as_array().map(Vec::len), Some(1));
}

async fn comment_bodies_are_bounded(app: TestApp) {
    let (team, path) = setup(&app).await;
    for (body, ok) in [
        ("".to_owned(), false),
        ("   ".to_owned(), false),
        ("x".repeat(10_000), true),
        ("x".repeat(10_001), false),
    ] {
        let response = app.post(&path, Some(&team.editor), json!({"body": body})).await;

        if ok {
            assert_eq!(response.status, StatusCode::CREATED);
        } else {
            response.assert_problem(422, "VALIDATION_FAILED");
            assert_eq!(response.error_fields(), ["body"]);
        }
    }
}

async fn comments_are_in_the_audit_trail(app: TestApp) {
    let (team, path) = setup(&app).await;
    let posted = comment(&app, &team.editor, &path, "hello").await;
    app.patch(&comment_path(&path, &posted), Some(&team.editor), json!({"version": 1, "body": "hello!"}))
        .await;
    app.delete(&comment_path(&path, &posted), Some(&team.admin)).await;

    let events_path = path.replace("/comments", "/events");
    let events = app.get(&events_path, Some(&team.viewer)).await.body;

    let kinds: Vec<_> = events["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["type"].as_str().expect("type").to_owned())
        .collect();
    assert_eq!(kinds, ["comment_deleted", "comment_edited", "commented", "case_created"]);
    assert_eq!(events["items"][0]["data"]["comment_id"], posted["id"]);
    assert_eq!(events["items"][0]["actor_id"].as_str(), Some(team.admin_id.as_str()));
}

crate::on_every_backend!(
    comments_answer_each_role_as_documented,
    only_authors_edit_their_comments,
    authors_and_admins_delete_comments,
    comment_bodies_are_bounded,
    comments_are_in_the_audit_trail,
);
