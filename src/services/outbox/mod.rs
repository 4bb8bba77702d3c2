//! The outbox: each change a subscription asked for becomes a workspace
//! event, with one delivery per subscription, written in the transaction
//! of the change itself, so that what is committed is reported and what is
//! rolled back is not. Events are numbered per workspace in commit order
//! (the workspace row stays locked from numbering to commit). A workspace
//! without subscriptions pays one small read per change.

mod dispatch;
mod event_type;

use std::any::Any;
use std::sync::Arc;

use chrono::{DateTime, Utc};

pub use dispatch::Dispatch;
pub use event_type::EventType;

use crate::ids::{AccountId, DeliveryId, EventId, WebhookId, WorkspaceId};
use crate::platform::clock;
use crate::services::kernel::Actor;
use crate::store::outbox::{self, DeliveryRow, WorkspaceEventRow};
use crate::store::{DbConn, DbTime, StoreError, webhooks};

/// An event about to be written, for the renderer.
pub struct Envelope<'a> {
    /// Its id.
    pub id: EventId,
    /// Its type (an [`EventType`] name, or `ping`).
    pub kind: &'a str,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The workspace.
    pub workspace_id: WorkspaceId,
    /// Who acted; `None` when the server itself did.
    pub actor: Option<Actor>,
    /// The resource it concerns (a domain value: a case, a comment...).
    pub resource: &'a (dyn Any + Send + Sync),
}

/// Writes an envelope as deliveries carry it, with the resource as the API
/// returns it. Implemented where the wire types live and given to the
/// outbox at startup.
pub trait Render: Send + Sync {
    /// The JSON text of `event`.
    fn envelope(&self, event: &Envelope<'_>) -> String;

    /// A delivery id as the API writes it (the `webhook-id` header).
    fn delivery_id(&self, id: DeliveryId) -> String;
}

/// One change to report.
pub struct Change<'a> {
    kind: EventType,
    resource: &'a (dyn Any + Send + Sync),
}

impl<'a> Change<'a> {
    /// `resource` underwent `kind`.
    pub fn new<T: Any + Send + Sync>(kind: EventType, resource: &'a T) -> Self {
        Self { kind, resource }
    }
}

/// Where services record the events of their changes.
#[derive(Clone)]
pub struct Outbox {
    render: Arc<dyn Render>,
    dispatch: Arc<Dispatch>,
}

impl Outbox {
    /// An outbox rendering with `render`.
    pub fn new(render: Arc<dyn Render>) -> Self {
        Self { render, dispatch: Arc::default() }
    }

    /// A delivery id as the API writes it.
    pub fn delivery_id(&self, id: DeliveryId) -> String {
        self.render.delivery_id(id)
    }

    /// Tells the delivery workers that `webhook` has a delivery queued again.
    pub fn nudge(&self, webhook: WebhookId) {
        self.dispatch.queued([webhook]);
    }

    /// Who delivers what on this instance.
    pub fn dispatch(&self) -> &Dispatch {
        &self.dispatch
    }

    /// Records `changes` made by `actor` (`None`: the server) in
    /// `workspace`, for the active subscriptions that want them. Call
    /// inside the change's transaction.
    pub async fn record(
        &self,
        tx: &mut DbConn<'_>,
        workspace: WorkspaceId,
        actor: impl Into<Option<Actor>>,
        changes: &[Change<'_>],
    ) -> Result<(), StoreError> {
        let subscribers = webhooks::subscribers(tx, workspace).await?;
        if subscribers.is_empty() {
            return Ok(());
        }
        let fan_out: Vec<(&Change<'_>, Vec<WebhookId>)> = changes
            .iter()
            .map(|change| {
                let wanting = subscribers.iter().filter(|(_, events)| wants(events, change.kind));
                (change, wanting.map(|(id, _)| *id).collect::<Vec<_>>())
            })
            .filter(|(_, to)| !to.is_empty())
            .collect();
        let outgoing: Vec<_> = fan_out
            .iter()
            .map(|(change, to)| (change.kind.as_str(), change.resource, to.as_slice()))
            .collect();
        self.write(tx, workspace, actor.into(), &outgoing).await?;
        Ok(())
    }

    /// Records a `ping` about `resource` for one subscription, whatever
    /// events it asked for; answers the delivery id.
    pub async fn ping<T: Any + Send + Sync>(
        &self,
        tx: &mut DbConn<'_>,
        workspace: WorkspaceId,
        actor: Actor,
        to: WebhookId,
        resource: &T,
    ) -> Result<Option<DeliveryId>, StoreError> {
        let ids = self.write(tx, workspace, Some(actor), &[("ping", resource, &[to])]).await?;
        Ok(ids.first().copied())
    }

    /// Numbers and writes events and their deliveries; answers the delivery ids.
    async fn write(
        &self,
        tx: &mut DbConn<'_>,
        workspace: WorkspaceId,
        actor: Option<Actor>,
        outgoing: &[(&str, &(dyn Any + Send + Sync), &[WebhookId])],
    ) -> Result<Vec<DeliveryId>, StoreError> {
        if outgoing.is_empty() {
            return Ok(Vec::new());
        }
        let count = outgoing.len() as i64;
        let Some(last) = outbox::reserve(tx, workspace, count).await? else { return Ok(Vec::new()) };
        let now = clock::now();
        let (mut events, mut deliveries) = (Vec::new(), Vec::new());
        for (seq, (kind, resource, to)) in (last - count + 1..).zip(outgoing) {
            let envelope = Envelope {
                id: EventId::new(),
                kind,
                created_at: now,
                workspace_id: workspace,
                actor,
                resource: *resource,
            };
            deliveries.extend(to.iter().map(|webhook| DeliveryRow {
                id: DeliveryId::new(),
                webhook_id: *webhook,
                event_id: envelope.id,
                seq,
                status: "pending".into(),
                attempts: 0,
                next_attempt_at: DbTime::from(now),
                delivered_at: None,
                created_at: DbTime::from(now),
            }));
            events.push(WorkspaceEventRow {
                id: envelope.id,
                workspace_id: workspace,
                seq,
                kind: (*kind).to_owned(),
                actor_id: actor.map_or(AccountId::NIL, |a| a.id),
                actor_kind: actor.map_or("server", |a| a.kind.as_str()).to_owned(),
                data: self.render.envelope(&envelope),
                created_at: DbTime::from(now),
            });
        }
        let ids = deliveries.iter().map(|d| d.id).collect();
        let to: Vec<WebhookId> = deliveries.iter().map(|d| d.webhook_id).collect();
        outbox::append(tx, events, deliveries).await?;
        self.dispatch.queued(to);
        Ok(ids)
    }
}

/// Whether a subscription's stored event list (a JSON array of names)
/// takes `kind`.
fn wants(events: &str, kind: EventType) -> bool {
    let names: Vec<&str> = serde_json::from_str(events).unwrap_or_default();
    names.iter().any(|name| *name == EventType::All.as_str() || *name == kind.as_str())
}
