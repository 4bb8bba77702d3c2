//! The case audit events of task changes, written in the same transaction
//! as the change.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::Task;
use crate::ids::{AccountId, RecordId};
use crate::services::cases::{CaseEvent, EventKind};
use crate::services::kernel::Actor;

fn task_id(task: &Task) -> String {
    task.id.uuid().to_string()
}

fn account(id: Option<AccountId>) -> Value {
    json!(id.map(|id| id.uuid().to_string()))
}

/// The `task_created` event of a new task.
pub(super) fn created(task: &Task, actor: Actor) -> CaseEvent {
    let data = json!({
        "task_id": task_id(task),
        "title": task.title,
        "status": task.status.as_str(),
        "assignee_id": account(task.assignee_id),
        "due_at": task.due_at,
        "position": task.position,
    });
    CaseEvent::new(task.case_id, actor, EventKind::TaskCreated, data, task.created_at)
}

/// One `task_changed` event per field that differs between `old` and `new`.
pub(super) fn changes(old: &Task, new: &Task, actor: Actor, at: DateTime<Utc>) -> Vec<CaseEvent> {
    let id = task_id(new);
    [
        ("title", json!(old.title), json!(new.title)),
        ("description", json!(old.description), json!(new.description)),
        ("status", json!(old.status.as_str()), json!(new.status.as_str())),
        ("assignee_id", account(old.assignee_id), account(new.assignee_id)),
        ("due_at", json!(old.due_at), json!(new.due_at)),
        ("position", json!(old.position), json!(new.position)),
    ]
    .into_iter()
    .filter(|(_, before, after)| before != after)
    .map(|(name, before, after)| {
        let data = json!({"task_id": id, "field": name, "old": before, "new": after});
        CaseEvent::new(new.case_id, actor, EventKind::TaskChanged, data, at)
    })
    .collect()
}

/// The `task_deleted` event of a task.
pub(super) fn deleted(task: &Task, actor: Actor, at: DateTime<Utc>) -> CaseEvent {
    let data = json!({"task_id": task_id(task), "title": task.title});
    CaseEvent::new(task.case_id, actor, EventKind::TaskDeleted, data, at)
}
