//! Wire types of tasks.

use poem_openapi::Object;
use poem_openapi::types::{Example, MaybeUndefined};
use serde::Deserialize;

use crate::api::common::{nullable, wire_enum};
use crate::http::actor::{ActorId, ActorKindWire};
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{AccountId, CaseId, TaskId, WorkspaceId};
use crate::services::tasks::{RawNewTask, RawTaskUpdate, Task, TaskSort, TaskStatus};

wire_enum!(
    /// Where a task is. Moving to `done` sets `completed_at`; moving away
    /// from it clears it. `done` and `cancelled` tasks are never overdue.
    TaskStatusWire("TaskStatus") <=> TaskStatus {
        /// Not started.
        Todo,
        /// Being worked on.
        InProgress,
        /// Waiting on something.
        Blocked,
        /// Finished.
        Done,
        /// Will not be done.
        Cancelled,
    }
);

wire_enum!(
    /// What the workspace task list is sorted by (ties are broken by id).
    TaskSortWire("TaskSort") <=> TaskSort {
        /// Due time; ascending, tasks without one come last.
        DueAt,
        /// Creation time.
        CreatedAt,
        /// Last change (with `updated_after` and `order=asc`, for
        /// incremental sync).
        UpdatedAt,
    }
);

/// A step of a case's checklist.
#[derive(Debug, Object)]
#[oai(rename = "Task")]
pub struct TaskView {
    /// The task's id.
    pub id: WireId<TaskId>,
    /// Its case.
    pub case_id: WireId<CaseId>,
    /// The case's workspace.
    pub workspace_id: WireId<WorkspaceId>,
    /// One line.
    pub title: String,
    /// Description, in Markdown.
    pub description: String,
    /// Where the task is.
    pub status: TaskStatusWire,
    /// The member it is assigned to, or null.
    #[oai(nullable)]
    pub assignee_id: Option<WireId<AccountId>>,
    /// When it is due, or null.
    #[oai(nullable)]
    pub due_at: Option<Timestamp>,
    /// When it was done (set by moving to `done`), or null.
    #[oai(nullable)]
    pub completed_at: Option<Timestamp>,
    /// Its place in the case's checklist: 1, 2, 3... with no gaps. Moving
    /// or deleting a task renumbers the others without raising their version.
    pub position: i32,
    /// Raised by one on every change; send it back with `PATCH`.
    pub version: i32,
    /// Who added it.
    pub created_by: ActorId,
    /// Whether `created_by` is a person or a service account.
    pub created_by_kind: ActorKindWire,
    /// When it was added.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

impl From<Task> for TaskView {
    fn from(task: Task) -> Self {
        Self {
            id: WireId::new(task.id),
            case_id: WireId::new(task.case_id),
            workspace_id: WireId::new(task.workspace_id),
            title: task.title,
            description: task.description,
            status: task.status.into(),
            assignee_id: task.assignee_id.map(WireId::new),
            due_at: task.due_at.map(Into::into),
            completed_at: task.completed_at.map(Into::into),
            position: task.position,
            version: task.version,
            created_by: ActorId::new(task.created_by, task.created_by_kind),
            created_by_kind: task.created_by_kind.into(),
            created_at: task.created_at.into(),
            updated_at: task.updated_at.into(),
        }
    }
}

/// A page of tasks.
#[derive(Debug, Object)]
#[oai(rename = "TaskList")]
pub struct TaskList {
    /// The tasks on this page.
    pub items: Vec<TaskView>,
    /// Pass as `cursor` (with the same filters and sort) for the next page;
    /// null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

crate::http::wire::list_from_page!(TaskList, Task);

/// A new task.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "CreateTaskRequest", example, skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct CreateTaskRequest {
    /// One line, 1 to 200 characters after trimming.
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: String,
    /// Markdown, up to 20,000 characters.
    #[oai(validator(max_length = 20000))]
    pub description: Option<String>,
    /// Initial status (default `todo`).
    pub status: Option<TaskStatusWire>,
    /// A member of the workspace to assign it to.
    pub assignee_id: Option<WireId<AccountId>>,
    /// When it is due.
    pub due_at: Option<Timestamp>,
    /// Its place in the checklist, from 1 to one more than the number of
    /// tasks (default: last); the tasks from there on move down one.
    #[oai(validator(minimum(value = "1")))]
    pub position: Option<i32>,
}

impl Example for CreateTaskRequest {
    fn example() -> Self {
        Self {
            title: "Reset the passwords of the affected accounts".into(),
            description: Some("Finance team first.".into()),
            status: None,
            assignee_id: None,
            due_at: None,
            position: None,
        }
    }
}

/// A change to a task: only the fields to change, and the `version` it is based on.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "UpdateTaskRequest", example, skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct UpdateTaskRequest {
    /// The task's `version` as last read; a stale one answers 409 `VERSION_CONFLICT`.
    #[oai(validator(minimum(value = "1")))]
    pub version: i32,
    /// New title: 1 to 200 characters after trimming.
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: Option<String>,
    /// New description: up to 20,000 characters.
    #[oai(validator(max_length = 20000))]
    pub description: Option<String>,
    /// New status.
    pub status: Option<TaskStatusWire>,
    /// A member to assign it to, or null to unassign; leave out to keep.
    #[serde(default)]
    #[oai(nullable)]
    pub assignee_id: MaybeUndefined<WireId<AccountId>>,
    /// A new due time, or null for none; leave out to keep.
    #[serde(default)]
    #[oai(nullable)]
    pub due_at: MaybeUndefined<Timestamp>,
    /// Move it to this place in the checklist, from 1 to the number of
    /// tasks; the tasks in between move one step to make room.
    #[oai(validator(minimum(value = "1")))]
    pub position: Option<i32>,
}

impl Example for UpdateTaskRequest {
    fn example() -> Self {
        Self {
            version: 1,
            title: None,
            description: None,
            status: Some(TaskStatusWire::Done),
            assignee_id: MaybeUndefined::Undefined,
            due_at: MaybeUndefined::Undefined,
            position: None,
        }
    }
}

impl From<CreateTaskRequest> for RawNewTask {
    fn from(body: CreateTaskRequest) -> Self {
        Self {
            title: body.title,
            description: body.description,
            status: body.status.map(Into::into),
            assignee_id: body.assignee_id.map(|id| id.id()),
            due_at: body.due_at.map(|t| t.0),
            position: body.position,
        }
    }
}

impl From<UpdateTaskRequest> for RawTaskUpdate {
    fn from(body: UpdateTaskRequest) -> Self {
        Self {
            version: body.version,
            title: body.title,
            description: body.description,
            status: body.status.map(Into::into),
            assignee_id: nullable(body.assignee_id, |id| id.id()),
            due_at: nullable(body.due_at, |t| t.0),
            position: body.position,
        }
    }
}
