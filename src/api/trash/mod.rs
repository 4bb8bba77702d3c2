//! `/v1/workspaces/{workspace_id}/trash/cases`: deleted cases, which admins
//! can read, restore with everything they had, or purge before the
//! retention period ends.

mod wire;

use std::sync::Arc;

use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;

use crate::api::cases::wire::CaseView;
use crate::http::auth::Caller;
use crate::http::json_response::JsonResponse;
use crate::http::responses::{AdminGetErrors, AdminListErrors, DeleteErrors, Problems, one_answer};
use crate::http::tags::ApiTags;
use crate::http::wire::WireId;
use crate::ids::{CaseId, WorkspaceId};
use crate::services::pagination::PageRequest;
use crate::services::trash::TrashService;
use wire::{TrashedCaseList, TrashedCaseView};

/// Trash operations.
pub struct TrashApi {
    /// Deleted cases.
    pub(in crate::api) trash: Arc<TrashService>,
}

one_answer!(
    /// Answer of `listTrashedCases`.
    TrashedCaseListResponse: 200 Ok(Json<TrashedCaseList>),
    "A page of the trash."
);

one_answer!(
    /// Answer of `getTrashedCase`.
    TrashedCaseResponse: 200 Ok(Json<TrashedCaseView>),
    "The trashed case."
);

one_answer!(
    /// Answer of `restoreCase`.
    RestoredCaseResponse: 200 Ok(JsonResponse<CaseView>),
    "The case, back in lists and reads with everything it had, at a new version."
);

one_answer!(
    /// Answer of `purgeCase`.
    CasePurgedResponse: 204 NoContent,
    "The case is gone for good with its comments, tasks, observables, attachments and audit trail; \
     the activity feed keeps its events and a `case.purged` one."
);

#[OpenApi(tag = "ApiTags::Trash")]
impl TrashApi {
    /// List the trash
    ///
    /// The workspace's deleted cases, most recently deleted first (admins).
    /// Each stays here, hidden from every other list and read, until an
    /// admin restores it or the purge job deletes it for good at
    /// `purge_after`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/trash/cases",
        method = "get",
        operation_id = "listTrashedCases"
    )]
    async fn list_trashed_cases(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// Items per page, 1 to 100 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<TrashedCaseListResponse, Problems<AdminListErrors>> {
        let page = PageRequest::parse(limit.0, cursor.0.as_deref())?;
        let page = self.trash.list(caller.actor(), workspace_id.0.id(), page).await?;
        Ok(TrashedCaseListResponse::Ok(Json(page.into())))
    }

    /// Get a trashed case
    ///
    /// One deleted case, as it was when deleted (admins).
    #[oai(
        path = "/v1/workspaces/:workspace_id/trash/cases/:case_id",
        method = "get",
        operation_id = "getTrashedCase"
    )]
    async fn get_trashed_case(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
    ) -> Result<TrashedCaseResponse, Problems<AdminGetErrors>> {
        let trashed = self.trash.get(caller.actor(), workspace_id.0.id(), case_id.0.id()).await?;
        Ok(TrashedCaseResponse::Ok(Json(trashed.into())))
    }

    /// Restore a case
    ///
    /// Takes a case out of the trash with everything it had: comments,
    /// tasks, observables, attachments and audit trail (admins). Its
    /// version rises and its `updated_at` is now, so incremental sync sees
    /// it again; its trail records `case_restored` and the feed
    /// `case.restored`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/trash/cases/:case_id/restore",
        method = "post",
        operation_id = "restoreCase"
    )]
    async fn restore_case(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
    ) -> Result<RestoredCaseResponse, Problems<AdminGetErrors>> {
        let case = self.trash.restore(caller.actor(), workspace_id.0.id(), case_id.0.id()).await?;
        Ok(RestoredCaseResponse::Ok(JsonResponse(case.into())))
    }

    /// Purge a trashed case
    ///
    /// Deletes a case in the trash for good now, with everything it holds,
    /// instead of at `purge_after` (admins). This cannot be undone.
    #[oai(
        path = "/v1/workspaces/:workspace_id/trash/cases/:case_id",
        method = "delete",
        operation_id = "purgeCase"
    )]
    async fn purge_case(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
    ) -> Result<CasePurgedResponse, Problems<DeleteErrors>> {
        self.trash.purge(caller.actor(), workspace_id.0.id(), case_id.0.id()).await?;
        Ok(CasePurgedResponse::NoContent)
    }
}
