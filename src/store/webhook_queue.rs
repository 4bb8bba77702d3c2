//! The delivery queue: a worker claims a subscription with a lease, sends
//! its pending deliveries (retries, redeliveries, pings), then the
//! workspace's events after its cursor, in commit order. A subscription
//! whose head delivery waits for a retry is parked (no owner,
//! `lease_expires_at` at the retry time), so nothing behind it overtakes it.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::outbox::{DeliveryRow, WorkspaceEventRow};
use super::schema::{webhook_attempts, webhook_deliveries, webhooks, workspace_events, workspaces};
use super::webhooks::WebhookRow;
use crate::ids::{DeliveryId, WebhookId};

use super::{DbConn, DbTime, StoreError, db_run, first_unlocked, insert_rows, update_returning};

/// One attempt at a delivery, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_attempts)]
pub struct AttemptRow {
    /// The delivery.
    pub delivery_id: DeliveryId,
    /// 1 for the first attempt.
    pub attempt: i32,
    /// When the request was sent.
    pub started_at: DbTime,
    /// The receiver's status code, when it answered.
    pub status_code: Option<i32>,
    /// Time to the answer or the error, in milliseconds.
    pub latency_ms: i32,
    /// Why it failed, when it did.
    pub error: Option<String>,
}

/// A pending delivery with what it sends.
#[derive(Debug, Clone, Queryable)]
pub struct Outgoing {
    /// The delivery.
    pub delivery: DeliveryRow,
    /// The event type.
    pub kind: String,
    /// The envelope, as sent.
    pub body: String,
    /// When the event was written (its commit, within a transaction's length).
    pub committed_at: DbTime,
}

/// `status = 'pending'` written out, not bound: the planners of PostgreSQL
/// and SQLite then use the index of pending deliveries, whose predicate
/// this is (a bound value cannot be matched to it).
fn is_pending() -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql("webhook_deliveries.status = 'pending'")
}

/// Subscriptions with work for a worker: active, neither held nor parked,
/// with a pending delivery or events after their cursor.
#[diesel::dsl::auto_type]
fn waiting(now: DbTime) -> _ {
    let pending_only: diesel::expression::SqlLiteral<diesel::sql_types::Bool> = is_pending();
    let pending = webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(webhooks::id))
        .filter(pending_only);
    let behind = workspaces::table
        .filter(workspaces::id.eq(webhooks::workspace_id))
        .filter(workspaces::event_seq.gt(webhooks::event_cursor));
    let free = webhooks::lease_expires_at.is_null().or(webhooks::lease_expires_at.lt(now));
    webhooks::active.eq(true).and(free).and(diesel::dsl::exists(pending).or(diesel::dsl::exists(behind)))
}

/// Whether any subscription waits for a worker (a plain read).
pub async fn any_waiting(conn: &mut DbConn<'_>, now: DbTime) -> Result<bool, StoreError> {
    db_run!(conn: {
        Ok(diesel::select(diesel::dsl::exists(webhooks::table.filter(waiting(now)))).get_result(conn).await?)
    })
}

/// Takes a waiting subscription for `worker` until `lease_until`, locking
/// the candidate with `FOR UPDATE SKIP LOCKED` on PostgreSQL and MySQL so
/// instances take different ones (SQLite serialises writers). Call inside
/// a transaction.
pub async fn claim(
    conn: &mut DbConn<'_>,
    worker: &str,
    now: DbTime,
    lease_until: DbTime,
) -> Result<Option<WebhookRow>, StoreError> {
    let oldest = webhooks::table.filter(waiting(now)).order(webhooks::id.asc()).select(webhooks::id).limit(1);
    let candidate: Option<WebhookId> = first_unlocked!(conn, oldest);
    let Some(id) = candidate else { return Ok(None) };
    let update = diesel::update(webhooks::table.find(id))
        .set((webhooks::lease_owner.eq(Some(worker)), webhooks::lease_expires_at.eq(Some(lease_until))));
    update_returning!(conn, update, WebhookRow::as_returning(), webhooks::table.find(id))
}

