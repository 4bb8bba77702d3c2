//! Wire types of a case's audit trail.

use poem_openapi::Object;
use serde_json::Value;

use crate::http::actor::{ActorId, ActorKindWire};
use crate::http::wire::{Prefixed, Timestamp, WireId};
use crate::ids::{
    AccountId, AttachmentId, CaseId, CommentId, EventId, LinkId, ObservableId, ScanId, TaskId, TemplateId,
};
use crate::services::cases::{self, CaseEvent};

/// One entry of a case's audit trail.
#[derive(Debug, Object)]
#[oai(rename = "CaseEvent")]
pub struct EventView {
    /// The event's id.
    pub id: WireId<EventId>,
    /// The case.
    pub case_id: WireId<CaseId>,
    /// Who did it.
    pub actor_id: ActorId,
    /// Whether `actor_id` is a person or a service account.
    pub actor_kind: ActorKindWire,
    /// What happened: `case_created` (the case's fields, and the
    /// `template_id` it was opened from or null), `field_changed` (with `field`, `old`,
    /// `new`), `assigned` (`old`, `new` account ids), `commented`,
    /// `comment_edited`, `comment_deleted` (`comment_id`), `scan_finished`
    /// (`scan_id`, `status`, `target`, `ports`, `open`, `closed`, `filtered`),
    /// `attachment_added` and `attachment_deleted` (`attachment_id`,
    /// `file_name`, `media_type`, `size`, `sha256`, and `scan_id` when the
    /// file is on a scan linked to the case), `task_created` (`task_id`,
    /// `title`, `status`, `assignee_id`, `due_at`, `position`),
    /// `task_changed` (`task_id`, `field`, `old`, `new`) and `task_deleted`
    /// (`task_id`, `title`), `observable_added` (`observable_id`, `type`,
    /// `value`, `tlp`, `is_ioc`, `source`), `observable_seen` (added again:
    /// `observable_id`, `type`, `value`), `observable_changed`
    /// (`observable_id`, `field`, `old`, `new`) and `observable_deleted`
    /// (`observable_id`, `type`, `value`), `case_deleted` (moved to the
    /// trash) and `case_restored` (taken out of it), with empty details,
    /// `link_added` and `link_removed` (`link_id`, `type` as seen from this
    /// case, and the other case's `case_id` and `case_number`),
    /// `merged_into` (this case was merged into `case_id`, `case_number`)
    /// and `merged_from` (`case_id`, `case_number` was merged into this
    /// one), both with the counts moved: `comments`, `attachments`,
    /// `tasks`, `observables` and `observables_combined`.
    #[oai(rename = "type")]
    pub kind: String,
    /// The details; their shape depends on `type`.
    pub data: Value,
    /// When it happened.
    pub created_at: Timestamp,
}

impl From<CaseEvent> for EventView {
    fn from(event: CaseEvent) -> Self {
        Self {
            id: WireId::new(event.id),
            case_id: WireId::new(event.case_id),
            actor_id: ActorId::new(event.actor_id, event.actor_kind),
            actor_kind: event.actor_kind.into(),
            kind: event.kind.as_str().to_owned(),
            data: with_prefixed_ids(event.kind, event.data),
            created_at: event.created_at.into(),
        }
    }
}

/// Events store bare UUIDs; on the wire, ids carry their prefix.
fn with_prefixed_ids(kind: cases::EventKind, mut data: Value) -> Value {
    use cases::EventKind::*;
    match kind {
        Assigned => {
            prefix::<AccountId>(&mut data["old"]);
            prefix::<AccountId>(&mut data["new"]);
        }
        CaseCreated => {
            prefix::<AccountId>(&mut data["assignee_id"]);
            prefix::<TemplateId>(&mut data["template_id"]);
        }
        Commented | CommentEdited | CommentDeleted => prefix::<CommentId>(&mut data["comment_id"]),
        ScanFinished => prefix::<ScanId>(&mut data["scan_id"]),
        AttachmentAdded | AttachmentDeleted => {
            prefix::<AttachmentId>(&mut data["attachment_id"]);
            prefix::<ScanId>(&mut data["scan_id"]);
        }
        TaskCreated => {
            prefix::<TaskId>(&mut data["task_id"]);
            prefix::<AccountId>(&mut data["assignee_id"]);
        }
        TaskChanged => {
            prefix::<TaskId>(&mut data["task_id"]);
            if data["field"] == "assignee_id" {
                prefix::<AccountId>(&mut data["old"]);
                prefix::<AccountId>(&mut data["new"]);
            }
        }
        TaskDeleted => prefix::<TaskId>(&mut data["task_id"]),
        ObservableAdded | ObservableSeen | ObservableChanged | ObservableDeleted => {
            prefix::<ObservableId>(&mut data["observable_id"]);
        }
        LinkAdded | LinkRemoved => {
            prefix::<LinkId>(&mut data["link_id"]);
            prefix::<CaseId>(&mut data["case_id"]);
        }
        MergedInto | MergedFrom => prefix::<CaseId>(&mut data["case_id"]),
        FieldChanged | CaseDeleted | CaseRestored => {}
    }
    data
}

/// Rewrites a bare UUID string in `value` as an id of kind `I`.
fn prefix<I: Prefixed>(value: &mut Value) {
    if let Some(id) = value.as_str().and_then(|raw| uuid::Uuid::parse_str(raw).ok()) {
        *value = Value::String(WireId::new(I::from_uuid(id)).to_string());
    }
}

/// A page of audit events, newest first.
#[derive(Debug, Object)]
#[oai(rename = "CaseEventList")]
pub struct EventList {
    /// The events on this page.
    pub items: Vec<EventView>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

crate::http::wire::list_from_page!(EventList, CaseEvent);
