//! The metrics scrape: reads the gauges that describe current state (the
//! database pool and shared readers, password hashing, the scan queue, the
//! webhook delivery queue),
//! then renders every metric in the Prometheus text format.

use std::sync::Arc;

use crate::platform::clock;
use crate::platform::metrics::{self, METRICS};
use crate::services::identity::IdentityService;
use crate::store::{DbTime, Store, StoreError, scans, webhook_queue};

/// Renders metrics.
pub struct TelemetryService {
    store: Store,
    identity: Arc<IdentityService>,
}

impl TelemetryService {
    /// A scrape over `store` and `identity`.
    pub fn new(store: Store, identity: Arc<IdentityService>) -> Self {
        Self { store, identity }
    }

    /// Every metric, current. The scan queue's gauges need the database; if
    /// it does not answer, they keep their last values and the rest is still
    /// rendered.
    pub async fn scrape(&self) -> String {
        let pool = self.store.pool_status();
        METRICS.db_pool.with_label_values(&["open"]).set(i64::from(pool.open));
        METRICS.db_pool.with_label_values(&["idle"]).set(i64::from(pool.idle));
        METRICS.db_pool.with_label_values(&["waiting"]).set(pool.waiting as i64);
        let readers = self.store.shared_reader_status();
        METRICS.db_shared_readers.with_label_values(&["connected"]).set(readers.connected as i64);
        METRICS.db_shared_readers.with_label_values(&["lost"]).set(readers.lost as i64);
        let (running, waiting) = self.identity.hashing_load();
        METRICS.password_hashes.with_label_values(&["in_flight"]).set(running as i64);
        METRICS.password_hashes.with_label_values(&["waiting"]).set(waiting as i64);
        match self.scan_counts().await {
            Ok(counts) => {
                for status in ["queued", "running", "completed", "failed", "cancelled"] {
                    let count = counts.iter().find(|(s, _)| s == status).map_or(0, |(_, n)| *n);
                    METRICS.scans.with_label_values(&[status]).set(count);
                }
            }
            Err(err) => tracing::warn!(error = %err, "scan counts unavailable for metrics"),
        }
        match self.webhook_backlog().await {
            Ok((depth, oldest)) => {
                METRICS.webhook_queue_depth.set(depth);
                let age = oldest
                    .map_or(0, |at| (clock::now() - chrono::DateTime::<chrono::Utc>::from(at)).num_seconds());
                METRICS.webhook_oldest_pending.set(age.max(0));
            }
            Err(err) => tracing::warn!(error = %err, "webhook backlog unavailable for metrics"),
        }
        metrics::render()
    }

    async fn webhook_backlog(&self) -> Result<(i64, Option<DbTime>), StoreError> {
        let mut pooled = self.store.conn().await?;
        webhook_queue::backlog(&mut pooled.db()).await
    }

    async fn scan_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let mut pooled = self.store.conn().await?;
        scans::count_by_status(&mut pooled.db()).await
    }
}
