//! Waking delivery workers on this instance. An event in a workspace with
//! a subscription no worker here holds wakes one idle worker; one whose
//! subscriptions are all held here is left to their workers (they look for
//! more before letting go); one in a workspace without subscriptions wakes
//! nobody. Which workspaces have subscriptions is learnt from the database
//! by the workers' regular look (so subscriptions made on other instances
//! are known within a poll interval) and from this instance's own changes.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use crate::ids::{WebhookId, WorkspaceId};

/// The subscriptions this instance knows and holds, and the idle workers' bell.
#[derive(Default)]
pub struct Dispatch {
    state: Mutex<State>,
    idle: Notify,
}

#[derive(Default)]
struct State {
    /// Active subscriptions by workspace.
    known: HashMap<WorkspaceId, HashSet<WebhookId>>,
    /// Those a worker here holds.
    held: HashSet<WebhookId>,
    /// When a worker here last read the active subscriptions.
    learnt_at: Option<Instant>,
}

impl Dispatch {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// An event was recorded in `workspace` (perhaps not yet committed).
    pub fn recorded(&self, workspace: WorkspaceId) {
        let state = self.state();
        let unheld =
            state.known.get(&workspace).is_some_and(|hooks| hooks.iter().any(|id| !state.held.contains(id)));
        if unheld {
            self.idle.notify_one();
        }
    }

    /// Deliveries were queued for `webhooks` (perhaps not yet committed).
    pub fn queued(&self, webhooks: impl IntoIterator<Item = WebhookId>) {
        let state = self.state();
        if webhooks.into_iter().any(|id| !state.held.contains(&id)) {
            self.idle.notify_one();
        }
    }

    /// Whether it is a worker's turn to read the active subscriptions: no
    /// worker here has for `every` (this one now takes the turn), so the
    /// idle workers of an instance read them once per poll, not each.
    pub fn learning_due(&self, every: Duration) -> bool {
        let mut state = self.state();
        let due = state.learnt_at.is_none_or(|at| at.elapsed() >= every);
        if due {
            state.learnt_at = Some(Instant::now());
        }
        due
    }

    /// The active subscriptions, as read from the database.
    pub fn learn(&self, active: impl IntoIterator<Item = (WebhookId, WorkspaceId)>) {
        let mut known: HashMap<WorkspaceId, HashSet<WebhookId>> = HashMap::new();
        for (id, workspace) in active {
            known.entry(workspace).or_default().insert(id);
        }
        self.state().known = known;
    }

    /// `webhook` of `workspace` became active on this instance.
    pub fn subscribed(&self, workspace: WorkspaceId, webhook: WebhookId) {
        self.state().known.entry(workspace).or_default().insert(webhook);
    }

    /// A worker here took `webhook`.
    pub fn hold(&self, webhook: WebhookId) {
        self.state().held.insert(webhook);
    }

    /// A worker here let `webhook` go.
    pub fn let_go(&self, webhook: WebhookId) {
        self.state().held.remove(&webhook);
    }

    /// Resolves when work no worker here holds may be waiting.
    pub async fn wanted(&self) {
        self.idle.notified().await;
    }
}
