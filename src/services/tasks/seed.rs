//! The first tasks of a case just opened (from a template), written in the
//! transaction that opens it.

use chrono::{DateTime, Utc};

use super::{Task, TaskStatus, events};
use crate::ids::{CaseId, TaskId, WorkspaceId};
use crate::services::cases::CaseEvent;
use crate::services::kernel::{Actor, Failure};
use crate::store::{DbConn, tasks};

/// One task to start a case with.
#[derive(Debug, Clone)]
pub struct FirstTask {
    /// Title (valid).
    pub title: String,
    /// Description (valid).
    pub description: String,
    /// When it is due.
    pub due_at: Option<DateTime<Utc>>,
}

/// Adds `first` to the new case `case` at positions 1, 2, 3..., all `todo`
/// and unassigned, created by `caller` at `at`. Returns them with their
/// `task_created` events, for the caller to write and publish with the
/// case's own.
pub async fn seed(
    conn: &mut DbConn<'_>,
    (workspace, case): (WorkspaceId, CaseId),
    first: Vec<FirstTask>,
    caller: Actor,
    at: DateTime<Utc>,
) -> Result<(Vec<Task>, Vec<CaseEvent>), Failure> {
    let tasks: Vec<Task> = first
        .into_iter()
        .zip(1..)
        .map(|(task, position)| Task {
            id: TaskId::new(),
            case_id: case,
            workspace_id: workspace,
            title: task.title,
            description: task.description,
            status: TaskStatus::Todo,
            assignee_id: None,
            due_at: task.due_at,
            completed_at: None,
            position,
            version: 1,
            created_by: caller.id,
            created_by_kind: caller.kind,
            created_at: at,
            updated_at: at,
        })
        .collect();
    tasks::insert_all(conn, tasks.iter().map(Task::to_row).collect()).await?;
    let events = tasks.iter().map(|task| events::created(task, caller)).collect();
    Ok((tasks, events))
}
