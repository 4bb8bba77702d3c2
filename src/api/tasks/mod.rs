//! `/v1/workspaces/{workspace_id}/cases/{case_id}/tasks`: the checklist of a
//! case; and `/v1/workspaces/{workspace_id}/tasks`, the workspace's tasks
//! across cases ([`workspace`]).

pub mod wire;
mod workspace;

use std::sync::Arc;

use poem_openapi::OpenApi;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;

use crate::http::auth::Caller;
use crate::http::idempotency::{claim, replayed};
use crate::http::json_body::JsonBody;
use crate::http::responses::{
    DeleteErrors, GetErrors, ListErrors, Problems, UpdateErrors, idempotent_created, one_answer,
};
use crate::http::tags::ApiTags;
use crate::http::wire::WireId;
use crate::ids::{CaseId, TaskId, WorkspaceId};
use crate::services::pagination::PageRequest;
use crate::services::tasks::{NewTask, RawNewTask, RawTaskUpdate, TaskService, TaskUpdate};
use wire::{CreateTaskRequest, TaskList, TaskView, UpdateTaskRequest};
pub use workspace::WorkspaceTasksApi;

/// Operations on the tasks of one case.
pub struct CaseTasksApi {
    /// The tasks of cases.
    pub(in crate::api) tasks: Arc<TaskService>,
}

idempotent_created!(
    /// Answer of `createTask`.
    CreateTaskResponse(Json<TaskView>),
    "The task was added (or, with `Idempotent-Replayed: true`, an earlier create with the same key).",
    "The task's address."
);

one_answer!(
    /// Answer of `listCaseTasks` and `listTasks`.
    pub(super) TaskListResponse: 200 Ok(Json<TaskList>),
    "A page of tasks."
);

one_answer!(
    /// Answer of `getTask` and `updateTask`.
    TaskResponse: 200 Ok(Json<TaskView>),
    "The task."
);

one_answer!(
    /// Answer of `deleteTask`.
    TaskDeletedResponse: 204 NoContent,
    "The task is gone (the case's audit trail records that it was deleted); the tasks after it moved up one."
);

#[OpenApi(tag = "ApiTags::Tasks")]
impl CaseTasksApi {
    /// Add a task to a case
    ///
    /// Adds a step to the case's checklist (editors and admins), last unless
    /// `position` says where. Send an `Idempotency-Key` to make retries safe.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/tasks",
        method = "post",
        operation_id = "createTask"
    )]
    async fn create_task(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        /// A client-chosen key (1 to 255 visible ASCII characters) that makes
        /// retries of this request safe for 24 hours.
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255))]
        idempotency_key: Header<Option<String>>,
        body: JsonBody<CreateTaskRequest>,
    ) -> Result<CreateTaskResponse, Problems<UpdateErrors>> {
        let caller = caller.actor();
        let request = NewTask::try_from(RawNewTask::from(body.0))?;
        let (workspace, case) = (workspace_id.0.id(), case_id.0.id());
        let operation = format!("createTask:{}", case_id.0);
        let claim = claim(caller, idempotency_key.0.as_deref(), &operation, &request)?;
        let created = self.tasks.create(caller, workspace, case, request, claim).await?;
        let location = format!(
            "/v1/workspaces/{}/cases/{}/tasks/{}",
            workspace_id.0,
            case_id.0,
            WireId::<TaskId>::new(created.value.id)
        );
        Ok(CreateTaskResponse::Created(Json(created.value.into()), location, replayed(created.replayed)))
    }

    /// List a case's tasks
    ///
    /// The case's checklist in order of `position`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/tasks",
        method = "get",
        operation_id = "listCaseTasks"
    )]
    async fn list_case_tasks(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        /// Items per page, 1 to 100 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<TaskListResponse, Problems<ListErrors>> {
        let page = PageRequest::parse(limit.0, cursor.0.as_deref())?;
        let (workspace, case) = (workspace_id.0.id(), case_id.0.id());
        let page = self.tasks.list_for_case(caller.actor(), workspace, case, page).await?;
        Ok(TaskListResponse::Ok(Json(page.into())))
    }

    /// Get a task
    ///
    /// One task of a case.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/tasks/:task_id",
        method = "get",
        operation_id = "getTask"
    )]
    async fn get_task(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        /// The task.
        task_id: Path<WireId<TaskId>>,
    ) -> Result<TaskResponse, Problems<GetErrors>> {
        let (workspace, case, id) = (workspace_id.0.id(), case_id.0.id(), task_id.0.id());
        let task = self.tasks.get(caller.actor(), workspace, case, id).await?;
        Ok(TaskResponse::Ok(Json(task.into())))
    }

    /// Update a task
    ///
    /// Changes the fields sent (editors and admins); each changed field is
    /// recorded in the case's audit trail. A new `position` moves the task
    /// and renumbers the ones in between. The body carries the `version` it
    /// is based on; a stale one answers 409 `VERSION_CONFLICT`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/tasks/:task_id",
        method = "patch",
        operation_id = "updateTask"
    )]
    async fn update_task(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        /// The task.
        task_id: Path<WireId<TaskId>>,
        body: JsonBody<UpdateTaskRequest>,
    ) -> Result<TaskResponse, Problems<UpdateErrors>> {
        let update = TaskUpdate::try_from(RawTaskUpdate::from(body.0))?;
        let (workspace, case, id) = (workspace_id.0.id(), case_id.0.id(), task_id.0.id());
        let task = self.tasks.update(caller.actor(), workspace, case, id, update).await?;
        Ok(TaskResponse::Ok(Json(task.into())))
    }

    /// Delete a task
    ///
    /// Removes a task from the checklist (editors and admins); the tasks
    /// after it move up one.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/tasks/:task_id",
        method = "delete",
        operation_id = "deleteTask"
    )]
    async fn delete_task(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        /// The task.
        task_id: Path<WireId<TaskId>>,
    ) -> Result<TaskDeletedResponse, Problems<DeleteErrors>> {
        let (workspace, case, id) = (workspace_id.0.id(), case_id.0.id(), task_id.0.id());
        self.tasks.delete(caller.actor(), workspace, case, id).await?;
        Ok(TaskDeletedResponse::NoContent)
    }
}
