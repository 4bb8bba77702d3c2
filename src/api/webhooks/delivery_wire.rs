//! Wire types of webhook deliveries and their attempts.

use poem_openapi::Object;

use crate::api::common::wire_enum;
use crate::http::wire::{Timestamp, WireId, list_from_page};
use crate::ids::{DeliveryId, EventId};
use crate::services::webhooks::{Attempt, Delivery, DeliveryStatus};

wire_enum!(
    /// Where a delivery stands.
    DeliveryStatusWire("WebhookDeliveryStatus") <=> DeliveryStatus {
        /// Not acknowledged yet; tried again at `next_attempt_at`.
        Pending,
        /// The receiver answered with a 2xx status.
        Delivered,
        /// Retried for 24 hours without a 2xx answer; redeliver to try again.
        Failed,
    }
);

/// One event sent (or to be sent) to one subscription.
#[derive(Debug, Object)]
#[oai(rename = "WebhookDelivery")]
pub struct DeliveryView {
    /// Delivery id, sent as the `webhook-id` header: the same on every
    /// attempt, so receivers can drop duplicates.
    pub id: WireId<DeliveryId>,
    /// The event's id (the envelope's `id`).
    pub event_id: WireId<EventId>,
    /// The event type (`case.created`, ...; `ping` for a test event).
    pub event_type: String,
    /// Where it stands.
    pub status: DeliveryStatusWire,
    /// When the next attempt is due (while pending).
    #[oai(nullable)]
    pub next_attempt_at: Option<Timestamp>,
    /// When the receiver acknowledged it.
    #[oai(nullable)]
    pub delivered_at: Option<Timestamp>,
    /// When the event was queued for this subscription.
    pub created_at: Timestamp,
    /// Every attempt, first first.
    pub attempts: Vec<AttemptView>,
}

/// One try of a delivery.
#[derive(Debug, Object)]
#[oai(rename = "WebhookDeliveryAttempt")]
pub struct AttemptView {
    /// 1 for the first attempt.
    pub attempt: i32,
    /// When the request was sent.
    pub started_at: Timestamp,
    /// The receiver's status code, when it answered.
    #[oai(nullable)]
    pub status_code: Option<i32>,
    /// Time to the answer (or to the error), in milliseconds.
    pub latency_ms: i32,
    /// Why the attempt failed (a non-2xx status, a timeout, a refused
    /// connection, a denied destination); null when it succeeded.
    #[oai(nullable)]
    pub error: Option<String>,
}

/// A page of deliveries.
#[derive(Debug, Object)]
#[oai(rename = "WebhookDeliveryList")]
pub struct DeliveryList {
    /// The deliveries on this page, newest first.
    pub items: Vec<DeliveryView>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

list_from_page!(DeliveryList, Delivery);

impl From<Delivery> for DeliveryView {
    fn from(d: Delivery) -> Self {
        Self {
            id: d.id.into(),
            event_id: d.event_id.into(),
            event_type: d.event_type,
            status: d.status.into(),
            next_attempt_at: d.next_attempt_at.map(Timestamp),
            delivered_at: d.delivered_at.map(Timestamp),
            created_at: Timestamp(d.created_at),
            attempts: d.attempts.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<Attempt> for AttemptView {
    fn from(a: Attempt) -> Self {
        Self {
            attempt: a.number,
            started_at: Timestamp(a.started_at),
            status_code: a.status_code,
            latency_ms: a.latency_ms,
            error: a.error,
        }
    }
}
