//! Scan workers inside the server: they claim queued scans from the durable
//! queue with a lease, renew it while they work, commit progress chunk by
//! chunk (results, counters, resume point and events in one transaction,
//! only while still holding the lease), and hand running scans back to the
//! queue on shutdown. A scan whose worker died is taken over when its lease
//! expires and resumes at its last committed chunk; results are keyed by
//! (scan, address, port), so a redone chunk records nothing twice.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use chrono::TimeDelta;
use serde_json::json;
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::AbortOnDropHandle;

use super::plan::Outcome;
use super::plan::{Chunk, ProbePlan};
use super::scanner;
use super::{Scan, ScanSettings, facts};
use crate::ids::{CaseId, ScanId};
use crate::platform::clock;
use crate::services::cases::scan_finished_event;
use crate::services::kernel::Actor;
use crate::services::outbox::{Change, EventType, Outbox};
use crate::store::scan_queue::{self, ChunkProgress};
use crate::store::scans::{self, ScanEventRow, ScanResultRow, ScanRow};
use crate::store::{DbConn, DbTime, Store, StoreError, case_events, db_transaction};

/// Probes per committed chunk: the unit of progress, resumption and streaming.
const CHUNK: usize = 1024;

/// Why a running scan stopped before its last chunk.
const RUNNING: u8 = 0;
const CANCELLED: u8 = 1;
const LEASE_LOST: u8 = 2;
const SHUTTING_DOWN: u8 = 3;

/// Runs scans in the background.
pub struct ScanRunner {
    store: Store,
    outbox: Outbox,
    settings: ScanSettings,
    wake: Arc<Notify>,
    instance: String,
}

impl ScanRunner {
    /// A runner over `store` reporting finished scans through `outbox`;
    /// `wake` is notified when a scan is queued here.
    pub fn new(store: Store, outbox: Outbox, settings: ScanSettings, wake: Arc<Notify>) -> Self {
        let instance = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
        Self { store, outbox, settings, wake, instance }
    }

    /// Starts the workers; they stop claiming when `shutdown` fires and hand
    /// their running scans back to the queue.
    pub fn start(self: Arc<Self>, shutdown: CancellationToken) -> Vec<JoinHandle<()>> {
        (0..self.settings.workers)
            .map(|n| {
                let worker = format!("{}-{n}", self.instance);
                tokio::spawn(self.clone().work(worker, shutdown.clone()))
            })
            .collect()
    }

    async fn work(self: Arc<Self>, worker: String, shutdown: CancellationToken) {
        while !shutdown.is_cancelled() {
            match self.claim(&worker).await {
                Ok(Some(scan)) => {
                    let id = scan.id;
                    if let Err(err) = self.run(&worker, scan, &shutdown).await {
                        tracing::error!(scan_id = %id, error = %err, "scan failed");
                        let _ = self.fail(&worker, id, &err.to_string()).await;
                    }
                }
                Ok(None) => {
                    tokio::select! {
                        () = shutdown.cancelled() => break,
                        () = self.wake.notified() => {}
                        () = tokio::time::sleep(self.settings.poll_interval) => {}
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %err, "claiming a scan failed");
                    tokio::time::sleep(self.settings.poll_interval).await;
                }
            }
        }
    }

    async fn claim(&self, worker: &str) -> Result<Option<ScanRow>, StoreError> {
        let now = clock::now();
        let until = DbTime::from(now + lease(self.settings.lease));
        let mut pooled = self.store.conn().await?;
        let conn = &mut pooled.db();
        let now = DbTime::from(now);
        if !scan_queue::any_waiting(conn, now).await? {
            return Ok(None);
        }
        db_transaction!(conn, |tx| { scan_queue::claim(tx, worker, now, until).await })
    }

