//! Live workspace feeds: for each workspace someone on this instance
//! listens to, one reader that follows its events as they commit and
//! shares each batch with every listener. The reader reads when the
//! outbox's bell rings (a change on this instance), again shortly after
//! until the commit shows, and on a timer (changes on other instances).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use super::WorkspaceEvent;
use crate::ids::WorkspaceId;
use crate::services::outbox::Outbox;
use crate::store::{Store, StoreError, activity};

/// Events read at once, and the batches a listener may fall behind by
/// before it reads what it missed from the database.
pub(super) const BATCH: i64 = 500;
const FALL_BEHIND: usize = 256;
/// How often a reader looks when no bell rings: how late a change made on
/// another instance can be.
const IDLE_LOOK: Duration = Duration::from_millis(50);
/// How soon a reader looks again when its bell rang but the change had not
/// committed yet (doubling up to `IDLE_LOOK`).
const FIRST_RETRY: Duration = Duration::from_millis(2);

/// A batch of events, in number order, shared by the listeners.
pub(super) type Batch = Arc<Vec<WorkspaceEvent>>;

/// The live feeds of this instance.
pub(super) struct Live {
    store: Store,
    outbox: Outbox,
    feeds: Mutex<HashMap<WorkspaceId, broadcast::Sender<Batch>>>,
    closing: CancellationToken,
}

impl Live {
    pub(super) fn new(store: Store, outbox: Outbox) -> Self {
        Self { store, outbox, feeds: Mutex::default(), closing: CancellationToken::new() }
    }

    fn feeds(&self) -> MutexGuard<'_, HashMap<WorkspaceId, broadcast::Sender<Batch>>> {
        self.feeds.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Ends every feed (the server is shutting down).
    pub(super) fn close(&self) {
        self.closing.cancel();
    }

    /// Resolves when the server shuts down.
    pub(super) fn closing(&self) -> CancellationToken {
        self.closing.clone()
    }

    /// The batches of events of `workspace` committed from now on.
    pub(super) async fn subscribe(
        self: &Arc<Self>,
        workspace: WorkspaceId,
    ) -> Result<broadcast::Receiver<Batch>, StoreError> {
        if let Some(feed) = self.feeds().get(&workspace) {
            return Ok(feed.subscribe());
        }
        // Where a new reader starts, read before anyone listens: a listener
        // reads what it missed from the database after it subscribed, so
        // the two overlap rather than leave a gap.
        let start = activity::newest(&mut self.store.reader().await?.db(), workspace).await?;
        let mut feeds = self.feeds();
        if let Some(feed) = feeds.get(&workspace) {
            return Ok(feed.subscribe());
        }
        let (feed, listener) = broadcast::channel(FALL_BEHIND);
        feeds.insert(workspace, feed.clone());
        let bell = self.outbox.bells().hang(workspace);
        tokio::spawn(self.clone().follow(workspace, feed, bell, start));
        Ok(listener)
    }

    /// Reads `workspace`'s events after `last` as they commit, until no one
    /// listens or the server shuts down.
    async fn follow(
        self: Arc<Self>,
        workspace: WorkspaceId,
        feed: broadcast::Sender<Batch>,
        bell: Arc<tokio::sync::Notify>,
        mut last: i64,
    ) {
        let mut wait = IDLE_LOOK;
        loop {
            let rang = tokio::select! {
                () = self.closing.cancelled() => return,
                () = bell.notified() => true,
                () = tokio::time::sleep(wait) => false,
            };
            if rang {
                // The change is committing: give it a moment.
                tokio::time::sleep(FIRST_RETRY).await;
            }
            {
                let mut feeds = self.feeds();
                if feed.receiver_count() == 0 {
                    feeds.remove(&workspace);
                    self.outbox.bells().take_down(workspace);
                    return;
                }
            }
            wait = match self.read(workspace, last).await {
                Ok(events) if events.is_empty() => match rang {
                    true => FIRST_RETRY * 2,
                    false => (wait * 2).min(IDLE_LOOK),
                },
                Ok(events) => {
                    let full = events.len() as i64 == BATCH;
                    last = events.last().map_or(last, |event| event.seq);
                    let _ = feed.send(Arc::new(events));
                    if full { Duration::ZERO } else { IDLE_LOOK }
                }
                Err(err) => {
                    tracing::warn!(error = %err, "reading a live workspace feed failed; trying again");
                    IDLE_LOOK
                }
            };
        }
    }

    async fn read(&self, workspace: WorkspaceId, last: i64) -> Result<Vec<WorkspaceEvent>, super::Failure> {
        let rows = activity::after(&mut self.store.reader().await?.db(), workspace, last, BATCH).await?;
        rows.into_iter().map(WorkspaceEvent::try_from).collect()
    }
}
