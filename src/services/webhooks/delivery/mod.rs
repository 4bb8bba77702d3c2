//! Delivery workers inside the server: each claims a subscription with
//! work from the database with a lease (on any instance, the pattern of
//! the scan queue): first its pending deliveries (retries, redeliveries,
//! pings), then the workspace's events after its cursor that it wants. It
//! sends them one by one in commit order and commits each round's outcomes
//! with the cursor. A failed delivery parks its subscription until the
//! retry is due, so nothing overtakes it. A worker that dies leaves its
//! lease to expire; whatever it sent but did not commit is sent again with
//! the same `webhook-id` (at least once; receivers drop duplicates).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use url::Url;

mod round;

use round::{Batch, Round, Verdict};

use super::retry::FAILURES_BEFORE_DISABLE;
use super::{Destinations, SecretBox, Webhook, signing};
use crate::platform::background::Background;
use crate::platform::clock;
use crate::platform::metrics::METRICS;
use crate::platform::outbound::Outbound;
use crate::services::outbox::{Change, EventType, Outbox};
use crate::store::outbox;
use crate::store::webhook_queue;
use crate::store::webhooks::{self, WebhookRow};
use crate::store::{DbConn, DbTime, Store, StoreError, db_transaction};

/// Deliveries read at a time.
pub(super) const BATCH: i64 = 100;
/// Pauses before the claims that follow a wake, last first.
const AFTER_WAKE: [Duration; 3] =
    [Duration::from_millis(100), Duration::from_millis(20), Duration::from_millis(2)];
