//! Case templates: who may write and read them, their rules, opening a
//! case from one (defaults, tasks, due times), and the guarantee that a
//! template's case and tasks appear together or not at all.

use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::custom_fields::define;
use crate::helpers::TestApp;
use crate::team::{Caller, EVERYONE, Team, assert_access};

fn templates_path(team: &Team) -> String {
    format!("/v1/workspaces/{}/case-templates", team.id())
}

fn template_path(team: &Team, template: &Value) -> String {
    format!("{}/{}", templates_path(team), template["id"].as_str().expect("id"))
}

fn cases_path(team: &Team) -> String {
    format!("/v1/workspaces/{}/cases", team.id())
}

/// Makes a template; returns it.
async fn make(app: &TestApp, team: &Team, body: Value) -> Value {
    let response = app.post(&templates_path(team), Some(&team.admin), body).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    response.body
}

fn time(value: &Value) -> DateTime<Utc> {
    value.as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok()).expect("time").with_timezone(&Utc)
}

/// A template for phishing reports with three tasks.
fn phishing() -> Value {
    json!({
        "name": "Phishing",
        "description": "For reported phishing mail.",
        "defaults": {
            "summary": "Phishing mail reported",
            "description": "## Playbook\n1. Headers",
            "priority": "high",
            "severity": "low",
            "tags": ["Phishing", "email"],
            "custom_fields": {"bu": "finance", "tier": ["a", "b"]},
            "due_in_seconds": 86400
        },
        "tasks": [
            {"title": "Collect headers", "due_in_seconds": 3600},
            {"title": "Block the sender", "description": "At the gateway."},
            {"title": "Find other recipients", "due_in_seconds": 7200}
        ]
    })
}

async fn define_phishing_fields(app: &TestApp, team: &Team) {
    define(app, team, json!({"key": "bu", "label": "BU", "type": "select", "options": ["finance", "sales"]}))
        .await;
    define(app, team, json!({"key": "tier", "label": "Tier", "type": "multi_select", "options": ["a", "b"]}))
        .await;
}

async fn case_templates_answer_each_role_as_documented(app: TestApp) {
    let team = Team::create(&app).await;
    let seed = make(&app, &team, json!({"name": "Seed"})).await;
    let one = template_path(&team, &seed);
    for caller in EVERYONE {
        let token = team.token(caller);
        let name = format!("By {caller:?}");
        let create = app.post(&templates_path(&team), token, json!({"name": name})).await;
        assert_access(caller, caller >= Caller::Admin, &create, StatusCode::CREATED);
        let list = app.get(&templates_path(&team), token).await;
        assert_access(caller, caller >= Caller::Viewer, &list, StatusCode::OK);
        assert_access(caller, caller >= Caller::Viewer, &app.get(&one, token).await, StatusCode::OK);
        let version = app.get(&one, Some(&team.viewer)).await.body["version"].clone();
        let update = app.patch(&one, token, json!({"version": version, "description": name})).await;
        assert_access(caller, caller >= Caller::Admin, &update, StatusCode::OK);
        let target = if caller >= Caller::Admin { template_path(&team, &create.body) } else { one.clone() };
        let delete = app.delete(&target, token).await;
        assert_access(caller, caller >= Caller::Admin, &delete, StatusCode::NO_CONTENT);
    }
    let listed = app.get(&templates_path(&team), Some(&team.viewer)).await.body;
    let names: Vec<_> =
        listed["items"].as_array().expect("items").iter().map(|t| t["name"].clone()).collect();
    assert_eq!(names, [json!("Seed")]);
    assert_eq!(listed["items"][0]["description"], "By AdminKey");
    assert_eq!(listed["items"][0]["version"], 3, "changed by the admin and the admin's key");
}

