//! The server's periodic background jobs, beside serving: each runs on
//! every instance, and each is safe to run on many at once.

use std::sync::Arc;
use std::time::Duration;

use crate::http;
use crate::services::attachments::AttachmentService;
use crate::services::identity::IdentityService;
use crate::services::search;
use crate::services::trash::TrashService;
use crate::store::Store;

/// Keeps rate limiter memory bounded: forgets keys whose quota is whole again.
pub(super) async fn forget_idle_limits(limits: Arc<http::RateLimits>, identity: Arc<IdentityService>) {
    loop {
        tokio::time::sleep(Duration::from_secs(60)).await;
        limits.forget_idle();
        identity.forget_idle_attempts();
    }
}

/// Deletes for good the cases whose time in the trash is up (their
/// attachments' contents then go with the next evidence sweep).
pub(super) async fn purge_trash(trash: Arc<TrashService>, every: Duration) {
    loop {
        match trash.purge_expired().await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "purged cases from the trash"),
            Err(err) => tracing::warn!(error = %err, "trash purge failed; will retry"),
        }
        tokio::time::sleep(every).await;
    }
}

/// Indexes the cases that have no search text yet (made before search
/// existed, or loaded into the database directly), then ends.
pub(super) async fn index_search(store: Store) {
    loop {
        match search::catch_up(&store).await {
            Ok(indexed) => {
                if indexed > 0 {
                    tracing::info!(indexed, "indexed cases for search");
                }
                return;
            }
            Err(err) => tracing::warn!(error = %err, "indexing cases for search failed; will retry"),
        }
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
}

/// Removes evidence no attachment needs any more (deleted cases, scans and
/// workspaces take their attachments with them) and abandoned uploads.
pub(super) async fn sweep_evidence(attachments: Arc<AttachmentService>) {
    loop {
        match attachments.sweep().await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "swept unreferenced evidence"),
            Err(err) => tracing::warn!(error = %err, "evidence sweep failed; will retry"),
        }
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
}