    #[tracing::instrument(skip_all, fields(scan_id = %row.id))]
    async fn run(&self, worker: &str, row: ScanRow, shutdown: &CancellationToken) -> Result<(), StoreError> {
        let plan = ProbePlan::parse(&row.target, &row.ports).map_err(StoreError::Setup)?;
        let timeout = Duration::from_millis(u64::try_from(row.timeout_ms).unwrap_or(500));
        let concurrency = usize::try_from(row.concurrency).unwrap_or(1);
        let stop = CancellationToken::new();
        let reason = Arc::new(AtomicU8::new(RUNNING));
        // Dropped with this future: a worker that dies takes its renewer and
        // its scanner with it, so its lease expires and another worker takes
        // the scan over.
        let _renewer = AbortOnDropHandle::new(tokio::spawn(renew_lease(
            self.store.clone(),
            row.id,
            worker.to_owned(),
            self.settings.lease,
            stop.clone(),
            shutdown.clone(),
            reason.clone(),
        )));
        let start = usize::try_from(row.probes_done).unwrap_or(0).min(plan.len());
        tracing::info!(resume_at = start, total = plan.len(), attempt = row.attempts, "scan running");
        // The scanner runs on while chunks are committed; a chunk waiting on
        // a slow banner delays only its own commit, not the probing.
        let (chunks, mut finished) = mpsc::channel(16);
        scanner::spawn_scan_thread(plan.clone(), start, CHUNK, timeout, concurrency, stop.clone(), chunks)
            .map_err(|err| StoreError::Setup(format!("cannot start the scanner thread: {err}")))?;
        // If this worker dies, the scanner thread stops with it.
        let _stop_scanner = stop.clone().drop_guard();
        let mut done = start;
        while let Some(chunk) = finished.recv().await {
            crate::platform::metrics::METRICS.scan_probes.inc_by((chunk.done - done) as u64);
            if !self.commit_chunk(worker, &row, &chunk, plan.len()).await? {
                reason.store(LEASE_LOST, Ordering::SeqCst);
                stop.cancel();
                break;
            }
            crate::platform::metrics::METRICS.scan_chunks.inc();
            done = chunk.done;
        }
        let outcome = match reason.load(Ordering::SeqCst) {
            CANCELLED => Some("cancelled"),
            LEASE_LOST => None,
            SHUTTING_DOWN => {
                let mut pooled = self.store.conn().await?;
                scan_queue::release(&mut pooled.db(), row.id, worker).await?;
                tracing::info!(probes_done = done, "scan handed back to the queue");
                None
            }
            _ if done == plan.len() => Some("completed"),
            _ => {
                return Err(StoreError::Setup(format!(
                    "the scanner stopped after {done} of {} probes",
                    plan.len()
                )));
            }
        };
        if let Some(status) = outcome {
            self.finish(worker, row.id, status, None).await?;
        }
        Ok(())
    }

    /// Commits one chunk; `false` when the lease was lost meanwhile.
    async fn commit_chunk(
        &self,
        worker: &str,
        row: &ScanRow,
        chunk: &Chunk,
        total: usize,
    ) -> Result<bool, StoreError> {
        let now = clock::now();
        let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        let progress = ChunkProgress {
            probes_done: count(chunk.done),
            open: count(chunk.open.len()),
            closed: count(chunk.closed),
            filtered: count(chunk.filtered),
        };
        let mut results = Vec::with_capacity(chunk.open.len());
        let mut events = Vec::with_capacity(chunk.open.len() + 1);
        for (addr, outcome) in &chunk.open {
            let Outcome::Open { latency, banner } = outcome else { continue };
            let latency_us = i32::try_from(latency.as_micros()).unwrap_or(i32::MAX);
            events.push((
                "port_open",
                json!({
                    "address": addr.ip().to_string(), "port": addr.port(),
                    "latency_ms": f64::from(latency_us) / 1000.0, "banner": banner,
                }),
            ));
            results.push(ScanResultRow {
                scan_id: row.id,
                address: addr.ip().to_string(),
                port: i32::from(addr.port()),
                latency_us,
                banner: banner.clone(),
                found_at: now.into(),
            });
        }
        events.push(("progress", json!({"done": chunk.done, "total": total})));
        let event_count = count(events.len());
        let mut pooled = self.store.conn().await?;
        let conn = &mut pooled.db();
        db_transaction!(conn, |tx| {
            let Some(base) = scan_queue::record_chunk(tx, row.id, worker, &progress, event_count).await?
            else {
                return Ok(false);
            };
            scans::insert_results(tx, &results).await?;
            let rows = numbered(row.id, base, &events, now.into());
            scans::insert_events(tx, rows).await?;
            Ok::<_, StoreError>(true)
        })
    }