/// Extends `worker`'s lease and moves the cursor up to `cursor` (never
/// back); false when the lease was lost (then nothing changes). Called
/// first in a round's transaction, it also locks the subscription until
/// the round is stored.
pub async fn renew(
    conn: &mut DbConn<'_>,
    id: WebhookId,
    worker: &str,
    lease_until: DbTime,
    cursor: i64,
) -> Result<bool, StoreError> {
    db_run!(conn: {
        let held = webhooks::table.filter(webhooks::id.eq(id)).filter(webhooks::lease_owner.eq(worker));
        let ahead = diesel::dsl::case_when::<_, _, diesel::sql_types::BigInt>(webhooks::event_cursor.lt(cursor), cursor)
            .otherwise(webhooks::event_cursor);
        let changes = (webhooks::lease_expires_at.eq(Some(lease_until)), webhooks::event_cursor.eq(ahead));
        Ok(diesel::update(held).set(changes).execute(conn).await? > 0)
    })
}

/// Lets go of a subscription; with `resume_at`, it is parked until then.
pub async fn release(
    conn: &mut DbConn<'_>,
    id: WebhookId,
    worker: &str,
    resume_at: Option<DbTime>,
) -> Result<(), StoreError> {
    db_run!(conn: {
        let held = webhooks::table.filter(webhooks::id.eq(id)).filter(webhooks::lease_owner.eq(worker));
        diesel::update(held)
            .set((webhooks::lease_owner.eq(None::<String>), webhooks::lease_expires_at.eq(resume_at)))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// Ends a parked subscription's wait (a redelivery or a ping goes now).
pub async fn unpark(conn: &mut DbConn<'_>, id: WebhookId) -> Result<(), StoreError> {
    db_run!(conn: {
        let parked = webhooks::table.filter(webhooks::id.eq(id)).filter(webhooks::lease_owner.is_null());
        diesel::update(parked).set(webhooks::lease_expires_at.eq(None::<DbTime>)).execute(conn).await?;
        Ok(())
    })
}

/// The first `limit` pending deliveries of an active subscription, due or
/// not, in commit order.
pub async fn head(
    conn: &mut DbConn<'_>,
    webhook: WebhookId,
    limit: i64,
) -> Result<Vec<Outgoing>, StoreError> {
    db_run!(conn: {
        Ok(webhook_deliveries::table
            .inner_join(workspace_events::table)
            .inner_join(webhooks::table)
            .filter(webhooks::active.eq(true))
            .filter(webhook_deliveries::webhook_id.eq(webhook))
            .filter(is_pending())
            .order(webhook_deliveries::seq.asc())
            .limit(limit)
            .select((
                DeliveryRow::as_select(),
                workspace_events::kind,
                workspace_events::data,
                workspace_events::created_at,
            ))
            .load(conn)
            .await?)
    })
}

/// Up to `limit` events of an active subscription's workspace numbered
/// strictly between `after` (and its stored cursor, which turning it on
/// again moves ahead) and `before`, in commit order, with the event types
/// it wants now (as JSON); none once it is turned off (checked in the same
/// statement, so an event committed after it was turned off is never read). Events are numbered under the workspace's row lock and commit in
/// that order, so when one is visible every earlier one is.
pub async fn events_after(
    conn: &mut DbConn<'_>,
    webhook: WebhookId,
    (after, before): (i64, i64),
    limit: i64,
) -> Result<Vec<(WorkspaceEventRow, String)>, StoreError> {
    db_run!(conn: {
        let subscribed = webhooks::workspace_id.eq(workspace_events::workspace_id);
        Ok(workspace_events::table
            .inner_join(webhooks::table.on(subscribed))
            .filter(webhooks::id.eq(webhook))
            .filter(webhooks::active.eq(true))
            .filter(workspace_events::seq.gt(webhooks::event_cursor))
            .filter(workspace_events::seq.gt(after))
            .filter(workspace_events::seq.lt(before))
            .order(workspace_events::seq.asc())
            .limit(limit)
            .select((WorkspaceEventRow::as_select(), webhooks::events))
            .load(conn)
            .await?)
    })
}

/// Records attempts.
pub async fn record_attempts(conn: &mut DbConn<'_>, attempts: Vec<AttemptRow>) -> Result<(), StoreError> {
    insert_rows!(conn, webhook_attempts::table, attempts)
}

/// Marks deliveries acknowledged at `at`, counting one more attempt each;
/// one queued again after `read_at` (a redelivery asked for while it was
/// on its way) stays pending, to be sent again.
pub async fn delivered(
    conn: &mut DbConn<'_>,
    ids: &[DeliveryId],
    at: DbTime,
    read_at: DbTime,
) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let sent = || webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(ids));
    db_run!(conn: {
        let acknowledged = sent().filter(webhook_deliveries::next_attempt_at.le(read_at));
        diesel::update(sent()).set(webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1)).execute(conn).await?;
        diesel::update(acknowledged)
            .set((webhook_deliveries::status.eq("delivered"), webhook_deliveries::delivered_at.eq(Some(at))))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// Records a failed attempt: pending again at `retry_at`, or `failed` for good.
pub async fn missed(
    conn: &mut DbConn<'_>,
    id: DeliveryId,
    retry_at: Option<DbTime>,
) -> Result<(), StoreError> {
    let row = webhook_deliveries::table.find(id);
    db_run!(conn: {
        match retry_at {
            Some(at) => diesel::update(row)
                .set((webhook_deliveries::next_attempt_at.eq(at), webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1)))
                .execute(conn)
                .await?,
            None => diesel::update(row)
                .set((webhook_deliveries::status.eq("failed"), webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1)))
                .execute(conn)
                .await?,
        };
        Ok(())
    })
}

/// Sets a subscription's run of deliveries failed for good.
pub async fn set_failure_streak(conn: &mut DbConn<'_>, id: WebhookId, streak: i32) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::update(webhooks::table.find(id)).set(webhooks::failure_streak.eq(streak)).execute(conn).await?;
        Ok(())
    })
}

