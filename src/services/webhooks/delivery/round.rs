//! A delivery round: the batch a worker reads for a subscription (its
//! pending deliveries, or else the events after its cursor that it wants),
//! what sending it came to, what that means for the subscription (its
//! verdict: retry, failed for good, failure streak), and how it is stored.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::BATCH;
use crate::platform::clock;
use crate::platform::metrics::METRICS;
use crate::platform::outbound::Answer;
use crate::services::outbox::{delivery_of, wants};
use crate::services::webhooks::retry;
use crate::store::outbox::{DeliveryRow, WorkspaceEventRow};
use crate::store::webhook_queue::{self, AttemptRow, Outgoing};
use crate::store::webhooks::WebhookRow;
use crate::store::{DbConn, DbTime, StoreError};

/// What a batch came to.
pub(super) struct Round {
    /// When the batch was read (before any of it was sent).
    pub(super) read_at: DateTime<Utc>,
    /// Whether the batch was fresh events (no deliveries stored yet)
    /// rather than pending deliveries.
    pub(super) fresh: bool,
    pub(super) delivered: Vec<(Outgoing, Answer, DateTime<Utc>)>,
    pub(super) missed: Option<(Outgoing, Answer, DateTime<Utc>)>,
    /// Where the cursor stands once the round is stored.
    pub(super) cursor: i64,
}

/// A subscription's next batch.
pub(super) struct Batch {
    pub(super) items: Vec<Outgoing>,
    pub(super) fresh: bool,
    /// The cursor before the batch.
    pub(super) from: i64,
    /// The last event read (wanted or not); the cursor when all are sent.
    pub(super) through: i64,
    /// When the first pending delivery is due, if not yet.
    pub(super) parked_until: Option<DateTime<Utc>>,
}

impl Batch {
    /// The pending deliveries due, or else the wanted events after `cursor`.
    /// The subscription's next batch: its events after `cursor` committed
    /// before its first pending delivery (all of them, when none is
    /// pending), or else its pending deliveries that are due. A retry's or
    /// a redelivery's event is behind the cursor; a ping's may be ahead of
    /// it, and waits for the events before it.
    pub(super) async fn next(
        conn: &mut DbConn<'_>,
        hook: &WebhookRow,
        cursor: i64,
    ) -> Result<Self, StoreError> {
        let pending = webhook_queue::head(conn, hook.id, BATCH).await?;
        let before = pending.first().map_or(i64::MAX, |first| first.delivery.seq);
        if before > cursor + 1 {
            let events = webhook_queue::events_after(conn, hook.id, (cursor, before), BATCH).await?;
            if !events.is_empty() || pending.is_empty() {
                return Ok(Self::fresh(hook, cursor, events));
            }
        }
        let now = DbTime::from(clock::now());
        let parked_until = pending
            .first()
            .filter(|first| first.delivery.next_attempt_at > now)
            .map(|first| first.delivery.next_attempt_at.into());
        let items = pending.into_iter().take_while(|item| item.delivery.next_attempt_at <= now).collect();
        Ok(Batch { items, fresh: false, from: cursor, through: cursor, parked_until })
    }

    /// A batch of the wanted ones among `events` (read after `cursor`,
    /// each with the event types the subscription wants).
    fn fresh(hook: &WebhookRow, cursor: i64, events: Vec<(WorkspaceEventRow, String)>) -> Self {
        let through = events.last().map_or(cursor, |(event, _)| event.seq);
        let items = events
            .into_iter()
            .filter(|(event, wanted)| wants(wanted, &event.kind))
            .map(|(event, _)| Outgoing {
                delivery: DeliveryRow::pending(
                    delivery_of(hook.id, event.id),
                    hook.id,
                    event.id,
                    event.seq,
                    event.created_at.into(),
                ),
                kind: event.kind,
                body: event.data,
                committed_at: event.created_at,
            })
            .collect();
        Batch { items, fresh: true, from: cursor, through, parked_until: None }
    }
}

impl Round {
    /// A round of `batch` before anything is sent: the cursor moves past
    /// events only as they are sent (or, all unwanted, at once).
    pub(super) fn new(batch: &Batch, read_at: DateTime<Utc>) -> Self {
        let cursor = if batch.items.is_empty() { batch.through } else { batch.from };
        Self { read_at, fresh: batch.fresh, delivered: Vec::new(), missed: None, cursor }
    }

