//! The scan job queue: claiming a scan with a lease, renewing it, and
//! committing progress only while holding it.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::scans::ScanRow;
use super::schema::scans;
use crate::ids::ScanId;

use super::{DbConn, DbTime, StoreError, db_run, first_unlocked, update_returning};

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
/// (its worker died) — for `worker` until `lease_until`. On PostgreSQL and
/// MySQL/MariaDB the candidate row is locked with `FOR UPDATE SKIP LOCKED`,
/// so instances sharing a database take different jobs; SQLite serialises
/// writers.
pub async fn claim(
    conn: &mut DbConn<'_>,
    worker: &str,
    now: DbTime,
    lease_until: DbTime,
) -> Result<Option<ScanRow>, StoreError> {
    let waiting =
        scans::status.eq("queued").or(scans::status.eq("running").and(scans::lease_expires_at.lt(now)));
    let oldest = scans::table.filter(waiting).order(scans::created_at.asc()).select(scans::id).limit(1);
    let candidate: Option<ScanId> = first_unlocked!(conn, oldest);
    let Some(id) = candidate else { return Ok(None) };
    let update = diesel::update(scans::table.find(id)).set((
        scans::status.eq("running"),
        scans::lease_owner.eq(Some(worker)),
        scans::lease_expires_at.eq(Some(lease_until)),
        scans::attempts.eq(scans::attempts + 1),
        scans::started_at
            .eq(diesel::dsl::case_when(scans::started_at.is_null(), Some(now)).otherwise(scans::started_at)),
    ));
    update_returning!(conn, update, ScanRow::as_returning(), scans::table.find(id))
}

/// Extends `worker`'s lease; `None` when the lease was lost, otherwise
/// whether a cancellation was requested.
pub async fn renew(
    conn: &mut DbConn<'_>,
    id: ScanId,
    worker: &str,
    lease_until: DbTime,
) -> Result<Option<bool>, StoreError> {
    let update = diesel::update(held_by(id, worker)).set(scans::lease_expires_at.eq(Some(lease_until)));
    update_returning!(conn, update, scans::cancel_requested, scans::table.find(id))
}

/// Records a finished chunk (counters and resume point) if `worker` still
/// holds the lease; returns the new event number base, or `None` when the
/// lease was lost. Call inside a transaction with the chunk's results and events.
pub async fn record_chunk(
    conn: &mut DbConn<'_>,
    id: ScanId,
    worker: &str,
    progress: &ChunkProgress,
    events: i32,
) -> Result<Option<i32>, StoreError> {
    let update = diesel::update(held_by(id, worker)).set((
        scans::probes_done.eq(progress.probes_done),
        scans::open_count.eq(scans::open_count + progress.open),
        scans::closed_count.eq(scans::closed_count + progress.closed),
        scans::filtered_count.eq(scans::filtered_count + progress.filtered),
        scans::event_seq.eq(scans::event_seq + events),
    ));
    let seq: Option<i32> = update_returning!(conn, update, scans::event_seq, scans::table.find(id))?;
    Ok(seq.map(|last| last - events))
}

/// Reserves `count` event numbers outside a worker (for a scan cancelled
/// while queued); returns the number before the first.
pub async fn record_chunk_events(conn: &mut DbConn<'_>, id: ScanId, count: i32) -> Result<i32, StoreError> {
    let update = diesel::update(scans::table.find(id)).set(scans::event_seq.eq(scans::event_seq + count));
    let last: Option<i32> = update_returning!(conn, update, scans::event_seq, scans::table.find(id))?;
    let last = last.ok_or(StoreError::Query(diesel::result::Error::NotFound))?;
    Ok(last - count)
}

/// Ends a scan held by `worker` with `status`; returns the event number
/// base for the final event, or `None` when the lease was lost.
pub async fn finish(
    conn: &mut DbConn<'_>,
    id: ScanId,
    worker: &str,
    status: &str,
    error: Option<String>,
    now: DbTime,
) -> Result<Option<ScanRow>, StoreError> {
    let update = diesel::update(held_by(id, worker)).set((
        scans::status.eq(status),
        scans::error.eq(error),
        scans::finished_at.eq(Some(now)),
        scans::lease_owner.eq(None::<String>),
        scans::lease_expires_at.eq(None::<DbTime>),
        scans::event_seq.eq(scans::event_seq + 1),
    ));
    update_returning!(conn, update, ScanRow::as_returning(), scans::table.find(id))
}

/// Gives a running scan back to the queue (on shutdown), keeping its progress.
pub async fn release(conn: &mut DbConn<'_>, id: ScanId, worker: &str) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::update(held_by(id, worker))
            .set((scans::status.eq("queued"), scans::lease_owner.eq(None::<String>), scans::lease_expires_at.eq(None::<DbTime>)))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// The scan `id` while `worker` holds its lease (running, not taken over).
fn held_by(id: ScanId, worker: &str) -> HeldBy<'_> {
    scans::table.find(id).filter(scans::lease_owner.eq(worker)).filter(scans::status.eq("running"))
}

type HeldBy<'a> = diesel::dsl::Filter<
    diesel::dsl::Filter<
        diesel::dsl::Find<scans::table, ScanId>,
        diesel::dsl::Eq<scans::lease_owner, &'a str>,
    >,
    diesel::dsl::Eq<scans::status, &'static str>,
>;
