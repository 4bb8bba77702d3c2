//! Delivery workers inside the server: each claims a subscription with
//! pending deliveries from the database with a lease (on any instance,
//! the pattern of the scan queue), sends them one by one in commit order,
//! and commits each batch's outcomes. A failed delivery parks its
//! subscription until the retry is due, so nothing overtakes it. A worker
//! that dies leaves its lease to expire; whatever it sent but did not
//! commit is sent again (at least once: `webhook-id` lets receivers drop
//! duplicates).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::retry::{self, FAILURES_BEFORE_DISABLE};
use super::{Destinations, SecretBox, Webhook, signing};
use crate::platform::clock;
use crate::platform::metrics::METRICS;
use crate::platform::outbound::{Answer, Outbound};
use crate::services::outbox::{Change, EventType, Outbox};
use crate::store::webhook_queue::{self, AttemptRow, Outgoing};
use crate::store::webhooks::WebhookRow;
use crate::store::{DbConn, DbTime, Store, StoreError, db_transaction};

/// Deliveries read at a time.
const BATCH: i64 = 100;
/// Pauses before the claims that follow a wake, last first.
const AFTER_WAKE: [Duration; 3] =
    [Duration::from_millis(100), Duration::from_millis(20), Duration::from_millis(2)];
/// How long a worker keeps a drained subscription, looking for more every
/// [`LINGER_STEP`], before letting it go: under a steady flow of events
/// one worker keeps it, without claiming it again for each.
const LINGER: Duration = Duration::from_millis(250);
const LINGER_STEP: Duration = Duration::from_millis(10);

/// How the workers run.
#[derive(Debug, Clone)]
pub struct DeliverySettings {
    /// Workers per instance (subscriptions delivered at once).
    pub workers: usize,
    /// How long a claim lasts without renewal.
    pub lease: Duration,
    /// How often idle workers look for work recorded by other instances.
    pub poll_interval: Duration,
}

/// Sends the deliveries of the outbox.
pub struct Deliverer {
    store: Store,
    outbox: Outbox,
    secrets: Arc<SecretBox>,
    destinations: Arc<Destinations>,
    outbound: Outbound,
    settings: DeliverySettings,
    instance: String,
}

/// What a batch came to.
struct Round {
    /// When the batch was read (before any of it was sent).
    read_at: DateTime<Utc>,
    delivered: Vec<(Outgoing, Answer, DateTime<Utc>)>,
    missed: Option<(Outgoing, Answer, DateTime<Utc>)>,
}

impl Deliverer {
    /// Workers over `store`, woken by `outbox`.
    pub fn new(
        store: Store,
        outbox: Outbox,
        secrets: Arc<SecretBox>,
        destinations: Arc<Destinations>,
        settings: DeliverySettings,
    ) -> Self {
        let instance = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
        Self { store, outbox, secrets, destinations, outbound: Outbound::default(), settings, instance }
    }

    /// Starts the workers; they stop between batches when `shutdown` fires.
    pub fn start(self: Arc<Self>, shutdown: CancellationToken) -> Vec<JoinHandle<()>> {
        (0..self.settings.workers)
            .map(|n| tokio::spawn(self.clone().work(format!("{}-{n}", self.instance), shutdown.clone())))
            .collect()
    }

    async fn work(self: Arc<Self>, worker: String, shutdown: CancellationToken) {
        // Claims left to try soon after a wake: the event was recorded inside
        // a transaction that may not have committed yet.
        let mut eager = 0;
        while !shutdown.is_cancelled() {
            match self.claim(&worker).await {
                Ok(Some(hook)) => {
                    let id = hook.id;
                    let dispatch = self.outbox.dispatch();
                    dispatch.hold(id);
                    let delivered = self.deliver(&worker, hook, &shutdown).await;
                    dispatch.let_go(id);
                    // An event recorded while it was let go woke nobody.
                    eager = AFTER_WAKE.len();
                    if let Err(err) = delivered {
                        tracing::warn!(webhook_id = %id, error = %err, "delivering webhooks failed; will retry");
                        tokio::time::sleep(self.settings.poll_interval).await;
                        if let Ok(mut pooled) = self.store.conn().await {
                            let _ = webhook_queue::release(&mut pooled.db(), id, &worker, None).await;
                        }
                    }
                }
                Ok(None) if eager > 0 => {
                    eager -= 1;
                    tokio::time::sleep(AFTER_WAKE[eager]).await;
                }
                Ok(None) => tokio::select! {
                    () = shutdown.cancelled() => break,
                    () = self.outbox.dispatch().wanted() => eager = AFTER_WAKE.len(),
                    () = tokio::time::sleep(self.settings.poll_interval) => {}
                },
                Err(err) => {
                    tracing::warn!(error = %err, "claiming webhook deliveries failed");
                    tokio::time::sleep(self.settings.poll_interval).await;
                }
            }
        }
    }

