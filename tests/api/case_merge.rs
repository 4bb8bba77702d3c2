//! Merging a duplicate case into another: who may, what moves (exactly
//! once, even with comments written during the merge), what both cases
//! and their trails say afterwards, the refusals, and replays.

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::activity_events::{feed, types};
use crate::evidence::Upload;
use crate::helpers::{TestApp, TestResponse};
use crate::team::{Caller, EVERYONE, Team, assert_access};

async fn case(app: &TestApp, team: &Team, body: Value) -> Value {
    app.create_case(&team.editor, team.id(), body).await
}

fn id(value: &Value) -> &str {
    value["id"].as_str().expect("id")
}

fn path(team: &Team, case: &Value, rest: &str) -> String {
    format!("/v1/workspaces/{}/cases/{}{rest}", team.id(), id(case))
}

async fn merge(app: &TestApp, team: &Team, token: Option<&str>, from: &Value, body: Value) -> TestResponse {
    app.post(&path(team, from, "/merge"), token, body).await
}

/// `rest` under `case`, up to 100 items, as the viewer sees them.
async fn items(app: &TestApp, team: &Team, case: &Value, rest: &str) -> Vec<Value> {
    let response = app.get(&format!("{}?limit=100", path(team, case, rest)), Some(&team.viewer)).await;
    assert_eq!(response.status, StatusCode::OK, "{rest}: {}", response.body);
    response.body["items"].as_array().expect("items").clone()
}

#[track_caller]
fn created(response: TestResponse) -> Value {
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    response.body
}

async fn merges_answer_each_role_as_documented(app: TestApp) {
    let team = Team::create(&app).await;
    for caller in EVERYONE {
        let from = case(&app, &team, json!({"summary": format!("Copy for {caller:?}")})).await;
        let into = case(&app, &team, json!({"summary": "Original"})).await;
        let response =
            merge(&app, &team, team.token(caller), &from, json!({"into_case_id": id(&into)})).await;
        assert_access(caller, caller >= Caller::Editor, &response, StatusCode::OK);
        if caller >= Caller::Editor {
            assert_eq!(response.body["source"]["merged_into"], into["id"], "{caller:?}");
        } else {
            let still = app.get(&path(&team, &from, ""), Some(&team.viewer)).await.body;
            assert_eq!((&still["merged_into"], &still["version"]), (&Value::Null, &json!(1)), "{caller:?}");
        }
    }
}

