//! Cases: numbering, validation, roles, conflicts, idempotency, audit trail.

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::team::{Caller, EVERYONE, Team, assert_access};

impl TestApp {
    /// Opens a case; returns it.
    pub async fn create_case(&self, token: &str, workspace: &str, body: Value) -> Value {
        let response = self.post(&format!("/v1/workspaces/{workspace}/cases"), Some(token), body).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
        response.body
    }
}

fn case_path(team: &Team, case: &Value) -> String {
    format!("/v1/workspaces/{}/cases/{}", team.id(), case["id"].as_str().expect("id"))
}

async fn opening_a_case_numbers_it_and_records_the_event(app: TestApp) {
    let team = Team::create(&app).await;

    let response = app
        .post(
            &format!("/v1/workspaces/{}/cases", team.id()),
            Some(&team.editor),
            json!({"summary": " Phish "}),
        )
        .await;

    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    let case = &response.body;
    assert_eq!(response.header("location"), case_path(&team, case));
    assert_eq!((case["number"].as_i64(), case["key"].as_str()), (Some(1), Some("CASE-1")));
    assert_eq!((case["summary"].as_str(), case["status"].as_str()), (Some("Phish"), Some("new")));
    assert_eq!((case["priority"].as_str(), case["severity"].as_str()), (Some("medium"), Some("medium")));
    assert_eq!((case["assignee_id"].clone(), case["resolved_at"].clone()), (Value::Null, Value::Null));
    assert_eq!(case["created_by"].as_str(), Some(team.editor_id.as_str()));
    assert_eq!(app.get(&case_path(&team, case), Some(&team.viewer)).await.body, *case);
    let events = app.get(&format!("{}/events", case_path(&team, case)), Some(&team.viewer)).await.body;
    assert_eq!(events["items"][0]["type"], "case_created");
    assert_eq!(events["items"][0]["actor_id"].as_str(), Some(team.editor_id.as_str()));
    let second = app.create_case(&team.editor, team.id(), json!({"summary": "Second"})).await;
    assert_eq!(second["key"], "CASE-2");
}

async fn case_fields_are_validated_and_nothing_is_created(app: TestApp) {
    let team = Team::create(&app).await;
    let path = format!("/v1/workspaces/{}/cases", team.id());
    let tags = |n: usize| (0..n).map(|i| format!("t{i}")).collect::<Vec<_>>();
    let cases = [
        (json!({"summary": ""}), vec!["summary"]),
        (json!({"summary": "s".repeat(201)}), vec!["summary"]),
        (json!({"summary": "ok", "description": "d".repeat(20_001)}), vec!["description"]),
        (json!({"summary": "ok", "tags": tags(21)}), vec!["tags"]),
        (json!({"summary": "ok", "tags": ["t".repeat(51)]}), vec!["tags"]),
        (json!({"summary": "ok", "tags": ["dup", " DUP "]}), vec!["tags"]),
        (json!({"summary": "ok", "tags": [" "]}), vec!["tags"]),
        (json!({"summary": "ok", "status": "open"}), vec!["status"]),
        (json!({"summary": "ok", "priority": "urgent"}), vec!["priority"]),
        (json!({"summary": "ok", "assignee_id": "acct_nothex"}), vec!["assignee_id"]),
        (
            json!({"summary": "ok", "assignee_id": "acct_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b"}),
            vec!["assignee_id"],
        ),
        (
            json!({"summary": "", "description": "d".repeat(20_001), "tags": tags(21)}),
            vec!["summary", "description", "tags"],
        ),
    ];
    for (body, fields) in cases {
        let response = app.post(&path, Some(&team.editor), body.clone()).await;

        response.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(
            response.error_fields(),
            fields,
            "{}",
            &body.to_string()[..body.to_string().len().min(80)]
        );
    }
    let at_bounds = json!({"summary": "s".repeat(200), "description": "d".repeat(20_000), "tags": tags(20)});
    let created = app.create_case(&team.editor, team.id(), at_bounds).await;
    assert_eq!(created["number"], 1, "the refused creates used no numbers");
}

