//! The workspace's tasks across cases ("my work") and due times on cases:
//! filters, the overdue filters, sorts and cursor paging under writes.
//!
//! The clock is controlled through the due times: each is set a fixed
//! distance (days or years) from the server's now, so whether a record is
//! overdue does not depend on when the test runs or how long it takes.

use chrono::{TimeDelta, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::tasks::{add_task, case_with_tasks};
use crate::team::Team;

/// A time `days` from now, in the wire form.
fn days_from_now(days: i64) -> String {
    hours_from_now(days * 24)
}

/// A time `hours` from now, in the wire form.
fn hours_from_now(hours: i64) -> String {
    (Utc::now() + TimeDelta::hours(hours)).to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn titles(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|t| t["title"].as_str().expect("title").to_owned())
        .collect()
}

async fn list(app: &TestApp, token: &str, path: &str) -> Value {
    let response = app.get(path, Some(token)).await;
    assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.body);
    response.body
}

async fn my_work_is_filtered_by_assignee_status_due_time_and_case(app: TestApp) {
    let team = Team::create(&app).await;
    let first = case_with_tasks(&app, &team, "Phishing").await;
    let second = case_with_tasks(&app, &team, "Malware").await;
    let me = team.editor_id.clone();
    let tasks = [
        (&first, json!({"title": "late mine", "assignee_id": me, "due_at": days_from_now(-2)})),
        (&first, json!({"title": "soon mine", "assignee_id": me, "due_at": days_from_now(1)})),
        (
            &second,
            json!({"title": "late done", "assignee_id": me, "due_at": days_from_now(-3), "status": "done"}),
        ),
        (
            &second,
            json!({"title": "late theirs", "assignee_id": team.viewer_id, "due_at": days_from_now(-1)}),
        ),
        (&second, json!({"title": "whenever", "status": "blocked"})),
        (&second, json!({"title": "late cancelled", "due_at": days_from_now(-5), "status": "cancelled"})),
    ];
    for (path, body) in tasks {
        add_task(&app, &team.editor, path, body).await;
    }
    let base = format!("/v1/workspaces/{}/tasks", team.id());
    let all = list(&app, &team.viewer, &base).await;
    assert_eq!(
        titles(&all),
        ["late cancelled", "late done", "late mine", "late theirs", "soon mine", "whenever"],
        "soonest due first, tasks without a due time last"
    );
    let desc = list(&app, &team.viewer, &format!("{base}?order=desc")).await;
    assert_eq!(titles(&desc)[1..], ["soon mine", "late theirs", "late mine", "late done", "late cancelled"]);
    let by_created = list(&app, &team.viewer, &format!("{base}?sort=created_at&order=asc")).await;
    assert_eq!(titles(&by_created)[..2], ["late mine", "soon mine"]);

    let mine = list(&app, &team.editor, &format!("{base}?assignee_id=me")).await;
    assert_eq!(titles(&mine), ["late done", "late mine", "soon mine"]);
    let my_late = list(&app, &team.editor, &format!("{base}?assignee_id=me&overdue=true")).await;
    assert_eq!(titles(&my_late), ["late mine"]);
    let late = list(&app, &team.viewer, &format!("{base}?overdue=true")).await;
    assert_eq!(titles(&late), ["late mine", "late theirs"]);
    let on_time = list(&app, &team.viewer, &format!("{base}?overdue=false")).await;
    assert_eq!(titles(&on_time), ["late cancelled", "late done", "soon mine", "whenever"]);
    let unassigned =
        list(&app, &team.viewer, &format!("{base}?assignee_id=none&status=blocked&status=todo")).await;
    assert_eq!(titles(&unassigned), ["whenever"]);
    let window = format!("{base}?due_after={}&due_before={}", hours_from_now(-60), hours_from_now(36));
    assert_eq!(titles(&list(&app, &team.viewer, &window).await), ["late mine", "late theirs", "soon mine"]);
    let case_id = first.split('/').nth(5).expect("case id");
    let of_case = list(&app, &team.viewer, &format!("{base}?case_id={case_id}")).await;
    assert_eq!(titles(&of_case), ["late mine", "soon mine"]);

    for bad in [
        "assignee_id=someone",
        "status=finished",
        "due_after=2030-01-02T00:00:00Z&due_before=2030-01-01T00:00:00Z",
        "cursor=zzz",
        "limit=0",
        "case_id=nope",
    ] {
        let response = app.get(&format!("{base}?{bad}"), Some(&team.viewer)).await;
        assert!(response.status == 400 || response.status == 422, "{bad}: {}", response.status);
        assert_eq!(response.header("content-type"), "application/problem+json", "{bad}");
    }
}

