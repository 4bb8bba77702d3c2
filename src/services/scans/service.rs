//! The scan service: requesting, listing, reading, cancelling and deleting
//! scans, and reading their results and event log.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use futures::stream::BoxStream;

use serde::Serialize;
use serde_json::json;
use tokio::sync::Notify;

use super::input::{CONCURRENCY, MAX_PROBES, TIMEOUT_MS};
use super::{PortSpec, Scan, ScanError, ScanEvent, ScanResult, ScanStatus, ScanTarget, Scope};
use crate::ids::{CaseId, ScanId, WorkspaceId};
use crate::platform::clock;
use crate::services::idempotency::{self, Claim, Created};
use crate::services::kernel::Failure;
use crate::services::kernel::{Access, Actor, Role};
use crate::services::outbox::{Change, EventType, Outbox};
use crate::services::pagination::{Page, PageRequest};
use crate::services::validation::ValidationErrors;
use crate::store::scan_queue;
use crate::store::scans::{self, ScanEventRow, ScanRow};
use crate::store::{DbTime, Store, cases, db_transaction};

/// A valid scan request (scope is checked by the service).
#[derive(Debug, Clone, Serialize)]
pub struct NewScan {
    /// What to scan.
    pub target: ScanTarget,
    /// Which ports.
    pub ports: PortSpec,
    /// Per-probe timeout.
    pub timeout_ms: u32,
    /// Probes in flight.
    pub concurrency: u32,
    /// A case of the same workspace to report to.
    pub case_id: Option<CaseId>,
}

impl NewScan {
    /// Parses every field, reporting all invalid ones.
    pub fn parse(
        target: &str,
        ports: &str,
        timeout_ms: Option<u32>,
        concurrency: Option<u32>,
        case_id: Option<CaseId>,
    ) -> Result<Self, ValidationErrors> {
        let bounded = |value: Option<u32>, (min, max, default): (u32, u32, u32)| {
            let value = value.unwrap_or(default);
            if (min..=max).contains(&value) {
                Ok(value)
            } else {
                Err(format!("must be between {min} and {max}"))
            }
        };
        let (target, ports) = (ScanTarget::parse(target), PortSpec::parse(ports));
        let too_many = match (&target, &ports) {
            (Ok(t), Ok(p)) if t.len() * p.ports().len() as u64 > MAX_PROBES => Some(format!(
                "{} addresses x {} ports is more than {MAX_PROBES} probes",
                t.len(),
                p.ports().len()
            )),
            _ => None,
        };
        match (target, ports, too_many, bounded(timeout_ms, TIMEOUT_MS), bounded(concurrency, CONCURRENCY)) {
            (Ok(target), Ok(ports), None, Ok(timeout_ms), Ok(concurrency)) => {
                Ok(Self { target, ports, timeout_ms, concurrency, case_id })
            }
            (target, ports, too_many, timeout, concurrency) => Err(ValidationErrors::collect([
                ("target", target.err()),
                ("ports", ports.err().or(too_many)),
                ("timeout_ms", timeout.err()),
                ("concurrency", concurrency.err()),
            ])),
        }
    }
}

/// Which scans a list shows (empty: any status).
#[derive(Debug, Clone, Default)]
pub struct ScanFilter {
    /// Only scans linked to this case.
    pub case_id: Option<CaseId>,
    /// Only scans with any of these statuses.
    pub statuses: Vec<ScanStatus>,
}

/// Scans of workspaces.
pub struct ScanService {
    store: Store,
    access: Access,
    outbox: Outbox,
    scope: Scope,
    wake: Arc<Notify>,
}

impl ScanService {
    /// A service over `store` that only scans within `scope`, deciding
    /// access through `access` and reporting through `outbox`; `wake`
    /// rouses this instance's workers when a scan is queued.
    pub fn new(store: Store, access: Access, outbox: Outbox, scope: Scope, wake: Arc<Notify>) -> Self {
        Self { store, access, outbox, scope, wake }
    }

