//! `/v1/workspaces`: the caller's workspaces.

pub mod wire;

use std::sync::Arc;

use poem_openapi::OpenApi;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;

use crate::http::auth::Caller;
use crate::http::idempotency::{claim, replayed};
use crate::http::json_body::JsonBody;
use crate::http::responses::{
    DeleteErrors, GetErrors, Problems, UpdateErrors, error_statuses, idempotent_created, one_answer,
};
use crate::http::tags::ApiTags;
use crate::http::wire::{Timestamp, WireId};
use crate::ids::WorkspaceId;
use crate::services::pagination::Paging;
use crate::services::workspaces::WorkspaceService;
use crate::services::workspaces::{NewWorkspace, WorkspaceUpdate};
use wire::{CreateWorkspaceRequest, UpdateWorkspaceRequest, WorkspaceList, WorkspaceView};

/// Workspace operations.
pub struct WorkspacesApi {
    /// Workspaces, members and roles.
    pub(in crate::api) workspaces: Arc<WorkspaceService>,
}

error_statuses! {
    /// Errors of `createWorkspace`.
    CreateWorkspaceErrors: 400, 401, 403, 413, 415, 422;
    /// Errors of `listWorkspaces`.
    ListWorkspacesErrors: 401, 422;
}

idempotent_created!(
    /// Answer of `createWorkspace`.
    CreateWorkspaceResponse(Json<WorkspaceView>),
    "The workspace was created, with the caller as its admin (or, with `Idempotent-Replayed: true`, an earlier create with the same key).",
    "The new workspace's address."
);

one_answer!(
    /// Answer of `listWorkspaces`.
    WorkspaceListResponse: 200 Ok(Json<WorkspaceList>),
    "A page of the caller's workspaces."
);

one_answer!(
    /// Answer of `getWorkspace` and `updateWorkspace`.
    WorkspaceResponse: 200 Ok(Json<WorkspaceView>),
    "The workspace."
);

one_answer!(
    /// Answer of `deleteWorkspace`.
    WorkspaceDeletedResponse: 204 NoContent,
    "The workspace and everything in it are gone for good; nothing of it can be restored."
);

#[OpenApi(tag = "ApiTags::Workspaces")]
impl WorkspacesApi {
    /// Create a workspace
    ///
    /// Creates a workspace with the caller as its admin. Send an
    /// `Idempotency-Key` to make retries safe.
    #[oai(path = "/v1/workspaces", method = "post", operation_id = "createWorkspace")]
    async fn create_workspace(
        &self,
        caller: Caller,
        /// A client-chosen key (1 to 255 visible ASCII characters) that makes
        /// retries of this request safe for 24 hours.
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255))]
        idempotency_key: Header<Option<String>>,
        body: JsonBody<CreateWorkspaceRequest>,
    ) -> Result<CreateWorkspaceResponse, Problems<CreateWorkspaceErrors>> {
        let caller = caller.actor();
        let request = NewWorkspace::parse(&body.0.name, body.0.description.as_deref())?;
        let claim = claim(caller, idempotency_key.0.as_deref(), "createWorkspace", &request)?;
        let created = self.workspaces.create(caller, request, claim).await?;
        let location = format!("/v1/workspaces/{}", WireId::<WorkspaceId>::new(created.value.id));
        Ok(CreateWorkspaceResponse::Created(Json(created.value.into()), location, replayed(created.replayed)))
    }

    /// List my workspaces
    ///
    /// The workspaces the caller is a member of, newest first.
    #[oai(path = "/v1/workspaces", method = "get", operation_id = "listWorkspaces")]
    async fn list_workspaces(
        &self,
        caller: Caller,
        /// Only workspaces changed (or made) at or after this time, oldest change
        /// first: for incremental sync, pass the `updated_at` of the last
        /// one seen (deletions are in the activity feed of each workspace).
        updated_after: Query<Option<Timestamp>>,
        /// Items per page, 1 to 100 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page (same `updated_after`).
        cursor: Query<Option<String>>,
    ) -> Result<WorkspaceListResponse, Problems<ListWorkspacesErrors>> {
        let page = Paging::parse(limit.0, cursor.0.as_deref(), updated_after.0.map(|t| t.0))?;
        let page = self.workspaces.list(caller.actor(), page).await?;
        Ok(WorkspaceListResponse::Ok(Json(page.into())))
    }

    /// Get a workspace
    ///
    /// A workspace the caller is a member of.
    #[oai(path = "/v1/workspaces/:workspace_id", method = "get", operation_id = "getWorkspace")]
    async fn get_workspace(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
    ) -> Result<WorkspaceResponse, Problems<GetErrors>> {
        let id = workspace_id.0.id();
        let workspace = self.workspaces.get(caller.actor(), id).await?;
        Ok(WorkspaceResponse::Ok(Json(workspace.into())))
    }

    /// Update a workspace
    ///
    /// Changes the name or description (admins only). The body carries the
    /// `version` it is based on; a stale one answers 409 `VERSION_CONFLICT`.
    #[oai(path = "/v1/workspaces/:workspace_id", method = "patch", operation_id = "updateWorkspace")]
    async fn update_workspace(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        body: JsonBody<UpdateWorkspaceRequest>,
    ) -> Result<WorkspaceResponse, Problems<UpdateErrors>> {
        let body = body.0;
        let update = WorkspaceUpdate::parse(body.version, body.name.as_deref(), body.description.as_deref())?;
        let id = workspace_id.0.id();
        let workspace = self.workspaces.update(caller.actor(), id, update).await?;
        Ok(WorkspaceResponse::Ok(Json(workspace.into())))
    }

    /// Delete a workspace
    ///
    /// Deletes the workspace for good, at once, with everything in it
    /// (admins only): its cases (those in the trash too) with their
    /// comments, tasks, observables, attachments (whose contents the
    /// evidence sweep then removes) and audit trails; its scans, custom
    /// fields, case templates, service accounts and their API keys,
    /// webhook subscriptions and their deliveries, its activity feed and
    /// its members. Nothing goes to the trash and nothing can be restored;
    /// no webhook is told. Deleting a case, by contrast, moves it to the
    /// trash (`deleteCase`).
    #[oai(path = "/v1/workspaces/:workspace_id", method = "delete", operation_id = "deleteWorkspace")]
    async fn delete_workspace(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
    ) -> Result<WorkspaceDeletedResponse, Problems<DeleteErrors>> {
        let id = workspace_id.0.id();
        self.workspaces.delete(caller.actor(), id).await?;
        Ok(WorkspaceDeletedResponse::NoContent)
    }
}
