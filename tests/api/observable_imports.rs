//! Importing observables as analysts paste them: a CSV with a header row,
//! or plain lines of values of one type; each row answered with its line.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestResponse};
use crate::team::{Caller, EVERYONE, Team, assert_access};

fn imports_path(team: &Team, case: &Value, query: &str) -> String {
    let case = case["id"].as_str().expect("case id");
    format!("/v1/workspaces/{}/cases/{case}/observable-imports{query}", team.id())
}

/// Posts `text` as `content_type`, with a bearer token and an optional key.
async fn send(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    content_type: &str,
    text: impl Into<reqwest::Body>,
    key: Option<&str>,
) -> TestResponse {
    let mut request =
        app.client.post(format!("{}{path}", app.base_url)).header("content-type", content_type).body(text);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    TestApp::read(request.send().await.expect("request sent")).await
}

fn column(answer: &Value, name: &str) -> Vec<Value> {
    answer["items"].as_array().expect("items").iter().map(|i| i[name].clone()).collect()
}

async fn count_observables(app: &TestApp, team: &Team, case: &Value) -> usize {
    let path = format!("/v1/workspaces/{}/cases/{}/observables", team.id(), case["id"].as_str().expect("id"));
    let listed = app.get(&path, Some(&team.viewer)).await.body;
    listed["items"].as_array().map_or(0, Vec::len)
}

const CSV: &str = "\u{feff}Type,value,Description,tlp,is_ioc,tags,first_seen_by_tool\r\n\
    ipv4,203.0.113.7,\"Login source, twice\",red,yes,phishing;wave,2026-12-01\r\n\
    ,Login-Microsoft.Example.,,,,,\r\n\
    domain,login-microsoft.example,,,,,\r\n\
    \r\n\
    colour,red,,,,,\r\n\
    ipv4,203.0.113.8,,purple,maybe,,\r\n\
    url,\"https://evil.example/a?b=1\",\"two\nlines\",,0,,\r\n\
    sha256,abc,,,,,\r\n";

