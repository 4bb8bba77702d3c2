//! Incremental sync: a client fetches only the cases changed since its last
//! run (`updated_after`, sorted by `updated_at`), and learns of deletions
//! from the activity feed.

use std::time::Duration;

use serde_json::{Value, json};

use crate::activity_events::{feed, types};
use crate::helpers::TestApp;
use crate::team::Team;

fn wire_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

async fn only_what_changed_since_the_last_run_is_fetched(app: TestApp) {
    let team = Team::create(&app).await;
    let ws = team.id().to_owned();
    let mut cases = Vec::new();
    for n in 0..3 {
        cases.push(app.create_case(&team.editor, &ws, json!({"summary": format!("Case {n}")})).await);
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    let last_run = chrono::Utc::now();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let path = |case: &Value| format!("/v1/workspaces/{ws}/cases/{}", case["id"].as_str().expect("id"));
    let patched =
        app.patch(&path(&cases[0]), Some(&team.editor), json!({"version": 1, "priority": "high"})).await;
    assert_eq!(patched.status.as_u16(), 200, "{}", patched.body);
    let newer = app.create_case(&team.editor, &ws, json!({"summary": "Case 3"})).await;
    assert_eq!(app.delete(&path(&cases[1]), Some(&team.editor)).await.status.as_u16(), 204);

    let since = wire_time(last_run);
    let query = format!("/v1/workspaces/{ws}/cases?updated_after={since}&sort=updated_at&order=asc");
    let changed = app.get(&query, Some(&team.viewer)).await;
    assert_eq!(changed.status.as_u16(), 200, "{}", changed.body);
    let ids: Vec<&Value> =
        changed.body["items"].as_array().expect("items").iter().map(|c| &c["id"]).collect();
    assert_eq!(ids, [&cases[0]["id"], &newer["id"]], "the changed case, then the new one");

    let deletions = feed(&app, &team.viewer, &ws, &format!("&type=case.deleted&after={since}")).await;
    assert_eq!(types(&deletions), ["case.deleted"]);
    assert_eq!(deletions[0]["data"]["id"], cases[1]["id"]);

    let garbage =
        app.get(&format!("/v1/workspaces/{ws}/cases?updated_after=lately"), Some(&team.viewer)).await;
    garbage.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(garbage.error_fields(), ["updated_after"]);
}

/// Every id of a list, one item per page, following the cursors.
async fn every_page(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    every_page_by(app, token, query, "id").await
}

/// Every item's `key` of a list, one item per page, following the cursors.
async fn every_page_by(app: &TestApp, token: &str, query: &str, key: &str) -> Vec<Value> {
    let (mut ids, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let page = match &cursor {
            Some(cursor) => format!("{query}&limit=1&cursor={cursor}"),
            None => format!("{query}&limit=1"),
        };
        let response = app.get(&page, Some(token)).await;
        assert_eq!(response.status.as_u16(), 200, "{page}: {}", response.body);
        ids.extend(response.body["items"].as_array().expect("items").iter().map(|item| item[key].clone()));
        match response.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return ids,
        }
    }
}

async fn what_a_case_holds_syncs_the_same_way(app: TestApp) {
    let team = Team::create(&app).await;
    let ws = team.id().to_owned();
    let case = app.create_case(&team.editor, &ws, json!({"summary": "Phishing wave"})).await;
    let path = format!("/v1/workspaces/{ws}/cases/{}", case["id"].as_str().expect("id"));
    let editor = Some(team.editor.as_str());
    let add = |list: &'static str, body: Value| {
        let (app, path) = (&app, &path);
        async move {
            let made = app.post(&format!("{path}/{list}"), editor, body).await;
            assert_eq!(made.status.as_u16(), 201, "{}", made.body);
            made.body
        }
    };
    let mut comments = Vec::new();
    let mut tasks = Vec::new();
    let mut observables = Vec::new();
    for n in 0..3 {
        comments.push(add("comments", json!({"body": format!("Note {n}")})).await);
        tasks.push(add("tasks", json!({"title": format!("Step {n}")})).await);
        observables.push(add("observables", json!({"type": "ipv4", "value": format!("192.0.2.{n}")})).await);
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    let since = wire_time(chrono::Utc::now());
    tokio::time::sleep(Duration::from_millis(20)).await;
    let item = |list: &str, item: &Value| format!("{path}/{list}/{}", item["id"].as_str().expect("id"));
    for (target, body) in [
        (item("comments", &comments[0]), json!({"version": 1, "body": "Note 0, corrected"})),
        (item("tasks", &tasks[1]), json!({"version": 1, "status": "done"})),
        (item("observables", &observables[2]), json!({"version": 1, "is_ioc": true})),
    ] {
        let changed = app.patch(&target, editor, body).await;
        assert_eq!(changed.status.as_u16(), 200, "{}", changed.body);
    }
    let new_comment = add("comments", json!({"body": "Note 3"})).await;
    let new_task = add("tasks", json!({"title": "Step 3"})).await;
    let new_observable = add("observables", json!({"type": "ipv4", "value": "192.0.2.3"})).await;

    let viewer = team.viewer.as_str();
    let changed = |list: &str| format!("{path}/{list}?updated_after={since}");
    let comments_since = every_page(&app, viewer, &changed("comments")).await;
    assert_eq!(comments_since, [comments[0]["id"].clone(), new_comment["id"].clone()]);
    let tasks_query = format!("/v1/workspaces/{ws}/tasks?updated_after={since}&sort=updated_at&order=asc");
    assert_eq!(
        every_page(&app, viewer, &tasks_query).await,
        [tasks[1]["id"].clone(), new_task["id"].clone()]
    );
    let expected = [observables[2]["id"].clone(), new_observable["id"].clone()];
    assert_eq!(every_page(&app, viewer, &changed("observables")).await, expected);
    let workspace_wide = format!("/v1/workspaces/{ws}/observables?updated_after={since}");
    assert_eq!(every_page(&app, viewer, &workspace_wide).await, expected);

    // A cursor of one kind of listing is refused by the other.
    let newest = app.get(&format!("{path}/comments?limit=1"), Some(viewer)).await;
    let cursor = newest.body["next_cursor"].as_str().expect("more");
    let mixed = app.get(&format!("{}&cursor={cursor}", changed("comments")), Some(viewer)).await;
    mixed.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(mixed.error_fields(), ["cursor"]);
}