async fn a_merge_moves_everything_once_and_records_it(app: TestApp) {
    let team = Team::create(&app).await;
    let from = case(
        &app,
        &team,
        json!({"summary": "Copy of the phishing wave", "description": "Seen by **three** users.",
               "tags": ["phishing", "email"]}),
    )
    .await;
    let into = case(&app, &team, json!({"summary": "Phishing wave", "tags": ["phishing", "wave"]})).await;
    let editor = Some(team.editor.as_str());
    created(app.post(&path(&team, &into, "/tasks"), editor, json!({"title": "Triage"})).await);
    created(
        app.post(&path(&team, &into, "/observables"), editor, json!({"type": "ipv4", "value": "192.0.2.1"}))
            .await,
    );
    let mut comments = Vec::new();
    for body in ["First look", "The zanzibarx kit again", "Blocked the sender"] {
        comments
            .push(created(app.post(&path(&team, &from, "/comments"), editor, json!({"body": body})).await));
    }
    for title in ["Pull the mails", "Reset passwords"] {
        created(app.post(&path(&team, &from, "/tasks"), editor, json!({"title": title})).await);
    }
    for (kind, value, ioc) in
        [("ipv4", "192.0.2.1", true), ("domain", "login.example.com", true), ("ipv4", "192.0.2.2", false)]
    {
        let body = json!({"type": kind, "value": value, "is_ioc": ioc, "tags": ["wave-1"]});
        created(app.post(&path(&team, &from, "/observables"), editor, body).await);
    }
    let upload = Upload::new("headers.txt", "text/plain", b"Received: from mx.example".to_vec());
    let attachment = created(app.upload(&path(&team, &from, ""), editor, upload).await);
    created(
        app.post(&path(&team, &into, "/links"), editor, json!({"type": "relates_to", "case_id": id(&from)}))
            .await,
    );
    let from = app.get(&path(&team, &from, ""), Some(&team.viewer)).await.body;

    let response =
        merge(&app, &team, editor, &from, json!({"into_case_id": id(&into), "version": from["version"]}))
            .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let answer = &response.body;
    assert_eq!(
        answer["moved"],
        json!({"comments": 3, "attachments": 1, "tasks": 2, "observables": 2, "observables_combined": 1})
    );
    let (source, merged) = (&answer["source"], &answer["into"]);
    assert_eq!((&source["status"], &source["merged_into"]), (&json!("closed"), &into["id"]));
    assert!(source["closed_at"].is_string(), "{source}");
    assert_eq!(merged["tags"], json!(["email", "phishing", "wave"]));
    let heading = format!(
        "## Merged from CASE-{}: Copy of the phishing wave\n\nSeen by **three** users.\n",
        from["number"]
    );
    assert_eq!(merged["description"].as_str(), Some(heading.as_str()));
    assert_eq!(app.get(&path(&team, &from, ""), Some(&team.viewer)).await.body, *source);
    assert_eq!(app.get(&path(&team, &into, ""), Some(&team.viewer)).await.body, *merged);

    // Everything is on the case merged into, once, with its author and time.
    let moved = items(&app, &team, &into, "/comments").await;
    let mut moved_ids: Vec<&Value> = moved.iter().map(|c| &c["id"]).collect();
    moved_ids.sort_by_key(|id| id.to_string());
    let mut written: Vec<&Value> = comments.iter().map(|c| &c["id"]).collect();
    written.sort_by_key(|id| id.to_string());
    assert_eq!(moved_ids, written);
    for comment in &comments {
        let now = moved.iter().find(|c| c["id"] == comment["id"]).expect("moved");
        assert_eq!(
            (&now["author_id"], &now["created_at"], &now["body"]),
            (&comment["author_id"], &comment["created_at"], &comment["body"])
        );
        assert_eq!(now["case_id"], into["id"]);
    }
    let tasks: Vec<(Value, Value)> = items(&app, &team, &into, "/tasks")
        .await
        .iter()
        .map(|t| (t["title"].clone(), t["position"].clone()))
        .collect();
    assert_eq!(
        tasks,
        [
            (json!("Triage"), json!(1)),
            (json!("Pull the mails"), json!(2)),
            (json!("Reset passwords"), json!(3))
        ]
    );
    let observables = items(&app, &team, &into, "/observables").await;
    assert_eq!(observables.len(), 3, "{observables:?}");
    let combined = observables.iter().find(|o| o["value"] == "192.0.2.1").expect("kept");
    assert_eq!((&combined["is_ioc"], &combined["tags"]), (&json!(true), &json!(["wave-1"])));
    let files = items(&app, &team, &into, "/attachments").await;
    assert_eq!(files.iter().map(|a| &a["id"]).collect::<Vec<_>>(), [&attachment["id"]]);
    for rest in ["/comments", "/tasks", "/observables", "/attachments"] {
        assert!(items(&app, &team, &from, rest).await.is_empty(), "{rest} left on the merged case");
    }

    // One link, `duplicates` from the merged case; both trails and the feed.
    let link = items(&app, &team, &from, "/links").await;
    assert_eq!(link.len(), 1, "{link:?}");
    assert_eq!((&link[0]["type"], &link[0]["linked_case"]["id"]), (&json!("duplicates"), &into["id"]));
    assert_eq!(items(&app, &team, &into, "/links").await[0]["type"], "duplicated_by");
    let trail = |case: Value| {
        let app = &app;
        let team = &team;
        async move { items(app, team, &case, "/events").await }
    };
    let from_trail = trail(from.clone()).await;
    let into_trail = trail(into.clone()).await;
    let entry =
        |events: &[Value], kind: &str| events.iter().find(|e| e["type"] == kind).cloned().expect(kind);
    let merged_into = entry(&from_trail, "merged_into");
    assert_eq!((&merged_into["data"]["case_id"], &merged_into["data"]["comments"]), (&into["id"], &json!(3)));
    assert_eq!(entry(&into_trail, "merged_from")["data"]["case_id"], from["id"]);
    assert_eq!(entry(&from_trail, "link_removed")["data"]["type"], "relates_to");
    assert_eq!(entry(&into_trail, "link_added")["data"]["type"], "duplicated_by");
    let events = feed(&app, &team.viewer, team.id(), "&resource_type=case").await;
    let kinds = types(&events);
    assert_eq!(kinds[kinds.len() - 2..], ["case.merged", "case.updated"]);
    assert_eq!(events[1]["data"]["merged_into"], into["id"]);

    // Search finds the moved words under the case merged into.
    let found = app.get(&format!("/v1/workspaces/{}/cases?q=zanzibarx", team.id()), Some(&team.viewer)).await;
    let found: Vec<&Value> =
        found.body["items"].as_array().expect("items").iter().map(|c| &c["id"]).collect();
    assert_eq!(found, [&into["id"]]);

    // The merged case takes nothing new, and takes part in no other merge.
    let third = case(&app, &team, json!({"summary": "Third"})).await;
    for (rest, body) in [
        ("/comments", json!({"body": "late"})),
        ("/tasks", json!({"title": "late"})),
        ("/observables", json!({"type": "ipv4", "value": "192.0.2.9"})),
    ] {
        app.post(&path(&team, &from, rest), editor, body).await.assert_problem(409, "CASE_MERGED");
    }
    let late = Upload::new("late.txt", "text/plain", b"late".to_vec());
    app.upload(&path(&team, &from, ""), editor, late).await.assert_problem(409, "CASE_MERGED");
    merge(&app, &team, editor, &from, json!({"into_case_id": id(&third)}))
        .await
        .assert_problem(409, "CASE_MERGED");
    merge(&app, &team, editor, &third, json!({"into_case_id": id(&from)}))
        .await
        .assert_problem(409, "CASE_MERGED");
}

