//! Wire types of the workspace activity feed.

use poem_openapi::types::Any;
use poem_openapi::{Enum, Object};
use serde::Serialize;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::api::common::wire_enum;
use crate::http::actor::ActorId;
use crate::http::wire::{Timestamp, WireId, list_from_page};
use crate::ids::{CaseId, EventId};
use crate::services::activity::{FieldChange, WorkspaceEvent};
use crate::services::kernel::ActorKind;
use crate::services::outbox::ResourceType;

wire_enum!(
    /// A kind of resource that workspace events concern.
    ResourceTypeWire("EventResourceType") <=> ResourceType {
        /// The workspace itself.
        Workspace,
        /// A member and their role.
        Member,
        /// A case.
        Case,
        /// A comment on a case.
        Comment,
        /// A task of a case.
        Task,
        /// An observable of a case.
        Observable,
        /// An evidence file on a case or a scan.
        Attachment,
        /// A network scan.
        Scan,
        /// A custom field definition.
        CustomField,
        /// A case template.
        Template,
        /// A service account (admins only).
        ServiceAccount,
        /// An API key of a service account (admins only).
        ApiKey,
        /// A webhook subscription (admins only).
        Webhook,
        /// A link between two cases.
        CaseLink,
    }
);

/// Who made a change: a person, a service account, or the server itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize)]
#[oai(rename = "EventActorKind", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum EventActorKindWire {
    /// A person (`actor_id` is an `acct_` id).
    Person,
    /// A service account, with an API key (`actor_id` is a `svc_` id).
    ServiceAccount,
    /// The server (`actor_id` is null): a scan finishing, a subscription
    /// deactivated after failures.
    Server,
}

/// One changed field of an update.
#[derive(Debug, Object, Serialize)]
#[oai(rename = "FieldChange")]
pub struct FieldChangeView {
    /// The field as the resource names it (`status`); a field inside an
    /// object field is named with a dot (`custom_fields.team`).
    pub field: String,
    /// Its value before the change (null: it had none).
    pub old: Value,
    /// Its value after the change (null: it has none).
    pub new: Value,
}

impl From<FieldChange> for FieldChangeView {
    fn from(change: FieldChange) -> Self {
        Self { field: change.field, old: change.old, new: change.new }
    }
}

/// One change in a workspace, as the activity feed lists it. The same
/// event that webhook subscriptions receive (same `id`, `type`, `data`
/// and `changes`), with its place in the workspace's order.
#[derive(Debug, Object, Serialize)]
#[oai(rename = "WorkspaceEvent")]
pub struct WorkspaceEventView {
    /// The event's id: the `id` of the webhook envelope that carried it.
    pub id: WireId<EventId>,
    /// Its place in the workspace's commit order: later changes have
    /// higher numbers (with gaps: some numbers are pings, which are not
    /// listed, or events hidden from the reader).
    pub seq: i64,
    /// What happened: a webhook event type (`case.created`,
    /// `member.updated`...). New types may be added; treat unknown ones
    /// as information.
    #[oai(rename = "type")]
    #[serde(rename = "type")]
    pub kind: String,
    /// When it was committed.
    pub created_at: Timestamp,
    /// Who made the change (`acct_` or `svc_`); null when the server did.
    #[oai(nullable)]
    pub actor_id: Option<ActorId>,
    /// Whether a person, a service account or the server made it.
    pub actor_kind: EventActorKindWire,
    /// The kind of resource it concerns.
    pub resource_type: ResourceTypeWire,
    /// The case the resource belongs to (a case's own events, and those
    /// of its comments, tasks, observables and attachments), or null.
    #[oai(nullable)]
    pub case_id: Option<WireId<CaseId>>,
    /// The resource as its own endpoints return it, after the change (as
    /// it was, for a deletion). A workspace carries no `role`: roles are
    /// the reader's own.
    pub data: Any<Box<RawValue>>,
    /// For an update (`*.updated`), the fields that changed with their old
    /// and new values (`version` and `updated_at` aside); null for other
    /// events. Secrets are never part of a resource, so never here.
    #[oai(nullable)]
    pub changes: Option<Vec<FieldChangeView>>,
}

impl From<WorkspaceEvent> for WorkspaceEventView {
    fn from(event: WorkspaceEvent) -> Self {
        Self {
            id: WireId::new(event.id),
            seq: event.seq,
            kind: event.kind,
            created_at: event.created_at.into(),
            actor_id: event.actor.map(|actor| ActorId::new(actor.id, actor.kind)),
            actor_kind: match event.actor.map(|actor| actor.kind) {
                Some(ActorKind::Person) => EventActorKindWire::Person,
                Some(ActorKind::ServiceAccount) => EventActorKindWire::ServiceAccount,
                None => EventActorKindWire::Server,
            },
            resource_type: event.resource_type.into(),
            case_id: event.case_id.map(WireId::new),
            data: Any(event.data),
            changes: event.changes.map(|changes| changes.into_iter().map(Into::into).collect()),
        }
    }
}

/// A page of workspace events, newest first.
#[derive(Debug, Object, Serialize)]
#[oai(rename = "WorkspaceEventList")]
pub struct WorkspaceEventList {
    /// The events on this page.
    pub items: Vec<WorkspaceEventView>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

list_from_page!(WorkspaceEventList, WorkspaceEvent);
