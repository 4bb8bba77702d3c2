//! The audit trail: what changed on a case, by whom, when. Events are built
//! here and written in the same transaction as the change they record.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::Case;
use crate::ids::{AccountId, CaseId, EventId, RecordId};
use crate::services::kernel::{Actor, ActorKind};
use crate::store::case_events::CaseEventRow;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// The case was created; `data` holds its initial fields.
    CaseCreated,
    /// One field changed; `data`: `field`, `old`, `new`.
    FieldChanged,
    /// The assignee changed; `data`: `old`, `new` (account ids or null).
    Assigned,
    /// A comment was added; `data`: `comment_id`.
    Commented,
    /// A comment was edited; `data`: `comment_id`.
    CommentEdited,
    /// A comment was deleted; `data`: `comment_id`.
    CommentDeleted,
    /// A scan linked to the case ended; `data`: `scan_id`, `status`,
    /// `target`, `ports` and the counts of open, closed and filtered ports.
    ScanFinished,
    /// Evidence was attached to the case, or to a scan linked to it;
    /// `data`: `attachment_id`, `file_name`, `media_type`, `size`, `sha256`
    /// and `scan_id` (null for the case's own attachments).
    AttachmentAdded,
    /// An attachment was deleted; `data` as for `attachment_added`.
    AttachmentDeleted,
    /// A task was added; `data`: `task_id`, `title`, `status`,
    /// `assignee_id`, `due_at`, `position`.
    TaskCreated,
    /// One field of a task changed; `data`: `task_id`, `field`, `old`, `new`.
    TaskChanged,
    /// A task was deleted; `data`: `task_id`, `title`.
    TaskDeleted,
    /// An observable was added; `data`: `observable_id`, `type`, `value`,
    /// `tlp`, `is_ioc`, `source`.
    ObservableAdded,
    /// An observable was added again (its `last_seen_at` rose); `data`:
    /// `observable_id`, `type`, `value`.
    ObservableSeen,
    /// One field of an observable changed; `data`: `observable_id`,
    /// `field`, `old`, `new`.
    ObservableChanged,
    /// An observable was deleted; `data`: `observable_id`, `type`, `value`.
    ObservableDeleted,
    /// The case was moved to the trash; `data` is empty.
    CaseDeleted,
    /// The case was restored from the trash; `data` is empty.
    CaseRestored,
    /// The case was linked to another; `data`: `link_id`, `type` (as seen
    /// from this case), `case_id` and `case_number` (the other case).
    LinkAdded,
    /// A link to another case was removed; `data` as for `link_added`.
    LinkRemoved,
    /// The case was merged into another and closed; `data`: `case_id` and
    /// `case_number` (the case merged into), and the counts moved:
    /// `comments`, `attachments`, `tasks`, `observables` (those moved) and
    /// `observables_combined` (duplicates absorbed by the other's own).
    MergedInto,
    /// Another case was merged into this one; `data`: `case_id` and
    /// `case_number` (the merged case) and the counts as for `merged_into`.
    MergedFrom,
}

impl EventKind {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CaseCreated => "case_created",
            Self::FieldChanged => "field_changed",
            Self::Assigned => "assigned",
            Self::Commented => "commented",
            Self::CommentEdited => "comment_edited",
            Self::CommentDeleted => "comment_deleted",
            Self::ScanFinished => "scan_finished",
            Self::AttachmentAdded => "attachment_added",
            Self::AttachmentDeleted => "attachment_deleted",
            Self::TaskCreated => "task_created",
            Self::TaskChanged => "task_changed",
            Self::TaskDeleted => "task_deleted",
            Self::ObservableAdded => "observable_added",
            Self::ObservableSeen => "observable_seen",
            Self::ObservableChanged => "observable_changed",
            Self::ObservableDeleted => "observable_deleted",
            Self::CaseDeleted => "case_deleted",
            Self::CaseRestored => "case_restored",
            Self::LinkAdded => "link_added",
            Self::LinkRemoved => "link_removed",
            Self::MergedInto => "merged_into",
            Self::MergedFrom => "merged_from",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        [
            Self::CaseCreated,
            Self::FieldChanged,
            Self::Assigned,
            Self::Commented,
            Self::CommentEdited,
            Self::CommentDeleted,
            Self::ScanFinished,
            Self::AttachmentAdded,
            Self::AttachmentDeleted,
            Self::TaskCreated,
            Self::TaskChanged,
            Self::TaskDeleted,
            Self::ObservableAdded,
            Self::ObservableSeen,
            Self::ObservableChanged,
            Self::ObservableDeleted,
            Self::CaseDeleted,
            Self::CaseRestored,
            Self::LinkAdded,
            Self::LinkRemoved,
            Self::MergedInto,
            Self::MergedFrom,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == name)
    }
}