async fn templates_are_validated_and_names_are_unique(app: TestApp) {
    let team = Team::create(&app).await;
    define_phishing_fields(&app, &team).await;
    for (body, fields) in [
        (json!({"name": " "}), vec!["name"]),
        (json!({"name": "T", "defaults": {"tags": ["a", "A"]}}), vec!["defaults.tags"]),
        (json!({"name": "T", "defaults": {"summary": "\u{7}"}}), vec!["defaults.summary"]),
        (
            json!({"name": "T", "defaults": {"custom_fields": {"nope": 1}}}),
            vec!["defaults.custom_fields.nope"],
        ),
        (
            json!({"name": "T", "defaults": {"custom_fields": {"bu": "legal"}}}),
            vec!["defaults.custom_fields.bu"],
        ),
        (json!({"name": "T", "tasks": [{"title": "ok"}, {"title": " "}]}), vec!["tasks[1].title"]),
        (json!({"name": "T", "defaults": {"priority": null}}), vec!["defaults.priority"]),
        (
            json!({"name": "T", "tasks": [{"title": "ok", "due_in_seconds": null}]}),
            vec!["tasks[0].due_in_seconds"],
        ),
    ] {
        let response = app.post(&templates_path(&team), Some(&team.admin), body.clone()).await;
        response.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(response.error_fields(), fields, "{body}");
    }
    for body in [
        json!({"name": "T", "defaults": {"due_in_seconds": 0}}),
        json!({"name": "T", "tasks": [{"title": "t", "due_in_seconds": 315_360_001}]}),
        json!({"name": "T", "defaults": {"priority": "urgent"}}),
        json!({"name": "T", "defaults": {"colour": "red"}}),
        json!({"name": "T", "tasks": (0..101).map(|i| json!({"title": i.to_string()})).collect::<Vec<_>>()}),
    ] {
        let response = app.post(&templates_path(&team), Some(&team.admin), body.clone()).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", response.body);
    }
    let path = templates_path(&team);
    let keyed = |key: &'static str| app.post_with_key(&path, &team.admin, key, phishing());
    let first = keyed("tpl-1").await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert!(first.body["id"].as_str().is_some_and(|id| id.starts_with("tpl_")), "{}", first.body);
    assert!(first.header("location").ends_with(first.body["id"].as_str().expect("id")));
    let replay = keyed("tpl-1").await;
    assert_eq!(
        (replay.body["id"].clone(), replay.header("idempotent-replayed")),
        (first.body["id"].clone(), "true")
    );
    let again = app.post(&templates_path(&team), Some(&team.admin), json!({"name": "PHISHING"})).await;
    again.assert_problem(409, "CASE_TEMPLATE_NAME_TAKEN");
    let other = make(&app, &team, json!({"name": "Malware"})).await;
    let other_path = template_path(&team, &other);
    let renamed = app.patch(&other_path, Some(&team.admin), json!({"version": 1, "name": "phishing"})).await;
    renamed.assert_problem(409, "CASE_TEMPLATE_NAME_TAKEN");
    let stale = app.patch(&other_path, Some(&team.admin), json!({"version": 2, "name": "Ransomware"})).await;
    stale.assert_problem(409, "VERSION_CONFLICT");
    let empty = app.patch(&other_path, Some(&team.admin), json!({"version": 1})).await;
    assert_eq!(empty.error_fields(), ["body"]);
    let cleared = app
        .patch(
            &template_path(&team, &first.body),
            Some(&team.admin),
            json!({"version": 1, "defaults": {}, "tasks": []}),
        )
        .await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.body);
    assert_eq!(
        (cleared.body["defaults"]["tags"].clone(), cleared.body["tasks"].clone()),
        (json!([]), json!([]))
    );
    assert_eq!(
        (cleared.body["name"].as_str(), cleared.body["version"].as_i64()),
        (Some("Phishing"), Some(2))
    );
}

async fn templates_list_by_name_in_pages(app: TestApp) {
    let team = Team::create(&app).await;
    for name in ["beta", "Alpha", "gamma"] {
        make(&app, &team, json!({"name": name})).await;
    }
    let first = app.get(&format!("{}?limit=2", templates_path(&team)), Some(&team.viewer)).await.body;
    let names = |page: &Value| {
        page["items"].as_array().expect("items").iter().map(|t| t["name"].clone()).collect::<Vec<_>>()
    };
    assert_eq!(names(&first), [json!("Alpha"), json!("beta")]);
    let cursor = first["next_cursor"].as_str().expect("cursor");
    let second =
        app.get(&format!("{}?limit=2&cursor={cursor}", templates_path(&team)), Some(&team.viewer)).await.body;
    assert_eq!((names(&second), second["next_cursor"].clone()), (vec![json!("gamma")], Value::Null));
    let bad = app.get(&format!("{}?cursor=nope", templates_path(&team)), Some(&team.viewer)).await;
    bad.assert_problem(422, "VALIDATION_FAILED");
}

