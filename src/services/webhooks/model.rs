//! Webhook subscriptions as the domain sees them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, WebhookId, WorkspaceId};
use crate::services::kernel::{ActorKind, Corrupt};
use crate::services::outbox::EventType;
use crate::store::webhooks::WebhookRow;

/// A subscription: where a workspace's events go, and which.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Webhook {
    /// Id.
    pub id: WebhookId,
    /// Its workspace.
    pub workspace_id: WorkspaceId,
    /// Where deliveries are POSTed.
    pub url: String,
    /// The event types wanted, sorted; `[All]` for all.
    pub events: Vec<EventType>,
    /// What it is for.
    pub description: String,
    /// Whether events are delivered.
    pub active: bool,
    /// Why the server deactivated it, if it did.
    pub disabled_reason: Option<String>,
    /// Deliveries that failed for good in a row.
    pub failure_streak: i32,
    /// Until when the secret before the last rotation also signs.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Who created it.
    pub created_by: AccountId,
    /// A person or a service account.
    pub created_by_kind: ActorKind,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Webhook {
    /// Whether the subscription wants events of `kind`.
    pub fn wants(&self, kind: EventType) -> bool {
        self.events.iter().any(|e| *e == EventType::All || *e == kind)
    }
}

/// A subscription with its signing secret, shown once (at creation and
/// at each rotation).
#[derive(Debug, Clone)]
pub struct IssuedSecret {
    /// The subscription.
    pub webhook: Webhook,
    /// The secret, `whsec_` and base64.
    pub secret: String,
}

/// The stored list of event types.
pub fn events_json(events: &[EventType]) -> String {
    serde_json::Value::from(events.iter().map(|e| e.as_str()).collect::<Vec<_>>()).to_string()
}

impl TryFrom<WebhookRow> for Webhook {
    type Error = Corrupt;

    fn try_from(row: WebhookRow) -> Result<Self, Corrupt> {
        let corrupt = |what: &str| Corrupt(format!("webhook {}: unreadable {what}", row.id));
        let names: Vec<String> = serde_json::from_str(&row.events).map_err(|_| corrupt("events"))?;
        let events = names
            .iter()
            .map(|name| EventType::from_name(name))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| corrupt("events"))?;
        Ok(Self {
            id: row.id,
            workspace_id: row.workspace_id,
            url: row.url,
            events,
            description: row.description,
            active: row.active,
            disabled_reason: row.disabled_reason,
            failure_streak: row.failure_streak,
            previous_secret_expires_at: row.previous_secret_expires_at.map(Into::into),
            version: row.version,
            created_by: row.created_by,
            created_by_kind: ActorKind::from_stored(&row.created_by_kind),
            created_at: row.created_at.into(),
            updated_at: row.updated_at.into(),
        })
    }
}

impl crate::services::outbox::Subject for Webhook {}
