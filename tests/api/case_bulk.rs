//! Changing and deleting many cases at once: who may, the per-case answers
//! (stale versions, other workspaces' cases, changes a case cannot take),
//! what changes and what does not, events, replays and racing batches.

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::activity_events::{feed, types};
use crate::helpers::TestApp;
use crate::team::{Caller, EVERYONE, Team, assert_access};

fn updates(team: &Team) -> String {
    format!("/v1/workspaces/{}/case-updates", team.id())
}

fn deletions(team: &Team) -> String {
    format!("/v1/workspaces/{}/case-deletions", team.id())
}

/// Opens `count` cases in `workspace`, 25 at a time; their ids, in order.
async fn open_cases(app: &TestApp, token: &str, workspace: &str, count: usize, tags: Value) -> Vec<String> {
    let mut ids = Vec::with_capacity(count);
    for start in (0..count).step_by(25) {
        let batch = (start..count.min(start + 25)).map(|n| {
            app.create_case(token, workspace, json!({"summary": format!("Case {n}"), "tags": tags}))
        });
        ids.extend(join_all(batch).await.into_iter().map(|case| case["id"].as_str().expect("id").to_owned()));
    }
    ids
}

fn items(ids: &[String]) -> Value {
    ids.iter().map(|id| json!({"case_id": id})).collect()
}

fn outcomes(answer: &Value) -> Vec<String> {
    let items = answer["items"].as_array().expect("items");
    items.iter().map(|item| item["outcome"].as_str().expect("outcome").to_owned()).collect()
}

async fn bulk_requests_answer_each_role_as_documented(app: TestApp) {
    let team = Team::create(&app).await;
    let ids = open_cases(&app, &team.editor, team.id(), 2, json!([])).await;
    for caller in EVERYONE {
        let token = team.token(caller);
        let body = json!({"items": items(&ids[..1]), "changes": {"priority": "high"}});
        assert_access(
            caller,
            caller >= Caller::Editor,
            &app.post(&updates(&team), token, body).await,
            StatusCode::OK,
        );
        let body = json!({"items": [{"case_id": ids[1], "version": 99}]});
        let deleted = app.post(&deletions(&team), token, body).await;
        assert_access(caller, caller >= Caller::Editor, &deleted, StatusCode::OK);
    }
    let case =
        app.get(&format!("/v1/workspaces/{}/cases/{}", team.id(), ids[0]), Some(&team.viewer)).await.body;
    assert_eq!(
        (case["priority"].as_str(), case["version"].as_i64()),
        (Some("high"), Some(2)),
        "changed once, then unchanged"
    );
}

async fn a_bulk_update_of_1000_cases_changes_exactly_the_right_ones(app: TestApp) {
    let team = Team::create(&app).await;
    let mut ids = open_cases(&app, &team.editor, team.id(), 997, json!(["phish"])).await;
    let elsewhere = app.create_workspace(&team.outsider, "Elsewhere").await;
    let foreign_ws = elsewhere["id"].as_str().expect("id").to_owned();
    let foreign = open_cases(&app, &team.outsider, &foreign_ws, 3, json!([])).await;
    ids.extend(foreign.iter().cloned());
    let mut body_items = items(&ids);
    for stale in [10, 500, 990] {
        body_items[stale]["version"] = json!(7);
    }
    body_items[20]["version"] = json!(1);
    let body = json!({"items": body_items, "changes": {
        "status": "in_progress", "assignee_id": team.viewer_id, "add_tags": ["Wave-7"], "remove_tags": ["phish"],
    }});
    let response = app.post(&updates(&team), Some(&team.editor), body).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let answer = &response.body;
    assert_eq!(
        (answer["succeeded"].as_u64(), answer["unchanged"].as_u64(), answer["failed"].as_u64()),
        (Some(994), Some(0), Some(6))
    );
    let results = answer["items"].as_array().expect("items");
    for (index, item) in results.iter().enumerate() {
        assert_eq!(
            (item["index"].as_u64(), item["case_id"].as_str()),
            (Some(index as u64), Some(ids[index].as_str()))
        );
        match index {
            10 | 500 | 990 => {
                assert_eq!(
                    (item["outcome"].as_str(), item["problem"]["code"].as_str()),
                    (Some("failed"), Some("VERSION_CONFLICT")),
                    "{item}"
                );
                assert_eq!(item["problem"]["status"], 409);
            }
            997.. => assert_eq!(item["problem"]["code"], "NOT_FOUND", "{item}"),
            _ => {
                assert_eq!(item["outcome"], "updated", "{item}");
                let case = &item["case"];
                assert_eq!(
                    (case["status"].as_str(), case["version"].as_i64()),
                    (Some("in_progress"), Some(2))
                );
                assert_eq!(
                    (case["tags"].clone(), case["assignee_id"].as_str()),
                    (json!(["wave-7"]), Some(team.viewer_id.as_str()))
                );
            }
        }
    }
    let tagged = |tag: &str| format!("/v1/workspaces/{}/cases?tag={tag}&limit=100", team.id());
    let stale_left = app.get(&tagged("phish"), Some(&team.viewer)).await.body;
    let left: Vec<&str> = stale_left["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["id"].as_str().expect("id"))
        .collect();
    assert_eq!(left.len(), 3, "only the stale ones keep their tag");
    assert!([10, 500, 990].iter().all(|at| left.contains(&ids[*at].as_str())));
    for id in &foreign {
        let case =
            app.get(&format!("/v1/workspaces/{foreign_ws}/cases/{id}"), Some(&team.outsider)).await.body;
        assert_eq!((case["status"].as_str(), case["version"].as_i64()), (Some("new"), Some(1)));
    }
    let trail = app
        .get(&format!("/v1/workspaces/{}/cases/{}/events", team.id(), ids[0]), Some(&team.viewer))
        .await
        .body;
    let kinds: Vec<&str> =
        trail["items"].as_array().expect("items").iter().map(|e| e["type"].as_str().expect("type")).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "case_created").count(), 1);
    assert!(
        kinds.contains(&"assigned") && kinds.iter().filter(|k| **k == "field_changed").count() == 2,
        "{kinds:?}"
    );
    let updated = feed(&app, &team.viewer, team.id(), "&type=case.updated").await;
    assert_eq!(updated.len(), 100, "a full page of case.updated events");
}

