//! Every error, the framework's own included, is an RFC 9457 problem with
//! the right status and a request id.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::TestApp;

async fn malformed_json_is_a_400_problem(app: TestApp) {
    for body in ["{", "{\"email\": }", "", "{} trailing", "nul"] {
        let response = app.send_raw(Method::POST, "/v1/accounts", "application/json", body).await;

        response.assert_problem(400, "MALFORMED_REQUEST");
    }
}

async fn a_body_of_the_wrong_media_type_is_a_415_problem(app: TestApp) {
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"] {
        let response = app.send_raw(Method::POST, "/v1/sessions", content_type, "{}").await;

        response.assert_problem(415, "UNSUPPORTED_MEDIA_TYPE");
    }
    let no_content_type =
        app.client.post(format!("{}/v1/sessions", app.base_url)).body("{}").send().await.expect("sent");
    TestApp::read(no_content_type).await.assert_problem(415, "UNSUPPORTED_MEDIA_TYPE");
}

async fn a_body_over_the_limit_is_a_413_problem(app: TestApp) {
    let padding = " ".repeat(1024 * 1024);
    let just_under =
        format!("{{\"email\": \"a@example.com\", \"password\": \"x\"}}{}", &padding[..1024 * 1024 - 43]);
    assert_eq!(just_under.len(), 1024 * 1024);
    let over = format!("{just_under} ");

    let accepted = app.send_raw(Method::POST, "/v1/sessions", "application/json", &just_under).await;
    let refused = app.send_raw(Method::POST, "/v1/sessions", "application/json", &over).await;

    accepted.assert_problem(401, "INVALID_CREDENTIALS");
    refused.assert_problem(413, "PAYLOAD_TOO_LARGE");
}

async fn unknown_routes_and_methods_are_problems(app: TestApp) {
    app.get("/v1/nothing-here", None).await.assert_problem(404, "NOT_FOUND");
    app.get("/", None).await.assert_problem(404, "NOT_FOUND");
    let wrong_method = app.request(Method::PUT, "/v1/sessions/current", None, Some(json!({}))).await;
    wrong_method.assert_problem(405, "METHOD_NOT_ALLOWED");
    assert_eq!(wrong_method.headers["allow"], "GET, DELETE", "405 lists the path's methods");
}

async fn a_request_line_over_64_kib_is_refused_with_414_and_the_server_goes_on(app: TestApp) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let token = app.signed_in_user("ada@example.com").await;
    let ws = app.create_workspace(&token, "Blue").await;
    let observables = format!("/v1/workspaces/{}/observables", ws["id"].as_str().expect("id"));
    let long = "%F0%9F%90%9B".repeat(2_000);
    let query = format!("{observables}?value={long}&tag={long}&value_prefix={long}");
    assert!(query.len() > 65_534);

    // Sent by hand: HTTP clients refuse to build such a request line.
    let address = app.base_url.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(address).await.expect("connect");
    let head = format!("GET {query} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\r\n");
    socket.write_all(head.as_bytes()).await.expect("sent");
    let mut answer = Vec::new();
    let _ = socket.read_to_end(&mut answer).await;

    let status_line = String::from_utf8_lossy(&answer).lines().next().unwrap_or_default().to_owned();
    assert_eq!(status_line, "HTTP/1.1 414 URI Too Long");
    let listed = app.get(&observables, Some(&token)).await;
    assert_eq!(listed.status, StatusCode::OK, "{:?}", listed.body);
}

async fn a_missing_token_is_checked_before_the_body(app: TestApp) {
    let response = app.send_raw(Method::PATCH, "/v1/accounts/me", "application/json", "{").await;

    response.assert_problem(401, "NEED_LOGIN");
}

async fn sane_request_ids_are_echoed_and_others_replaced(app: TestApp) {
    let sent = |id: &str| {
        app.client
            .get(format!("{}/v1/accounts/me", app.base_url))
            .header("x-request-id", id.to_owned())
            .send()
    };

    let echoed = TestApp::read(sent("trace-1234.abc:def_9").await.expect("sent")).await;
    let replaced = TestApp::read(sent(&"x".repeat(200)).await.expect("sent")).await;
    let unsafe_chars = TestApp::read(sent("a b<script>").await.expect("sent")).await;

    assert_eq!(echoed.header("x-request-id"), "trace-1234.abc:def_9");
    assert_eq!(echoed.body["request_id"], "trace-1234.abc:def_9");
    for response in [replaced, unsafe_chars] {
        assert!(response.header("x-request-id").starts_with("req_"), "{:?}", response.headers);
        response.assert_problem(401, "NEED_LOGIN");
    }
    let ok = app.get("/openapi.json", None).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.header("x-request-id").starts_with("req_"));
}

async fn the_documentation_is_served(app: TestApp) {
    let page = || async {
        let docs = app.client.get(format!("{}/docs", app.base_url)).send().await.expect("sent");
        assert_eq!(docs.status(), StatusCode::OK);
        docs.text().await.expect("html")
    };
    let (first, second) = (page().await, page().await);
    assert!(first.contains("swagger"), "Swagger UI page");
    assert_eq!(first, second, "built once, then served as it is");

    let json = app.get("/openapi.json", None).await;
    assert_eq!(json.header("content-type"), "application/json");
    assert_eq!(json.body["info"]["title"], "Casebook");
    let text = app.client.get(format!("{}/openapi.json", app.base_url)).send().await.expect("sent");
    let published = text.text().await.expect("json");
    assert!(first.contains(&published), "Swagger UI shows the published document, links and all");

    let yaml = app.client.get(format!("{}/openapi.yaml", app.base_url)).send().await.expect("sent");
    assert_eq!(yaml.headers()["content-type"], "application/yaml");
    assert_eq!(yaml.text().await.expect("yaml"), casebook::api::openapi_yaml());
}

async fn nul_characters_are_refused_before_they_reach_the_database(app: TestApp) {
    let token = app.signed_in_user("ada@example.com").await;
    let ws = app.create_workspace(&token, "Blue").await;
    let cases = format!("/v1/workspaces/{}/cases", ws["id"].as_str().expect("id"));

    let body = app.post(&cases, Some(&token), json!({"summary": "a\u{0}b", "tags": ["ok"]})).await;
    let query = app.get(&format!("{cases}?q=a%00b"), Some(&token)).await;

    body.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(body.error_fields(), vec!["summary"]);
    query.assert_problem(422, "VALIDATION_FAILED");
    let listed = app.get(&cases, Some(&token)).await;
    assert_eq!(listed.body["items"], json!([]));
}

crate::on_every_backend!(
    nul_characters_are_refused_before_they_reach_the_database,
    malformed_json_is_a_400_problem,
    a_body_of_the_wrong_media_type_is_a_415_problem,
    a_body_over_the_limit_is_a_413_problem,
    unknown_routes_and_methods_are_problems,
    a_missing_token_is_checked_before_the_body,
    sane_request_ids_are_echoed_and_others_replaced,
    the_documentation_is_served,
    a_request_line_over_64_kib_is_refused_with_414_and_the_server_goes_on,
);
