//! The outbox: each change becomes a workspace event, written in the
//! transaction of the change itself, so that what is committed is reported
//! and what is rolled back is not. Events are numbered per workspace in
//! commit order (the workspace row stays locked from numbering to commit).
//! The case search index is brought up to date there too (see
//! [`crate::services::search`]). Subscriptions take no part in the change: after it commits, delivery
//! workers fan its event out to the subscriptions that want it, each from
//! its own cursor.

mod bells;
mod change;
mod dispatch;
mod event_type;

use std::any::Any;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

pub use bells::Bells;
pub use change::{Change, Subject, changed_fields};
pub use dispatch::Dispatch;
pub use event_type::{EventType, ResourceType};

use crate::ids::{AccountId, CaseId, DeliveryId, EventId, RecordId, WebhookId, WorkspaceId};
use crate::platform::clock;
use crate::services::kernel::Actor;
use crate::services::search;
use crate::store::outbox::{self, DeliveryRow, WorkspaceEventRow};
use crate::store::{DbConn, DbTime, StoreError};

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
    /// The resource it concerns, rendered by [`Render::resource`].
    pub data: &'a serde_json::Value,
    /// For an update, the fields that changed (see [`changed_fields`]).
    pub changes: Option<&'a serde_json::Value>,
}

/// Writes an envelope as deliveries carry it, with the resource as the API
/// returns it. Implemented where the wire types live and given to the
/// outbox at startup.
pub trait Render: Send + Sync {
    /// A resource (a domain value: a case, a comment...) as the API returns it.
    fn resource(&self, value: &(dyn Any + Send + Sync)) -> serde_json::Value;

