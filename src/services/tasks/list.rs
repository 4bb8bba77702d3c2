//! The workspace's tasks across cases: an analyst's "my work" view,
//! filtered, sorted and keyset-paged.

use super::{Task, TaskQuery, TaskService, TaskSort, TaskStatus};
use crate::ids::WorkspaceId;
use crate::services::cases::{AssigneeFilter, SortOrder, overdue_now};
use crate::services::kernel::{Actor, Failure, Role};
use crate::services::pagination::Page;
use crate::store::cases::Direction;
use crate::store::tasks::{self, TaskFilter, TaskPosition, TaskSortKey, due_key};

impl TaskService {
    /// A page of the workspace's tasks (any member). Paging is by keyset on
    /// the sort column and the id, so rows are neither skipped nor repeated
    /// while others write.
    pub async fn list(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        query: TaskQuery,
    ) -> Result<Page<Task>, Failure> {
        let mut scope = self.access.writing(caller, workspace, Role::Viewer).await?;
        let conn = &mut scope.db();
        let (assignees, unassigned) = AssigneeFilter::split(&query.assignees);
        let filter = TaskFilter {
            case_id: query.case_id,
            statuses: query.statuses.iter().map(|s| s.as_str().to_owned()).collect(),
            assignees,
            unassigned,
            due_before: query.due_before,
            due_after: query.due_after,
            updated_after: query.updated_after,
            overdue: query.overdue.map(|overdue| {
                overdue_now(overdue, &[TaskStatus::Done.as_str(), TaskStatus::Cancelled.as_str()])
            }),
        };
        let (key, direction) = (
            match query.sort {
                TaskSort::DueAt => TaskSortKey::DueAt,
                TaskSort::CreatedAt => TaskSortKey::CreatedAt,
                TaskSort::UpdatedAt => TaskSortKey::UpdatedAt,
            },
            match query.direction {
                SortOrder::Asc => Direction::Asc,
                SortOrder::Desc => Direction::Desc,
            },
        );
        let page = &query.page;
        let rows = tasks::list(conn, workspace, &filter, key, direction, page.after, page.fetch()).await?;
        let tasks = rows.into_iter().map(Task::try_from).collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(tasks, page.limit, |task| position(task, query.sort)))
    }
}

/// Where a task stands in a list sorted by `sort`.
fn position(task: &Task, sort: TaskSort) -> TaskPosition {
    let value = match sort {
        TaskSort::DueAt => chrono::DateTime::from(due_key(task.due_at.map(Into::into))).timestamp_micros(),
        TaskSort::CreatedAt => task.created_at.timestamp_micros(),
        TaskSort::UpdatedAt => task.updated_at.timestamp_micros(),
    };
    (value, task.id)
}