async fn a_case_from_a_template_takes_its_defaults_and_tasks(app: TestApp) {
    let team = Team::create(&app).await;
    define_phishing_fields(&app, &team).await;
    let template = make(&app, &team, phishing()).await;
    let id = template["id"].clone();
    let opened = app.post(&cases_path(&team), Some(&team.editor), json!({"template_id": id})).await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    let case = &opened.body;
    assert_eq!(
        (&case["summary"], &case["description"], &case["priority"], &case["severity"], &case["tags"]),
        (
            &json!("Phishing mail reported"),
            &json!("## Playbook\n1. Headers"),
            &json!("high"),
            &json!("low"),
            &json!(["email", "phishing"])
        )
    );
    assert_eq!(
        (&case["custom_fields"], &case["template_id"]),
        (&json!({"bu": "finance", "tier": ["a", "b"]}), &id)
    );
    let opened_at = time(&case["created_at"]);
    assert_eq!(time(&case["due_at"]), opened_at + Duration::seconds(86400));
    let case_path = format!("{}/{}", cases_path(&team), case["id"].as_str().expect("id"));
    let tasks = app.get(&format!("{case_path}/tasks"), Some(&team.viewer)).await.body;
    let tasks = tasks["items"].as_array().expect("items");
    let summary: Vec<_> =
        tasks.iter().map(|t| (t["position"].clone(), t["title"].clone(), t["status"].clone())).collect();
    assert_eq!(
        summary,
        [
            (json!(1), json!("Collect headers"), json!("todo")),
            (json!(2), json!("Block the sender"), json!("todo")),
            (json!(3), json!("Find other recipients"), json!("todo")),
        ]
    );
    assert_eq!(time(&tasks[0]["due_at"]), opened_at + Duration::seconds(3600));
    assert_eq!(
        (tasks[1]["due_at"].clone(), tasks[1]["description"].clone()),
        (Value::Null, json!("At the gateway."))
    );
    let events = app.get(&format!("{case_path}/events"), Some(&team.viewer)).await.body;
    let kinds: Vec<_> =
        events["items"].as_array().expect("items").iter().map(|e| e["type"].clone()).collect();
    assert_eq!(kinds, ["task_created", "task_created", "task_created", "case_created"]);
    assert_eq!(events["items"][3]["data"]["template_id"], id);

    let mine = json!({
        "template_id": id, "summary": "Mine", "priority": "low", "tags": [],
        "custom_fields": {"bu": "sales"}, "due_at": "2030-01-01T00:00:00Z"
    });
    let mine = app.post(&cases_path(&team), Some(&team.editor), mine).await.body;
    assert_eq!(
        (&mine["summary"], &mine["priority"], &mine["severity"], &mine["tags"], &mine["due_at"]),
        (&json!("Mine"), &json!("low"), &json!("low"), &json!([]), &json!("2030-01-01T00:00:00.000000Z"))
    );
    assert_eq!(mine["custom_fields"], json!({"bu": "sales", "tier": ["a", "b"]}));
    let plain = app.post(&cases_path(&team), Some(&team.editor), json!({"summary": "Plain"})).await.body;
    assert_eq!((plain["template_id"].clone(), plain["due_at"].clone()), (Value::Null, Value::Null));

    let bare = make(&app, &team, json!({"name": "Bare"})).await;
    let no_summary =
        app.post(&cases_path(&team), Some(&team.editor), json!({"template_id": bare["id"]})).await;
    assert_eq!(no_summary.error_fields(), ["summary"]);
    app.post(&cases_path(&team), Some(&team.editor), json!({}))
        .await
        .assert_problem(422, "VALIDATION_FAILED");
    let elsewhere = app.create_workspace(&team.outsider, "Elsewhere").await;
    let elsewhere = format!("/v1/workspaces/{}/cases", elsewhere["id"].as_str().expect("id"));
    let foreign = json!({"template_id": id, "summary": "Elsewhere"});
    let foreign = app.post(&elsewhere, Some(&team.outsider), foreign).await;
    assert_eq!(foreign.error_fields(), ["template_id"]);
    let viewer = app.post(&cases_path(&team), Some(&team.viewer), json!({"template_id": id})).await;
    viewer.assert_problem(403, "FORBIDDEN");

    assert_eq!(
        app.delete(&template_path(&team, &template), Some(&team.admin)).await.status,
        StatusCode::NO_CONTENT
    );
    let kept = app.get(&case_path, Some(&team.viewer)).await.body;
    assert_eq!(kept["template_id"], id);
    let gone = app.post(&cases_path(&team), Some(&team.editor), json!({"template_id": id})).await;
    assert_eq!(gone.error_fields(), ["template_id"]);
    let listed = app.get(&cases_path(&team), Some(&team.viewer)).await.body;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(3));
}

