//! Exporting a case: who may, the JSON bundle naming every item the API
//! lists, the Markdown report, and how `format` and `Accept` choose.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::evidence::Upload;
use crate::helpers::{TestApp, TestResponse};
use crate::team::{EVERYONE, Team, assert_access};

fn id(value: &Value) -> &str {
    value["id"].as_str().expect("id")
}

fn path(team: &Team, case: &Value, rest: &str) -> String {
    format!("/v1/workspaces/{}/cases/{}{rest}", team.id(), id(case))
}

/// The export of `case` as the viewer asks for it.
async fn export(app: &TestApp, team: &Team, case: &Value, query: &str, accept: Option<&str>) -> TestResponse {
    let mut request = app
        .client
        .get(format!("{}{}{query}", app.base_url, path(team, case, "/export")))
        .bearer_auth(&team.viewer);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    TestApp::read(request.send().await.expect("sent")).await
}

#[track_caller]
fn created(response: TestResponse) -> Value {
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    response.body
}

/// Everything `rest` lists for `case`, in the order the list gives.
async fn listed(app: &TestApp, team: &Team, case: &Value, rest: &str) -> Vec<Value> {
    let response = app.get(&format!("{}?limit=100", path(team, case, rest)), Some(&team.viewer)).await;
    assert_eq!(response.status, StatusCode::OK, "{rest}: {}", response.body);
    response.body["items"].as_array().expect("items").clone()
}

/// A case with a little of everything; the case as it is now.
async fn busy_case(app: &TestApp, team: &Team) -> Value {
    let editor = Some(team.editor.as_str());
    let case = app
        .create_case(
            &team.editor,
            team.id(),
            json!({"summary": "Phishing | wave", "description": "Three users *clicked*.", "tags": ["phishing"]}),
        )
        .await;
    for body in ["First look", "Blocked the sender"] {
        created(app.post(&path(team, &case, "/comments"), editor, json!({"body": body})).await);
    }
    for title in ["Pull the mails", "Reset passwords"] {
        created(app.post(&path(team, &case, "/tasks"), editor, json!({"title": title})).await);
    }
    for (kind, value) in [("ipv4", "192.0.2.1"), ("domain", "login.example.com")] {
        created(
            app.post(&path(team, &case, "/observables"), editor, json!({"type": kind, "value": value})).await,
        );
    }
    let other = app.create_case(&team.editor, team.id(), json!({"summary": "The sender's other wave"})).await;
    let link = json!({"type": "relates_to", "case_id": id(&other)});
    created(app.post(&path(team, &case, "/links"), editor, link).await);
    let upload = Upload::new("headers.txt", "text/plain", b"Received: from mx.example".to_vec());
    created(app.upload(&path(team, &case, ""), editor, upload).await);
    app.get(&path(team, &case, ""), Some(&team.viewer)).await.body
}

async fn exports_answer_each_role_as_documented(app: TestApp) {
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Exported"})).await;
    for caller in EVERYONE {
        let response = app.get(&path(&team, &case, "/export"), team.token(caller)).await;
        assert_access(caller, true, &response, StatusCode::OK);
    }
    let ghost = json!({"id": "case_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b"});
    app.get(&path(&team, &ghost, "/export"), Some(&team.viewer)).await.assert_problem(404, "NOT_FOUND");
    assert_eq!(app.delete(&path(&team, &case, ""), Some(&team.editor)).await.status, StatusCode::NO_CONTENT);
    app.get(&path(&team, &case, "/export"), Some(&team.admin)).await.assert_problem(404, "NOT_FOUND");
}

