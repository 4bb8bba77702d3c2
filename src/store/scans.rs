//! Saving and loading scans, and the job queue they form: claiming with a
//! lease, renewing it, and committing progress only while holding it.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use super::schema::{scan_events, scan_results, scans};
use super::{DbConn, DbTime, DbUuid, StoreError, db_run};

/// A scan as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = scans)]
pub struct ScanRow {
    /// Scan id (UUIDv7).
    pub id: DbUuid,
    /// Its workspace.
    pub workspace_id: DbUuid,
    /// The case its findings are reported to.
    pub case_id: Option<DbUuid>,
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
    pub created_by: DbUuid,
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
    pub scan_id: DbUuid,
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
    pub scan_id: DbUuid,
    /// Its number, from 1, without gaps.
    pub seq: i32,
    /// progress, port_open or status.
    pub kind: String,
    /// Details as JSON.
    pub data: String,
    /// When.
    pub created_at: DbTime,
}

/// Progress of one finished chunk of probes.
#[derive(Debug, Clone, Default)]
pub struct ChunkProgress {
    /// Probes finished in scan order after this chunk.
    pub probes_done: i32,
    /// Open ports in the chunk.
    pub open: i32,
    /// Closed ports in the chunk.
    pub closed: i32,
    /// Filtered ports in the chunk.
    pub filtered: i32,
}

/// Inserts a scan.
pub async fn insert(conn: &mut DbConn<'_>, row: ScanRow) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::insert_into(scans::table).values(row).execute(conn).await?;
        Ok(())
    })
}

/// Loads a scan of a workspace.
pub async fn find(
    conn: &mut DbConn<'_>,
    workspace_id: Uuid,
    id: Uuid,
) -> Result<Option<ScanRow>, StoreError> {
    db_run!(conn: {
        Ok(scans::table
            .filter(scans::id.eq(DbUuid(id)))
            .filter(scans::workspace_id.eq(DbUuid(workspace_id)))
            .select(ScanRow::as_select())
            .first(conn)
            .await
            .optional()?)
    })
}

/// Loads a scan by id alone (for workers).
pub async fn find_by_id(conn: &mut DbConn<'_>, id: Uuid) -> Result<Option<ScanRow>, StoreError> {
    db_run!(conn: {
        Ok(scans::table.find(DbUuid(id)).select(ScanRow::as_select()).first(conn).await.optional()?)
    })
}