/// One entry of a case's audit trail.
#[derive(Debug, Clone)]
pub struct CaseEvent {
    /// Id (time-ordered).
    pub id: EventId,
    /// The case.
    pub case_id: CaseId,
    /// Who did it.
    pub actor_id: AccountId,
    /// Whether a person or a service account.
    pub actor_kind: ActorKind,
    /// What happened.
    pub kind: EventKind,
    /// Details (ids in `data` are bare UUID strings).
    pub data: Value,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl CaseEvent {
    /// A new event.
    pub fn new(case_id: CaseId, actor: Actor, kind: EventKind, data: Value, at: DateTime<Utc>) -> Self {
        Self {
            id: EventId::new(),
            case_id,
            actor_id: actor.id,
            actor_kind: actor.kind,
            kind,
            data,
            created_at: at,
        }
    }

    pub(crate) fn to_row(&self) -> CaseEventRow {
        CaseEventRow {
            id: self.id,
            case_id: self.case_id,
            actor_id: self.actor_id,
            actor_kind: self.actor_kind.as_str().to_owned(),
            kind: self.kind.as_str().to_owned(),
            data: self.data.to_string(),
            created_at: self.created_at.into(),
        }
    }
}

impl TryFrom<CaseEventRow> for CaseEvent {
    type Error = String;

    fn try_from(row: CaseEventRow) -> Result<Self, String> {
        Ok(Self {
            id: row.id,
            case_id: row.case_id,
            actor_id: row.actor_id,
            actor_kind: ActorKind::from_stored(&row.actor_kind),
            kind: EventKind::from_name(&row.kind)
                .ok_or_else(|| format!("unknown event kind {}", row.kind))?,
            data: serde_json::from_str(&row.data).map_err(|err| err.to_string())?,
            created_at: row.created_at.into(),
        })
    }
}

/// The event a finished scan writes on its case (in the scan's transaction).
pub fn scan_finished_event(case_id: CaseId, actor: Actor, data: Value, at: DateTime<Utc>) -> CaseEventRow {
    CaseEvent::new(case_id, actor, EventKind::ScanFinished, data, at).to_row()
}

/// The `case_created` event of a new case.
pub(super) fn created(case: &Case, actor: Actor) -> CaseEvent {
    let data = json!({
        "number": case.number,
        "summary": case.summary,
        "status": case.status.as_str(),
        "priority": case.priority.as_str(),
        "severity": case.severity.as_str(),
        "assignee_id": case.assignee_id.map(|id| id.uuid().to_string()),
        "tags": case.tags,
        "due_at": case.due_at,
        "custom_fields": case.custom_fields,
        "template_id": case.template_id.map(|id| id.uuid().to_string()),
    });
    CaseEvent::new(case.id, actor, EventKind::CaseCreated, data, case.created_at)
}

/// One event per changed field between `old` and `new`.
pub(crate) fn changes(old: &Case, new: &Case, actor: Actor) -> Vec<CaseEvent> {
    let (case_id, at) = (new.id, new.updated_at);
    let field = |name: &str, old: Value, new: Value| {
        (old != new).then(|| {
            let data = json!({"field": name, "old": old, "new": new});
            CaseEvent::new(case_id, actor, EventKind::FieldChanged, data, at)
        })
    };
    let mut events: Vec<CaseEvent> = [
        field("summary", json!(old.summary), json!(new.summary)),
        field("description", json!(old.description), json!(new.description)),
        field("status", json!(old.status.as_str()), json!(new.status.as_str())),
        field("priority", json!(old.priority.as_str()), json!(new.priority.as_str())),
        field("severity", json!(old.severity.as_str()), json!(new.severity.as_str())),
        field("tags", json!(old.tags), json!(new.tags)),
        field("due_at", json!(old.due_at), json!(new.due_at)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let keys: std::collections::BTreeSet<&String> =
        old.custom_fields.keys().chain(new.custom_fields.keys()).collect();
    events.extend(keys.into_iter().filter_map(|key| {
        let value = |case: &Case| case.custom_fields.get(key).cloned().unwrap_or(Value::Null);
        field(&format!("custom_fields.{key}"), value(old), value(new))
    }));
    if old.assignee_id != new.assignee_id {
        let id = |a: Option<AccountId>| a.map(|a| a.uuid().to_string());
        let data = json!({"old": id(old.assignee_id), "new": id(new.assignee_id)});
        events.push(CaseEvent::new(case_id, actor, EventKind::Assigned, data, at));
    }
    events
}
