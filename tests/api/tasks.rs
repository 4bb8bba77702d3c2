//! Tasks of a case: who may do what, validation, versions, status times,
//! positions (also under concurrent moves) and the audit trail.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::team::{Caller, EVERYONE, Team, assert_access};

/// A team with one case; the case's task list path.
pub async fn case_with_tasks(app: &TestApp, team: &Team, summary: &str) -> String {
    let case = app.create_case(&team.editor, team.id(), json!({"summary": summary})).await;
    format!("/v1/workspaces/{}/cases/{}/tasks", team.id(), case["id"].as_str().expect("id"))
}

/// Adds a task; returns it.
pub async fn add_task(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let response = app.post(path, Some(token), body).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    response.body
}

fn task_path(list: &str, task: &Value) -> String {
    format!("{list}/{}", task["id"].as_str().expect("id"))
}

/// The titles of a case's tasks in checklist order, and their positions.
async fn checklist(app: &TestApp, team: &Team, path: &str) -> (Vec<String>, Vec<i64>) {
    let list = app.get(&format!("{path}?limit=100"), Some(&team.viewer)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let items = list.body["items"].as_array().expect("items").clone();
    let titles = items.iter().map(|t| t["title"].as_str().expect("title").to_owned()).collect();
    (titles, items.iter().map(|t| t["position"].as_i64().expect("position")).collect())
}

async fn tasks_answer_each_role_as_documented(app: TestApp) {
    let team = Team::create(&app).await;
    let path = case_with_tasks(&app, &team, "Roles").await;
    let seed = add_task(&app, &team.editor, &path, json!({"title": "seed"})).await;
    let one = task_path(&path, &seed);
    let workspace_list = format!("/v1/workspaces/{}/tasks", team.id());
    for caller in EVERYONE {
        let token = team.token(caller);
        let create = app.post(&path, token, json!({"title": format!("from {caller:?}")})).await;
        assert_access(caller, caller >= Caller::Editor, &create, StatusCode::CREATED);
        assert_access(caller, caller >= Caller::Viewer, &app.get(&path, token).await, StatusCode::OK);
        assert_access(caller, caller >= Caller::Viewer, &app.get(&one, token).await, StatusCode::OK);
        let listed = app.get(&workspace_list, token).await;
        assert_access(caller, caller >= Caller::Viewer, &listed, StatusCode::OK);
        let version = app.get(&one, Some(&team.viewer)).await.body["version"].clone();
        let title = format!("renamed by {caller:?}");
        let update = app.patch(&one, token, json!({"version": version, "title": title})).await;
        assert_access(caller, caller >= Caller::Editor, &update, StatusCode::OK);
        if caller >= Caller::Editor {
            let created = task_path(&path, &create.body);
            assert_eq!(app.delete(&created, token).await.status, StatusCode::NO_CONTENT);
        } else {
            assert_access(caller, false, &app.delete(&one, token).await, StatusCode::NO_CONTENT);
        }
    }
    let by_key = app.post(&path, Some(&team.editor_key), json!({"title": "by a bot"})).await.body;
    assert_eq!(by_key["created_by_kind"], "service_account");
    assert!(by_key["created_by"].as_str().is_some_and(|id| id.starts_with("svc_")), "{by_key}");
    let (titles, positions) = checklist(&app, &team, &path).await;
    assert_eq!(titles, ["renamed by AdminKey", "by a bot"]);
    assert_eq!(positions, [1, 2]);
}

async fn a_task_is_created_with_defaults_and_found_at_its_location(app: TestApp) {
    let team = Team::create(&app).await;
    let path = case_with_tasks(&app, &team, "Fields").await;
    let response = app.post(&path, Some(&team.editor), json!({"title": "  Contain the host  "})).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    let task = &response.body;
    assert!(task["id"].as_str().is_some_and(|id| id.starts_with("task_")), "{task}");
    assert_eq!(task["title"], "Contain the host");
    assert_eq!((task["status"].as_str(), task["position"].as_i64()), (Some("todo"), Some(1)));
    assert_eq!((task["version"].as_i64(), &task["description"]), (Some(1), &json!("")));
    for field in ["assignee_id", "due_at", "completed_at"] {
        assert!(task[field].is_null(), "{field}: {task}");
    }
    assert_eq!(task["created_by"].as_str(), Some(team.editor_id.as_str()));
    assert_eq!(task["workspace_id"].as_str(), Some(team.id()));
    assert_eq!(response.header("location"), task_path(&path, task));
    assert_eq!(app.get(response.header("location"), Some(&team.viewer)).await.body, *task);

    let full = json!({
        "title": "Collect memory",
        "description": "Use **winpmem**.",
        "status": "in_progress",
        "assignee_id": team.viewer_id,
        "due_at": "2031-01-02T03:04:05.123456Z",
    });
    let created = add_task(&app, &team.admin, &path, full).await;
    assert_eq!(created["assignee_id"].as_str(), Some(team.viewer_id.as_str()));
    assert_eq!(created["due_at"], "2031-01-02T03:04:05.123456Z");
    assert_eq!((created["status"].as_str(), created["position"].as_i64()), (Some("in_progress"), Some(2)));
    let done = add_task(&app, &team.admin, &path, json!({"title": "Notify", "status": "done"})).await;
    assert!(done["completed_at"].is_string(), "{done}");
}

async fn task_input_is_validated_and_nothing_changes(app: TestApp) {
    let team = Team::create(&app).await;
    let path = case_with_tasks(&app, &team, "Validated").await;
    let outsider_id = app.get("/v1/accounts/me", Some(&team.outsider)).await.body["id"].clone();
    for (body, fields) in [
        (json!({"title": "   "}), vec!["title"]),
        (json!({"title": "t".repeat(201)}), vec!["title"]),
        (json!({"title": "ok", "description": "d".repeat(20_001)}), vec!["description"]),
        (json!({"title": "ok", "position": 2}), vec!["position"]),
        (json!({"title": "ok", "assignee_id": outsider_id}), vec!["assignee_id"]),
        (json!({"title": "", "position": 0}), vec!["title", "position"]),
        (json!({"title": "ok", "due_at": "0001-01-01T00:00:00Z"}), vec!["due_at"]),
        (json!({"title": "ok", "due_at": "9999-12-31T00:00:00Z"}), vec!["due_at"]),
    ] {
        let response = app.post(&path, Some(&team.editor), body.clone()).await;
        response.assert_problem(422, "VALIDATION_FAILED");
        let mut got = response.error_fields();
        got.sort();
        let mut want: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
        want.sort();
        assert_eq!(got, want, "{body}");
    }
    for (body, field) in [
        (json!({"title": "ok", "status": "finished"}), "status"),
        (json!({"title": "ok", "due_at": "tomorrow"}), "due_at"),
    ] {
        let response = app.post(&path, Some(&team.editor), body).await;
        response.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(response.error_fields(), [field]);
    }
    assert_eq!(checklist(&app, &team, &path).await.0.len(), 0);
    let missing = format!("/v1/workspaces/{}/cases/case_{}/tasks", team.id(), "0".repeat(32));
    app.post(&missing, Some(&team.editor), json!({"title": "x"})).await.assert_problem(404, "NOT_FOUND");

    let task = add_task(&app, &team.editor, &path, json!({"title": "Only"})).await;
    let one = task_path(&path, &task);
    for (body, field) in [
        (json!({"version": 1}), "body"),
        (json!({"version": 1, "position": 2}), "position"),
        (json!({"version": 1, "title": ""}), "title"),
        (json!({"version": 1, "assignee_id": outsider_id}), "assignee_id"),
    ] {
        let response = app.patch(&one, Some(&team.editor), body.clone()).await;
        response.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(response.error_fields(), [field], "{body}");
    }
    assert_eq!(app.get(&one, Some(&team.viewer)).await.body, task);
}

async fn stale_versions_conflict_and_status_sets_completion(app: TestApp) {
    let team = Team::create(&app).await;
    let path = case_with_tasks(&app, &team, "Versions").await;
    let task = add_task(&app, &team.editor, &path, json!({"title": "Eradicate"})).await;
    let one = task_path(&path, &task);

    let done = app.patch(&one, Some(&team.editor), json!({"version": 1, "status": "done"})).await;
    assert_eq!((done.status, done.body["version"].as_i64()), (StatusCode::OK, Some(2)), "{}", done.body);
    assert!(done.body["completed_at"].is_string(), "{}", done.body);
    let stale = app.patch(&one, Some(&team.editor), json!({"version": 1, "title": "late"})).await;
    stale.assert_problem(409, "VERSION_CONFLICT");
    let unchanged = app.patch(&one, Some(&team.editor), json!({"version": 2, "status": "done"})).await;
    assert_eq!(unchanged.body["version"], 2, "a request that changes nothing changes no version");
    let reopened =
        app.patch(&one, Some(&team.editor), json!({"version": 2, "status": "blocked", "due_at": null})).await;
    assert_eq!(reopened.body["completed_at"], Value::Null, "{}", reopened.body);
    assert_eq!(reopened.body["status"], "blocked");
    let due = json!({"version": 3, "due_at": "2030-05-01T00:00:00Z", "assignee_id": team.editor_id});
    let due = app.patch(&one, Some(&team.editor), due).await.body;
    assert_eq!(
        (due["due_at"].as_str(), due["version"].as_i64()),
        (Some("2030-05-01T00:00:00.000000Z"), Some(4))
    );
    let cleared = app.patch(&one, Some(&team.editor), json!({"version": 4, "assignee_id": null})).await;
    assert_eq!(
        (cleared.body["assignee_id"].clone(), cleared.body["due_at"].is_string()),
        (Value::Null, true)
    );
}

async fn moves_and_deletes_keep_positions_a_sequence(app: TestApp) {
    let team = Team::create(&app).await;
    let path = case_with_tasks(&app, &team, "Positions").await;
    let mut tasks = Vec::new();
    for title in ["a", "b", "c", "d"] {
        tasks.push(add_task(&app, &team.editor, &path, json!({"title": title})).await);
    }
    add_task(&app, &team.editor, &path, json!({"title": "first", "position": 1})).await;
    assert_eq!(
        checklist(&app, &team, &path).await,
        (["first", "a", "b", "c", "d"].map(String::from).to_vec(), vec![1, 2, 3, 4, 5])
    );

    let moved = app
        .patch(&task_path(&path, &tasks[3]), Some(&team.editor), json!({"version": 1, "position": 2}))
        .await;
    assert_eq!((moved.body["position"].as_i64(), moved.body["version"].as_i64()), (Some(2), Some(2)));
    app.patch(&task_path(&path, &tasks[0]), Some(&team.editor), json!({"version": 1, "position": 5})).await;
    let (titles, positions) = checklist(&app, &team, &path).await;
    assert_eq!(
        (titles, positions),
        (["first", "d", "b", "c", "a"].map(String::from).to_vec(), vec![1, 2, 3, 4, 5])
    );

    assert_eq!(
        app.delete(&task_path(&path, &tasks[1]), Some(&team.editor)).await.status,
        StatusCode::NO_CONTENT
    );
    app.delete(&task_path(&path, &tasks[1]), Some(&team.editor)).await.assert_problem(404, "NOT_FOUND");
    let (titles, positions) = checklist(&app, &team, &path).await;
    assert_eq!((titles, positions), (["first", "d", "c", "a"].map(String::from).to_vec(), vec![1, 2, 3, 4]));

    let page = app.get(&format!("{path}?limit=3"), Some(&team.viewer)).await.body;
    let cursor = page["next_cursor"].as_str().expect("a second page");
    let rest = app.get(&format!("{path}?limit=3&cursor={cursor}"), Some(&team.viewer)).await.body;
    assert_eq!(rest["items"][0]["title"], "a");
    assert!(rest["next_cursor"].is_null());
}

async fn concurrent_moves_keep_positions_a_permutation(app: TestApp) {
    let team = Team::create(&app).await;
    let path = case_with_tasks(&app, &team, "Races").await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        tasks.push(add_task(&app, &team.editor, &path, json!({"title": format!("t{i}")})).await);
    }
    let moves = tasks.iter().enumerate().map(|(i, task)| {
        let target = task_path(&path, task);
        let to = 8 - i as i64;
        let app = &app;
        let token = &team.editor;
        async move { app.patch(&target, Some(token), json!({"version": 1, "position": to})).await }
    });
    let adds = (0..4).map(|i| {
        let (app, path, token) = (&app, &path, &team.admin);
        async move { app.post(path, Some(token), json!({"title": format!("new{i}"), "position": 1})).await }
    });
    let (moved, added) = tokio::join!(futures::future::join_all(moves), futures::future::join_all(adds));
    for response in moved.iter().chain(&added) {
        assert!(response.status.is_success(), "{}: {}", response.status, response.body);
    }
    let (titles, mut positions) = checklist(&app, &team, &path).await;
    assert_eq!(titles.len(), 12);
    positions.sort();
    assert_eq!(positions, (1..=12).collect::<Vec<i64>>());
}