async fn the_bundle_names_every_item_the_api_lists(app: TestApp) {
    let team = Team::create(&app).await;
    let case = busy_case(&app, &team).await;
    let response = export(&app, &team, &case, "", None).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.header("content-type"), "application/json; charset=utf-8");
    let file = format!("attachment; filename=\"CASE-{}.json\"", case["number"]);
    assert_eq!(response.header("content-disposition"), file);
    assert_eq!(response.header("vary"), "Accept");
    let bundle = &response.body;
    assert_eq!(bundle["format"], "casebook.case-export.v1");
    assert!(bundle["exported_at"].is_string(), "{bundle}");
    assert_eq!(bundle["case"], case);
    // Oldest first where the API lists newest first.
    let reversed = |mut items: Vec<Value>| {
        items.reverse();
        items
    };
    assert_eq!(bundle["comments"], json!(reversed(listed(&app, &team, &case, "/comments").await)));
    assert_eq!(bundle["tasks"], json!(listed(&app, &team, &case, "/tasks").await));
    let mut observables = listed(&app, &team, &case, "/observables").await;
    observables.sort_by_key(|o| o["id"].to_string());
    assert_eq!(bundle["observables"], json!(observables));
    assert_eq!(bundle["links"], json!(listed(&app, &team, &case, "/links").await));
    assert_eq!(bundle["attachments"], json!(reversed(listed(&app, &team, &case, "/attachments").await)));
    let events = reversed(listed(&app, &team, &case, "/events").await);
    assert_eq!(bundle["events"], json!(events));
    assert_eq!(events.len(), 9, "created, 2 comments, 2 tasks, 2 observables, a link, an attachment");
    assert!(bundle["attachments"][0]["sha256"].as_str().is_some_and(|h| h.len() == 64), "{bundle}");
}

async fn the_report_reads_as_markdown(app: TestApp) {
    let team = Team::create(&app).await;
    let case = busy_case(&app, &team).await;
    let response = export(&app, &team, &case, "?format=markdown", None).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.header("content-type"), "text/markdown; charset=utf-8");
    let file = format!("attachment; filename=\"CASE-{}.md\"", case["number"]);
    assert_eq!(response.header("content-disposition"), file);
    let report = response.body.as_str().expect("text");
    let number = &case["number"];
    assert!(report.starts_with(&format!("# CASE-{number}: Phishing \\| wave\n")), "{report}");
    let attachment = &listed(&app, &team, &case, "/attachments").await[0];
    for expected in [
        "| Status | new |",
        "| Tags | phishing |",
        "## Description\n\nThree users *clicked*.",
        "## Tasks (2)\n\n- [ ] Pull the mails (todo)\n- [ ] Reset passwords (todo)",
        "| ipv4 | `192.0.2.1` |",
        "`login.example.com`",
        "## Comments (2)",
        "First look",
        "- relates_to CASE-",
        "The sender's other wave (new)",
        attachment["sha256"].as_str().expect("sha256"),
        "## Audit trail (9)",
        "case_created",
        team.editor_id.as_str(),
    ] {
        assert!(report.contains(expected), "{expected:?} missing from:\n{report}");
    }
    assert!(report.find("First look") < report.find("Blocked the sender"), "oldest comment first");
}

async fn format_wins_over_accept_and_accept_chooses_by_quality(app: TestApp) {
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Negotiated"})).await;
    let markdown = "text/markdown; charset=utf-8";
    let json = "application/json; charset=utf-8";
    for (query, accept, expected) in [
        ("", Some("text/markdown"), markdown),
        ("", Some("text/*"), markdown),
        ("", Some("application/json"), json),
        ("", Some("text/markdown;q=0.4, application/json;q=0.9"), json),
        ("", Some("text/markdown;q=0, */*"), json),
        ("", Some("text/html, text/markdown;q=0.5"), markdown),
        ("", Some("image/png"), json),
        ("", None, json),
        ("?format=json", Some("text/markdown"), json),
        ("?format=markdown", Some("application/json"), markdown),
    ] {
        let response = export(&app, &team, &case, query, accept).await;
        assert_eq!(response.status, StatusCode::OK, "{query} {accept:?}: {}", response.body);
        assert_eq!(response.header("content-type"), expected, "{query} {accept:?}");
    }
    export(&app, &team, &case, "?format=pdf", None).await.assert_problem(422, "VALIDATION_FAILED");
}

crate::on_every_backend!(
    exports_answer_each_role_as_documented,
    the_bundle_names_every_item_the_api_lists,
    the_report_reads_as_markdown,
    format_wins_over_accept_and_accept_chooses_by_quality,
);