async fn a_csv_import_answers_each_row_with_its_line(app: TestApp) {
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Wave"})).await;
    let path = imports_path(&team, &case, "?type=domain");
    let answer = send(&app, &path, Some(&team.editor), "text/csv; charset=utf-8", CSV, Some("csv-1")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let a = &answer.body;
    let outcomes = column(a, "outcome");
    assert_eq!(outcomes, ["created", "created", "existing", "invalid", "invalid", "created", "invalid"]);
    assert_eq!(column(a, "line"), [2, 3, 4, 6, 7, 8, 10], "blank rows skipped; quoted newlines counted");
    assert_eq!(column(a, "index"), [0, 1, 2, 3, 4, 5, 6]);
    let first = &a["items"][0]["observable"];
    assert_eq!(
        (&first["type"], &first["description"], &first["tlp"], &first["is_ioc"], &first["source"]),
        (&json!("ipv4"), &json!("Login source, twice"), &json!("red"), &json!(true), &json!("import"))
    );
    assert_eq!(first["tags"], json!(["phishing", "wave"]));
    let domain = &a["items"][1]["observable"];
    assert_eq!((&domain["type"], &domain["value"]), (&json!("domain"), &json!("login-microsoft.example")));
    assert_eq!(a["items"][2]["observable"]["id"], domain["id"], "the same fact twice is one row");
    assert_eq!(a["items"][3]["errors"][0]["field"], "type");
    let fields: Vec<_> =
        a["items"][4]["errors"].as_array().expect("errors").iter().map(|e| e["field"].clone()).collect();
    assert_eq!(fields, ["tlp", "is_ioc"]);
    assert_eq!(a["items"][5]["observable"]["description"], "two\nlines");
    assert_eq!(a["items"][6]["errors"][0]["field"], "value");
    assert_eq!(
        (a["created"].as_u64(), a["existing"].as_u64(), a["invalid"].as_u64()),
        (Some(3), Some(1), Some(3))
    );
    assert_eq!(count_observables(&app, &team, &case).await, 3);

    let replay = send(&app, &path, Some(&team.editor), "text/csv", CSV, Some("csv-1")).await;
    assert_eq!(
        (replay.header("idempotent-replayed"), column(&replay.body, "line")),
        ("true", column(a, "line"))
    );
    let other = send(&app, &path, Some(&team.editor), "text/csv", "value\nx.example\n", Some("csv-1")).await;
    other.assert_problem(422, "IDEMPOTENCY_KEY_REUSED");
}

async fn a_text_that_cannot_be_imported_changes_nothing(app: TestApp) {
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Refusals"})).await;
    let path = imports_path(&team, &case, "");
    let typed = imports_path(&team, &case, "?type=other");
    let many: String = std::iter::once("value".to_owned())
        .chain((0..1001).map(|i| format!("v{i}")))
        .collect::<Vec<_>>()
        .join("\n");
    let refusals: Vec<(&str, &str, Vec<u8>, &str)> = vec![
        (&path, "text/csv", b"type,name\nipv4,203.0.113.7\n".to_vec(), "body"),
        (&path, "text/csv", b"value\n203.0.113.7\n".to_vec(), "type"),
        (&typed, "text/csv", b"value\n".to_vec(), "body"),
        (&typed, "text/csv", many.into_bytes(), "body"),
        (&typed, "text/csv", b"value\n\xff\xfe\n".to_vec(), "body"),
        (&typed, "text/csv", b"value\nnul\0here\n".to_vec(), "body"),
        (&path, "text/plain", b"203.0.113.7\n".to_vec(), "type"),
        (&typed, "text/plain", b"# only a comment\n\n".to_vec(), "body"),
    ];
    for (path, content_type, text, field) in refusals {
        let refused = send(&app, path, Some(&team.editor), content_type, text, None).await;
        refused.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(refused.error_fields(), [field], "{}", refused.body);
    }
    for content_type in ["application/xml", "text/csv; charset=latin1", "application/json"] {
        let refused = send(&app, &typed, Some(&team.editor), content_type, "value\nx\n", None).await;
        refused.assert_problem(415, "UNSUPPORTED_MEDIA_TYPE");
    }
    let huge = format!("value\n{}", "x".repeat(1024 * 1024 - 5));
    assert_eq!(huge.len(), 1024 * 1024 + 1, "one byte over the default limit");
    send(&app, &typed, Some(&team.editor), "text/csv", huge, None)
        .await
        .assert_problem(413, "PAYLOAD_TOO_LARGE");
    assert_eq!(count_observables(&app, &team, &case).await, 0);
}

async fn plain_lines_import_values_of_one_type(app: TestApp) {
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Lines"})).await;
    let path = imports_path(&team, &case, "?type=ipv4&is_ioc=true&tlp=green");
    let text = "# from the proxy\r\n203.0.113.7\r\n\r\n  198.51.100.23  \r\n203.0.113.999\r\n203.0.113.7\r\n";
    let answer = send(&app, &path, Some(&team.admin), "text/plain", text, None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let a = &answer.body;
    assert_eq!(column(a, "outcome"), ["created", "created", "invalid", "existing"]);
    assert_eq!(column(a, "line"), [2, 4, 5, 6]);
    let second = &a["items"][1]["observable"];
    assert_eq!(
        (&second["value"], &second["is_ioc"], &second["tlp"], &second["source"]),
        (&json!("198.51.100.23"), &json!(true), &json!("green"), &json!("import"))
    );
    assert_eq!(a["items"][2]["errors"][0]["field"], "value");
}

async fn imports_answer_each_role_as_documented(app: TestApp) {
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Roles"})).await;
    let path = imports_path(&team, &case, "?type=other");
    for (n, caller) in EVERYONE.into_iter().enumerate() {
        let answer = send(&app, &path, team.token(caller), "text/plain", format!("by {n}\n"), None).await;
        assert_access(caller, caller >= Caller::Editor, &answer, StatusCode::OK);
    }
    assert_eq!(count_observables(&app, &team, &case).await, 4);
}

crate::on_every_backend!(
    a_csv_import_answers_each_row_with_its_line,
    a_text_that_cannot_be_imported_changes_nothing,
    plain_lines_import_values_of_one_type,
    imports_answer_each_role_as_documented,
);