async fn task_pages_neither_skip_nor_repeat_under_writes(app: TestApp) {
    let team = Team::create(&app).await;
    let path = case_with_tasks(&app, &team, "Paged").await;
    for i in 0..7 {
        add_task(
            &app,
            &team.editor,
            &path,
            json!({"title": format!("t{i}"), "due_at": days_from_now(i + 1)}),
        )
        .await;
    }
    let base = format!("/v1/workspaces/{}/tasks?limit=3", team.id());
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{base}&cursor={c}"),
            None => base.clone(),
        };
        let page = list(&app, &team.viewer, &url).await;
        seen.extend(titles(&page));
        // A task due before everything arrives between pages: it belongs
        // before the cursor, so it is not on a later page.
        add_task(&app, &team.editor, &path, json!({"title": "urgent", "due_at": days_from_now(-30)})).await;
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, (0..7).map(|i| format!("t{i}")).collect::<Vec<_>>());
}

async fn cases_carry_a_due_time_and_the_overdue_filter(app: TestApp) {
    let team = Team::create(&app).await;
    let ws = team.id();
    let late =
        app.create_case(&team.editor, ws, json!({"summary": "late", "due_at": days_from_now(-1)})).await;
    app.create_case(&team.editor, ws, json!({"summary": "soon", "due_at": days_from_now(1)})).await;
    app.create_case(&team.editor, ws, json!({"summary": "never"})).await;
    let closed = json!({"summary": "late closed", "due_at": days_from_now(-1), "status": "closed"});
    app.create_case(&team.editor, ws, closed).await;
    assert!(late["due_at"].is_string(), "{late}");

    let summaries = |list: &Value| -> Vec<String> {
        let items = list["items"].as_array().expect("items");
        let mut names: Vec<_> =
            items.iter().map(|c| c["summary"].as_str().expect("summary").to_owned()).collect();
        names.sort();
        names
    };
    let base = format!("/v1/workspaces/{ws}/cases");
    assert_eq!(summaries(&list(&app, &team.viewer, &format!("{base}?overdue=true")).await), ["late"]);
    assert_eq!(
        summaries(&list(&app, &team.viewer, &format!("{base}?overdue=false")).await),
        ["late closed", "never", "soon"]
    );

    let case_path = format!("{base}/{}", late["id"].as_str().expect("id"));
    let moved =
        app.patch(&case_path, Some(&team.editor), json!({"version": 1, "due_at": days_from_now(7)})).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert!(summaries(&list(&app, &team.viewer, &format!("{base}?overdue=true")).await).is_empty());
    let cleared = app.patch(&case_path, Some(&team.editor), json!({"version": 2, "due_at": null})).await;
    assert!(cleared.body["due_at"].is_null(), "{}", cleared.body);
    let events = list(&app, &team.viewer, &format!("{case_path}/events")).await;
    let due_changes =
        events["items"].as_array().expect("items").iter().filter(|e| e["data"]["field"] == "due_at").count();
    assert_eq!(due_changes, 2);
    let invalid = app.patch(&case_path, Some(&team.editor), json!({"version": 3, "due_at": "soon"})).await;
    invalid.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(invalid.error_fields(), ["due_at"]);
    let ancient = app
        .patch(&case_path, Some(&team.editor), json!({"version": 3, "due_at": "0999-12-31T00:00:00Z"}))
        .await;
    assert_eq!(ancient.error_fields(), ["due_at"]);
}

crate::on_every_backend!(
    my_work_is_filtered_by_assignee_status_due_time_and_case,
    task_pages_neither_skip_nor_repeat_under_writes,
    cases_carry_a_due_time_and_the_overdue_filter,
);