async fn a_templates_case_and_tasks_appear_together_or_not_at_all(app: TestApp) {
    let team = Team::create(&app).await;
    let tasks = json!([{"title": "Contain"}, {"title": "Collect"}, {"title": "Report"}]);
    let template =
        make(&app, &team, json!({"name": "IR", "defaults": {"summary": "Incident"}, "tasks": tasks})).await;
    app.refuse_inserts("tasks", "title", "Report").await;
    let body = json!({"template_id": template["id"]});
    let path = cases_path(&team);
    let send = |key: &'static str| app.post_with_key(&path, &team.editor, key, body.clone());
    send("open-1").await.assert_problem(500, "INTERNAL");
    let listed = app.get(&cases_path(&team), Some(&team.viewer)).await.body;
    assert_eq!(listed["items"], json!([]), "no case without its tasks");
    let mine = app.get(&format!("/v1/workspaces/{}/tasks", team.id()), Some(&team.viewer)).await.body;
    assert_eq!(mine["items"], json!([]), "no task without its case");

    define(&app, &team, json!({"key": "ticket", "label": "Ticket", "type": "string", "required": true}))
        .await;
    let refused = send("open-2").await;
    assert_eq!(refused.error_fields(), ["custom_fields.ticket"]);
    app.allow_inserts("tasks").await;
    let fields = json!({"template_id": template["id"], "custom_fields": {"ticket": "T-1"}});
    let opened = app.post(&cases_path(&team), Some(&team.editor), fields).await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    assert_eq!(opened.body["number"], 1, "failed attempts use no number");
    let case_path = format!("{}/{}", cases_path(&team), opened.body["id"].as_str().expect("id"));
    let tasks = app.get(&format!("{case_path}/tasks"), Some(&team.viewer)).await.body;
    assert_eq!(tasks["items"].as_array().map(Vec::len), Some(3));
}

async fn removing_a_field_or_option_removes_it_from_templates(app: TestApp) {
    let team = Team::create(&app).await;
    define_phishing_fields(&app, &team).await;
    let template = make(&app, &team, phishing()).await;
    let fields =
        app.get(&format!("/v1/workspaces/{}/custom-fields", team.id()), Some(&team.admin)).await.body;
    let field_path = |key: &str| {
        let field =
            fields["items"].as_array().expect("items").iter().find(|f| f["key"] == key).expect("field");
        format!("/v1/workspaces/{}/custom-fields/{}", team.id(), field["id"].as_str().expect("id"))
    };
    let narrowed =
        app.patch(&field_path("tier"), Some(&team.admin), json!({"version": 1, "options": ["b"]})).await;
    assert_eq!(narrowed.status, StatusCode::OK, "{}", narrowed.body);
    let after = app.get(&template_path(&team, &template), Some(&team.viewer)).await.body;
    assert_eq!(
        (after["defaults"]["custom_fields"].clone(), after["version"].clone()),
        (json!({"bu": "finance", "tier": ["b"]}), json!(2))
    );
    assert_eq!(app.delete(&field_path("bu"), Some(&team.admin)).await.status, StatusCode::NO_CONTENT);
    let after = app.get(&template_path(&team, &template), Some(&team.viewer)).await.body;
    assert_eq!(after["defaults"]["custom_fields"], json!({"tier": ["b"]}));
    let opened =
        app.post(&cases_path(&team), Some(&team.editor), json!({"template_id": template["id"]})).await;
    assert_eq!(
        (opened.status, opened.body["custom_fields"].clone()),
        (StatusCode::CREATED, json!({"tier": ["b"]}))
    );
}

crate::on_every_backend!(
    case_templates_answer_each_role_as_documented,
    templates_are_validated_and_names_are_unique,
    templates_list_by_name_in_pages,
    a_case_from_a_template_takes_its_defaults_and_tasks,
    a_templates_case_and_tasks_appear_together_or_not_at_all,
    removing_a_field_or_option_removes_it_from_templates,
);
