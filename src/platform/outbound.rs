//! Outbound HTTP for webhook deliveries. Each request goes only to
//! addresses the caller has checked (a client is pinned to them, so the
//! name is not looked up again between the check and the connection), no
//! proxy from the environment is used, redirects are not followed, the
//! whole exchange has a timeout, and no more than a small part of an
//! answer's body is read.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use url::{Host, Url};

/// How long one delivery may take, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How much of an answer's body is read (the rest is dropped unread).
const BODY_CAP: usize = 4096;
/// Pinned clients kept for reuse (each keeps its idle connections).
const CLIENTS_KEPT: usize = 256;

/// What a receiver did with a request.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Its status code, when it answered.
    pub status: Option<u16>,
    /// Why there was no (complete) answer.
    pub error: Option<String>,
    /// Time to the answer or the error.
    pub latency: Duration,
}

impl Answer {
    /// Whether the receiver acknowledged (2xx).
    pub fn acknowledged(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Sends POSTs, reusing connections per destination.
#[derive(Default)]
pub struct Outbound {
    clients: Mutex<HashMap<(String, Vec<SocketAddr>), reqwest::Client>>,
}

impl Outbound {
    /// POSTs `body` to `url`, connecting only to `addresses`.
    pub async fn post(
        &self,
        url: &Url,
        addresses: &[SocketAddr],
        headers: &[(&'static str, String)],
        body: String,
    ) -> Answer {
        let started = Instant::now();
        let failed = |error: String| Answer { status: None, error: Some(error), latency: started.elapsed() };
        let client = match self.client(url, addresses) {
            Ok(client) => client,
            Err(err) => return failed(err),
        };
        let mut request = client.post(url.clone()).body(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let mut response = match request.send().await {
            Ok(response) => response,
            Err(err) => return failed(describe(&err)),
        };
        let status = response.status().as_u16();
        let mut read = 0;
        while read < BODY_CAP {
            match response.chunk().await {
                Ok(Some(chunk)) => read += chunk.len(),
                Ok(None) => break,
                Err(err) => return Answer { status: Some(status), ..failed(describe(&err)) },
            }
        }
        Answer { status: Some(status), error: None, latency: started.elapsed() }
    }

    fn client(&self, url: &Url, addresses: &[SocketAddr]) -> Result<reqwest::Client, String> {
        let host = match url.host() {
            Some(Host::Domain(name)) => name.to_owned(),
            Some(host) => host.to_string(),
            None => return Err("the URL has no host".into()),
        };
        let key = (host, addresses.to_vec());
        let mut clients = self.clients.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(client) = clients.get(&key) {
            return Ok(client.clone());
        }
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .pool_idle_timeout(Duration::from_secs(60))
            .user_agent(concat!("Casebook-Webhooks/", env!("CARGO_PKG_VERSION")))
            .resolve_to_addrs(&key.0, addresses)
            .build()
            .map_err(|err| format!("cannot build an HTTP client: {err}"))?;
        if clients.len() >= CLIENTS_KEPT {
            clients.clear();
        }
        clients.insert(key, client.clone());
        Ok(client)
    }
}

/// A transport error in words, without the URL (which may hold a token).
fn describe(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else if err.is_body() || err.is_decode() {
        "the answer broke off"
    } else {
        "the request failed"
    };
    let mut cause = String::new();
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        cause = inner.to_string();
        source = inner.source();
    }
    if cause.is_empty() { kind.to_owned() } else { format!("{kind}: {cause}") }
}
