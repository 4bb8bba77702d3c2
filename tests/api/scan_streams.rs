//! Live scan progress: the SSE stream (content, numbering, resumption) and
//! the WebSocket stream of the same events.

use std::time::Duration;

use futures::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::scan_support::{Ports, scan_path};
use crate::team::Team;

async fn a_queued_scan_is_cancelled_at_once(app: TestApp) {
    let app = app.restart_with(|s| s.scans.workers = 0).await;
    let team = Team::create(&app).await;
    let scan = app.create_scan(&team.editor, team.id(), json!({"target": "127.0.0.1", "ports": "22"})).await;
    let path = scan_path(&team, &scan);

    let cancelled = app.post(&format!("{path}/cancellation"), Some(&team.editor), json!({})).await;

    assert_eq!(cancelled.body["status"], "cancelled", "{}", cancelled.body);
    let events = read_sse(&app, &team.viewer, &format!("{path}/events"), None).await;
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].0, events[0].1.as_str()), (1, "status"));
}

/// Reads a whole SSE stream: (id, event, data) per event.
async fn read_sse(
    app: &TestApp,
    token: &str,
    path: &str,
    last_event_id: Option<i64>,
) -> Vec<(i64, String, Value)> {
    let mut request = app.client.get(format!("{}{path}", app.base_url)).bearer_auth(token);
    if let Some(id) = last_event_id {
        request = request.header("Last-Event-ID", id.to_string());
    }
    let response = request.send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str().expect("ct").starts_with("text/event-stream"));
    let text = tokio::time::timeout(Duration::from_secs(30), response.text())
        .await
        .expect("stream ended")
        .expect("body");
    text.split("\n\n")
        .filter(|block| block.lines().any(|l| l.starts_with("data:")))
        .map(|block| {
            let field = |name: &str| {
                block.lines().find_map(|l| l.strip_prefix(name)).map(str::trim).unwrap_or_default().to_owned()
            };
            (
                field("id:").parse().expect("id"),
                field("event:"),
                serde_json::from_str(&field("data:")).expect("json"),
            )
        })
        .collect()
}

async fn the_event_stream_reports_progress_ports_and_status_and_resumes(app: TestApp) {
    let team = Team::create(&app).await;
    let ports = Ports::open().await;
    let scan =
        app.create_scan(&team.editor, team.id(), json!({"target": "127.0.0.1", "ports": ports.spec()})).await;
    let path = scan_path(&team, &scan);

    let events = read_sse(&app, &team.viewer, &format!("{path}/events"), None).await;

    let ids: Vec<i64> = events.iter().map(|e| e.0).collect();
    assert_eq!(ids, (1..=events.len() as i64).collect::<Vec<_>>());
    let kinds: Vec<&str> = events.iter().map(|e| e.1.as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "port_open").count(), 2, "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"status"));
    assert!(kinds.contains(&"progress"));
    let last = &events.last().expect("events").2;
    assert_eq!(
        (last["type"].as_str(), last["data"]["status"].as_str(), last["data"]["open"].as_i64()),
        (Some("status"), Some("completed"), Some(2))
    );
    let resumed = read_sse(&app, &team.viewer, &format!("{path}/events"), Some(2)).await;
    assert_eq!(resumed, events[2..].to_vec());
    let bad = app
        .client
        .get(format!("{}{path}/events", app.base_url))
        .bearer_auth(&team.viewer)
        .header("Last-Event-ID", "abc")
        .send()
        .await
        .expect("sent");
    TestApp::read(bad).await.assert_problem(422, "VALIDATION_FAILED");
    app.get(&format!("{path}/events"), None).await.assert_problem(401, "NEED_LOGIN");
    app.get(&format!("{path}/events"), Some(&team.outsider)).await.assert_problem(404, "NOT_FOUND");
}

async fn the_websocket_streams_the_same_events(app: TestApp) {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let team = Team::create(&app).await;
    let ports = Ports::open().await;
    let scan =
        app.create_scan(&team.editor, team.id(), json!({"target": "127.0.0.1", "ports": ports.spec()})).await;
    let path = scan_path(&team, &scan);
    let url = format!("{}{path}/ws", app.base_url.replace("http://", "ws://"));
    let mut request = url.clone().into_client_request().expect("request");
    request.headers_mut().insert("authorization", format!("Bearer {}", team.viewer).parse().expect("header"));

    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("upgraded");
    let mut messages = Vec::new();
    while let Some(Ok(message)) =
        tokio::time::timeout(Duration::from_secs(30), socket.next()).await.expect("in time")
    {
        if let Ok(text) = message.to_text()
            && !text.is_empty()
        {
            messages.push(serde_json::from_str::<Value>(text).expect("json"));
        }
    }

    let sse: Vec<Value> = read_sse(&app, &team.viewer, &format!("{path}/events"), None)
        .await
        .into_iter()
        .map(|e| e.2)
        .collect();
    assert_eq!(messages, sse);
    assert_eq!(messages.last().expect("events")["type"], "status");
    let unauthenticated = tokio_tungstenite::connect_async(url).await;
    assert!(unauthenticated.is_err(), "a socket without a token was accepted");
}

crate::on_every_backend!(
    a_queued_scan_is_cancelled_at_once,
    the_event_stream_reports_progress_ports_and_status_and_resumes,
    the_websocket_streams_the_same_events,
);