    /// Ends a scan with its final `status` event and, for a scan linked to a
    /// case, the case's audit event and its open ports as the case's
    /// observables — all in one transaction.
    async fn finish(
        &self,
        worker: &str,
        id: ScanId,
        status: &str,
        error: Option<String>,
    ) -> Result<(), StoreError> {
        let now = clock::now();
        let mut pooled = self.store.conn().await?;
        let conn = &mut pooled.db();
        db_transaction!(conn, |tx| {
            let Some(scan) = scan_queue::finish(tx, id, worker, status, error.clone(), now.into()).await?
            else {
                return Ok(());
            };
            let data = json!({
                "status": status, "done": scan.probes_done, "total": scan.probes_total,
                "open": scan.open_count, "closed": scan.closed_count, "filtered": scan.filtered_count,
                "error": error,
            });
            scans::insert_events(tx, numbered(scan.id, scan.event_seq - 1, &[("status", data)], now.into()))
                .await?;
            let mut found = Vec::new();
            if let Some(case_id) = scan.case_id {
                record_on_case(tx, &scan, case_id, now).await?;
                found = facts::record(tx, &scan, case_id, now).await?;
            }
            let actor = Actor::stored(scan.created_by, &scan.created_by_kind);
            let finished = Scan::try_from(scan).map_err(|err| StoreError::Setup(err.to_string()))?;
            let changes: Vec<_> = std::iter::once(Change::new(EventType::ScanCompleted, &finished))
                .chain(found.iter().map(|observable| Change::new(EventType::ObservableCreated, observable)))
                .collect();
            self.outbox.record(tx, finished.workspace_id, actor, &changes).await?;
            tracing::info!(status, open = finished.open, "scan finished");
            Ok::<_, StoreError>(())
        })
    }

    async fn fail(&self, worker: &str, id: ScanId, error: &str) -> Result<(), StoreError> {
        self.finish(worker, id, "failed", Some(error.to_owned())).await
    }
}

fn lease(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::seconds(30))
}

fn numbered(
    scan_id: ScanId,
    base: i32,
    events: &[(&str, serde_json::Value)],
    at: DbTime,
) -> Vec<ScanEventRow> {
    events
        .iter()
        .zip(base + 1..)
        .map(|((kind, data), seq)| ScanEventRow {
            scan_id,
            seq,
            kind: (*kind).to_owned(),
            data: data.to_string(),
            created_at: at,
        })
        .collect()
}

async fn record_on_case(
    tx: &mut DbConn<'_>,
    scan: &ScanRow,
    case_id: CaseId,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let data = json!({
        "scan_id": scan.id.to_string(), "status": scan.status, "target": scan.target, "ports": scan.ports,
        "open": scan.open_count, "closed": scan.closed_count, "filtered": scan.filtered_count,
    });
    let event = scan_finished_event(case_id, Actor::stored(scan.created_by, &scan.created_by_kind), data, at);
    case_events::insert(tx, vec![event]).await
}

/// Renews the lease until `stop`; notes a cancellation request, a lost
/// lease or a shutdown in `reason` and fires `stop`.
async fn renew_lease(
    store: Store,
    id: ScanId,
    worker: String,
    lease_for: Duration,
    stop: CancellationToken,
    shutdown: CancellationToken,
    reason: Arc<AtomicU8>,
) {
    // Often enough to notice a cancellation promptly, and well inside the lease.
    let every = (lease_for / 3).min(Duration::from_millis(250));
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            () = shutdown.cancelled() => {
                reason.store(SHUTTING_DOWN, Ordering::SeqCst);
                stop.cancel();
                return;
            }
            () = tokio::time::sleep(every) => {}
        }
        let until = DbTime::from(clock::now() + lease(lease_for));
        let renewed = match store.conn().await {
            Ok(mut pooled) => scan_queue::renew(&mut pooled.db(), id, &worker, until).await,
            Err(err) => Err(err),
        };
        match renewed {
            Ok(Some(false)) => {}
            Ok(Some(true)) => {
                reason.store(CANCELLED, Ordering::SeqCst);
                stop.cancel();
                return;
            }
            Ok(None) => {
                reason.store(LEASE_LOST, Ordering::SeqCst);
                stop.cancel();
                return;
            }
            Err(err) => tracing::warn!(error = %err, "renewing a scan lease failed; retrying"),
        }
    }
}
