//! The framework's ceiling for `scripts/bench`: a trivial poem endpoint on
//! the same runtime settings as Casebook, answering `GET /` with a short
//! JSON body. Not part of the API.
//!
//! Usage: cargo run --release --example poem_ceiling -- 127.0.0.1:PORT

use poem::listener::TcpListener;
use poem::web::Json;
use poem::{Route, Server, get, handler};

#[handler]
fn hello() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listen = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8090".into());
    Server::new(TcpListener::bind(listen)).run(Route::new().at("/", get(hello))).await
}
