//! MySQL/MariaDB: a request whose client hangs up is dropped midway, maybe
//! in the middle of a statement; the connection it held cannot be trusted
//! with another statement, so the pool must drop it rather than hand it to
//! the next request (which would answer 503). Without that, 64 clients
//! hanging up together left every pooled connection unusable once.

use std::time::Duration;

use casebook::store::DatabaseUrl;
use diesel_async::{AsyncConnection, AsyncMysqlConnection, SimpleAsyncConnection};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, TestApp};
use crate::team::Team;

/// Sends `path` as `method` with `body` and hangs up after 300 ms.
async fn hang_up(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
) {
    let mut request = app.client.request(method, format!("{}{path}", app.base_url)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let sent = tokio::time::timeout(Duration::from_millis(300), request.send()).await;
    assert!(sent.is_err(), "the request was meant to wait on the lock: {sent:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_abandoned_mid_statement_does_not_spoil_the_next() {
    let Some(app) = TestApp::spawn(Backend::Mysql).await else { return };
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Held"})).await;
    for i in 0..60 {
        let description = "x".repeat(5_000);
        app.create_case(
            &team.editor,
            team.id(),
            json!({"summary": format!("Filler {i}"), "description": description}),
        )
        .await;
    }
    let path = format!("/v1/workspaces/{}/cases/{}", team.id(), case["id"].as_str().expect("id"));
    let list = format!("/v1/workspaces/{}/cases", team.id());
    let DatabaseUrl::Mysql(url) = &app.settings.database.url else { unreachable!() };
    let mut admin = AsyncMysqlConnection::establish(url).await.expect("connect");

    // A list (one statement, no transaction) and an update (a transaction)
    // each wait on a table lock until their clients give up.
    admin.batch_execute("LOCK TABLES cases WRITE").await.expect("lock");
    hang_up(&app, reqwest::Method::GET, &list, &team.viewer, None).await;
    admin.batch_execute("UNLOCK TABLES").await.expect("unlock");
    for _ in 0..3 {
        let listed = app.get(&list, Some(&team.viewer)).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    }

    // Many clients reading at once, each hanging up before its answer
    // comes back (as a load generator's do when its run ends).
    let address = app.base_url.trim_start_matches("http://").to_owned();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: casebook\r\nAuthorization: Bearer {}\r\n\r\n", team.viewer);
    for round in 0..20u64 {
        let mut clients = tokio::task::JoinSet::new();
        for client in 0..64u64 {
            let (address, request) = (address.clone(), request.clone());
            clients.spawn(async move {
                let mut stream = tokio::net::TcpStream::connect(&address).await.expect("connect");
                tokio::io::AsyncWriteExt::write_all(&mut stream, request.as_bytes()).await.expect("send");
                tokio::time::sleep(Duration::from_micros((round * 64 + client) * 7 % 2_000)).await;
            });
        }
        clients.join_all().await;
    }
    for _ in 0..30 {
        let listed = app.get(&list, Some(&team.viewer)).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    }

    admin.batch_execute("LOCK TABLES cases WRITE").await.expect("lock");
    hang_up(
        &app,
        reqwest::Method::PATCH,
        &path,
        &team.editor,
        Some(json!({"version": 1, "summary": "Lost"})),
    )
    .await;
    admin.batch_execute("UNLOCK TABLES").await.expect("unlock");
    let patched = app.patch(&path, Some(&team.editor), json!({"version": 1, "summary": "Kept"})).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(patched.body["summary"], "Kept");
}