async fn workspaces_and_their_settings_sync_the_same_way(app: TestApp) {
    let team = Team::create(&app).await;
    let ws = format!("/v1/workspaces/{}", team.id());
    let admin = Some(team.admin.as_str());
    let made = |response: crate::helpers::TestResponse| {
        assert_eq!(response.status.as_u16(), 201, "{}", response.body);
        let made = response.body.get("webhook").cloned().unwrap_or(response.body);
        made["id"].as_str().expect("id").to_owned()
    };
    let account = |name: &str| json!({"name": name, "role": "viewer"});
    let hook = json!({"url": "https://203.0.113.7/hooks", "events": ["case.created"]});
    let accounts = [
        made(app.post(&format!("{ws}/service-accounts"), admin, account("a")).await),
        made(app.post(&format!("{ws}/service-accounts"), admin, account("b")).await),
    ];
    let hooks = [
        made(app.post(&format!("{ws}/webhooks"), admin, hook.clone()).await),
        made(app.post(&format!("{ws}/webhooks"), admin, hook.clone()).await),
    ];
    let other_ws = made(app.post("/v1/workspaces", admin, json!({"name": "Purple team"})).await);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let since = wire_time(chrono::Utc::now());
    tokio::time::sleep(Duration::from_millis(20)).await;
    for (target, body) in [
        (format!("{ws}/members/{}", team.editor_id), json!({"version": 1, "role": "admin"})),
        (format!("{ws}/service-accounts/{}", accounts[0]), json!({"version": 1, "name": "a2"})),
        (format!("{ws}/webhooks/{}", hooks[0]), json!({"version": 1, "description": "Chat"})),
        (format!("/v1/workspaces/{other_ws}"), json!({"version": 1, "name": "Purple team (old)"})),
    ] {
        let changed = app.patch(&target, admin, body).await;
        assert_eq!(changed.status.as_u16(), 200, "{target}: {}", changed.body);
    }
    app.sign_up("newcomer@example.com").await;
    let newcomer = app.add_member(&team.admin, team.id(), "newcomer@example.com", "viewer").await;
    let new_account = made(app.post(&format!("{ws}/service-accounts"), admin, account("c")).await);
    let new_hook = made(app.post(&format!("{ws}/webhooks"), admin, hook).await);
    let new_ws = made(app.post("/v1/workspaces", admin, json!({"name": "Green team"})).await);

    let admin = team.admin.as_str();
    let members = format!("{ws}/members?updated_after={since}");
    let members = every_page_by(&app, admin, &members, "account_id").await;
    assert_eq!(members, [json!(team.editor_id), newcomer["account_id"].clone()]);
    let accounts_since =
        every_page(&app, admin, &format!("{ws}/service-accounts?updated_after={since}")).await;
    assert_eq!(accounts_since, [json!(accounts[0]), json!(new_account)]);
    let hooks_since = every_page(&app, admin, &format!("{ws}/webhooks?updated_after={since}")).await;
    assert_eq!(hooks_since, [json!(hooks[0]), json!(new_hook)]);
    let workspaces_since = every_page(&app, admin, &format!("/v1/workspaces?updated_after={since}")).await;
    assert_eq!(workspaces_since, [json!(other_ws), json!(new_ws)]);
}

crate::on_every_backend!(
    only_what_changed_since_the_last_run_is_fetched,
    what_a_case_holds_syncs_the_same_way,
    workspaces_and_their_settings_sync_the_same_way,
);
