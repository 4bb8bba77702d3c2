//! Task domain types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, CaseId, TaskId, WorkspaceId};
use crate::services::cases::ranked_enum;
use crate::services::kernel::{ActorKind, Corrupt};
use crate::store::tasks::{TaskRow, due_key};

ranked_enum!(
    /// Where a task is.
    TaskStatus {
        /// Not started.
        Todo = (1, "todo"),
        /// Being worked on.
        InProgress = (2, "in_progress"),
        /// Waiting on something.
        Blocked = (3, "blocked"),
        /// Finished (sets `completed_at`).
        Done = (4, "done"),
        /// Will not be done.
        Cancelled = (5, "cancelled"),
    }
);

impl TaskStatus {
    /// Done and cancelled tasks are finished: never overdue.
    pub fn is_finished(self) -> bool {
        matches!(self, Self::Done | Self::Cancelled)
    }
}

/// A step of a case's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// Id.
    pub id: TaskId,
    /// Its case.
    pub case_id: CaseId,
    /// The case's workspace.
    pub workspace_id: WorkspaceId,
    /// One-line title.
    pub title: String,
    /// Markdown description.
    pub description: String,
    /// Status.
    pub status: TaskStatus,
    /// Assigned member.
    pub assignee_id: Option<AccountId>,
    /// When it is due.
    pub due_at: Option<DateTime<Utc>>,
    /// When it was done (set and cleared by status changes).
    pub completed_at: Option<DateTime<Utc>>,
    /// Place in the case's checklist, from 1.
    pub position: i32,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Creator.
    pub created_by: AccountId,
    /// Whether a person or a service account.
    pub created_by_kind: ActorKind,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A stored task is read strictly: an unknown status is a corrupt record.
impl TryFrom<TaskRow> for Task {
    type Error = Corrupt;

    fn try_from(row: TaskRow) -> Result<Self, Corrupt> {
        let status = TaskStatus::from_name(&row.status)
            .ok_or_else(|| Corrupt(format!("task {}: unknown status", row.id)))?;
        Ok(Self {
            id: row.id,
            case_id: row.case_id,
            workspace_id: row.workspace_id,
            title: row.title,
            description: row.description,
            status,
            assignee_id: row.assignee_id,
            due_at: row.due_at.map(Into::into),
            completed_at: row.completed_at.map(Into::into),
            position: row.position,
            version: row.version,
            created_by: row.created_by,
            created_by_kind: ActorKind::from_stored(&row.created_by_kind),
            created_at: row.created_at.into(),
            updated_at: row.updated_at.into(),
        })
    }
}

impl Task {
    /// The stored row of this task.
    pub(super) fn to_row(&self) -> TaskRow {
        let due_at = self.due_at.map(Into::into);
        TaskRow {
            id: self.id,
            case_id: self.case_id,
            workspace_id: self.workspace_id,
            title: self.title.clone(),
            description: self.description.clone(),
            status: self.status.as_str().to_owned(),
            assignee_id: self.assignee_id,
            due_at,
            due_key: due_key(due_at),
            completed_at: self.completed_at.map(Into::into),
            position: self.position,
            version: self.version,
            created_by: self.created_by,
            created_by_kind: self.created_by_kind.as_str().to_owned(),
            created_at: self.created_at.into(),
            updated_at: self.updated_at.into(),
        }
    }

    /// Whether it is past due at `now` and not finished.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        !self.status.is_finished() && self.due_at.is_some_and(|due| due < now)
    }
}

impl crate::services::outbox::Subject for Task {
    fn case_id(&self) -> Option<crate::ids::CaseId> {
        Some(self.case_id)
    }

    fn searched(&self) -> Vec<&str> {
        vec![&self.title]
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    #[test]
    fn only_unfinished_tasks_past_their_due_time_are_overdue() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).expect("time");
        let task = |status, due: Option<i64>| Task {
            id: TaskId::new(),
            case_id: CaseId::new(),
            workspace_id: WorkspaceId::new(),
            title: "t".into(),
            description: String::new(),
            status,
            assignee_id: None,
            due_at: due.map(|minutes| now + TimeDelta::minutes(minutes)),
            completed_at: None,
            position: 1,
            version: 1,
            created_by: AccountId::new(),
            created_by_kind: ActorKind::Person,
            created_at: now,
            updated_at: now,
        };
        assert!(task(TaskStatus::Todo, Some(-1)).is_overdue(now));
        assert!(task(TaskStatus::Blocked, Some(-1)).is_overdue(now));
        assert!(!task(TaskStatus::Todo, Some(0)).is_overdue(now));
        assert!(!task(TaskStatus::Todo, None).is_overdue(now));
        assert!(!task(TaskStatus::Done, Some(-1)).is_overdue(now));
        assert!(!task(TaskStatus::Cancelled, Some(-1)).is_overdue(now));
    }
}