async fn malformed_bulk_requests_fail_whole_and_change_nothing(app: TestApp) {
    let team = Team::create(&app).await;
    let ids = open_cases(&app, &team.editor, team.id(), 2, json!([])).await;
    let outsider_id = app.get("/v1/accounts/me", Some(&team.outsider)).await.body["id"].clone();
    let twice = json!([{"case_id": ids[0]}, {"case_id": ids[0]}]);
    let many: Vec<Value> = (0..1001).map(|_| json!({"case_id": ids[0]})).collect();
    for (body, fields) in [
        (json!({"items": [], "changes": {"priority": "low"}}), vec!["items"]),
        (json!({"items": twice, "changes": {"priority": "low"}}), vec!["items"]),
        (json!({"items": many, "changes": {"priority": "low"}}), vec!["items"]),
        (json!({"items": items(&ids), "changes": {}}), vec!["changes"]),
        (
            json!({"items": items(&ids), "changes": {"add_tags": ["x"], "remove_tags": ["X"]}}),
            vec!["changes.remove_tags"],
        ),
        (json!({"items": items(&ids), "changes": {"add_tags": [""]}}), vec!["changes.add_tags"]),
        (json!({"items": items(&ids), "changes": {"assignee_id": outsider_id}}), vec!["changes.assignee_id"]),
        (
            json!({"items": [{"case_id": ids[0], "version": 0}], "changes": {"priority": "low"}}),
            vec!["items[0].version"],
        ),
        (
            json!({"items": [{"case_id": "case_nope"}], "changes": {"priority": "low"}}),
            vec!["items[0].case_id"],
        ),
    ] {
        let response = app.post(&updates(&team), Some(&team.editor), body.clone()).await;
        response.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(
            response.error_fields().first().map(String::as_str),
            fields.first().copied(),
            "{body}: {}",
            response.body
        );
    }
    app.post(&deletions(&team), Some(&team.editor), json!({"items": []}))
        .await
        .assert_problem(422, "VALIDATION_FAILED");
    for id in &ids {
        let case =
            app.get(&format!("/v1/workspaces/{}/cases/{id}", team.id()), Some(&team.viewer)).await.body;
        assert_eq!(case["version"], 1, "{case}");
    }
}

async fn each_case_is_answered_on_its_own(app: TestApp) {
    let team = Team::create(&app).await;
    let full: Vec<String> = (0..20).map(|n| format!("t{n}")).collect();
    let crowded = open_cases(&app, &team.editor, team.id(), 1, json!(full)).await;
    let plain = open_cases(&app, &team.editor, team.id(), 2, json!([])).await;
    app.patch(
        &format!("/v1/workspaces/{}/cases/{}", team.id(), plain[1]),
        Some(&team.editor),
        json!({"version": 1, "priority": "critical"}),
    )
    .await;
    let ids = [crowded[0].clone(), plain[0].clone(), plain[1].clone()];
    let body = json!({"items": items(&ids), "changes": {"priority": "critical", "add_tags": ["t0", "new"]}});
    let answer = app.post(&updates(&team), Some(&team.editor), body).await.body;
    assert_eq!(outcomes(&answer), ["failed", "updated", "updated"], "{answer}");
    let problem = &answer["items"][0]["problem"];
    assert_eq!(
        (problem["code"].as_str(), problem["errors"][0]["field"].as_str()),
        (Some("VALIDATION_FAILED"), Some("changes.add_tags"))
    );
    let again = json!({"items": items(&ids[1..]), "changes": {"priority": "critical", "add_tags": ["new"]}});
    let answer = app.post(&updates(&team), Some(&team.editor), again).await.body;
    assert_eq!(outcomes(&answer), ["unchanged", "unchanged"], "{answer}");
    assert_eq!(answer["items"][1]["case"]["version"], 3);
}