async fn task_changes_are_in_the_case_audit_trail(app: TestApp) {
    let team = Team::create(&app).await;
    let path = case_with_tasks(&app, &team, "Audited").await;
    let task = add_task(&app, &team.editor, &path, json!({"title": "Report"})).await;
    let one = task_path(&path, &task);
    let update = json!({"version": 1, "status": "in_progress", "assignee_id": team.viewer_id});
    app.patch(&one, Some(&team.editor), update).await;
    app.delete(&one, Some(&team.admin)).await;

    let events_path = path.replace("/tasks", "/events");
    let events = app.get(&events_path, Some(&team.viewer)).await.body;
    let items = events["items"].as_array().expect("items");
    let kinds: Vec<_> = items.iter().map(|e| e["type"].as_str().expect("type")).collect();
    assert_eq!(kinds, ["task_deleted", "task_changed", "task_changed", "task_created", "case_created"]);
    assert!(items.iter().take(4).all(|e| e["data"]["task_id"] == task["id"]), "{events}");
    let assigned = items.iter().find(|e| e["data"]["field"] == "assignee_id").expect("assignment");
    assert_eq!(
        (assigned["data"]["old"].clone(), assigned["data"]["new"].as_str()),
        (Value::Null, Some(team.viewer_id.as_str()))
    );
    let status = items.iter().find(|e| e["data"]["field"] == "status").expect("status change");
    assert_eq!(
        (status["data"]["old"].as_str(), status["data"]["new"].as_str()),
        (Some("todo"), Some("in_progress"))
    );
    assert_eq!(items[0]["actor_id"].as_str(), Some(team.admin_id.as_str()));
    assert_eq!(items[0]["data"]["title"], "Report");
}