/// Deactivates a subscription for `reason`, if still active; answers it.
pub async fn disable(
    conn: &mut DbConn<'_>,
    id: WebhookId,
    reason: &str,
    now: DbTime,
) -> Result<Option<WebhookRow>, StoreError> {
    let update =
        diesel::update(webhooks::table.filter(webhooks::id.eq(id)).filter(webhooks::active.eq(true))).set((
            webhooks::active.eq(false),
            webhooks::disabled_reason.eq(Some(reason)),
            webhooks::version.eq(webhooks::version + 1),
            webhooks::updated_at.eq(now),
        ));
    update_returning!(conn, update, WebhookRow::as_returning(), webhooks::table.find(id))
}

/// Deliveries owed to active subscriptions (pending ones, and events
/// after their cursors, wanted or not), and the commit time of the oldest
/// (for metrics).
pub async fn backlog(conn: &mut DbConn<'_>) -> Result<(i64, Option<DbTime>), StoreError> {
    let (pending, oldest_pending): (i64, Option<DbTime>) = db_run!(conn: {
        Ok::<_, StoreError>(webhook_deliveries::table
            .inner_join(webhooks::table)
            .filter(is_pending())
            .filter(webhooks::active.eq(true))
            .select((diesel::dsl::count_star(), diesel::dsl::min(webhook_deliveries::created_at)))
            .get_result(conn)
            .await?)
    })?;
    let (behind, oldest_behind): (i64, Option<DbTime>) = db_run!(conn: {
        let after_cursor = webhooks::workspace_id
            .eq(workspace_events::workspace_id)
            .and(workspace_events::seq.gt(webhooks::event_cursor));
        Ok::<_, StoreError>(workspace_events::table
            .inner_join(webhooks::table.on(after_cursor))
            .filter(webhooks::active.eq(true))
            .select((diesel::dsl::count_star(), diesel::dsl::min(workspace_events::created_at)))
            .get_result(conn)
            .await?)
    })?;
    let oldest = [oldest_pending, oldest_behind].into_iter().flatten().min();
    Ok((pending + behind, oldest))
}