async fn bulk_deletes_move_cases_to_the_trash(app: TestApp) {
    let team = Team::create(&app).await;
    let ids = open_cases(&app, &team.editor, team.id(), 4, json!([])).await;
    app.delete(&format!("/v1/workspaces/{}/cases/{}", team.id(), ids[3]), Some(&team.editor)).await;
    let body = json!({"items": [
        {"case_id": ids[0]}, {"case_id": ids[1], "version": 1}, {"case_id": ids[2], "version": 4}, {"case_id": ids[3]},
    ]});
    let answer = app.post(&deletions(&team), Some(&team.editor), body).await.body;
    assert_eq!(outcomes(&answer), ["deleted", "deleted", "failed", "failed"], "{answer}");
    assert_eq!(
        (answer["items"][2]["problem"]["code"].as_str(), answer["items"][3]["problem"]["code"].as_str()),
        (Some("VERSION_CONFLICT"), Some("NOT_FOUND"))
    );
    let trash = app.get(&format!("/v1/workspaces/{}/trash/cases", team.id()), Some(&team.admin)).await.body;
    assert_eq!(trash["items"].as_array().expect("items").len(), 3);
    app.get(&format!("/v1/workspaces/{}/cases/{}", team.id(), ids[0]), Some(&team.viewer))
        .await
        .assert_problem(404, "NOT_FOUND");
    let events = feed(&app, &team.viewer, team.id(), "&type=case.deleted").await;
    assert_eq!(types(&events), ["case.deleted", "case.deleted", "case.deleted"]);
}

async fn bulk_requests_replay_and_racing_batches_both_finish(app: TestApp) {
    let team = Team::create(&app).await;
    let ids = open_cases(&app, &team.editor, team.id(), 60, json!([])).await;
    let send = |body: Value| {
        app.client
            .post(format!("{}{}", app.base_url, updates(&team)))
            .bearer_auth(&team.editor)
            .header("Idempotency-Key", "bulk-key")
            .json(&body)
            .send()
    };
    let body = json!({"items": items(&ids[..5]), "changes": {"severity": "high"}});
    let first = TestApp::read(send(body.clone()).await.expect("sent")).await;
    let again = TestApp::read(send(body).await.expect("sent")).await;
    assert_eq!((first.status, again.header("idempotent-replayed")), (StatusCode::OK, "true"));
    assert_eq!(again.body, first.body);
    let other = json!({"items": items(&ids[..5]), "changes": {"severity": "low"}});
    TestApp::read(send(other).await.expect("sent")).await.assert_problem(422, "IDEMPOTENCY_KEY_REUSED");

    // Two batches over the same cases, named in opposite orders.
    let reversed: Vec<String> = ids.iter().rev().cloned().collect();
    let path = updates(&team);
    let (one, two) = tokio::join!(
        app.post(&path, Some(&team.editor), json!({"items": items(&ids), "changes": {"add_tags": ["one"]}})),
        app.post(
            &path,
            Some(&team.admin),
            json!({"items": items(&reversed), "changes": {"add_tags": ["two"]}})
        ),
    );
    assert_eq!((one.status, two.status), (StatusCode::OK, StatusCode::OK), "{} / {}", one.body, two.body);
    assert_eq!((one.body["succeeded"].as_u64(), two.body["succeeded"].as_u64()), (Some(60), Some(60)));
    let case =
        app.get(&format!("/v1/workspaces/{}/cases/{}", team.id(), ids[59]), Some(&team.viewer)).await.body;
    assert_eq!(case["tags"], json!(["one", "two"]));
}

crate::on_every_backend!(
    bulk_requests_answer_each_role_as_documented,
    a_bulk_update_of_1000_cases_changes_exactly_the_right_ones,
    malformed_bulk_requests_fail_whole_and_change_nothing,
    each_case_is_answered_on_its_own,
    bulk_deletes_move_cases_to_the_trash,
    bulk_requests_replay_and_racing_batches_both_finish,
);
