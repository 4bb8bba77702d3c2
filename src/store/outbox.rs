//! The outbox: workspace events, written in the transaction of the change
//! they report, and the deliveries made of them.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::schema::{webhook_deliveries, workspace_events, workspaces};
use super::webhook_queue::AttemptRow;
use crate::ids::{AccountId, CaseId, DeliveryId, EventId, WebhookId, WorkspaceId};

use super::{DbConn, DbTime, StoreError, db_run, insert_rows, update_returning};

/// A workspace event as stored: the envelope deliveries carry.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = workspace_events)]
pub struct WorkspaceEventRow {
    /// Event id (UUIDv7).
    pub id: EventId,
    /// Its workspace.
    pub workspace_id: WorkspaceId,
    /// Its place in the workspace's commit order.
    pub seq: i64,
    /// The event type (`case.created`, ...).
    pub kind: String,
    /// Who acted.
    pub actor_id: AccountId,
    /// `person` or `service_account`.
    pub actor_kind: String,
    /// The whole envelope, as JSON text: what is POSTed, byte for byte.
    pub data: String,
    /// When it was written.
    pub created_at: DbTime,
    /// The type of resource it concerns (`case`, `member`...).
    pub resource_type: String,
    /// The case that resource belongs to, if any (a case's own events,
    /// and those of its comments, tasks, observables and attachments).
    pub case_id: Option<CaseId>,
}

/// One event owed to one subscription.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    /// Delivery id (UUIDv7), sent as `webhook-id`: the same on every attempt.
    pub id: DeliveryId,
    /// The subscription.
    pub webhook_id: WebhookId,
    /// The event.
    pub event_id: EventId,
    /// The event's place in its workspace's commit order.
    pub seq: i64,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    /// Attempts made.
    pub attempts: i32,
    /// When the next attempt is due (while pending).
    pub next_attempt_at: DbTime,
    /// When the receiver acknowledged it.
    pub delivered_at: Option<DbTime>,
    /// When it was queued.
    pub created_at: DbTime,
    /// When the first attempt was sent, if it is stored here (as it is
    /// when the delivery is stored after it; see [`DeliveryRow::first_attempt`]).
    pub first_started_at: Option<DbTime>,
    /// The first attempt's status code, when the receiver answered.
    pub first_status_code: Option<i32>,
    /// The first attempt's time to the answer or the error, in milliseconds.
    pub first_latency_ms: Option<i32>,
    /// Why the first attempt failed, when it did.
    pub first_error: Option<String>,
}

impl DeliveryRow {
    /// A delivery of event `event_id` (number `seq`) to `webhook_id`, due now.
    pub fn pending(
        id: DeliveryId,
        webhook_id: WebhookId,
        event_id: EventId,
        seq: i64,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Self {
        let now = DbTime::from(now);
        Self {
            id,
            webhook_id,
            event_id,
            seq,
            status: "pending".into(),
            attempts: 0,
            next_attempt_at: now,
            delivered_at: None,
            created_at: now,
            first_started_at: None,
            first_status_code: None,
            first_latency_ms: None,
            first_error: None,
        }
    }

    /// This delivery with `first` as its first attempt, stored in its row
    /// (a delivery stored once it was sent needs no attempt row of its own).
    pub fn with_first_attempt(self, first: AttemptRow) -> Self {
        Self {
            first_started_at: Some(first.started_at),
            first_status_code: first.status_code,
            first_latency_ms: Some(first.latency_ms),
            first_error: first.error,
            ..self
        }
    }

    /// The first attempt, when it is stored in this row; the others (and
    /// the first of a delivery queued before it was sent, such as a ping)
    /// are attempt rows.
    pub fn first_attempt(&self) -> Option<AttemptRow> {
        Some(AttemptRow {
            delivery_id: self.id,
            attempt: 1,
            started_at: self.first_started_at?,
            status_code: self.first_status_code,
            latency_ms: self.first_latency_ms.unwrap_or(0),
            error: self.first_error.clone(),
        })
    }
}

/// Reserves `count` numbers of the workspace's event sequence; answers the
/// last. The workspace row stays locked until the transaction ends, so
/// numbers follow commit order.
pub async fn reserve(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    count: i64,
) -> Result<Option<i64>, StoreError> {
    let update = diesel::update(workspaces::table.find(workspace))
        .set(workspaces::event_seq.eq(workspaces::event_seq + count));
    update_returning!(conn, update, workspaces::event_seq, workspaces::table.find(workspace))
}

/// Appends events.
pub async fn append(conn: &mut DbConn<'_>, events: Vec<WorkspaceEventRow>) -> Result<(), StoreError> {
    insert_rows!(conn, workspace_events::table, events)
}

/// Stores deliveries.
pub async fn insert_deliveries(
    conn: &mut DbConn<'_>,
    deliveries: Vec<DeliveryRow>,
) -> Result<(), StoreError> {
    insert_rows!(conn, webhook_deliveries::table, deliveries)
}

/// The number of the workspace's latest event (committed, or being
/// committed by the transaction holding the row lock).
pub async fn latest(conn: &mut DbConn<'_>, workspace: WorkspaceId) -> Result<Option<i64>, StoreError> {
    db_run!(conn: {
        Ok(workspaces::table.find(workspace).select(workspaces::event_seq).get_result(conn).await.optional()?)
    })
}

/// The event of a delivery.
pub async fn event(conn: &mut DbConn<'_>, id: EventId) -> Result<Option<WorkspaceEventRow>, StoreError> {
    db_run!(conn: {
        Ok(workspace_events::table
            .find(id)
            .select(WorkspaceEventRow::as_select())
            .get_result(conn)
            .await
            .optional()?)
    })
}
