//! Scan domain types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ids::{AccountId, CaseId, ScanId, WorkspaceId};
use crate::services::kernel::{ActorKind, Corrupt};
use crate::store::scans::{ScanEventRow, ScanResultRow, ScanRow};

/// Where a scan is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanStatus {
    /// Waiting for a worker.
    Queued,
    /// A worker is probing.
    Running,
    /// Every probe finished.
    Completed,
    /// Stopped by an error.
    Failed,
    /// Stopped on request.
    Cancelled,
}

impl ScanStatus {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "queued" => Self::Queued,
            "running" => Self::Running,
            "completed" => Self::Completed,
            "failed" => Self::Failed,
            "cancelled" => Self::Cancelled,
            _ => return None,
        })
    }

    /// Whether the scan has ended.
    pub fn is_finished(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Cancelled)
    }
}

/// A scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scan {
    /// Id.
    pub id: ScanId,
    /// Its workspace.
    pub workspace_id: WorkspaceId,
    /// The case its findings go to.
    pub case_id: Option<CaseId>,
    /// Target (canonical CIDR text).
    pub target: String,
    /// Ports (canonical spec).
    pub ports: String,
    /// Per-probe timeout in milliseconds.
    pub timeout_ms: i32,
    /// Probes in flight at once.
    pub concurrency: i32,
    /// Status.
    pub status: ScanStatus,
    /// Probes finished.
    pub probes_done: i32,
    /// Probes in all.
    pub probes_total: i32,
    /// Open ports found.
    pub open: i32,
    /// Refused ports.
    pub closed: i32,
    /// Unanswered ports.
    pub filtered: i32,
    /// Why it failed.
    pub error: Option<String>,
    /// Stop requested, not yet honoured.
    pub cancel_requested: bool,
    /// Who asked for it.
    pub created_by: AccountId,
    /// Whether a person or a service account.
    #[serde(default)]
    pub created_by_kind: ActorKind,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When a worker first took it.
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
}

/// A stored scan is read strictly: an unknown status is a corrupt record.
impl TryFrom<ScanRow> for Scan {
    type Error = Corrupt;

    fn try_from(row: ScanRow) -> Result<Self, Corrupt> {
        let status = ScanStatus::from_name(&row.status)
            .ok_or_else(|| Corrupt(format!("scan {}: unknown status {:?}", row.id, row.status)))?;
        Ok(Self {
            id: row.id,
            workspace_id: row.workspace_id,
            case_id: row.case_id,
            target: row.target,
            ports: row.ports,
            timeout_ms: row.timeout_ms,
            concurrency: row.concurrency,
            status,
            probes_done: row.probes_done,
            probes_total: row.probes_total,
            open: row.open_count,
            closed: row.closed_count,
            filtered: row.filtered_count,
            error: row.error,
            cancel_requested: row.cancel_requested,
            created_by: row.created_by,
            created_by_kind: ActorKind::from_stored(&row.created_by_kind),
            created_at: row.created_at.into(),
            started_at: row.started_at.map(Into::into),
            finished_at: row.finished_at.map(Into::into),
        })
    }
}

/// An open port.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanResult {
    /// Address.
    pub address: String,
    /// Port.
    pub port: i32,
    /// Time to connect, in microseconds.
    pub latency_us: i32,
    /// What the service sent first.
    pub banner: Option<String>,
    /// When it was found.
    pub found_at: DateTime<Utc>,
}

impl From<ScanResultRow> for ScanResult {
    fn from(row: ScanResultRow) -> Self {
        Self {
            address: row.address,
            port: row.port,
            latency_us: row.latency_us,
            banner: row.banner,
            found_at: row.found_at.into(),
        }
    }
}

/// One numbered event of a scan's live stream.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanEvent {
    /// Its number, from 1, without gaps (the SSE event id).
    pub seq: i32,
    /// `progress`, `port_open` or `status` (the last one of a stream).
    pub kind: String,
    /// Details.
    pub data: Value,
}

/// A stored event whose data is not JSON is a corrupt record.
impl TryFrom<ScanEventRow> for ScanEvent {
    type Error = Corrupt;

    fn try_from(row: ScanEventRow) -> Result<Self, Corrupt> {
        let data = serde_json::from_str(&row.data)
            .map_err(|err| Corrupt(format!("scan event {}: unreadable data: {err}", row.seq)))?;
        Ok(Self { seq: row.seq, kind: row.kind, data })
    }
}

impl crate::services::outbox::Subject for Scan {}
