//! Graceful shutdown of the real binary: SIGTERM while requests are in
//! flight; none of them fails and the process exits 0.

use std::process::{Command, Stdio};
use std::time::Duration;

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::PASSWORD;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_in_flight_requests_finish_and_exits_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_casebook"))
        .env("CASEBOOK_DATABASE_URL", format!("sqlite://{}/cb.db", dir.path().display()))
        .env("CASEBOOK_LISTEN", format!("127.0.0.1:{port}"))
        .env("CASEBOOK_LOG_LEVEL", "warn")
        .env("CASEBOOK_RATE_LIMIT_AUTH_PER_ADDRESS", "off")
        .env("CASEBOOK_RATE_LIMIT_AUTH_PER_EMAIL", "off")
        .stdout(Stdio::null())
        .spawn()
        .expect("casebook starts");
    let client = reqwest::Client::new();
    let mut up = false;
    for _ in 0..100 {
        if client.get(format!("{base}/health/live")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(up, "the server did not come up");
    let sign_up = client
        .post(format!("{base}/v1/accounts"))
        .json(&json!({"email": "ada@example.com", "password": PASSWORD, "display_name": "Ada"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(sign_up.status(), StatusCode::CREATED);

    // Sign-ins are slow (argon2, at most one per core at a time): 32 of them
    // take several hundred milliseconds, so most are still queued or running
    // when the signal arrives, and all have connected by then.
    let sign_ins = (0..32).map(|_| {
        client
            .post(format!("{base}/v1/sessions"))
            .json(&json!({"email": "ada@example.com", "password": PASSWORD}))
            .send()
    });
    let in_flight = tokio::spawn(join_all(sign_ins));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let killed = Command::new("kill").args(["-TERM", &server.id().to_string()]).status().expect("kill");
    assert!(killed.success());

    let responses = in_flight.await.expect("joined");
    let statuses: Vec<_> =
        responses.into_iter().map(|r| r.map(|r| r.status().as_u16()).map_err(|e| e.to_string())).collect();
    assert_eq!(statuses.len(), 32);
    assert!(statuses.iter().all(|s| *s == Ok(201)), "{statuses:?}");
    let exit =
        tokio::task::spawn_blocking(move || server.wait()).await.expect("joined").expect("exit status");
    assert!(exit.success(), "{exit:?}");
    assert!(client.get(format!("{base}/health/live")).send().await.is_err(), "still listening after exit");
}
