//! Every change of a workspace is an event of its activity feed, with the
//! resource as the API shows it and, for updates, the changed fields.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestResponse};
use crate::team::Team;
use crate::webhook_deliveries::subscribe;

/// The workspace's events as `token` sees them (up to 100, newest first).
pub async fn feed(app: &TestApp, token: &str, workspace: &str, query: &str) -> Vec<Value> {
    let response = app.get(&format!("/v1/workspaces/{workspace}/events?limit=100{query}"), Some(token)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.body["items"].as_array().expect("items").clone()
}

/// The events' types, oldest first.
pub fn types(events: &[Value]) -> Vec<String> {
    events.iter().rev().map(|event| event["type"].as_str().expect("type").to_owned()).collect()
}

#[track_caller]
fn ok(response: &TestResponse, status: u16) -> Value {
    assert_eq!(response.status.as_u16(), status, "{}", response.body);
    response.body.clone()
}

fn id(value: &Value) -> &str {
    value["id"].as_str().expect("id")
}

/// The newest event of `type`.
fn newest<'a>(events: &'a [Value], kind: &str) -> &'a Value {
    events.iter().find(|event| event["type"] == kind).unwrap_or_else(|| panic!("no {kind} in {events:?}"))
}

async fn a_team_s_setup_is_on_record_from_the_workspace_s_creation(app: TestApp) {
    let team = Team::create(&app).await;

    let events = feed(&app, &team.admin, team.id(), "").await;
    let expected = [
        "workspace.created",
        "member.added",
        "member.added",
        "service_account.created",
        "api_key.created",
        "service_account.created",
        "api_key.created",
        "service_account.created",
        "api_key.created",
    ];
    assert_eq!(types(&events), expected);
    let created = events.last().expect("first");
    assert_eq!((&created["actor_id"], &created["actor_kind"]), (&json!(team.admin_id), &json!("person")));
    assert_eq!(created["resource_type"], "workspace");
    assert_eq!(created["data"]["name"], "Blue team");
    assert!(created["data"].get("role").is_none(), "a role is the reader's, not the workspace's");
    assert_eq!(created["changes"], Value::Null);
    let seqs: Vec<i64> = events.iter().map(|event| event["seq"].as_i64().expect("seq")).collect();
    assert!(seqs.windows(2).all(|pair| pair[0] > pair[1]), "newest first: {seqs:?}");
    let key = newest(&events, "api_key.created");
    assert!(key["data"]["prefix"].as_str().is_some_and(|p| p.starts_with("cbk_")));
    assert!(!key.to_string().contains(&team.admin_key), "never a secret");
}

async fn updates_name_each_changed_field_with_old_and_new_values(app: TestApp) {
    let team = Team::create(&app).await;
    let ws = team.id().to_owned();
    let base = format!("/v1/workspaces/{ws}");
    ok(&app.patch(&base, Some(&team.admin), json!({"version": 1, "name": "Purple team"})).await, 200);
    let member = format!("{base}/members/{}", team.viewer_id);
    ok(&app.patch(&member, Some(&team.admin), json!({"version": 1, "role": "editor"})).await, 200);
    let case = app.create_case(&team.editor, &ws, json!({"summary": "Phish", "tags": ["mail"]})).await;
    let case_path = format!("{base}/cases/{}", id(&case));
    let body = json!({"version": 1, "status": "in_progress", "tags": ["mail", "wave"]});
    ok(&app.patch(&case_path, Some(&team.editor), body).await, 200);
    let comment = ok(
        &app.post(&format!("{case_path}/comments"), Some(&team.editor), json!({"body": "Seen"})).await,
        201,
    );
    let comment_path = format!("{case_path}/comments/{}", id(&comment));
    ok(&app.patch(&comment_path, Some(&team.editor), json!({"version": 1, "body": "Seen twice"})).await, 200);
    let task = ok(
        &app.post(&format!("{case_path}/tasks"), Some(&team.editor), json!({"title": "Block"})).await,
        201,
    );
    let task_path = format!("{case_path}/tasks/{}", id(&task));
    ok(&app.patch(&task_path, Some(&team.editor), json!({"version": 1, "status": "done"})).await, 200);

    let events = feed(&app, &team.viewer, &ws, "").await;
    let changes = |kind: &str| newest(&events, kind)["changes"].clone();
    assert_eq!(
        changes("workspace.updated"),
        json!([{"field": "name", "old": "Blue team", "new": "Purple team"}])
    );
    assert_eq!(changes("member.updated"), json!([{"field": "role", "old": "viewer", "new": "editor"}]));
    assert_eq!(
        changes("case.updated"),
        json!([
            {"field": "status", "old": "new", "new": "in_progress"},
            {"field": "tags", "old": ["mail"], "new": ["mail", "wave"]},
        ])
    );
    assert_eq!(changes("comment.updated"), json!([{"field": "body", "old": "Seen", "new": "Seen twice"}]));
    let task_changes = changes("task.updated");
    let fields: Vec<&str> = task_changes
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["field"].as_str().expect("field"))
        .collect();
    assert!(fields.contains(&"status"), "{task_changes}");
    assert_eq!(changes("case.created"), Value::Null, "only updates list changes");
    let updated = newest(&events, "case.updated");
    assert_eq!(updated["case_id"], case["id"]);
    assert_eq!(
        updated["data"],
        app.get(&case_path, Some(&team.viewer)).await.body,
        "the case as the API shows it"
    );
    assert_eq!(newest(&events, "comment.created")["case_id"], case["id"], "a comment belongs to its case");
    assert_eq!(newest(&events, "workspace.updated")["case_id"], Value::Null);
}

