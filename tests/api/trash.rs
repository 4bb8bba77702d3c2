//! The trash: a deleted case leaves every list and read, keeps everything
//! it holds, is restored whole by admins, and is purged for good after the
//! retention period (or at once by an admin), leaving a tombstone in the
//! activity feed.

use std::time::Duration;

use casebook::platform::clock;
use chrono::{DateTime, TimeDelta};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::activity_events::{feed, types};
use crate::evidence::{Upload, text_of_size};
use crate::helpers::TestApp;
use crate::team::{Caller, EVERYONE, Team, assert_access};

/// A case with a comment, a task, an observable and an attachment.
struct Stocked {
    case: Value,
    path: String,
    comment: String,
    task: String,
    observable: String,
    attachment: String,
}

async fn stocked_case(app: &TestApp, team: &Team, summary: &str) -> Stocked {
    let case = app.create_case(&team.editor, team.id(), json!({"summary": summary})).await;
    let path = format!("/v1/workspaces/{}/cases/{}", team.id(), case["id"].as_str().expect("id"));
    let made = |response: crate::helpers::TestResponse| {
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
        response.body["id"].as_str().expect("id").to_owned()
    };
    let editor = Some(team.editor.as_str());
    let comment =
        made(app.post(&format!("{path}/comments"), editor, json!({"body": "Seen on the VPN"})).await);
    let task = made(app.post(&format!("{path}/tasks"), editor, json!({"title": "Reset the password"})).await);
    let observable = json!({"type": "ipv4", "value": "198.51.100.23"});
    let observable = made(app.post(&format!("{path}/observables"), editor, observable).await);
    let upload = Upload::new("notes.txt", "text/plain", text_of_size(300));
    let attachment = made(app.upload(&path, editor, upload).await);
    Stocked {
        comment: format!("{path}/comments/{comment}"),
        task: format!("{path}/tasks/{task}"),
        observable: format!("{path}/observables/{observable}"),
        attachment: format!("{path}/attachments/{attachment}"),
        case,
        path,
    }
}

fn trashed_path(path: &str) -> String {
    path.replacen("/cases/", "/trash/cases/", 1)
}

fn ids(page: &Value) -> Vec<Value> {
    page["items"].as_array().expect("items").iter().map(|item| item["id"].clone()).collect()
}

async fn a_deleted_case_leaves_every_list_and_read_and_comes_back_whole(app: TestApp) {
    let team = Team::create(&app).await;
    let kept = stocked_case(&app, &team, "Kept").await;
    let gone = stocked_case(&app, &team, "Deleted by mistake").await;
    let ws = format!("/v1/workspaces/{}", team.id());
    let viewer = Some(team.viewer.as_str());
    let before: Vec<TestRead> = reads(&app, &team, &gone).await;

    assert_eq!(app.delete(&gone.path, Some(&team.editor)).await.status, StatusCode::NO_CONTENT);

    for path in [&gone.path, &gone.comment, &gone.task, &gone.observable, &gone.attachment] {
        app.get(path, viewer).await.assert_problem(404, "NOT_FOUND");
    }
    for list in ["comments", "tasks", "observables", "attachments", "events", "related"] {
        app.get(&format!("{}/{list}", gone.path), viewer).await.assert_problem(404, "NOT_FOUND");
    }
    let patch = json!({"version": 1, "summary": "Edited in the trash"});
    app.patch(&gone.path, Some(&team.editor), patch).await.assert_problem(404, "NOT_FOUND");
    app.delete(&gone.path, Some(&team.admin)).await.assert_problem(404, "NOT_FOUND");
    let comment = json!({"body": "Too late"});
    app.post(&format!("{}/comments", gone.path), Some(&team.editor), comment)
        .await
        .assert_problem(404, "NOT_FOUND");
    assert_eq!(ids(&app.get(&format!("{ws}/cases"), viewer).await.body), vec![kept.case["id"].clone()]);
    let tasks = app.get(&format!("{ws}/tasks"), viewer).await.body;
    assert_eq!(tasks["items"].as_array().map(Vec::len), Some(1), "only the kept case's task: {tasks}");
    let found = app.get(&format!("{ws}/observables?value=198.51.100.23"), viewer).await.body;
    assert_eq!(found["items"].as_array().map(Vec::len), Some(1), "{found}");
    assert_eq!(found["items"][0]["case_id"], kept.case["id"]);
    assert_eq!(found["items"][0]["other_cases"], 0, "a trashed case is not another case: {found}");

    // The admin sees it in the trash, as it was, with who deleted it.
    let trash = app.get(&format!("{ws}/trash/cases"), Some(&team.admin)).await;
    assert_eq!(trash.status, StatusCode::OK, "{}", trash.body);
    let entry = &trash.body["items"][0];
    assert_eq!(trash.body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(entry["case"], gone.case);
    assert_eq!((&entry["deleted_by"], &entry["deleted_by_kind"]), (&json!(team.editor_id), &json!("person")));
    let deleted_at = timestamp(&entry["deleted_at"]);
    assert_eq!(timestamp(&entry["purge_after"]) - deleted_at, TimeDelta::days(30));
    let one = app.get(&trashed_path(&gone.path), Some(&team.admin)).await;
    assert_eq!(one.body, *entry);

    let restored =
        app.post(&format!("{}/restore", trashed_path(&gone.path)), Some(&team.admin), json!({})).await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.body);
    assert_eq!(restored.body["version"], 2);
    assert!(timestamp(&restored.body["updated_at"]) >= deleted_at);
    assert_eq!(restored.body["summary"], "Deleted by mistake");
    assert_eq!(reads(&app, &team, &gone).await, before, "everything it had is back");
    assert_eq!(app.get(&format!("{ws}/trash/cases"), Some(&team.admin)).await.body["items"], json!([]));
    let trail = app.get(&format!("{}/events", gone.path), viewer).await.body;
    let kinds: Vec<&str> =
        trail["items"].as_array().into_iter().flatten().map(|e| e["type"].as_str().expect("type")).collect();
    assert_eq!(kinds[..2], ["case_restored", "case_deleted"], "{trail}");
    assert_eq!(trail["items"][1]["actor_id"], json!(team.editor_id));
    assert_eq!(trail["items"][0]["actor_id"], json!(team.admin_id));
    let events =
        feed(&app, &team.admin, team.id(), &format!("&case_id={}", gone.case["id"].as_str().expect("id")))
            .await;
    let seen = types(&events);
    assert_eq!(seen[seen.len() - 2..], ["case.deleted", "case.restored"], "{seen:?}");
    assert_eq!(events[0]["data"]["version"], 2);
}

