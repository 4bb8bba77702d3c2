//! Reading a subscription's deliveries and their attempts, and queueing
//! one again.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::outbox::DeliveryRow;
use super::schema::{webhook_attempts, webhook_deliveries, workspace_events};
use super::webhook_queue::AttemptRow;
use crate::ids::{DeliveryId, WebhookId};

use super::{DbConn, DbTime, StoreError, db_run};

/// Up to `limit` deliveries of a subscription, newest first, before
/// `before`, each with its event type.
pub async fn list(
    conn: &mut DbConn<'_>,
    webhook: WebhookId,
    before: DeliveryId,
    limit: i64,
) -> Result<Vec<(DeliveryRow, String)>, StoreError> {
    db_run!(conn: {
        Ok(webhook_deliveries::table
            .inner_join(workspace_events::table)
            .filter(webhook_deliveries::webhook_id.eq(webhook))
            .filter(webhook_deliveries::id.lt(before))
            .order(webhook_deliveries::id.desc())
            .limit(limit)
            .select((DeliveryRow::as_select(), workspace_events::kind))
            .load(conn)
            .await?)
    })
}

/// One delivery of a subscription, with its event type.
pub async fn find(
    conn: &mut DbConn<'_>,
    webhook: WebhookId,
    id: DeliveryId,
) -> Result<Option<(DeliveryRow, String)>, StoreError> {
    db_run!(conn: {
        Ok(webhook_deliveries::table
            .inner_join(workspace_events::table)
            .filter(webhook_deliveries::webhook_id.eq(webhook))
            .filter(webhook_deliveries::id.eq(id))
            .select((DeliveryRow::as_select(), workspace_events::kind))
            .get_result(conn)
            .await
            .optional()?)
    })
}

/// The attempts at the given deliveries, in order.
pub async fn attempts(conn: &mut DbConn<'_>, ids: &[DeliveryId]) -> Result<Vec<AttemptRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    db_run!(conn: {
        Ok(webhook_attempts::table
            .filter(webhook_attempts::delivery_id.eq_any(ids))
            .order((webhook_attempts::delivery_id, webhook_attempts::attempt))
            .select(AttemptRow::as_select())
            .load(conn)
            .await?)
    })
}

/// Queues a delivery again, due at `now`.
pub async fn requeue(conn: &mut DbConn<'_>, id: DeliveryId, now: DbTime) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::update(webhook_deliveries::table.find(id))
            .set((
                webhook_deliveries::status.eq("pending"),
                webhook_deliveries::next_attempt_at.eq(now),
                webhook_deliveries::delivered_at.eq(None::<DbTime>),
            ))
            .execute(conn)
            .await?;
        Ok(())
    })
}
