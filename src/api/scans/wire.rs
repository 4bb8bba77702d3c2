//! Wire types of scans, their results and their live events.

use poem_openapi::Object;
use poem_openapi::types::Example;
use serde::Deserialize;
use serde_json::Value;

use crate::api::common::wire_enum;
use crate::http::actor::{ActorId, ActorKindWire};
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{CaseId, ScanId, WorkspaceId};
use crate::services::scans::{Scan, ScanEvent, ScanResult, ScanStatus};

wire_enum!(
    /// Where a scan is in its life: `queued` (waiting for a worker), `running`,
    /// then `completed`, `failed` or `cancelled`.
    ScanStatusWire("ScanStatus") <=> ScanStatus {
        /// Waiting for a worker.
        Queued,
        /// Probing.
        Running,
        /// Every probe finished.
        Completed,
        /// Stopped by an error (see `error`).
        Failed,
        /// Stopped on request.
        Cancelled,
    }
);

/// A network scan.
#[derive(Debug, Object)]
#[oai(rename = "Scan")]
pub struct ScanView {
    /// The scan's id.
    pub id: WireId<ScanId>,
    /// Its workspace.
    pub workspace_id: WireId<WorkspaceId>,
    /// The case its findings are reported to, or null.
    #[oai(nullable)]
    pub case_id: Option<WireId<CaseId>>,
    /// What is scanned, as a CIDR block (`127.0.0.1/32`).
    pub target: String,
    /// Which ports, as a normalised spec (`22,80-82,443`).
    pub ports: String,
    /// Per-probe timeout in milliseconds.
    pub timeout_ms: i32,
    /// Probes in flight at once.
    pub concurrency: i32,
    /// Where the scan is in its life.
    pub status: ScanStatusWire,
    /// Probes finished so far.
    pub done: i32,
    /// Probes in all (addresses x ports).
    pub total: i32,
    /// Ports that accepted a connection.
    pub open: i32,
    /// Ports that refused.
    pub closed: i32,
    /// Ports that did not answer in time.
    pub filtered: i32,
    /// Why it failed, or null.
    #[oai(nullable)]
    pub error: Option<String>,
    /// A stop was requested and the worker has not honoured it yet.
    pub cancel_requested: bool,
    /// Who asked for it.
    pub created_by: ActorId,
    /// Whether `created_by` is a person or a service account.
    pub created_by_kind: ActorKindWire,
    /// When it was asked for.
    pub created_at: Timestamp,
    /// When a worker started it, or null.
    #[oai(nullable)]
    pub started_at: Option<Timestamp>,
    /// When it ended, or null.
    #[oai(nullable)]
    pub finished_at: Option<Timestamp>,
}

impl From<Scan> for ScanView {
    fn from(s: Scan) -> Self {
        Self {
            id: WireId::new(s.id),
            workspace_id: WireId::new(s.workspace_id),
            case_id: s.case_id.map(WireId::new),
            target: s.target,
            ports: s.ports,
            timeout_ms: s.timeout_ms,
            concurrency: s.concurrency,
            status: s.status.into(),
            done: s.probes_done,
            total: s.probes_total,
            open: s.open,
            closed: s.closed,
            filtered: s.filtered,
            error: s.error,
            cancel_requested: s.cancel_requested,
            created_by: ActorId::new(s.created_by, s.created_by_kind),
            created_by_kind: s.created_by_kind.into(),
            created_at: s.created_at.into(),
            started_at: s.started_at.map(Into::into),
            finished_at: s.finished_at.map(Into::into),
        }
    }
}

/// A page of scans, newest first.
#[derive(Debug, Object)]
#[oai(rename = "ScanList")]
pub struct ScanList {
    /// The scans on this page.
    pub items: Vec<ScanView>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// An open port a scan found.
#[derive(Debug, Object)]
#[oai(rename = "ScanResult")]
pub struct ScanResultView {
    /// The address.
    pub address: String,
    /// The port.
    pub port: i32,
    /// Time to connect, in milliseconds.
    pub latency_ms: f64,
    /// What the service sent first within a brief wait, or null.
    #[oai(nullable)]
    pub banner: Option<String>,
    /// When it was found.
    pub found_at: Timestamp,
}

impl From<ScanResult> for ScanResultView {
    fn from(r: ScanResult) -> Self {
        Self {
            address: r.address,
            port: r.port,
            latency_ms: f64::from(r.latency_us) / 1000.0,
            banner: r.banner,
            found_at: r.found_at.into(),
        }
    }
}

/// A page of open ports, by address then port.
#[derive(Debug, Object)]
#[oai(rename = "ScanResultList")]
pub struct ScanResultList {
    /// The open ports on this page.
    pub items: Vec<ScanResultView>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// A scan to run.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "CreateScanRequest", example, skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct CreateScanRequest {
    /// An IPv4 or IPv6 address or CIDR block of at most 256 addresses,
    /// inside the server's allowed scan scope.
    #[oai(validator(min_length = 1, max_length = 64))]
    pub target: String,
    /// Ports such as `22,80,443,8000-8100`, each 1 to 65535; at most
    /// 1,000,000 probes (addresses x ports) in all.
    #[oai(validator(min_length = 1, max_length = 4096))]
    pub ports: String,
    /// Per-probe timeout, 50 to 5,000 ms (default 500).
    #[oai(validator(minimum(value = "50"), maximum(value = "5000")))]
    pub timeout_ms: Option<u32>,
    /// Probes in flight at once, 1 to 2,048 (default 256).
    #[oai(validator(minimum(value = "1"), maximum(value = "2048")))]
    pub concurrency: Option<u32>,
    /// A case of the same workspace; it gets an audit event when the scan ends.
    pub case_id: Option<WireId<CaseId>>,
}

impl Example for CreateScanRequest {
    fn example() -> Self {
        Self {
            target: "127.0.0.1".into(),
            ports: "22,80,443,8000-8100".into(),
            timeout_ms: None,
            concurrency: None,
            case_id: None,
        }
    }
}

/// One event of a scan's live stream (also the SSE `id` and `event`).
#[derive(Debug, Object)]
#[oai(rename = "ScanEvent")]
pub struct ScanEventView {
    /// The event's number, from 1, without gaps; reconnect with
    /// `Last-Event-ID` set to the last one seen to continue.
    pub id: i32,
    /// `progress` (`done`, `total`), `port_open` (`address`, `port`,
    /// `latency_ms`, `banner`) or `status` (the last event: `status`, the
    /// counts, `error`).
    #[oai(rename = "type")]
    pub kind: String,
    /// The details; their shape depends on `type`.
    pub data: Value,
}

impl From<ScanEvent> for ScanEventView {
    fn from(e: ScanEvent) -> Self {
        Self { id: e.seq, kind: e.kind, data: e.data }
    }
}

crate::http::wire::list_from_page!(ScanList, Scan);
crate::http::wire::list_from_page!(ScanResultList, ScanResult);
