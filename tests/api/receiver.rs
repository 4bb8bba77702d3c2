//! A webhook receiver on loopback, started by a test: it records every
//! request (headers and exact body), answers with the statuses it is told
//! (200 once those run out), can hold a request unanswered, and verifies
//! signatures the way the README tells receivers to.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::{EndpointExt, Request, Response, Route, handler, http::StatusCode, web::Data};
use serde_json::Value;
use sha2::Sha256;
use tokio::sync::Notify;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HashMap<String, String>,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON envelope")
    }

    /// Whether one of the signatures is `secret`'s over this exact request.
    pub fn signed_by(&self, secret: &str) -> bool {
        let key = STANDARD.decode(secret.strip_prefix("whsec_").expect("whsec_")).expect("base64 secret");
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("key");
        let signed =
            format!("{}.{}.{}", self.header("webhook-id"), self.header("webhook-timestamp"), self.body);
        mac.update(signed.as_bytes());
        let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
        self.header("webhook-signature").split(' ').any(|s| s == expected)
    }
}

/// Whether the README's Python verification snippet (run with `python3`)
/// accepts this request signed by `secret`.
pub fn readme_snippet_verifies(request: &Received, secret: &str) -> bool {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let section = &readme[readme.find("**Verifying a delivery**").expect("the verification section")..];
    let start = section.find("```python\n").expect("a Python snippet") + "```python\n".len();
    let snippet: String = section[start..start + section[start..].find("```").expect("its end")]
        .lines()
        .map(|line| line.strip_prefix("  ").unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n");
    let check = "import json, sys\nheaders = json.loads(sys.argv[1])\nbody = sys.stdin.buffer.read()\n\
                 print(verify(sys.argv[2], headers, body))\n";
    let mut python = std::process::Command::new("python3")
        .arg("-c")
        .arg(format!("{snippet}\n{check}"))
        .arg(serde_json::to_string(&request.headers).expect("headers"))
        .arg(secret)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    use std::io::Write as _;
    python.stdin.take().expect("stdin").write_all(request.body.as_bytes()).expect("body written");
    let output = python.wait_with_output().expect("python3 ends");
    assert!(output.status.success(), "the snippet runs: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim() == "True"
}

#[derive(Default)]
struct State {
    received: Mutex<Vec<Received>>,
    answers: Mutex<VecDeque<u16>>,
    hold_next: Mutex<bool>,
    arrived: Notify,
}

/// A running receiver.
pub struct Receiver {
    pub url: String,
    state: Arc<State>,
    _server: tokio_util::task::AbortOnDropHandle<()>,
}

#[handler]
async fn receive(request: &Request, body: String, Data(state): Data<&Arc<State>>) -> Response {
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap_or_default().to_owned()))
        .collect();
    state.received.lock().expect("lock").push(Received { headers, body });
    state.arrived.notify_waiters();
    if std::mem::take(&mut *state.hold_next.lock().expect("lock")) {
        std::future::pending::<()>().await;
    }
    let status = state.answers.lock().expect("lock").pop_front().unwrap_or(200);
    Response::builder().status(StatusCode::from_u16(status).expect("status")).body("ok")
}

impl Receiver {
    pub async fn start() -> Self {
        let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await.expect("receiver binds");
        let addr = acceptor.local_addr()[0].as_socket_addr().copied().expect("address");
        let state = Arc::new(State::default());
        let app = Route::new().at("/hook", poem::post(receive)).data(state.clone());
        let server = tokio::spawn(async move {
            let _ = poem::Server::new_with_acceptor(acceptor).run(app).await;
        });
        Self {
            url: format!("http://{addr}/hook"),
            state,
            _server: tokio_util::task::AbortOnDropHandle::new(server),
        }
    }

    /// The next requests are answered with `statuses`, in order.
    pub fn answer_with(&self, statuses: &[u16]) {
        self.state.answers.lock().expect("lock").extend(statuses);
    }

    /// The next request is recorded and never answered.
    pub fn hold_next(&self) {
        *self.state.hold_next.lock().expect("lock") = true;
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().expect("lock").clone()
    }

    /// Waits until `count` requests have arrived (at most 20 seconds).
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let arrived = self.state.arrived.notified();
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                tokio::time::timeout_at(deadline, arrived).await.is_ok(),
                "{count} deliveries expected; {} arrived: {:?}",
                received.len(),
                received
                    .iter()
                    .map(|r| (r.header("webhook-id").to_owned(), r.json()["type"].clone()))
                    .collect::<Vec<_>>()
            );
        }
    }
}