async fn deletions_removals_and_admin_resources_are_recorded(app: TestApp) {
    let team = Team::create(&app).await;
    let ws = team.id().to_owned();
    let base = format!("/v1/workspaces/{ws}");
    let field_body = json!({"key": "tier", "label": "Tier", "type": "string"});
    let field = ok(&app.post(&format!("{base}/custom-fields"), Some(&team.admin), field_body).await, 201);
    let field_path = format!("{base}/custom-fields/{}", id(&field));
    ok(&app.patch(&field_path, Some(&team.admin), json!({"version": 1, "label": "Asset tier"})).await, 200);
    ok(&app.delete(&field_path, Some(&team.admin)).await, 204);
    let template = ok(
        &app.post(&format!("{base}/case-templates"), Some(&team.admin), json!({"name": "Phishing"})).await,
        201,
    );
    let template_path = format!("{base}/case-templates/{}", id(&template));
    ok(&app.patch(&template_path, Some(&team.admin), json!({"version": 1, "name": "Phish"})).await, 200);
    ok(&app.delete(&template_path, Some(&team.admin)).await, 204);
    let (hook, _) = subscribe(&app, &team, "http://127.0.0.1:9/hook", json!(["case.created"])).await;
    ok(&app.patch(&hook, Some(&team.admin), json!({"version": 1, "description": "Pager"})).await, 200);
    ok(&app.post(&format!("{hook}/secret-rotations"), Some(&team.admin), json!({})).await, 200);
    ok(&app.delete(&hook, Some(&team.admin)).await, 204);
    let bot = app.service_account_key(&team.admin, &ws, "viewer").await;
    let bot_path = format!("{base}/service-accounts/{}", bot.id);
    let keys = app.get(&format!("{bot_path}/keys"), Some(&team.admin)).await.body;
    ok(&app.delete(&format!("{bot_path}/keys/{}", id(&keys["items"][0])), Some(&team.admin)).await, 204);
    ok(&app.patch(&bot_path, Some(&team.admin), json!({"version": 1, "disabled": true})).await, 200);
    ok(&app.delete(&bot_path, Some(&team.admin)).await, 204);
    let case = app.create_case(&team.editor, &ws, json!({"summary": "Gone soon"})).await;
    ok(&app.delete(&format!("{base}/cases/{}", id(&case)), Some(&team.editor)).await, 204);
    ok(&app.delete(&format!("{base}/members/{}", team.viewer_id), Some(&team.admin)).await, 204);

    let events = feed(&app, &team.admin, &ws, "").await;
    let recent = types(&events).split_off(9);
    let expected = [
        "custom_field.created",
        "custom_field.updated",
        "custom_field.deleted",
        "template.created",
        "template.updated",
        "template.deleted",
        "webhook.created",
        "webhook.updated",
        "webhook.secret_rotated",
        "webhook.deleted",
        "service_account.created",
        "api_key.created",
        "api_key.revoked",
        "service_account.updated",
        "service_account.deleted",
        "case.created",
        "case.deleted",
        "member.removed",
    ];
    assert_eq!(recent, expected);
    assert_eq!(
        newest(&events, "custom_field.updated")["changes"],
        json!([{"field": "label", "old": "Tier", "new": "Asset tier"}])
    );
    assert_eq!(
        newest(&events, "webhook.updated")["changes"],
        json!([{"field": "description", "old": "", "new": "Pager"}])
    );
    assert_eq!(
        newest(&events, "service_account.updated")["changes"],
        json!([{"field": "disabled", "old": false, "new": true}])
    );
    assert_eq!(newest(&events, "member.removed")["data"]["account_id"], json!(team.viewer_id));
    assert_eq!(newest(&events, "case.deleted")["data"]["summary"], "Gone soon", "the case as it was");
    let rotated = newest(&events, "webhook.secret_rotated").to_string();
    assert!(!rotated.contains("\"secret\""), "never a secret: {rotated}");

    let seen_by_editor = types(&feed(&app, &team.editor, &ws, "").await);
    let admin_only = ["webhook.", "service_account.", "api_key."];
    assert!(
        seen_by_editor.iter().all(|kind| !admin_only.iter().any(|prefix| kind.starts_with(prefix))),
        "{seen_by_editor:?}"
    );
    assert!(
        seen_by_editor.contains(&"custom_field.deleted".to_owned())
            && seen_by_editor.contains(&"member.removed".to_owned())
    );
}

crate::on_every_backend!(
    a_team_s_setup_is_on_record_from_the_workspace_s_creation,
    updates_name_each_changed_field_with_old_and_new_values,
    deletions_removals_and_admin_resources_are_recorded,
);