/// How long a worker keeps a drained subscription, looking for more every
/// [`ROUND`], before letting it go: under a steady flow of events one
/// worker keeps it, without claiming it again for each.
const LINGER: Duration = Duration::from_millis(250);
/// The shortest time between a subscription's rounds (unless the last
/// read was full): under load, rounds carry several deliveries each.
const ROUND: Duration = Duration::from_millis(25);
/// How long acknowledged deliveries may wait in memory to be stored with
/// the ones after them (a crash meanwhile sends them again, same ids).
const STORE_EVERY: Duration = Duration::from_millis(250);

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

    /// Starts the workers on `background`, the runtime whose threads made
    /// this deliverer's store (see [`Background`]); they stop between
    /// batches when `shutdown` fires.
    pub fn start(
        self: Arc<Self>,
        background: &Background,
        shutdown: CancellationToken,
    ) -> Vec<JoinHandle<()>> {
        (0..self.settings.workers)
            .map(|n| background.spawn(self.clone().work(format!("{}-{n}", self.instance), shutdown.clone())))
            .collect()
    }

    async fn work(self: Arc<Self>, worker: String, shutdown: CancellationToken) {
        // Claims left to try soon after a wake: the event was recorded inside
        // a transaction that may not have committed yet.
        let mut eager = 0;
        self.learn().await;
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
                    () = tokio::time::sleep(self.settings.poll_interval) => self.learn().await,
                },
                Err(err) => {
                    tracing::warn!(error = %err, "claiming webhook deliveries failed");
                    tokio::time::sleep(self.settings.poll_interval).await;
                }
            }
        }
    }

    /// Tells this instance's dispatch which workspaces have active
    /// subscriptions (some may be new, or made on other instances).
    async fn learn(&self) {
        if !self.outbox.dispatch().learning_due(self.settings.poll_interval / 2) {
            return;
        }
        let active = match self.store.conn().await {
            Ok(mut pooled) => webhooks::active(&mut pooled.db()).await,
            Err(err) => Err(err),
        };
        match active {
            Ok(active) => self.outbox.dispatch().learn(active),
            Err(err) => tracing::warn!(error = %err, "reading the active webhook subscriptions failed"),
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
        let mut cursor = hook.event_cursor;
        let mut resume_at = None;
        let (url, secrets) = (Url::parse(&hook.url), self.signing_secrets(&hook));
        let mut idle_since = Instant::now();
        // Fresh events sent and acknowledged but not yet stored, and since when.
        let mut unstored: Option<(Round, Instant)> = None;
        while !shutdown.is_cancelled() && started.elapsed() < self.settings.lease / 2 {
            let (read_at, round_start) = (clock::now(), Instant::now());
            let batch = {
                let mut pooled = self.store.conn().await?;
                Batch::next(&mut pooled.db(), &hook, cursor).await?
            };
            if batch.parked_until.is_some() {
                resume_at = batch.parked_until;
                break;
            }
            if batch.items.is_empty() && batch.through == cursor {
                if !self.store_sent(worker, &hook, unstored.take(), &mut streak).await? {
                    break;
                }
                if idle_since.elapsed() >= LINGER {
                    break;
                }
                tokio::time::sleep(ROUND).await;
                continue;
            }
            idle_since = Instant::now();
            let full = batch.items.len() as i64 >= BATCH;
            let round = match (&url, &secrets) {
                (Ok(url), Ok(secrets)) => self.send(url, secrets, batch, (read_at, started)).await,
                (Err(_), _) => round::refused(batch, read_at, "the subscription's URL cannot be read".into()),
                (_, Err(why)) => round::refused(batch, read_at, why.clone()),
            };
            cursor = round.cursor;
            if round.fresh && round.missed.is_none() {
                // Stored together with the rounds after it, a few times a
                // second at most: fewer commits under load, the same sends.
                let (kept, since) = unstored.get_or_insert_with(|| (Round::empty(&round), Instant::now()));
                kept.absorb(round);
                if since.elapsed() >= STORE_EVERY
                    && !self.store_sent(worker, &hook, unstored.take(), &mut streak).await?
                {
                    break;
                }
            } else {
                if !self.store_sent(worker, &hook, unstored.take(), &mut streak).await? {
                    break;
                }
                let (held, next) = self.settle(worker, &hook, &round, &mut streak).await?;
                resume_at = next;
                if !held || resume_at.is_some() {
                    break;
                }
            }
            if !full {
                tokio::time::sleep(ROUND.saturating_sub(round_start.elapsed())).await;
            }
        }
        self.store_sent(worker, &hook, unstored.take(), &mut streak).await?;
        let mut pooled = self.store.conn().await?;
        webhook_queue::release(&mut pooled.db(), hook.id, worker, resume_at.map(DbTime::from)).await
    }

    /// Stores acknowledged rounds kept back, if any; answers whether the
    /// lease is still held.
    async fn store_sent(
        &self,
        worker: &str,
        hook: &WebhookRow,
        kept: Option<(Round, Instant)>,
        streak: &mut i32,
    ) -> Result<bool, StoreError> {
        match kept {
            Some((round, _)) => Ok(self.settle(worker, hook, &round, streak).await?.0),
            None => Ok(true),
        }
    }

    /// Sends deliveries in order until one is not acknowledged.
    async fn send(
        &self,
        url: &Url,
        secrets: &[String],
        batch: Batch,
        (read_at, started): (DateTime<Utc>, Instant),
    ) -> Round {
        let addresses = match self.destinations.resolve(url).await {
            Ok(addresses) => addresses,
            Err(why) => return round::refused(batch, read_at, format!("the destination {why}")),
        };
        let mut round = Round::new(&batch, read_at);
        let mut cut_short = false;
        for item in batch.items {
            if started.elapsed() >= self.settings.lease / 2 {
                cut_short = true;
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
            if batch.fresh {
                round.cursor = item.delivery.seq;
            }
            if answer.acknowledged() {
                let committed: DateTime<Utc> = item.committed_at.into();
                let latency = (clock::now() - committed).to_std().unwrap_or_default();
                METRICS.webhook_delivery_latency.observe(latency.as_secs_f64());
                round.delivered.push((item, answer, sent_at));
            } else {
                round.missed = Some((item, answer, sent_at));
                cut_short = true;
                break;
            }
        }
        if batch.fresh && !cut_short {
            round.cursor = batch.through;
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
        let verdict = Verdict::on(round, *streak, now);
        let until = DbTime::from(now + lease(self.settings.lease));
        let mut pooled = self.store.conn().await?;
        let conn = &mut pooled.db();
        let held = db_transaction!(conn, |tx| {
            if !webhook_queue::renew(tx, hook.id, worker, until, round.cursor).await? {
                return Ok::<_, StoreError>(false);
            }
            if round.fresh {
                outbox::insert_deliveries(tx, round::stored(round, now, verdict.retry_at)).await?;
            } else {
                let ids: Vec<_> = round.delivered.iter().map(|(item, _, _)| item.delivery.id).collect();
                webhook_queue::delivered(tx, &ids, DbTime::from(now), DbTime::from(round.read_at)).await?;
                if let Some((item, _, _)) = &round.missed {
                    webhook_queue::missed(tx, item.delivery.id, verdict.retry_at.map(DbTime::from)).await?;
                }
                webhook_queue::record_attempts(tx, verdict.attempts.clone()).await?;
            }
            if verdict.streak != *streak {
                webhook_queue::set_failure_streak(tx, hook.id, verdict.streak).await?;
            }
            if verdict.streak >= FAILURES_BEFORE_DISABLE {
                self.disable(tx, hook, now).await?;
            }
            Ok(true)
        })?;
        *streak = verdict.streak;
        round::count(round, verdict.failed_for_good);
        Ok((held && *streak < FAILURES_BEFORE_DISABLE, verdict.retry_at))
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

fn lease(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::seconds(60))
}
