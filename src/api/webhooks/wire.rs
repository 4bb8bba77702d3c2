//! Wire types of webhook subscriptions.

use poem_openapi::Object;
use poem_openapi::types::Example;
use serde::Deserialize;

use crate::api::event_types::EventTypeWire;
use crate::http::actor::{ActorId, ActorKindWire};
use crate::http::wire::{Timestamp, WireId, list_from_page};
use crate::ids::{WebhookId, WorkspaceId};
use crate::services::webhooks::{IssuedSecret, RawNewWebhook, Webhook};

/// A subscription: the workspace's events of the chosen types, POSTed
/// signed to `url`.
#[derive(Debug, Object)]
#[oai(rename = "Webhook")]
pub struct WebhookView {
    /// The subscription's id.
    pub id: WireId<WebhookId>,
    /// Its workspace.
    pub workspace_id: WireId<WorkspaceId>,
    /// Where deliveries are POSTed.
    pub url: String,
    /// The event types delivered (`["*"]`: all).
    pub events: Vec<EventTypeWire>,
    /// What it is for ("" when none).
    pub description: String,
    /// Whether events are delivered. The server turns a subscription off
    /// after failing deliveries in a row; turn it on again with `PATCH`.
    pub active: bool,
    /// Why the server turned it off, when it did.
    #[oai(skip_serializing_if_is_none)]
    pub disabled_reason: Option<String>,
    /// Deliveries that failed for good in a row (reset by a success).
    pub consecutive_failures: i32,
    /// After a rotation: until when the previous secret also signs.
    #[oai(skip_serializing_if_is_none)]
    pub previous_secret_expires_at: Option<Timestamp>,
    /// Raised by one on every change; send it back with `PATCH`.
    pub version: i32,
    /// Who created it.
    pub created_by: ActorId,
    /// Whether `created_by` is a person or a service account.
    pub created_by_kind: ActorKindWire,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

impl From<Webhook> for WebhookView {
    fn from(w: Webhook) -> Self {
        Self {
            id: WireId::new(w.id),
            workspace_id: WireId::new(w.workspace_id),
            url: w.url,
            events: w.events.into_iter().map(Into::into).collect(),
            description: w.description,
            active: w.active,
            disabled_reason: w.disabled_reason,
            consecutive_failures: w.failure_streak,
            previous_secret_expires_at: w.previous_secret_expires_at.map(Into::into),
            version: w.version,
            created_by: ActorId::new(w.created_by, w.created_by_kind),
            created_by_kind: w.created_by_kind.into(),
            created_at: w.created_at.into(),
            updated_at: w.updated_at.into(),
        }
    }
}

/// A subscription with its signing secret, shown in this answer only.
#[derive(Debug, Object)]
#[oai(rename = "WebhookWithSecret")]
pub struct WebhookWithSecretView {
    /// The signing secret (`whsec_` and base64): store it now, it is never
    /// shown again. Deliveries carry `webhook-signature: v1,<base64 of
    /// HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}" under the
    /// base64-decoded part after `whsec_`>` (Standard Webhooks).
    pub secret: String,
    /// The subscription.
    pub webhook: WebhookView,
}

impl From<IssuedSecret> for WebhookWithSecretView {
    fn from(issued: IssuedSecret) -> Self {
        Self { secret: issued.secret, webhook: issued.webhook.into() }
    }
}

/// A page of subscriptions, newest first.
#[derive(Debug, Object)]
#[oai(rename = "WebhookList")]
pub struct WebhookList {
    /// The subscriptions on this page.
    pub items: Vec<WebhookView>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

list_from_page!(WebhookList, Webhook);

/// A new subscription.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "CreateWebhookRequest", example, skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// Where to POST deliveries: an absolute `https` URL (plain `http`
    /// only to networks the server allows), without credentials. Its host
    /// must not resolve into a denied network (by default loopback,
    /// private and link-local ones).
    #[oai(validator(max_length = 2048))]
    pub url: String,
    /// The event types to deliver, 1 to 50 (`["*"]`: all).
    #[oai(validator(min_items = 1, max_items = 50))]
    pub events: Vec<EventTypeWire>,
    /// What it is for.
    #[oai(validator(max_length = 1000))]
    pub description: Option<String>,
    /// Whether to deliver at once (default `true`).
    pub active: Option<bool>,
}

impl Example for CreateWebhookRequest {
    fn example() -> Self {
        Self {
            url: "https://203.0.113.10/casebook".into(),
            events: vec![EventTypeWire::CaseCreated, EventTypeWire::CaseUpdated],
            description: Some("Page the on-call analyst".into()),
            active: None,
        }
    }
}

impl From<CreateWebhookRequest> for RawNewWebhook {
    fn from(r: CreateWebhookRequest) -> Self {
        Self {
            url: r.url,
            events: r.events.into_iter().map(Into::into).collect(),
            description: r.description,
            active: r.active,
        }
    }
}

/// Changes to a subscription; fields left out stay as they are.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "UpdateWebhookRequest", example, skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookRequest {
    /// The subscription's `version` as last read; a stale one answers 409 `VERSION_CONFLICT`.
    #[oai(validator(minimum(value = "1")))]
    pub version: i32,
    /// A new destination (checked as at creation).
    #[oai(validator(max_length = 2048))]
    pub url: Option<String>,
    /// New event types.
    #[oai(validator(min_items = 1, max_items = 50))]
    pub events: Option<Vec<EventTypeWire>>,
    /// A new description.
    #[oai(validator(max_length = 1000))]
    pub description: Option<String>,
    /// `false` stops deliveries; `true` resumes them (and clears a
    /// deactivation by the server).
    pub active: Option<bool>,
}

impl Example for UpdateWebhookRequest {
    fn example() -> Self {
        Self {
            version: 1,
            url: None,
            events: Some(vec![EventTypeWire::All]),
            description: None,
            active: Some(true),
        }
    }
}