async fn merges_refuse_bad_requests_and_change_nothing(app: TestApp) {
    let team = Team::create(&app).await;
    let tags: Vec<String> = (0..12).map(|n| format!("a{n}")).collect();
    let from = case(&app, &team, json!({"summary": "Copy", "tags": tags})).await;
    created(app.post(&path(&team, &from, "/comments"), Some(&team.editor), json!({"body": "stays"})).await);
    let into = case(&app, &team, json!({"summary": "Original"})).await;
    let elsewhere = app.create_workspace(&team.admin, "Elsewhere").await;
    let elsewhere = elsewhere["id"].as_str().expect("id");
    let foreign = app.create_case(&team.admin, elsewhere, json!({"summary": "Elsewhere"})).await;
    let editor = Some(team.editor.as_str());
    let refused = |body: Value| merge(&app, &team, editor, &from, body);
    for body in [
        json!({"into_case_id": id(&from)}),
        json!({"into_case_id": id(&foreign)}),
        json!({"into_case_id": "case_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b"}),
    ] {
        let response = refused(body.clone()).await;
        response.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(response.error_fields(), ["into_case_id"], "{body}");
    }
    for body in [json!({}), json!({"into_case_id": "nope"}), json!({"into_case_id": id(&into), "version": 0})]
    {
        refused(body).await.assert_problem(422, "VALIDATION_FAILED");
    }
    refused(json!({"into_case_id": id(&into), "version": 7})).await.assert_problem(409, "VERSION_CONFLICT");
    refused(json!({"into_case_id": id(&into), "into_version": 2}))
        .await
        .assert_problem(409, "VERSION_CONFLICT");
    let ghost = json!({"id": "case_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b"});
    merge(&app, &team, editor, &ghost, json!({"into_case_id": id(&into)}))
        .await
        .assert_problem(404, "NOT_FOUND");
    let across = format!("/v1/workspaces/{elsewhere}/cases/{}/merge", id(&from));
    let response = app.post(&across, Some(&team.admin), json!({"into_case_id": id(&foreign)})).await;
    response.assert_problem(404, "NOT_FOUND");

    let crowded: Vec<String> = (0..9).map(|n| format!("b{n}")).collect();
    let busy = case(&app, &team, json!({"summary": "Busy", "tags": crowded})).await;
    let response = refused(json!({"into_case_id": id(&busy)})).await;
    response.assert_problem(422, "VALIDATION_FAILED");
    assert!(
        response.body["errors"][0]["message"].as_str().is_some_and(|m| m.contains("21 tags")),
        "{}",
        response.body
    );

    for case in [&from, &into, &busy] {
        let now = app.get(&path(&team, case, ""), Some(&team.viewer)).await.body;
        assert_eq!((&now["version"], &now["merged_into"]), (&json!(1), &Value::Null), "{now}");
    }
    assert_eq!(items(&app, &team, &from, "/comments").await.len(), 1);
    assert!(items(&app, &team, &from, "/links").await.is_empty());
}