    async fn claim(&self, worker: &str) -> Result<Option<WebhookRow>, StoreError> {
        let now = clock::now();
        let until = DbTime::from(now + lease(self.settings.lease));
        let mut pooled = self.store.conn().await?;
        let conn = &mut pooled.db();
        let now = DbTime::from(now);
        if !webhook_queue::any_waiting(conn, now).await? {
            return Ok(None);
        }
        db_transaction!(conn, |tx| { webhook_queue::claim(tx, worker, now, until).await })
    }

    /// Sends a claimed subscription's deliveries until none is left, one
    /// fails, the lease is half spent or the server stops.
    #[tracing::instrument(skip_all, fields(webhook_id = %hook.id))]
    async fn deliver(
        &self,
        worker: &str,
        hook: WebhookRow,
        shutdown: &CancellationToken,
    ) -> Result<(), StoreError> {
        let started = Instant::now();
        let mut streak = hook.failure_streak;
        let mut resume_at = None;
        let (url, secrets) = (Url::parse(&hook.url), self.signing_secrets(&hook));
        let mut idle_since = Instant::now();
        while !shutdown.is_cancelled() && started.elapsed() < self.settings.lease / 2 {
            let read_at = clock::now();
            let batch = {
                let mut pooled = self.store.conn().await?;
                webhook_queue::head(&mut pooled.db(), hook.id, DbTime::from(read_at), BATCH).await?
            };
            if batch.is_empty() {
                if idle_since.elapsed() >= LINGER {
                    break;
                }
                tokio::time::sleep(LINGER_STEP).await;
                continue;
            }
            idle_since = Instant::now();
            let round = match (&url, &secrets) {
                (Ok(url), Ok(secrets)) => self.send(url, secrets, batch, (read_at, started)).await,
                (Err(_), _) => refused(batch, read_at, "the subscription's URL cannot be read".into()),
                (_, Err(why)) => refused(batch, read_at, why.clone()),
            };
            let (held, next) = self.settle(worker, &hook, &round, &mut streak).await?;
            resume_at = next;
            if !held || resume_at.is_some() {
                break;
            }
        }
        let mut pooled = self.store.conn().await?;
        webhook_queue::release(&mut pooled.db(), hook.id, worker, resume_at.map(DbTime::from)).await
    }

    /// Sends deliveries in order until one is not acknowledged.
    async fn send(
        &self,
        url: &Url,
        secrets: &[String],
        batch: Vec<Outgoing>,
        (read_at, started): (DateTime<Utc>, Instant),
    ) -> Round {
        let addresses = match self.destinations.resolve(url).await {
            Ok(addresses) => addresses,
            Err(why) => return refused(batch, read_at, format!("the destination {why}")),
        };
        let mut round = Round { read_at, delivered: Vec::new(), missed: None };
        for item in batch {
            if started.elapsed() >= self.settings.lease / 2 {
                break;
            }
            let sent_at = clock::now();
            let id = self.outbox.delivery_id(item.delivery.id);
            let timestamp = sent_at.timestamp();
            let headers = [
                ("content-type", "application/json".to_owned()),
                ("webhook-id", id.clone()),
                ("webhook-timestamp", timestamp.to_string()),
                ("webhook-signature", signing::signature(secrets, &id, timestamp, item.body.as_bytes())),
                ("casebook-event", item.kind.clone()),
            ];
            let answer = self.outbound.post(url, &addresses, &headers, item.body.clone()).await;
            if answer.acknowledged() {
                let committed: DateTime<Utc> = item.committed_at.into();
                let latency = (clock::now() - committed).to_std().unwrap_or_default();
                METRICS.webhook_delivery_latency.observe(latency.as_secs_f64());
                round.delivered.push((item, answer, sent_at));
            } else {
                round.missed = Some((item, answer, sent_at));
                break;
            }
        }
        round
    }