    /// Queues a scan (editors and admins). A target outside the scope is
    /// refused before anything is sent.
    #[tracing::instrument(skip_all)]
    pub async fn create(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        request: NewScan,
        claim: Option<Claim>,
    ) -> Result<Created<Scan>, ScanError> {
        let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
        let conn = &mut scope.db();
        if !self.scope.allows(&request.target) {
            return Err(ScanError::OutOfScope(request.target.as_text()));
        }
        if let Some(case) = request.case_id
            && cases::find(conn, workspace, case).await?.is_none()
        {
            return Err(ValidationErrors::single("case_id", "must be a case of this workspace").into());
        }
        let now = clock::now();
        let probes = request.target.len() * request.ports.ports().len() as u64;
        let row = ScanRow {
            id: ScanId::new(),
            workspace_id: workspace,
            case_id: request.case_id,
            target: request.target.as_text(),
            ports: request.ports.as_text(),
            timeout_ms: request.timeout_ms as i32,
            concurrency: request.concurrency as i32,
            status: "queued".into(),
            probes_total: i32::try_from(probes).unwrap_or(i32::MAX),
            probes_done: 0,
            open_count: 0,
            closed_count: 0,
            filtered_count: 0,
            error: None,
            cancel_requested: false,
            lease_owner: None,
            lease_expires_at: None,
            attempts: 0,
            event_seq: 0,
            created_by: caller.id,
            created_by_kind: caller.kind_name(),
            created_at: now.into(),
            started_at: None,
            finished_at: None,
        };
        let created = db_transaction!(conn, |tx| {
            if let Some(earlier) = idempotency::begin::<Scan>(tx, claim.as_ref()).await? {
                return Ok(Created { value: earlier, replayed: true });
            }
            let scan = Scan::try_from(row.clone())?;
            scans::insert(tx, &row).await?;
            self.outbox.record(tx, workspace, caller, &[Change::new(EventType::ScanCreated, &scan)]).await?;
            idempotency::finish(tx, claim.as_ref(), &scan).await?;
            Ok::<_, ScanError>(Created::new(scan))
        })?;
        self.wake.notify_one();
        Ok(created)
    }