async fn a_merge_racing_comment_writes_moves_each_exactly_once(app: TestApp) {
    let team = Team::create(&app).await;
    for round in 0..3 {
        let from = case(&app, &team, json!({"summary": format!("Busy copy {round}")})).await;
        let into = case(&app, &team, json!({"summary": format!("Original {round}")})).await;
        for n in 0..5 {
            created(
                app.post(
                    &path(&team, &from, "/comments"),
                    Some(&team.editor),
                    json!({"body": format!("before {n}")}),
                )
                .await,
            );
        }
        let writes = (0..10).map(|n| {
            let (app, team, from) = (&app, &team, &from);
            async move {
                app.post(
                    &path(team, from, "/comments"),
                    Some(&team.editor),
                    json!({"body": format!("racing {n}")}),
                )
                .await
            }
        });
        let merging = merge(&app, &team, Some(&team.editor), &from, json!({"into_case_id": id(&into)}));
        let (answers, merged) = futures::join!(join_all(writes), merging);
        assert_eq!(merged.status, StatusCode::OK, "{}", merged.body);
        let mut kept = Vec::new();
        for answer in &answers {
            match answer.status.as_u16() {
                201 => kept.push(answer.body["id"].clone()),
                _ => answer.assert_problem(409, "CASE_MERGED"),
            }
        }
        let on_into = items(&app, &team, &into, "/comments").await;
        assert_eq!(on_into.len(), 5 + kept.len(), "round {round}: {answers:?}");
        assert_eq!(merged.body["moved"]["comments"], json!(5 + kept.len()), "round {round}");
        for id in &kept {
            assert_eq!(on_into.iter().filter(|c| &c["id"] == id).count(), 1, "round {round}: {id}");
        }
        assert!(items(&app, &team, &from, "/comments").await.is_empty(), "round {round}");
    }
}

async fn merges_replay_with_an_idempotency_key(app: TestApp) {
    let team = Team::create(&app).await;
    let from = case(&app, &team, json!({"summary": "Copy"})).await;
    let (into, other) = (
        case(&app, &team, json!({"summary": "Original"})).await,
        case(&app, &team, json!({"summary": "Other"})).await,
    );
    let send = |target: &Value| {
        app.client
            .post(format!("{}{}", app.base_url, path(&team, &from, "/merge")))
            .bearer_auth(&team.editor)
            .header("Idempotency-Key", "merge-key")
            .json(&json!({"into_case_id": id(target)}))
            .send()
    };
    let once = TestApp::read(send(&into).await.expect("sent")).await;
    let again = TestApp::read(send(&into).await.expect("sent")).await;
    assert_eq!((once.status, again.status), (StatusCode::OK, StatusCode::OK), "{}", once.body);
    assert_eq!((again.body.clone(), again.header("idempotent-replayed")), (once.body, "true"));
    TestApp::read(send(&other).await.expect("sent")).await.assert_problem(422, "IDEMPOTENCY_KEY_REUSED");
    let trail = items(&app, &team, &into, "/events").await;
    assert_eq!(trail.iter().filter(|e| e["type"] == "merged_from").count(), 1);
}

crate::on_every_backend!(
    merges_answer_each_role_as_documented,
    a_merge_moves_everything_once_and_records_it,
    merges_refuse_bad_requests_and_change_nothing,
    a_merge_racing_comment_writes_moves_each_exactly_once,
    merges_replay_with_an_idempotency_key,
);