    /// A round like `first` with nothing sent, to absorb it and those after it.
    pub(super) fn empty(first: &Round) -> Self {
        Self {
            read_at: first.read_at,
            fresh: first.fresh,
            delivered: Vec::new(),
            missed: None,
            cursor: first.cursor,
        }
    }

    /// Takes in `later`'s acknowledged deliveries and its cursor.
    pub(super) fn absorb(&mut self, later: Round) {
        self.delivered.extend(later.delivered);
        self.cursor = later.cursor;
    }
}

/// A round whose first delivery could not be sent at all.
pub(super) fn refused(mut batch: Batch, read_at: DateTime<Utc>, why: String) -> Round {
    let mut round = Round::new(&batch, read_at);
    batch.items.truncate(1);
    if let Some(item) = batch.items.pop() {
        if batch.fresh {
            round.cursor = item.delivery.seq;
        }
        let answer = Answer { status: None, error: Some(why), latency: Duration::ZERO };
        round.missed = Some((item, answer, clock::now()));
    }
    round
}

/// A fresh round's deliveries as stored, each with its first attempt:
/// acknowledged, or (the one that was not) pending until `retry_at`, or
/// failed for good.
pub(super) fn stored(round: &Round, now: DateTime<Utc>, retry_at: Option<DateTime<Utc>>) -> Vec<DeliveryRow> {
    let delivered = round.delivered.iter().map(|sent| {
        DeliveryRow {
            status: "delivered".into(),
            attempts: 1,
            delivered_at: Some(DbTime::from(now)),
            ..sent.0.delivery.clone()
        }
        .with_first_attempt(attempt(sent))
    });
    let missed = round.missed.iter().map(|sent| {
        DeliveryRow {
            status: if retry_at.is_some() { "pending" } else { "failed" }.into(),
            attempts: 1,
            next_attempt_at: retry_at.map_or(sent.0.delivery.next_attempt_at, DbTime::from),
            ..sent.0.delivery.clone()
        }
        .with_first_attempt(attempt(sent))
    });
    delivered.chain(missed).collect()
}

/// What a round's answers mean for its subscription.
pub(super) struct Verdict {
    /// The attempts made, in order (stored as attempt rows unless the
    /// round is fresh: then [`stored`] keeps each in its delivery's row).
    pub(super) attempts: Vec<AttemptRow>,
    /// When to try the missed delivery again, if it is to be retried.
    pub(super) retry_at: Option<DateTime<Utc>>,
    /// Whether the missed delivery failed for good.
    pub(super) failed_for_good: bool,
    /// Deliveries in a row that failed for good, after this round.
    pub(super) streak: i32,
}

impl Verdict {
    /// The verdict on `round` at `now`, for a subscription whose failure
    /// streak stood at `streak`: an acknowledgement ends a streak, a
    /// delivery out of retries adds to it.
    pub(super) fn on(round: &Round, streak: i32, now: DateTime<Utc>) -> Self {
        let mut attempts: Vec<AttemptRow> = round.delivered.iter().map(attempt).collect();
        let mut retry_at = None;
        if let Some(missed) = &round.missed {
            attempts.push(attempt(missed));
            let (item, _, _) = missed;
            let (tries, first) = (item.delivery.attempts + 1, item.delivery.created_at.into());
            retry_at = retry::next_attempt(tries, first, now, retry::jitter());
        }
        let failed_for_good = round.missed.is_some() && retry_at.is_none();
        let streak = if round.delivered.is_empty() { streak } else { 0 } + i32::from(failed_for_good);
        Self { attempts, retry_at, failed_for_good, streak }
    }
}

fn attempt((item, answer, sent_at): &(Outgoing, Answer, DateTime<Utc>)) -> AttemptRow {
    AttemptRow {
        delivery_id: item.delivery.id,
        attempt: item.delivery.attempts + 1,
        started_at: DbTime::from(*sent_at),
        status_code: answer.status.map(i32::from),
        latency_ms: i32::try_from(answer.latency.as_millis()).unwrap_or(i32::MAX),
        error: answer
            .error
            .clone()
            .or_else(|| answer.status.map(|s| format!("answered {s}")))
            .filter(|_| !answer.acknowledged()),
    }
}

pub(super) fn count(round: &Round, failed_for_good: bool) {
    let outcomes = &METRICS.webhook_deliveries;
    outcomes.with_label_values(&["delivered"]).inc_by(round.delivered.len() as u64);
    if round.missed.is_some() {
        outcomes.with_label_values(&[if failed_for_good { "failed" } else { "retrying" }]).inc();
    }
}
