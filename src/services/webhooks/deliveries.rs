//! A subscription's deliveries as the domain sees them, with their attempts.

use chrono::{DateTime, Utc};

use crate::ids::{DeliveryId, EventId};
use crate::services::kernel::Corrupt;
use crate::store::outbox::DeliveryRow;
use crate::store::webhook_queue::AttemptRow;

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Not yet acknowledged; tried again at `next_attempt_at`.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Retried for 24 hours without success.
    Failed,
}

/// One event sent (or to be sent) to one subscription.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// Id, sent as the `webhook-id` header.
    pub id: DeliveryId,
    /// The event.
    pub event_id: EventId,
    /// The event type (`case.created`, ..., or `ping`).
    pub event_type: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// When the next attempt is due (pending only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When it was acknowledged.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// Its attempts, first first.
    pub attempts: Vec<Attempt>,
}

/// One try of a delivery.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// 1 for the first.
    pub number: i32,
    /// When it was sent.
    pub started_at: DateTime<Utc>,
    /// The receiver's status code, when it answered.
    pub status_code: Option<i32>,
    /// Time to the answer or the error, in milliseconds.
    pub latency_ms: i32,
    /// Why it failed, when it did.
    pub error: Option<String>,
}

impl Delivery {
    /// A delivery from its row, event type and attempt rows (any order,
    /// any delivery), with the first attempt where its row keeps it.
    pub fn assemble(row: DeliveryRow, event_type: String, attempts: &[AttemptRow]) -> Result<Self, Corrupt> {
        let status = match row.status.as_str() {
            "pending" => DeliveryStatus::Pending,
            "delivered" => DeliveryStatus::Delivered,
            "failed" => DeliveryStatus::Failed,
            other => return Err(Corrupt(format!("delivery {}: status {other:?}", row.id))),
        };
        let first = row.first_attempt();
        let mut attempts: Vec<Attempt> = first
            .iter()
            .chain(attempts.iter().filter(|a| a.delivery_id == row.id))
            .map(|a| Attempt {
                number: a.attempt,
                started_at: a.started_at.into(),
                status_code: a.status_code,
                latency_ms: a.latency_ms,
                error: a.error.clone(),
            })
            .collect();
        attempts.sort_by_key(|a| a.number);
        Ok(Self {
            id: row.id,
            event_id: row.event_id,
            event_type,
            status,
            next_attempt_at: (status == DeliveryStatus::Pending).then(|| row.next_attempt_at.into()),
            delivered_at: row.delivered_at.map(Into::into),
            created_at: row.created_at.into(),
            attempts,
        })
    }
}