/// What a case shows through its reads, for comparing before and after.
type TestRead = (String, u16, Value);

async fn reads(app: &TestApp, team: &Team, case: &Stocked) -> Vec<TestRead> {
    let mut seen = Vec::new();
    let items =
        ["comments", "tasks", "observables", "attachments"].map(|list| format!("{}/{list}", case.path));
    for path in [&case.comment, &case.task, &case.observable, &case.attachment].into_iter().chain(&items) {
        let response = app.get(path, Some(&team.viewer)).await;
        seen.push((path.clone(), response.status.as_u16(), response.body));
    }
    let content = app.download(&format!("{}/content", case.attachment), &team.viewer, &[]).await;
    seen.push(("content".into(), content.status.as_u16(), json!(content.bytes)));
    seen
}

fn timestamp(value: &Value) -> DateTime<chrono::Utc> {
    DateTime::parse_from_rfc3339(value.as_str().expect("a time")).expect("RFC 3339").to_utc()
}

async fn only_admins_read_restore_and_purge_the_trash(app: TestApp) {
    let team = Team::create(&app).await;
    let list = format!("/v1/workspaces/{}/trash/cases", team.id());
    for caller in EVERYONE {
        let case = app.create_case(&team.editor, team.id(), json!({"summary": format!("{caller:?}")})).await;
        let path = format!("/v1/workspaces/{}/cases/{}", team.id(), case["id"].as_str().expect("id"));
        assert_eq!(app.delete(&path, Some(&team.editor_key)).await.status, StatusCode::NO_CONTENT);
        let token = team.token(caller);
        let admin = caller >= Caller::Admin;
        assert_access(caller, admin, &app.get(&list, token).await, StatusCode::OK);
        assert_access(caller, admin, &app.get(&trashed_path(&path), token).await, StatusCode::OK);
        let restore = app.post(&format!("{}/restore", trashed_path(&path)), token, json!({})).await;
        assert_access(caller, admin, &restore, StatusCode::OK);
        if !admin {
            app.get(&path, Some(&team.viewer)).await.assert_problem(404, "NOT_FOUND");
            assert_access(
                caller,
                admin,
                &app.delete(&trashed_path(&path), token).await,
                StatusCode::NO_CONTENT,
            );
            assert_eq!(app.get(&trashed_path(&path), Some(&team.admin)).await.status, StatusCode::OK);
        }
    }
    // A key's deletion names the service account.
    let listed = app.get(&list, Some(&team.admin)).await.body;
    assert!(
        listed["items"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|item| item["deleted_by_kind"] == "service_account"),
        "{listed}"
    );
    assert!(listed["items"][0]["deleted_by"].as_str().is_some_and(|id| id.starts_with("svc_")), "{listed}");
}

