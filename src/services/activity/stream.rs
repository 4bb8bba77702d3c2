//! One listener's live stream of a workspace's events: from where it
//! resumes (or from now), first what it missed, read from the database,
//! then the batches its workspace's live feed shares, each event once and
//! in number order. The listener's membership is checked again with every
//! batch and every quiet minute: a member removed (or a service account
//! deleted) is disconnected, and a role change changes what is shown.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use futures::stream::BoxStream;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::RecvError;

use super::live::{BATCH, Batch};
use super::{ActivityService, FeedFilter, WorkspaceEvent};
use crate::ids::WorkspaceId;
use crate::services::kernel::{Actor, Failure, Role};
use crate::store::activity;

/// How long a quiet stream waits before checking its listener is still a member.
const RECHECK_EVERY: Duration = Duration::from_secs(60);

struct Listening {
    service: Arc<ActivityService>,
    caller: Actor,
    workspace: WorkspaceId,
    filter: FeedFilter,
    role: Role,
    feed: Receiver<Batch>,
    /// The number of the last event passed (shown or not).
    last: i64,
    /// Whether events may be missing between `last` and the feed.
    behind: bool,
    ready: VecDeque<WorkspaceEvent>,
}

impl ActivityService {
    /// The events of `workspace` that `caller` may read and `filter`
    /// selects, from after number `resume` (`None`: from now on), as they
    /// commit (any member). Ends when the caller is no longer a member,
    /// or the server shuts down.
    pub async fn stream(
        self: &Arc<Self>,
        caller: Actor,
        workspace: WorkspaceId,
        filter: FeedFilter,
        resume: Option<i64>,
    ) -> Result<BoxStream<'static, WorkspaceEvent>, Failure> {
        let mut scope = self.access.reading(caller, workspace, Role::Viewer).await?;
        let feed = self.live.subscribe(workspace).await?;
        let last = match resume {
            Some(seq) => seq,
            None => activity::newest(&mut scope.db(), workspace).await?,
        };
        let (service, role) = (self.clone(), scope.role);
        let listening = Listening {
            service,
            caller,
            workspace,
            filter,
            role,
            feed,
            last,
            behind: true,
            ready: VecDeque::new(),
        };
        let closing = self.live.closing();
        let events = futures::stream::unfold(listening, |mut listening| async move {
            let event = listening.next().await?;
            Some((event, listening))
        });
        Ok(events.take_until(closing.cancelled_owned()).boxed())
    }
}

impl Listening {
    /// The next event to send; `None` ends the stream.
    async fn next(&mut self) -> Option<WorkspaceEvent> {
        loop {
            while let Some(event) = self.ready.pop_front() {
                if event.seq <= self.last {
                    continue;
                }
                self.last = event.seq;
                if self.filter.shows(&event, self.role) {
                    return Some(event);
                }
            }
            if self.behind {
                let missed = self.missed().await?;
                self.behind = missed.len() as i64 == BATCH;
                self.ready.extend(missed);
                continue;
            }
            match tokio::time::timeout(RECHECK_EVERY, self.feed.recv()).await {
                Ok(Ok(batch)) => self.ready.extend(batch.iter().cloned()),
                Ok(Err(RecvError::Lagged(_))) => self.behind = true,
                Ok(Err(RecvError::Closed)) => return None,
                Err(_quiet) => {}
            }
            self.role = self.still_member().await?;
        }
    }

    async fn missed(&self) -> Option<Vec<WorkspaceEvent>> {
        let read = async {
            let mut conn = self.service.store.reader().await?;
            let rows = activity::after(&mut conn.db(), self.workspace, self.last, BATCH).await?;
            rows.into_iter().map(WorkspaceEvent::try_from).collect::<Result<Vec<_>, Failure>>()
        };
        read.await
            .inspect_err(
                |err| tracing::warn!(error = %err, "a live workspace stream could not read; ending it"),
            )
            .ok()
    }

    /// The caller's role now, if they are still a member.
    async fn still_member(&self) -> Option<Role> {
        let scope = self.service.access.reading(self.caller, self.workspace, Role::Viewer).await.ok()?;
        Some(scope.role)
    }
}