/// The numbers of created cases, in order; every response must be a 201.
fn created_numbers(responses: &[crate::helpers::TestResponse]) -> Vec<i64> {
    let mut numbers: Vec<i64> = responses
        .iter()
        .map(|r| {
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            r.body["number"].as_i64().expect("number")
        })
        .collect();
    numbers.sort_unstable();
    numbers
}

async fn fifty_concurrent_creates_are_numbered_1_to_50(app: TestApp) {
    let team = Team::create(&app).await;
    let path = format!("/v1/workspaces/{}/cases", team.id());

    let responses = join_all(
        (0..50).map(|i| app.post(&path, Some(&team.editor), json!({"summary": format!("Case {i}")}))),
    )
    .await;

    assert_eq!(created_numbers(&responses), (1..=50).collect::<Vec<_>>());
}

async fn creates_spread_over_two_instances_are_numbered_without_gaps(app: TestApp) {
    let team = Team::create(&app).await;
    let sibling = app.sibling(|_| {}).await;
    let path = format!("/v1/workspaces/{}/cases", team.id());

    let responses = join_all((0..60).map(|i| {
        let instance = if i % 2 == 0 { &app } else { &sibling };
        instance.post(&path, Some(&team.editor), json!({"summary": format!("Case {i}")}))
    }))
    .await;

    assert_eq!(created_numbers(&responses), (1..=60).collect::<Vec<_>>());
}

async fn text_round_trips_exactly_and_search_metacharacters_are_data(app: TestApp) {
    let team = Team::create(&app).await;
    let list = format!("/v1/workspaces/{}/cases", team.id());
    let summary = "50% off_ 'quoted' \"double\" back\\slash 🛡️ naïve";
    let description = "🦀".repeat(20_000);
    let case = app
        .create_case(&team.editor, team.id(), json!({"summary": summary, "description": description}))
        .await;
    app.create_case(&team.editor, team.id(), json!({"summary": "plain words"})).await;

    let read = app.get(&case_path(&team, &case), Some(&team.viewer)).await;
    assert_eq!(
        (read.body["summary"].as_str(), read.body["description"].as_str()),
        (Some(summary), Some(&*description))
    );
    for q in ["naïve", "OFF_", "50%", "'quoted'", "\"double\"", "back\\slash"] {
        let query = percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC);
        let found = app.get(&format!("{list}?q={query}"), Some(&team.viewer)).await;
        assert_eq!(found.status, StatusCode::OK, "{q}: {}", found.body);
        let summaries: Vec<&str> = found.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|c| c["summary"].as_str())
            .collect();
        assert_eq!(summaries, vec![summary], "searching for {q:?}");
    }
    for q in ["%", "_", "\\", "'", "\"", "🛡️"] {
        let query = percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC);
        let nothing = app.get(&format!("{list}?q={query}"), Some(&team.viewer)).await;
        nothing.assert_problem(422, "VALIDATION_FAILED");
    }
    let nul = app.post(&list, Some(&team.editor), json!({"summary": "a\u{0}b"})).await;
    nul.assert_problem(422, "VALIDATION_FAILED");
}

