//! Saving and loading scans, their open ports and their event log. The job
//! queue they form (claiming, leases, committing progress) is `scan_queue`.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::schema::{scan_events, scan_results, scans};
use crate::ids::{AccountId, CaseId, ScanId, WorkspaceId};

use super::{DbConn, DbTime, StoreError, db_run, insert_rows};

/// A scan as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = scans)]
pub struct ScanRow {
    /// Scan id (UUIDv7).
    pub id: ScanId,
    /// Its workspace.
    pub workspace_id: WorkspaceId,
    /// The case its findings are reported to.
    pub case_id: Option<CaseId>,
    /// Target, canonical text.
    pub target: String,
    /// Port spec, canonical text.
    pub ports: String,
    /// Per-probe timeout.
    pub timeout_ms: i32,
    /// Probes in flight at once.
    pub concurrency: i32,
    /// queued, running, completed, failed or cancelled.
    pub status: String,
    /// Probes in all.
    pub probes_total: i32,
    /// Probes finished, in scan order.
    pub probes_done: i32,
    /// Open ports found.
    pub open_count: i32,
    /// Ports that refused.
    pub closed_count: i32,
    /// Ports that did not answer.
    pub filtered_count: i32,
    /// Why it failed.
    pub error: Option<String>,
    /// A client asked to stop it.
    pub cancel_requested: bool,
    /// The worker holding it.
    pub lease_owner: Option<String>,
    /// Until when.
    pub lease_expires_at: Option<DbTime>,
    /// How many times a worker took it.
    pub attempts: i32,
    /// The last event number.
    pub event_seq: i32,
    /// Who asked for it.
    pub created_by: AccountId,
    /// Whether a `person` or a `service_account` acted.
    pub created_by_kind: String,
    /// When.
    pub created_at: DbTime,
    /// When a worker first took it.
    pub started_at: Option<DbTime>,
    /// When it ended.
    pub finished_at: Option<DbTime>,
}

/// An open port as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = scan_results)]
pub struct ScanResultRow {
    /// The scan.
    pub scan_id: ScanId,
    /// The address, as text.
    pub address: String,
    /// The port.
    pub port: i32,
    /// Time to connect, in microseconds.
    pub latency_us: i32,
    /// What the service said first, if anything.
    pub banner: Option<String>,
    /// When it was found.
    pub found_at: DbTime,
}

/// A scan event as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = scan_events)]
pub struct ScanEventRow {
    /// The scan.
    pub scan_id: ScanId,
    /// Its number, from 1, without gaps.
    pub seq: i32,
    /// progress, port_open or status.
    pub kind: String,
    /// Details as JSON.
    pub data: String,
    /// When.
    pub created_at: DbTime,
}

/// Inserts a scan.
pub async fn insert(conn: &mut DbConn<'_>, row: &ScanRow) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::insert_into(scans::table).values(row).execute(conn).await?;
        Ok(())
    })
}

/// Loads a scan of a workspace.
pub async fn find(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    id: ScanId,
) -> Result<Option<ScanRow>, StoreError> {
    db_run!(conn: {
        Ok(scans::table
            .filter(scans::id.eq(id))
            .filter(scans::workspace_id.eq(workspace_id))
            .select(ScanRow::as_select())
            .first(conn)
            .await
            .optional()?)
    })
}

/// Loads a scan by id alone (for workers).
pub async fn find_by_id(conn: &mut DbConn<'_>, id: ScanId) -> Result<Option<ScanRow>, StoreError> {
    db_run!(conn: {
        Ok(scans::table.find(id).select(ScanRow::as_select()).first(conn).await.optional()?)
    })
}