    /// The JSON text of `event`.
    fn envelope(&self, event: &Envelope<'_>) -> String;

    /// A delivery id as the API writes it (the `webhook-id` header).
    fn delivery_id(&self, id: DeliveryId) -> String;
}

/// Where services record the events of their changes.
#[derive(Clone)]
pub struct Outbox {
    render: Arc<dyn Render>,
    dispatch: Arc<Dispatch>,
    bells: Arc<Bells>,
}

impl Outbox {
    /// An outbox rendering with `render`.
    pub fn new(render: Arc<dyn Render>) -> Self {
        Self { render, dispatch: Arc::default(), bells: Arc::default() }
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

    /// The bells this instance's live feeds listen to.
    pub fn bells(&self) -> &Bells {
        &self.bells
    }

    /// Records `changes` made by `actor` (`None`: the server) in
    /// `workspace` as its next events. Call inside the change's
    /// transaction; the workspace row stays locked until it ends.
    pub async fn record(
        &self,
        tx: &mut DbConn<'_>,
        workspace: WorkspaceId,
        actor: impl Into<Option<Actor>>,
        changes: &[Change<'_>],
    ) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        let count = changes.len() as i64;
        let Some(last) = outbox::reserve(tx, workspace, count).await? else { return Ok(()) };
        self.record_numbered(tx, workspace, actor, changes, last).await
    }

    /// Records `changes` as events numbered up to `last`, numbers the
    /// caller reserved (with the workspace row lock) in the same
    /// transaction, as a case's creation does with its case number.
    pub async fn record_numbered(
        &self,
        tx: &mut DbConn<'_>,
        workspace: WorkspaceId,
        actor: impl Into<Option<Actor>>,
        changes: &[Change<'_>],
        last: i64,
    ) -> Result<(), StoreError> {
        let first = last - changes.len() as i64 + 1;
        let events = self.events(workspace, actor.into(), changes.iter().map(Outgoing::from), first);
        outbox::append(tx, events).await?;
        let edits = changes.iter().filter_map(|change| Some((change.case_id?, change.search.as_ref()?)));
        search::refresh(tx, workspace, edits).await?;
        self.dispatch.recorded(workspace);
        self.bells.ring(workspace);
        Ok(())
    }

    /// Records a `ping` about `resource` with a delivery to one
    /// subscription, whatever events it asked for; answers the delivery id.
    pub async fn ping<T: Any + Send + Sync>(
        &self,
        tx: &mut DbConn<'_>,
        workspace: WorkspaceId,
        actor: Actor,
        to: WebhookId,
        resource: &T,
    ) -> Result<Option<DeliveryId>, StoreError> {
        let Some(seq) = outbox::reserve(tx, workspace, 1).await? else { return Ok(None) };
        let ping = Outgoing { kind: PING, resource_type: "webhook", resource, before: None, case_id: None };
        let events = self.events(workspace, Some(actor), [ping], seq);
        let now = clock::now();
        let delivery = DeliveryRow::pending(delivery_of(to, events[0].id), to, events[0].id, seq, now);
        let id = delivery.id;
        outbox::append(tx, events).await?;
        outbox::insert_deliveries(tx, vec![delivery]).await?;
        self.dispatch.queued([to]);
        Ok(Some(id))
    }

    /// Events numbered from `first`, rendered.
    fn events<'a>(
        &self,
        workspace: WorkspaceId,
        actor: Option<Actor>,
        outgoing: impl IntoIterator<Item = Outgoing<'a>>,
        first: i64,
    ) -> Vec<WorkspaceEventRow> {
        let now = clock::now();
        (first..)
            .zip(outgoing)
            .map(|(seq, out)| {
                let data = self.render.resource(out.resource);
                let changes = out.before.map(|before| changed_fields(&self.render.resource(before), &data));
                let envelope = Envelope {
                    id: EventId::new(),
                    kind: out.kind,
                    created_at: now,
                    workspace_id: workspace,
                    actor,
                    data: &data,
                    changes: changes.as_ref(),
                };
                WorkspaceEventRow {
                    id: envelope.id,
                    workspace_id: workspace,
                    seq,
                    kind: out.kind.to_owned(),
                    actor_id: actor.map_or(AccountId::NIL, |a| a.id),
                    actor_kind: actor.map_or("server", |a| a.kind.as_str()).to_owned(),
                    data: self.render.envelope(&envelope),
                    created_at: DbTime::from(now),
                    resource_type: out.resource_type.to_owned(),
                    case_id: out.case_id,
                }
            })
            .collect()
    }
}

/// A change as the outbox writes it.
struct Outgoing<'a> {
    kind: &'a str,
    resource_type: &'a str,
    resource: &'a (dyn Any + Send + Sync),
    before: Option<&'a (dyn Any + Send + Sync)>,
    case_id: Option<CaseId>,
}

impl<'a> From<&'a Change<'a>> for Outgoing<'a> {
    fn from(change: &'a Change<'a>) -> Self {
        Self {
            kind: change.kind.as_str(),
            resource_type: change.kind.resource_type(),
            resource: change.resource,
            before: change.before,
            case_id: change.case_id,
        }
    }
}

/// The event type of a ping, which only the pinged subscription receives.
pub const PING: &str = "ping";

/// The delivery of `event` to `webhook`. The same pair always gives the
/// same id (a UUIDv7 bearing the event's time, its other bits drawn from
/// both ids), so an attempt repeated after a crash carries the same
/// `webhook-id` for receivers to drop.
pub fn delivery_of(webhook: WebhookId, event: EventId) -> DeliveryId {
    let digest = Sha256::new()
        .chain_update(webhook.uuid().as_bytes())
        .chain_update(event.uuid().as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&event.uuid().as_bytes()[..6]);
    bytes[6..].copy_from_slice(&digest[..10]);
    let id = uuid::Builder::from_bytes(bytes)
        .with_version(uuid::Version::SortRand)
        .with_variant(uuid::Variant::RFC4122);
    DeliveryId::from_uuid(id.into_uuid())
}

/// Whether a subscription's stored event list (a JSON array of names)
/// takes events of type `kind` (never a ping: those are addressed).
pub fn wants(events: &str, kind: &str) -> bool {
    let names: Vec<&str> = serde_json::from_str(events).unwrap_or_default();
    kind != PING && names.iter().any(|name| *name == EventType::All.as_str() || *name == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delivery_id_is_the_same_for_the_same_pair_and_sorts_by_its_event() {
        let (hook, other) = (WebhookId::new(), WebhookId::new());
        let event = EventId::new();
        let id = delivery_of(hook, event);
        assert_eq!(id, delivery_of(hook, event), "the same pair, the same id");
        assert_ne!(id, delivery_of(other, event));
        assert_ne!(id, delivery_of(hook, EventId::new()));
        assert_eq!(id.uuid().get_version(), Some(uuid::Version::SortRand));
        assert_eq!(id.uuid().get_timestamp(), event.uuid().get_timestamp(), "the event's time");
    }

    #[test]
    fn a_ping_is_never_wanted_and_a_star_wants_the_rest() {
        assert!(wants(r#"["*"]"#, "case.created"));
        assert!(wants(r#"["case.created"]"#, "case.created"));
        assert!(!wants(r#"["case.created"]"#, "case.updated"));
        assert!(!wants(r#"["*"]"#, PING));
    }
}