async fn cases_answer_each_role_as_documented(app: TestApp) {
    let team = Team::create(&app).await;
    let list = format!("/v1/workspaces/{}/cases", team.id());
    let case = app.create_case(&team.admin, team.id(), json!({"summary": "Target"})).await;
    let path = case_path(&team, &case);
    for caller in EVERYONE {
        let create = app.post(&list, team.token(caller), json!({"summary": "By role"})).await;
        assert_access(caller, caller >= Caller::Editor, &create, StatusCode::CREATED);
        assert_access(
            caller,
            caller >= Caller::Viewer,
            &app.get(&list, team.token(caller)).await,
            StatusCode::OK,
        );
        assert_access(
            caller,
            caller >= Caller::Viewer,
            &app.get(&path, team.token(caller)).await,
            StatusCode::OK,
        );
        let events = app.get(&format!("{path}/events"), team.token(caller)).await;
        assert_access(caller, caller >= Caller::Viewer, &events, StatusCode::OK);
        let version = app.get(&path, Some(&team.admin)).await.body["version"].clone();
        let update = app
            .patch(&path, team.token(caller), json!({"version": version, "summary": format!("{caller:?}")}))
            .await;
        assert_access(caller, caller >= Caller::Editor, &update, StatusCode::OK);
    }
    for caller in EVERYONE {
        let doomed = app.create_case(&team.admin, team.id(), json!({"summary": "Doomed"})).await;
        let delete = app.delete(&case_path(&team, &doomed), team.token(caller)).await;
        assert_access(caller, caller >= Caller::Editor, &delete, StatusCode::NO_CONTENT);
    }
    app.get(&format!("{path}x"), Some(&team.admin)).await.assert_problem(404, "NOT_FOUND");
    let other = app.create_workspace(&team.outsider, "Elsewhere").await;
    let elsewhere = format!(
        "/v1/workspaces/{}/cases/{}",
        other["id"].as_str().expect("id"),
        case["id"].as_str().expect("id")
    );
    app.get(&elsewhere, Some(&team.outsider)).await.assert_problem(404, "NOT_FOUND");
}

async fn two_patches_from_one_version_give_one_success_and_one_conflict(app: TestApp) {
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Race"})).await;
    let path = case_path(&team, &case);

    let (a, b) = tokio::join!(
        app.patch(&path, Some(&team.editor), json!({"version": 1, "priority": "high"})),
        app.patch(&path, Some(&team.admin), json!({"version": 1, "priority": "low"})),
    );

    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{a:?} {b:?}");
    let loser = if a.status == StatusCode::CONFLICT { &a } else { &b };
    loser.assert_problem(409, "VERSION_CONFLICT");
    assert!(loser.body["detail"].as_str().expect("detail").contains("version 2"), "{}", loser.body);
    assert_eq!(app.get(&path, Some(&team.viewer)).await.body["version"], 2);
}

