//! Follows the change feed for as long as the server runs, telling every
//! cache what other instances changed. A cache is live only while the feed
//! is connected: when the connection is lost, notices may be missed, so the
//! caches stop serving until the feed is back.

use std::sync::Arc;
use std::time::Duration;

use super::Change;
use crate::store::Store;
use crate::store::change_feed::ChangeFeed;

/// How long to wait before connecting again after a failure.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// A cache that changes make stale.
pub trait Forgets: Send + Sync {
    /// Forgets what `change` made stale.
    fn forget(&self, change: Change);
    /// Starts or stops serving (see [`super::ChangeCache::set_live`]).
    fn set_live(&self, live: bool);
}

/// Runs forever (abort the task to stop it). On MySQL/MariaDB the feed
/// polls every `poll_every`.
pub async fn follow(store: Store, caches: Vec<Arc<dyn Forgets>>, poll_every: Duration) {
    let set_live = |live| caches.iter().for_each(|cache| cache.set_live(live));
    loop {
        match ChangeFeed::subscribe(store.url(), poll_every).await {
            // One instance per SQLite file: nothing else can change it.
            Ok(None) => return set_live(true),
            Ok(Some(mut feed)) => {
                set_live(true);
                tracing::debug!("following the change feed");
                let lost = loop {
                    match feed.next().await {
                        Ok(notice) => {
                            let change = Change::parse(&notice);
                            caches.iter().for_each(|cache| cache.forget(change));
                        }
                        Err(err) => break err,
                    }
                };
                set_live(false);
                tracing::warn!(error = %lost, "lost the change feed; authentication is not cached until it is back");
            }
            Err(err) => tracing::warn!(error = %err, "cannot open the change feed; will retry"),
        }
        tokio::time::sleep(RETRY_AFTER).await;
    }
}