async fn an_idempotent_task_create_is_replayed_not_repeated(app: TestApp) {
    let team = Team::create(&app).await;
    let path = case_with_tasks(&app, &team, "Retried").await;
    let send = |body: Value| {
        app.client
            .post(format!("{}{path}", app.base_url))
            .bearer_auth(&team.editor)
            .header("Idempotency-Key", "task-key")
            .json(&body)
            .send()
    };
    let first = TestApp::read(send(json!({"title": "Once"})).await.expect("sent")).await;
    let retry = TestApp::read(send(json!({"title": "Once"})).await.expect("sent")).await;
    let changed = TestApp::read(send(json!({"title": "Twice"})).await.expect("sent")).await;
    assert_eq!((first.status, retry.status), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!((retry.body.clone(), retry.header("idempotent-replayed")), (first.body, "true"));
    changed.assert_problem(422, "IDEMPOTENCY_KEY_REUSED");
    assert_eq!(checklist(&app, &team, &path).await.0, ["Once"]);
}

crate::on_every_backend!(
    tasks_answer_each_role_as_documented,
    a_task_is_created_with_defaults_and_found_at_its_location,
    task_input_is_validated_and_nothing_changes,
    stale_versions_conflict_and_status_sets_completion,
    moves_and_deletes_keep_positions_a_sequence,
    concurrent_moves_keep_positions_a_permutation,
    task_changes_are_in_the_case_audit_trail,
    an_idempotent_task_create_is_replayed_not_repeated,
);