    /// A page of the workspace's scans, newest first (any member).
    pub async fn list(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        filter: ScanFilter,
        page: PageRequest<ScanId>,
    ) -> Result<Page<Scan>, ScanError> {
        let mut scope = self.access.writing(caller, workspace, Role::Viewer).await?;
        let conn = &mut scope.db();
        let statuses: Vec<&str> = filter.statuses.iter().map(|s| s.as_str()).collect();
        let rows =
            scans::list(conn, workspace, (filter.case_id, &statuses), page.after, page.fetch()).await?;
        let scans = rows.into_iter().map(Scan::try_from).collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(scans, page.limit, |s: &Scan| s.id))
    }

    /// One scan (any member).
    pub async fn get(&self, caller: Actor, workspace: WorkspaceId, id: ScanId) -> Result<Scan, ScanError> {
        let mut scope = self.access.reading(caller, workspace, Role::Viewer).await?;
        let conn = &mut scope.db();
        let row = scans::find(conn, workspace, id).await?.ok_or(Failure::NotFound("scan"))?;
        Ok(row.try_into()?)
    }

    /// A page of a scan's open ports in (address, port) order (any member).
    pub async fn results(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: ScanId,
        page: PageRequest<(String, i32)>,
    ) -> Result<Page<ScanResult>, ScanError> {
        self.get(caller, workspace, id).await?;
        let mut pooled = self.store.conn().await?;
        let rows = scans::results(&mut pooled.db(), id, page.after.clone(), page.fetch()).await?;
        let results = rows.into_iter().map(ScanResult::from).collect();
        Ok(Page::from_rows(results, page.limit, |r: &ScanResult| (r.address.clone(), r.port)))
    }

    /// Stops a queued or running scan (editors and admins). A queued scan is
    /// cancelled at once; a running one within a moment, by its worker.
    #[tracing::instrument(skip_all)]
    pub async fn cancel(&self, caller: Actor, workspace: WorkspaceId, id: ScanId) -> Result<Scan, ScanError> {
        let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
        let conn = &mut scope.db();
        let before = scans::find(conn, workspace, id).await?.ok_or(Failure::NotFound("scan"))?;
        if Scan::try_from(before.clone())?.status.is_finished() {
            return Err(ScanError::WrongState("finished"));
        }
        let now = clock::now();
        db_transaction!(conn, |tx| {
            let row = scans::request_cancel(tx, id, now.into()).await?.ok_or(Failure::NotFound("scan"))?;
            if before.status == "queued" && row.status == "cancelled" {
                // A queued scan never reaches a worker: end its stream here.
                let base = scan_queue::record_chunk_events(tx, id, 1).await?;
                let event = ScanEventRow {
                    scan_id: row.id,
                    seq: base + 1,
                    kind: "status".into(),
                    data: json!({"status": "cancelled", "done": 0, "total": row.probes_total,
                                 "open": 0, "closed": 0, "filtered": 0, "error": null})
                    .to_string(),
                    created_at: DbTime::from(now),
                };
                scans::insert_events(tx, vec![event]).await?;
            }
            let scan = Scan::try_from(row)?;
            if scan.status.is_finished() {
                self.outbox
                    .record(tx, workspace, caller, &[Change::new(EventType::ScanCompleted, &scan)])
                    .await?;
            }
            Ok::<_, ScanError>(scan)
        })
    }

    /// Deletes a finished scan with its results (editors and admins).
    #[tracing::instrument(skip_all)]
    pub async fn delete(&self, caller: Actor, workspace: WorkspaceId, id: ScanId) -> Result<(), ScanError> {
        let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
        let conn = &mut scope.db();
        db_transaction!(conn, |tx| {
            let row = scans::find(tx, workspace, id).await?.ok_or(Failure::NotFound("scan"))?;
            let scan = Scan::try_from(row)?;
            if !scan.status.is_finished() {
                return Err(ScanError::WrongState("not finished"));
            }
            scans::delete(tx, id).await?;
            self.outbox.record(tx, workspace, caller, &[Change::new(EventType::ScanDeleted, &scan)]).await?;
            Ok(())
        })
    }

    /// Checks that the caller may watch the scan (any member).
    pub async fn authorize_watch(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: ScanId,
    ) -> Result<(), ScanError> {
        self.get(caller, workspace, id).await.map(|_| ())
    }

    /// Events numbered above `after`, in order (after [`Self::authorize_watch`]).
    pub async fn events_after(
        &self,
        id: ScanId,
        after: i32,
        limit: i64,
    ) -> Result<Vec<ScanEvent>, ScanError> {
        let mut pooled = self.store.conn().await?;
        let rows = scans::events_after(&mut pooled.db(), id, after, limit).await?;
        Ok(rows.into_iter().map(ScanEvent::try_from).collect::<Result<_, _>>()?)
    }

    /// The scan's events numbered above `after`, as they are written, ending
    /// with its `status` event. Read from the database's event log, so it
    /// works whichever instance runs the scan, and a client that reconnects
    /// with the last number it saw continues without gaps. Call
    /// [`Self::authorize_watch`] first.
    pub fn watch(self: &Arc<Self>, id: ScanId, after: i32) -> BoxStream<'static, ScanEvent> {
        struct Watch {
            scans: Arc<ScanService>,
            after: i32,
            buffered: VecDeque<ScanEvent>,
            ended: bool,
        }
        let start = Watch { scans: self.clone(), after, buffered: VecDeque::new(), ended: false };
        futures::stream::unfold(start, move |mut watch| async move {
            loop {
                if let Some(event) = watch.buffered.pop_front() {
                    watch.after = event.seq;
                    watch.ended = event.kind == "status";
                    return Some((event, watch));
                }
                if watch.ended {
                    return None;
                }
                match watch.scans.events_after(id, watch.after, WATCH_BATCH).await {
                    Ok(events) if events.is_empty() => tokio::time::sleep(WATCH_POLL).await,
                    Ok(events) => watch.buffered.extend(events),
                    Err(err) => {
                        tracing::warn!(error = %err, "reading scan events failed; ending the stream");
                        return None;
                    }
                }
            }
        })
        .boxed()
    }
}

/// How often a watched scan's event log is read for new events.
const WATCH_POLL: Duration = Duration::from_millis(100);
/// Most events read at once.
const WATCH_BATCH: i64 = 500;
