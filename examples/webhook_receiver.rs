//! A webhook receiver for `scripts/bench`: answers every `POST /hook` with
//! 200 and notes how long after the event's `created_at` (written in the
//! transaction of the change, just before its commit) it arrived. Not part
//! of the API.
//!
//! `GET /stats` answers `{"count", "per_second", "p50_ms", "p99_ms"}` since
//! the last `POST /reset`; `POST /gate/close` holds every delivery until
//! `POST /gate/open` (so a backlog builds, to measure draining it).
//!
//! Usage: cargo run --release --example webhook_receiver -- 127.0.0.1:PORT

use std::sync::Mutex;
use std::time::Instant;

use chrono::{DateTime, Utc};
use poem::listener::TcpListener;
use poem::web::{Data, Json};
use poem::{EndpointExt, Route, Server, get, handler, post};
use serde_json::{Value, json};
use tokio::sync::watch;

#[derive(Default)]
struct Seen {
    latencies_ms: Vec<f64>,
    first: Option<Instant>,
    last: Option<Instant>,
}

struct State {
    seen: Mutex<Seen>,
    gate: watch::Sender<bool>,
}

#[handler]
async fn hook(body: String, Data(state): Data<&std::sync::Arc<State>>) -> &'static str {
    let mut open = state.gate.subscribe();
    let _ = open.wait_for(|open| *open).await;
    let created = serde_json::from_str::<Value>(&body)
        .ok()
        .and_then(|envelope| envelope["created_at"].as_str().and_then(|t| t.parse::<DateTime<Utc>>().ok()));
    let now = Instant::now();
    let mut seen = state.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(created) = created {
        seen.latencies_ms.push((Utc::now() - created).num_microseconds().unwrap_or(0) as f64 / 1000.0);
    }
    seen.first.get_or_insert(now);
    seen.last = Some(now);
    "ok"
}

#[handler]
fn stats(Data(state): Data<&std::sync::Arc<State>>) -> Json<Value> {
    let seen = state.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut sorted = seen.latencies_ms.clone();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| sorted.get(((sorted.len() as f64 - 1.0) * q).round() as usize).copied();
    let span = match (seen.first, seen.last) {
        (Some(first), Some(last)) => (last - first).as_secs_f64(),
        _ => 0.0,
    };
    let count = sorted.len();
    Json(json!({
        "count": count,
        "per_second": if span > 0.0 { (count as f64 - 1.0) / span } else { 0.0 },
        "p50_ms": at(0.5), "p99_ms": at(0.99),
    }))
}

#[handler]
fn reset(Data(state): Data<&std::sync::Arc<State>>) -> &'static str {
    *state.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Seen::default();
    "ok"
}

#[handler]
fn close_gate(Data(state): Data<&std::sync::Arc<State>>) -> &'static str {
    state.gate.send_replace(false);
    "ok"
}

#[handler]
fn open_gate(Data(state): Data<&std::sync::Arc<State>>) -> &'static str {
    state.gate.send_replace(true);
    "ok"
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listen = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8091".into());
    let state = std::sync::Arc::new(State { seen: Mutex::default(), gate: watch::Sender::new(true) });
    let app = Route::new()
        .at("/hook", post(hook))
        .at("/stats", get(stats))
        .at("/reset", post(reset))
        .at("/gate/close", post(close_gate))
        .at("/gate/open", post(open_gate))
        .data(state);
    Server::new(TcpListener::bind(listen)).run(app).await
}