async fn every_change_is_in_the_audit_trail(app: TestApp) {
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Trail", "tags": ["a"]})).await;
    let path = case_path(&team, &case);

    let changed = app
        .patch(&path, Some(&team.editor), json!({"version": 1, "summary": "Trail 2", "status": "resolved", "tags": ["b", "a"], "assignee_id": team.viewer_id}))
        .await;
    let unchanged = app.patch(&path, Some(&team.editor), json!({"version": 2, "priority": "medium"})).await;
    let closed = app
        .patch(&path, Some(&team.editor), json!({"version": 2, "status": "closed", "assignee_id": null}))
        .await;
    let reopened = app.patch(&path, Some(&team.editor), json!({"version": 3, "status": "in_progress"})).await;

    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert!(changed.body["resolved_at"].is_string() && changed.body["closed_at"].is_null());
    assert_eq!(changed.body["tags"], json!(["a", "b"]));
    assert_eq!((unchanged.status, unchanged.body["version"].as_i64()), (StatusCode::OK, Some(2)));
    assert!(
        closed.body["closed_at"].is_string() && closed.body["resolved_at"] == changed.body["resolved_at"]
    );
    assert!(closed.body["assignee_id"].is_null());
    assert!(reopened.body["resolved_at"].is_null() && reopened.body["closed_at"].is_null());
    let events = app.get(&format!("{path}/events?limit=100"), Some(&team.viewer)).await.body;
    let seen: Vec<(String, Value)> = events["items"]
        .as_array()
        .expect("items")
        .iter()
        .rev()
        .map(|e| (e["type"].as_str().expect("type").to_owned(), e["data"]["field"].clone()))
        .collect();
    let expected = [
        ("case_created", Value::Null),
        ("field_changed", json!("summary")),
        ("field_changed", json!("status")),
        ("field_changed", json!("tags")),
        ("assigned", Value::Null),
        ("field_changed", json!("status")),
        ("assigned", Value::Null),
        ("field_changed", json!("status")),
    ];
    assert_eq!(seen, expected.map(|(t, f)| (t.to_owned(), f)));
    let assigned = events["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["type"] == "assigned" && e["data"]["old"].is_null())
        .expect("assigned");
    assert_eq!(assigned["data"]["new"].as_str(), Some(team.viewer_id.as_str()));
    let status_change = events["items"]
        .as_array()
        .expect("items")
        .iter()
        .rev()
        .find(|e| e["data"]["field"] == "status")
        .expect("status");
    assert_eq!(
        (status_change["data"]["old"].as_str(), status_change["data"]["new"].as_str()),
        (Some("new"), Some("resolved"))
    );
}

async fn case_updates_are_validated(app: TestApp) {
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "V"})).await;
    let path = case_path(&team, &case);
    let outsider_id = app.get("/v1/accounts/me", Some(&team.outsider)).await.body["id"].clone();
    let cases = [
        (json!({"version": 1}), vec!["body"]),
        (json!({"summary": "x"}), vec!["version"]),
        (json!({"version": 0, "summary": "x"}), vec!["version"]),
        (json!({"version": 1, "summary": " "}), vec!["summary"]),
        (json!({"version": 1, "assignee_id": outsider_id}), vec!["assignee_id"]),
        (json!({"version": 1, "severity": "apocalyptic"}), vec!["severity"]),
        (json!({"version": 1, "number": 7}), vec!["number"]),
    ];
    for (body, fields) in cases {
        let response = app.patch(&path, Some(&team.editor), body.clone()).await;

        response.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(response.error_fields(), fields, "{body}");
    }
    assert_eq!(app.get(&path, Some(&team.editor)).await.body["version"], 1);
}

async fn an_idempotent_case_create_is_replayed_not_repeated(app: TestApp) {
    let team = Team::create(&app).await;
    let send = |body: Value| {
        app.client
            .post(format!("{}/v1/workspaces/{}/cases", app.base_url, team.id()))
            .bearer_auth(&team.editor)
            .header("Idempotency-Key", "case-key")
            .json(&body)
            .send()
    };

    let first = TestApp::read(send(json!({"summary": "Once"})).await.expect("sent")).await;
    let retry = TestApp::read(send(json!({"summary": "Once"})).await.expect("sent")).await;
    let changed = TestApp::read(send(json!({"summary": "Twice"})).await.expect("sent")).await;

    assert_eq!((first.status, retry.status), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(retry.body, first.body);
    assert_eq!(retry.header("idempotent-replayed"), "true");
    changed.assert_problem(422, "IDEMPOTENCY_KEY_REUSED");
    let list = app.get(&format!("/v1/workspaces/{}/cases", team.id()), Some(&team.viewer)).await.body;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
    let events = app.get(&format!("{}/events", case_path(&team, &first.body)), Some(&team.viewer)).await.body;
    assert_eq!(events["items"].as_array().map(Vec::len), Some(1));
}

crate::on_every_backend!(
    opening_a_case_numbers_it_and_records_the_event,
    case_fields_are_validated_and_nothing_is_created,
    fifty_concurrent_creates_are_numbered_1_to_50,
    creates_spread_over_two_instances_are_numbered_without_gaps,
    text_round_trips_exactly_and_search_metacharacters_are_data,
    cases_answer_each_role_as_documented,
    two_patches_from_one_version_give_one_success_and_one_conflict,
    every_change_is_in_the_audit_trail,
    case_updates_are_validated,
    an_idempotent_case_create_is_replayed_not_repeated,
);
