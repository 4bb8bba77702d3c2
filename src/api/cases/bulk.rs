//! `/v1/workspaces/{workspace_id}/case-updates` and `.../case-deletions`:
//! one change to many cases, or many cases to the trash, answered case by
//! case.

use std::sync::Arc;

use poem_openapi::OpenApi;
use poem_openapi::param::{Header, Path};
use poem_openapi::payload::Json;

use super::bulk_wire::{BulkView, DeleteCasesRequest, UpdateCasesRequest};
use crate::http::auth::Caller;
use crate::http::idempotency::{claim, replayed};
use crate::http::json_body::JsonBody;
use crate::http::responses::{CreateErrors, Problems};
use crate::http::tags::ApiTags;
use crate::http::wire::WireId;
use crate::ids::WorkspaceId;
use crate::services::cases::{BulkTarget, BulkUpdate, CaseService, RawBulkUpdate, checked_targets};

/// Operations on many cases at once.
pub struct CaseBulkApi {
    /// Cases.
    pub(in crate::api) cases: Arc<CaseService>,
}

/// Answer of `updateCases` and `deleteCases`.
#[derive(poem_openapi::ApiResponse)]
enum BulkResponse {
    /// One result per item, in order (or, with `Idempotent-Replayed: true`,
    /// an earlier request's answer).
    #[oai(status = 200)]
    Ok(
        Json<BulkView>,
        /// `true` when this repeats the response of an earlier request with the same key.
        #[oai(header = "Idempotent-Replayed")]
        Option<String>,
    ),
}

#[OpenApi(tag = "ApiTags::Cases")]
impl CaseBulkApi {
    /// Change many cases
    ///
    /// Makes one change (`status`, `priority`, `severity`, `assignee_id`,
    /// tags added and removed, `due_at`) to up to 1,000 cases of the
    /// workspace (editors and admins), in one transaction. Each case is
    /// checked as a single `updateCase` would check it and answered on its
    /// own: `updated`, `unchanged` (already as asked), or `failed` with the
    /// problem a single update would have answered (`NOT_FOUND` for a case
    /// that is not in the workspace, `VERSION_CONFLICT` for a stale
    /// `version`, `VALIDATION_FAILED` for a change the case cannot take);
    /// the others are changed all the same. Each changed case gets its own
    /// audit events and `case.updated` event. A malformed request (no
    /// cases, a case named twice, nothing to change, an assignee who is not
    /// a member) fails as a whole with 422. Send an `Idempotency-Key` to
    /// make retries safe.
    #[oai(path = "/v1/workspaces/:workspace_id/case-updates", method = "post", operation_id = "updateCases")]
    async fn update_cases(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// A client-chosen key (1 to 255 visible ASCII characters) that makes
        /// retries of this request safe for 24 hours.
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255))]
        idempotency_key: Header<Option<String>>,
        body: JsonBody<UpdateCasesRequest>,
    ) -> Result<BulkResponse, Problems<CreateErrors>> {
        let caller = caller.actor();
        let request = BulkUpdate::try_from(RawBulkUpdate::from(body.0))?;
        let claim = claim(caller, idempotency_key.0.as_deref(), "updateCases", &request)?;
        let answer = self.cases.update_many(caller, workspace_id.0.id(), request, claim).await?;
        let replayed = replayed(answer.replayed);
        Ok(BulkResponse::Ok(Json(answer.into()), replayed))
    }

    /// Delete many cases
    ///
    /// Moves up to 1,000 cases of the workspace to the trash (editors and
    /// admins), in one transaction, each answered on its own: `deleted`, or
    /// `failed` with `NOT_FOUND` (not a live case of the workspace) or
    /// `VERSION_CONFLICT` (a stale `version`). Admins can restore each from
    /// the trash until it is purged. Send an `Idempotency-Key` to make
    /// retries safe.
    #[oai(
        path = "/v1/workspaces/:workspace_id/case-deletions",
        method = "post",
        operation_id = "deleteCases"
    )]
    async fn delete_cases(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// A client-chosen key (1 to 255 visible ASCII characters) that makes
        /// retries of this request safe for 24 hours.
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255))]
        idempotency_key: Header<Option<String>>,
        body: JsonBody<DeleteCasesRequest>,
    ) -> Result<BulkResponse, Problems<CreateErrors>> {
        let caller = caller.actor();
        let items: Vec<BulkTarget> = body.0.items.into_iter().map(Into::into).collect();
        let items = checked_targets(items)?;
        let claim = claim(caller, idempotency_key.0.as_deref(), "deleteCases", &items)?;
        let answer = self.cases.delete_many(caller, workspace_id.0.id(), items, claim).await?;
        let replayed = replayed(answer.replayed);
        Ok(BulkResponse::Ok(Json(answer.into()), replayed))
    }
}