async fn restore_and_purge_take_only_what_is_in_the_trash(app: TestApp) {
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Live"})).await;
    let path = format!("/v1/workspaces/{}/cases/{}", team.id(), case["id"].as_str().expect("id"));
    let (trashed, admin) = (trashed_path(&path), Some(team.admin.as_str()));

    // A live case is not in the trash.
    app.get(&trashed, admin).await.assert_problem(404, "NOT_FOUND");
    app.post(&format!("{trashed}/restore"), admin, json!({})).await.assert_problem(404, "NOT_FOUND");
    app.delete(&trashed, admin).await.assert_problem(404, "NOT_FOUND");
    assert_eq!(app.get(&path, admin).await.body, case, "refusals change nothing");
    // Restored once only.
    app.delete(&path, admin).await;
    assert_eq!(app.post(&format!("{trashed}/restore"), admin, json!({})).await.status, StatusCode::OK);
    app.post(&format!("{trashed}/restore"), admin, json!({})).await.assert_problem(404, "NOT_FOUND");
    // Purged for good: nothing to read, restore or purge again.
    app.delete(&path, admin).await;
    assert_eq!(app.delete(&trashed, admin).await.status, StatusCode::NO_CONTENT);
    app.get(&trashed, admin).await.assert_problem(404, "NOT_FOUND");
    app.post(&format!("{trashed}/restore"), admin, json!({})).await.assert_problem(404, "NOT_FOUND");
    app.delete(&trashed, admin).await.assert_problem(404, "NOT_FOUND");
    app.get(&path, admin).await.assert_problem(404, "NOT_FOUND");
    // Odd ids, cursors and page sizes are refused, not mistaken.
    let odd = format!("/v1/workspaces/{}/trash/cases/case_xyz", team.id());
    assert_eq!(app.get(&odd, admin).await.status.as_u16() / 100, 4);
    let list = format!("/v1/workspaces/{}/trash/cases", team.id());
    let garbage = app.get(&format!("{list}?cursor=not-a-cursor"), admin).await;
    garbage.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(garbage.error_fields(), ["cursor"]);
    app.get(&format!("{list}?limit=0"), admin).await.assert_problem(422, "VALIDATION_FAILED");
    let events =
        feed(&app, &team.admin, team.id(), &format!("&case_id={}", case["id"].as_str().expect("id"))).await;
    let purged = &events[0];
    assert_eq!(purged["type"], "case.purged");
    assert_eq!((&purged["actor_id"], &purged["actor_kind"]), (&json!(team.admin_id), &json!("person")));
    assert_eq!(
        types(&events),
        ["case.created", "case.deleted", "case.restored", "case.deleted", "case.purged"],
        "the feed keeps a purged case's history"
    );
}

async fn the_purge_job_deletes_cases_whose_retention_ended(app: TestApp) {
    let app = app.restart_with(|settings| settings.trash.purge_interval = Duration::from_secs(1)).await;
    let team = Team::create(&app).await;
    let old = app.create_case(&team.editor, team.id(), json!({"summary": "Old"})).await;
    let old_path = format!("/v1/workspaces/{}/cases/{}", team.id(), old["id"].as_str().expect("id"));
    let young = app.create_case(&team.editor, team.id(), json!({"summary": "Young"})).await;
    let young_path = format!("/v1/workspaces/{}/cases/{}", team.id(), young["id"].as_str().expect("id"));
    app.delete(&old_path, Some(&team.editor)).await;
    // Sessions end with the clock moved on; keys do not.
    let admin = Some(team.admin_key.as_str());

    clock::advance(TimeDelta::days(29));
    app.delete(&young_path, Some(&team.editor_key)).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(app.get(&trashed_path(&old_path), admin).await.status, StatusCode::OK, "29 days: kept");

    clock::advance(TimeDelta::days(2));
    let mut remaining = Vec::new();
    for _ in 0..100 {
        let trash = app.get(&format!("/v1/workspaces/{}/trash/cases", team.id()), admin).await.body;
        remaining =
            trash["items"].as_array().into_iter().flatten().map(|item| item["case"]["id"].clone()).collect();
        if remaining.len() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(remaining, [young["id"].clone()], "31 days: purged; 2 days: kept");
    let events =
        feed(&app, &team.admin_key, team.id(), &format!("&case_id={}", old["id"].as_str().expect("id")))
            .await;
    assert_eq!(types(&events), ["case.created", "case.deleted", "case.purged"]);
    assert_eq!((&events[0]["actor_id"], &events[0]["actor_kind"]), (&Value::Null, &json!("server")));
    assert_eq!(events[0]["data"]["id"], old["id"]);
}

crate::on_every_backend!(
    a_deleted_case_leaves_every_list_and_read_and_comes_back_whole,
    only_admins_read_restore_and_purge_the_trash,
    restore_and_purge_take_only_what_is_in_the_trash,
    the_purge_job_deletes_cases_whose_retention_ended,
);
