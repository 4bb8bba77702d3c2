//! Network scans of a team's own hosts, run as durable background jobs:
//! parsing and scoping the request, the TCP connect scanner, the workers
//! that run the queue, and the live event log.

mod error;
mod facts;
mod input;
mod model;
mod plan;
mod scanner;
mod service;
mod worker;

use std::time::Duration;

pub use error::ScanError;
pub use input::{CONCURRENCY, MAX_PROBES, PortSpec, ScanTarget, Scope, TIMEOUT_MS};
pub use model::{Scan, ScanEvent, ScanResult, ScanStatus};
pub use service::{NewScan, ScanFilter, ScanService};
pub use worker::ScanRunner;

/// How scans run on this server.
#[derive(Debug, Clone)]
pub struct ScanSettings {
    /// Workers per server instance.
    pub workers: usize,
    /// How long a claimed scan stays leased without renewal.
    pub lease: Duration,
    /// How often idle workers look for work queued elsewhere.
    pub poll_interval: Duration,
    /// Networks that may be scanned.
    pub scope: Scope,
}