/// A workspace's scans, newest first, after the scan id `after`; only
/// those linked to the case given and with any of the statuses given
/// (any, when none is).
pub async fn list(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    (case_id, statuses): (Option<CaseId>, &[&str]),
    after: Option<ScanId>,
    limit: i64,
) -> Result<Vec<ScanRow>, StoreError> {
    let after = after.unwrap_or(ScanId::MAX);
    let statuses: Vec<String> = statuses.iter().map(|s| (*s).to_owned()).collect();
    db_run!(conn: {
        let mut query = scans::table.into_boxed();
        if let Some(case_id) = case_id {
            query = query.filter(scans::case_id.eq(case_id));
        }
        if !statuses.is_empty() {
            query = query.filter(scans::status.eq_any(statuses.clone()));
        }
        Ok(query
            .filter(scans::workspace_id.eq(workspace_id))
            .filter(scans::id.lt(after))
            .order(scans::id.desc())
            .limit(limit)
            .select(ScanRow::as_select())
            .load(conn)
            .await?)
    })
}

/// Deletes a scan with its results and events.
pub async fn delete(conn: &mut DbConn<'_>, id: ScanId) -> Result<bool, StoreError> {
    db_run!(conn: {
        Ok(diesel::delete(scans::table.find(id)).execute(conn).await? > 0)
    })
}

/// Marks a scan as asked to stop; a queued one is cancelled at once.
/// Returns the row as it is now.
pub async fn request_cancel(
    conn: &mut DbConn<'_>,
    id: ScanId,
    now: DbTime,
) -> Result<Option<ScanRow>, StoreError> {
    db_run!(conn: {
        diesel::update(scans::table.find(id).filter(scans::status.eq("queued")))
            .set((scans::status.eq("cancelled"), scans::cancel_requested.eq(true), scans::finished_at.eq(Some(now))))
            .execute(conn)
            .await?;
        diesel::update(scans::table.find(id).filter(scans::status.eq("running")))
            .set(scans::cancel_requested.eq(true))
            .execute(conn)
            .await?;
        Ok(scans::table.find(id).select(ScanRow::as_select()).first(conn).await.optional()?)
    })
}

/// Stores open ports; one already stored (a chunk redone after a takeover)
/// is kept as it was.
pub async fn insert_results(conn: &mut DbConn<'_>, rows: &[ScanResultRow]) -> Result<(), StoreError> {
    insert_rows!(conn, scan_results::table, rows, on_conflict_do_nothing)
}

/// Appends events.
pub async fn insert_events(conn: &mut DbConn<'_>, rows: Vec<ScanEventRow>) -> Result<(), StoreError> {
    insert_rows!(conn, scan_events::table, rows)
}

/// Open ports of a scan in (address, port) order, after `after`.
pub async fn results(
    conn: &mut DbConn<'_>,
    scan_id: ScanId,
    after: Option<(String, i32)>,
    limit: i64,
) -> Result<Vec<ScanResultRow>, StoreError> {
    let (address, port) = after.unwrap_or_default();
    db_run!(conn: {
        Ok(scan_results::table
            .filter(scan_results::scan_id.eq(scan_id))
            .filter(scan_results::address.ge(address.clone()).and(scan_results::address.gt(address).or(scan_results::port.gt(port))))
            .order((scan_results::address.asc(), scan_results::port.asc()))
            .limit(limit)
            .select(ScanResultRow::as_select())
            .load(conn)
            .await?)
    })
}

/// A scan's events numbered above `after`, in order.
pub async fn events_after(
    conn: &mut DbConn<'_>,
    scan_id: ScanId,
    after: i32,
    limit: i64,
) -> Result<Vec<ScanEventRow>, StoreError> {
    db_run!(conn: {
        Ok(scan_events::table
            .filter(scan_events::scan_id.eq(scan_id))
            .filter(scan_events::seq.gt(after))
            .order(scan_events::seq.asc())
            .limit(limit)
            .select(ScanEventRow::as_select())
            .load(conn)
            .await?)
    })
}

/// How many scans there are in each status.
pub async fn count_by_status(conn: &mut DbConn<'_>) -> Result<Vec<(String, i64)>, StoreError> {
    db_run!(conn: {
        Ok(scans::table
            .group_by(scans::status)
            .select((scans::status, diesel::dsl::count_star()))
            .load(conn)
            .await?)
    })
}
