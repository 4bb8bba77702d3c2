//! Waking delivery workers on this instance: a delivery for a subscription
//! a worker here already holds is left to that worker (it looks for more
//! before letting go); any other wakes one idle worker.

use std::collections::HashSet;
use std::sync::Mutex;

use tokio::sync::Notify;

use crate::ids::WebhookId;

/// The subscriptions this instance's workers hold, and the idle workers' bell.
#[derive(Default)]
pub struct Dispatch {
    held: Mutex<HashSet<WebhookId>>,
    idle: Notify,
}

impl Dispatch {
    /// Deliveries were queued for `webhooks` (perhaps not yet committed).
    pub fn queued(&self, webhooks: impl IntoIterator<Item = WebhookId>) {
        let held = self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if webhooks.into_iter().any(|id| !held.contains(&id)) {
            self.idle.notify_one();
        }
    }

    /// A worker here took `webhook`.
    pub fn hold(&self, webhook: WebhookId) {
        self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(webhook);
    }

    /// A worker here let `webhook` go.
    pub fn let_go(&self, webhook: WebhookId) {
        self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&webhook);
    }

    /// Resolves when a delivery no worker here holds was queued.
    pub async fn wanted(&self) {
        self.idle.notified().await;
    }
}
