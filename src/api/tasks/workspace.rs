//! `/v1/workspaces/{workspace_id}/tasks`: the workspace's tasks across
//! cases, an analyst's "my work" view.

use std::sync::Arc;

use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;

use super::TaskListResponse;
use super::wire::{TaskSortWire, TaskStatusWire};
use crate::api::cases::wire::SortOrderWire;
use crate::api::common::assignee_filters;
use crate::http::auth::Caller;
use crate::http::responses::{ListErrors, Problems};
use crate::http::tags::ApiTags;
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{CaseId, WorkspaceId};
use crate::services::tasks::{RawTaskQuery, TaskQuery, TaskService};

/// The workspace-wide task list.
pub struct WorkspaceTasksApi {
    /// The tasks of cases.
    pub(in crate::api) tasks: Arc<TaskService>,
}

#[OpenApi(tag = "ApiTags::Tasks")]
impl WorkspaceTasksApi {
    /// List the workspace's tasks
    ///
    /// Tasks across every case of the workspace. Repeated filter parameters
    /// mean "any of"; different filters all apply. Default order: soonest
    /// due first, tasks without a due time last. `assignee_id=me&overdue=true`
    /// is "my late work".
    #[oai(path = "/v1/workspaces/:workspace_id/tasks", method = "get", operation_id = "listTasks")]
    #[allow(clippy::too_many_arguments)]
    async fn list_tasks(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// Only tasks assigned to any of these accounts; `me` for yourself,
        /// `none` for unassigned.
        assignee_id: Query<Option<Vec<String>>>,
        /// Only tasks with any of these statuses.
        status: Query<Option<Vec<TaskStatusWire>>>,
        /// `true`: only overdue tasks (past `due_at`, neither done nor
        /// cancelled); `false`: only tasks that are not overdue.
        overdue: Query<Option<bool>>,
        /// Only tasks due before this time.
        due_before: Query<Option<Timestamp>>,
        /// Only tasks due at or after this time.
        due_after: Query<Option<Timestamp>>,
        /// Only the tasks of this case.
        case_id: Query<Option<WireId<CaseId>>>,
        /// Only tasks changed (or created) at or after this time: with
        /// `sort=updated_at&order=asc`, a client that passes the
        /// `updated_at` of the last task it saw fetches only what changed
        /// since (deletions are in the activity feed, `task.deleted`).
        updated_after: Query<Option<Timestamp>>,
        /// Sort by this (default `due_at`).
        sort: Query<Option<TaskSortWire>>,
        /// Sort direction (default `asc`).
        order: Query<Option<SortOrderWire>>,
        /// Items per page, 1 to 100 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page (same filters and sort).
        cursor: Query<Option<String>>,
    ) -> Result<TaskListResponse, Problems<ListErrors>> {
        let caller = caller.actor();
        let query = TaskQuery::try_from(RawTaskQuery {
            case_id: case_id.0.map(|id| id.id()),
            statuses: status.0.unwrap_or_default().into_iter().map(Into::into).collect(),
            assignees: assignee_filters(&assignee_id.0.unwrap_or_default(), caller.id)?,
            overdue: overdue.0,
            due_before: due_before.0.map(|t| t.0),
            due_after: due_after.0.map(|t| t.0),
            updated_after: updated_after.0.map(|t| t.0),
            sort: sort.0.map(Into::into),
            direction: order.0.map(Into::into),
            limit: limit.0,
            cursor: cursor.0,
        })?;
        let page = self.tasks.list(caller, workspace_id.0.id(), query).await?;
        Ok(TaskListResponse::Ok(Json(page.into())))
    }
}