/// A workspace's scans, newest first, after the scan id `after`.
pub async fn list(
    conn: &mut DbConn<'_>,
    workspace_id: Uuid,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<ScanRow>, StoreError> {
    let after = DbUuid(after.unwrap_or(Uuid::max()));
    db_run!(conn: {
        Ok(scans::table
            .filter(scans::workspace_id.eq(DbUuid(workspace_id)))
            .filter(scans::id.lt(after))
            .order(scans::id.desc())
            .limit(limit)
            .select(ScanRow::as_select())
            .load(conn)
            .await?)
    })
}

/// Deletes a scan with its results and events.
pub async fn delete(conn: &mut DbConn<'_>, id: Uuid) -> Result<bool, StoreError> {
    db_run!(conn: {
        Ok(diesel::delete(scans::table.find(DbUuid(id))).execute(conn).await? > 0)
    })
}

/// Marks a scan as asked to stop; a queued one is cancelled at once.
/// Returns the row as it is now.
pub async fn request_cancel(
    conn: &mut DbConn<'_>,
    id: Uuid,
    now: DbTime,
) -> Result<Option<ScanRow>, StoreError> {
    db_run!(conn: {
        diesel::update(scans::table.find(DbUuid(id)).filter(scans::status.eq("queued")))
            .set((scans::status.eq("cancelled"), scans::cancel_requested.eq(true), scans::finished_at.eq(Some(now))))
            .execute(conn)
            .await?;
        diesel::update(scans::table.find(DbUuid(id)).filter(scans::status.eq("running")))
            .set(scans::cancel_requested.eq(true))
            .execute(conn)
            .await?;
        Ok(scans::table.find(DbUuid(id)).select(ScanRow::as_select()).first(conn).await.optional()?)
    })
}

/// Whether any scan waits for a worker (a plain read, so idle workers poll
/// without taking SQLite's write lock or PostgreSQL row locks).
pub async fn any_waiting(conn: &mut DbConn<'_>, now: DbTime) -> Result<bool, StoreError> {
    let waiting =
        scans::status.eq("queued").or(scans::status.eq("running").and(scans::lease_expires_at.lt(now)));
    db_run!(conn: {
        Ok(diesel::select(diesel::dsl::exists(scans::table.filter(waiting))).get_result(conn).await?)
    })
}

/// Takes the oldest waiting scan — queued, or running under an expired lease
/// (its worker died) — for `worker` until `lease_until`. On PostgreSQL the
/// candidate row is locked with `FOR UPDATE SKIP LOCKED`, so instances
/// sharing a database take different jobs; SQLite serialises writers.
pub async fn claim(
    conn: &mut DbConn<'_>,
    worker: &str,
    now: DbTime,
    lease_until: DbTime,
) -> Result<Option<ScanRow>, StoreError> {
    let waiting =
        scans::status.eq("queued").or(scans::status.eq("running").and(scans::lease_expires_at.lt(now)));
    let candidate: Option<DbUuid> = match conn {
        DbConn::Postgres(conn) => scans::table
            .filter(waiting)
            .order(scans::created_at.asc())
            .select(scans::id)
            .limit(1)
            .for_update()
            .skip_locked()
            .first(&mut **conn)
            .await
            .optional()?,
        DbConn::Sqlite(conn) => scans::table
            .filter(waiting)
            .order(scans::created_at.asc())
            .select(scans::id)
            .limit(1)
            .first(&mut **conn)
            .await
            .optional()?,
    };
    let Some(id) = candidate else { return Ok(None) };
    db_run!(conn: {
        Ok(diesel::update(scans::table.find(id))
            .set((
                scans::status.eq("running"),
                scans::lease_owner.eq(Some(worker)),
                scans::lease_expires_at.eq(Some(lease_until)),
                scans::attempts.eq(scans::attempts + 1),
                scans::started_at.eq(diesel::dsl::case_when(scans::started_at.is_null(), Some(now)).otherwise(scans::started_at)),
            ))
            .returning(ScanRow::as_returning())
            .get_result(conn)
            .await
            .optional()?)
    })
}

/// Extends `worker`'s lease; `None` when the lease was lost, otherwise
/// whether a cancellation was requested.
pub async fn renew(
    conn: &mut DbConn<'_>,
    id: Uuid,
    worker: &str,
    lease_until: DbTime,
) -> Result<Option<bool>, StoreError> {
    db_run!(conn: {
        Ok(diesel::update(scans::table.find(DbUuid(id)).filter(scans::lease_owner.eq(worker)).filter(scans::status.eq("running")))
            .set(scans::lease_expires_at.eq(Some(lease_until)))
            .returning(scans::cancel_requested)
            .get_result(conn)
            .await
            .optional()?)
    })
}

/// Records a finished chunk (counters and resume point) if `worker` still
/// holds the lease; returns the new event number base, or `None` when the
/// lease was lost. Call inside a transaction with the chunk's results and events.
pub async fn record_chunk(
    conn: &mut DbConn<'_>,
    id: Uuid,
    worker: &str,
    progress: &ChunkProgress,
    events: i32,
) -> Result<Option<i32>, StoreError> {
    db_run!(conn: {
        let seq: Option<i32> = diesel::update(scans::table.find(DbUuid(id)).filter(scans::lease_owner.eq(worker)).filter(scans::status.eq("running")))
            .set((
                scans::probes_done.eq(progress.probes_done),
                scans::open_count.eq(scans::open_count + progress.open),
                scans::closed_count.eq(scans::closed_count + progress.closed),
                scans::filtered_count.eq(scans::filtered_count + progress.filtered),
                scans::event_seq.eq(scans::event_seq + events),
            ))
            .returning(scans::event_seq)
            .get_result(conn)
            .await
            .optional()?;
        Ok(seq.map(|last| last - events))
    })
}

/// Reserves `count` event numbers outside a worker (for a scan cancelled
/// while queued); returns the number before the first.
pub async fn record_chunk_events(conn: &mut DbConn<'_>, id: Uuid, count: i32) -> Result<i32, StoreError> {
    db_run!(conn: {
        let last: i32 = diesel::update(scans::table.find(DbUuid(id)))
            .set(scans::event_seq.eq(scans::event_seq + count))
            .returning(scans::event_seq)
            .get_result(conn)
            .await?;
        Ok(last - count)
    })
}

/// Ends a scan held by `worker` with `status`; returns the event number
/// base for the final event, or `None` when the lease was lost.
pub async fn finish(
    conn: &mut DbConn<'_>,
    id: Uuid,
    worker: &str,
    status: &str,
    error: Option<String>,
    now: DbTime,
) -> Result<Option<ScanRow>, StoreError> {
    db_run!(conn: {
        Ok(diesel::update(scans::table.find(DbUuid(id)).filter(scans::lease_owner.eq(worker)).filter(scans::status.eq("running")))
            .set((
                scans::status.eq(status),
                scans::error.eq(error),
                scans::finished_at.eq(Some(now)),
                scans::lease_owner.eq(None::<String>),
                scans::lease_expires_at.eq(None::<DbTime>),
                scans::event_seq.eq(scans::event_seq + 1),
            ))
            .returning(ScanRow::as_returning())
            .get_result(conn)
            .await
            .optional()?)
    })
}

/// Gives a running scan back to the queue (on shutdown), keeping its progress.
pub async fn release(conn: &mut DbConn<'_>, id: Uuid, worker: &str) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::update(scans::table.find(DbUuid(id)).filter(scans::lease_owner.eq(worker)).filter(scans::status.eq("running")))
            .set((scans::status.eq("queued"), scans::lease_owner.eq(None::<String>), scans::lease_expires_at.eq(None::<DbTime>)))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// Stores open ports; one already stored (a chunk redone after a takeover)
/// is kept as it was.
pub async fn insert_results(conn: &mut DbConn<'_>, rows: Vec<ScanResultRow>) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    match conn {
        DbConn::Postgres(conn) => {
            diesel::insert_into(scan_results::table)
                .values(rows)
                .on_conflict_do_nothing()
                .execute(&mut **conn)
                .await?;
        }
        // diesel-async cannot send multi-row inserts to SQLite: one row each.
        DbConn::Sqlite(conn) => {
            for row in rows {
                diesel::insert_into(scan_results::table)
                    .values(row)
                    .on_conflict_do_nothing()
                    .execute(&mut **conn)
                    .await?;
            }
        }
    }
    Ok(())
}

/// Appends events.
pub async fn insert_events(conn: &mut DbConn<'_>, rows: Vec<ScanEventRow>) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    match conn {
        DbConn::Postgres(conn) => {
            diesel::insert_into(scan_events::table).values(rows).execute(&mut **conn).await?;
        }
        DbConn::Sqlite(conn) => {
            for row in rows {
                diesel::insert_into(scan_events::table).values(row).execute(&mut **conn).await?;
            }
        }
    }
    Ok(())
}

/// Open ports of a scan in (address, port) order, after `after`.
pub async fn results(
    conn: &mut DbConn<'_>,
    scan_id: Uuid,
    after: Option<(String, i32)>,
    limit: i64,
) -> Result<Vec<ScanResultRow>, StoreError> {
    let (address, port) = after.unwrap_or_default();
    db_run!(conn: {
        Ok(scan_results::table
            .filter(scan_results::scan_id.eq(DbUuid(scan_id)))
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
    scan_id: Uuid,
    after: i32,
    limit: i64,
) -> Result<Vec<ScanEventRow>, StoreError> {
    db_run!(conn: {
        Ok(scan_events::table
            .filter(scan_events::scan_id.eq(DbUuid(scan_id)))
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
