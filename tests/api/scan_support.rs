//! Fixtures for the scan tests: loopback listeners and scan helpers.

use std::net::SocketAddr;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

use crate::helpers::TestApp;
use crate::team::Team;

/// Listeners on loopback: one silent, one that greets; and a closed port.
pub struct Ports {
    pub quiet: TcpListener,
    pub chatty: SocketAddr,
    pub closed: u16,
}

impl Ports {
    pub async fn open() -> Self {
        let quiet = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let chatty = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let chatty_addr = chatty.local_addr().expect("addr");
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = chatty.accept().await {
                let _ = socket.write_all(b"220 casebook-test ready\r\n").await;
            }
        });
        let closed =
            std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
        Self { quiet, chatty: chatty_addr, closed }
    }

    pub fn quiet(&self) -> u16 {
        self.quiet.local_addr().expect("addr").port()
    }

    pub fn spec(&self) -> String {
        format!("{},{},{}", self.quiet(), self.chatty.port(), self.closed)
    }
}

impl TestApp {
    /// Requests a scan; returns it.
    pub async fn create_scan(&self, token: &str, workspace: &str, body: Value) -> Value {
        let response = self.post(&format!("/v1/workspaces/{workspace}/scans"), Some(token), body).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
        response.body
    }

    /// Polls a scan until `done` says so (30 s at most); returns it.
    pub async fn wait_for_scan(&self, token: &str, path: &str, done: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..600 {
            let scan = self.get(path, Some(token)).await.body;
            if done(&scan) {
                return scan;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("scan {path} did not get there: {}", self.get(path, Some(token)).await.body);
    }
}

pub fn finished(scan: &Value) -> bool {
    matches!(scan["status"].as_str(), Some("completed" | "failed" | "cancelled"))
}

pub fn scan_path(team: &Team, scan: &Value) -> String {
    format!("/v1/workspaces/{}/scans/{}", team.id(), scan["id"].as_str().expect("id"))
}

/// A scan of loopback long enough to interrupt: 64 addresses x 2,000 ports, one at a time.
pub fn long_scan() -> Value {
    json!({"target": "127.0.0.0/26", "ports": "1-2000", "concurrency": 1, "timeout_ms": 200})
}