    /// Commits a round: acknowledged deliveries, the attempt that failed
    /// (a retry, or failed for good), the failure streak (deactivating the
    /// subscription at its limit, with a `webhook.disabled` event), and a
    /// renewed lease. Answers whether the lease is still held and when to
    /// resume if the subscription must wait for a retry.
    async fn settle(
        &self,
        worker: &str,
        hook: &WebhookRow,
        round: &Round,
        streak: &mut i32,
    ) -> Result<(bool, Option<DateTime<Utc>>), StoreError> {
        let now = clock::now();
        let mut attempts: Vec<AttemptRow> = round.delivered.iter().map(attempt).collect();
        let mut retry_at = None;
        let mut failed_for_good = false;
        if let Some(missed) = &round.missed {
            attempts.push(attempt(missed));
            let (item, _, _) = missed;
            retry_at = retry::next_attempt(
                item.delivery.attempts + 1,
                item.delivery.created_at.into(),
                now,
                retry::jitter(),
            );
            failed_for_good = retry_at.is_none();
        }
        let before = *streak;
        if !round.delivered.is_empty() {
            *streak = 0;
        }
        if failed_for_good {
            *streak += 1;
        }
        let ids: Vec<_> = round.delivered.iter().map(|(item, _, _)| item.delivery.id).collect();
        let until = DbTime::from(now + lease(self.settings.lease));
        let mut pooled = self.store.conn().await?;
        let conn = &mut pooled.db();
        let held = db_transaction!(conn, |tx| {
            webhook_queue::delivered(tx, &ids, DbTime::from(now), DbTime::from(round.read_at)).await?;
            if let Some((item, _, _)) = &round.missed {
                webhook_queue::missed(tx, item.delivery.id, retry_at.map(DbTime::from)).await?;
            }
            webhook_queue::record_attempts(tx, attempts.clone()).await?;
            if *streak != before {
                webhook_queue::set_failure_streak(tx, hook.id, *streak).await?;
            }
            if *streak >= FAILURES_BEFORE_DISABLE {
                self.disable(tx, hook, now).await?;
            }
            webhook_queue::renew(tx, hook.id, worker, until).await
        })?;
        count(round, failed_for_good);
        Ok((held && *streak < FAILURES_BEFORE_DISABLE, retry_at))
    }

    async fn disable(
        &self,
        tx: &mut DbConn<'_>,
        hook: &WebhookRow,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let reason = format!("{FAILURES_BEFORE_DISABLE} deliveries in a row failed for good");
        let Some(row) = webhook_queue::disable(tx, hook.id, &reason, DbTime::from(now)).await? else {
            return Ok(());
        };
        tracing::warn!(webhook_id = %hook.id, "webhook deactivated: {reason}");
        let webhook = Webhook::try_from(row).map_err(|err| StoreError::Setup(err.0))?;
        self.outbox
            .record(tx, hook.workspace_id, None, &[Change::new(EventType::WebhookDisabled, &webhook)])
            .await
    }

    /// The secrets that sign: the current one, and the one before a
    /// rotation while it overlaps.
    fn signing_secrets(&self, hook: &WebhookRow) -> Result<Vec<String>, String> {
        let unreadable = || "the signing secret cannot be opened with the configured token keys".to_owned();
        let mut secrets = vec![self.secrets.open(&hook.secret).ok_or_else(unreadable)?];
        let overlapping =
            hook.previous_secret_expires_at.is_some_and(|at| DateTime::<Utc>::from(at) > clock::now());
        if let (true, Some(previous)) = (overlapping, &hook.previous_secret) {
            secrets.extend(self.secrets.open(previous));
        }
        Ok(secrets)
    }
}

/// A round whose first delivery could not be sent at all.
fn refused(mut batch: Vec<Outgoing>, read_at: DateTime<Utc>, why: String) -> Round {
    batch.truncate(1);
    let item = batch.pop();
    let answer = Answer { status: None, error: Some(why), latency: Duration::ZERO };
    Round { read_at, delivered: Vec::new(), missed: item.map(|item| (item, answer, clock::now())) }
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

fn count(round: &Round, failed_for_good: bool) {
    let outcomes = &METRICS.webhook_deliveries;
    outcomes.with_label_values(&["delivered"]).inc_by(round.delivered.len() as u64);
    if round.missed.is_some() {
        outcomes.with_label_values(&[if failed_for_good { "failed" } else { "retrying" }]).inc();
    }
}

fn lease(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::seconds(60))
}
