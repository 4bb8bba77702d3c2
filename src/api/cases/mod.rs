//! `/v1/workspaces/{workspace_id}/cases`: incidents and their audit trail.

mod bulk;
mod bulk_wire;
#[cfg(test)]
mod encoding_tests;
mod event_wire;
mod export;
mod export_markdown;
mod export_wire;
mod merge;
pub mod wire;

pub use bulk::CaseBulkApi;
pub use export::CaseExportApi;
pub use merge::CaseMergeApi;

use std::sync::Arc;

use poem_openapi::OpenApi;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;

use crate::api::common::{any_of, assignee_filters};
use crate::http::auth::Caller;
use crate::http::idempotency::{claim, replayed};
use crate::http::json_body::JsonBody;
use crate::http::json_response::JsonResponse;
use crate::http::responses::{
    CreateErrors, DeleteErrors, GetErrors, ListErrors, Problems, UpdateErrors, idempotent_created, one_answer,
};
use crate::http::tags::ApiTags;
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{CaseId, WorkspaceId};
use crate::services::cases::{
    CaseQuery, CaseService, CaseUpdate, NewCase, RawCaseQuery, RawCaseUpdate, RawNewCase,
};
use crate::services::pagination::PageRequest;
use event_wire::EventList;
use wire::{
    CaseList, CaseSortWire, CaseStatusWire, CaseView, CreateCaseRequest, PriorityWire, SeverityWire,
    SortOrderWire, UpdateCaseRequest,
};

/// Case operations.
pub struct CasesApi {
    /// Cases, their comments and audit trail.
    pub(in crate::api) cases: Arc<CaseService>,
}

idempotent_created!(
    /// Answer of `createCase`.
    CreateCaseResponse(JsonResponse<CaseView>),
    "The case was opened (or, with `Idempotent-Replayed: true`, an earlier create with the same key).",
    "The new case's address."
);

one_answer!(
    /// Answer of `listCases`.
    CaseListResponse: 200 Ok(JsonResponse<CaseList>),
    "A page of cases."
);

one_answer!(
    /// Answer of `getCase` and `updateCase`.
    CaseResponse: 200 Ok(JsonResponse<CaseView>),
    "The case."
);

one_answer!(
    /// Answer of `deleteCase`.
    CaseDeletedResponse: 204 NoContent,
    "The case is in the trash: gone from every list and read, restorable by admins until it is purged."
);

one_answer!(
    /// Answer of `listCaseEvents`.
    EventListResponse: 200 Ok(Json<EventList>),
    "A page of the audit trail."
);

#[OpenApi(tag = "ApiTags::Cases")]
impl CasesApi {
    /// Open a case
    ///
    /// Opens a case with the workspace's next number (editors and admins).
    /// Send an `Idempotency-Key` to make retries safe.
    #[oai(path = "/v1/workspaces/:workspace_id/cases", method = "post", operation_id = "createCase")]
    async fn create_case(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// A client-chosen key (1 to 255 visible ASCII characters) that makes
        /// retries of this request safe for 24 hours.
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255))]
        idempotency_key: Header<Option<String>>,
        body: JsonBody<CreateCaseRequest>,
    ) -> Result<CreateCaseResponse, Problems<CreateErrors>> {
        let caller = caller.actor();
        let request = NewCase::try_from(RawNewCase::from(body.0))?;
        let workspace = workspace_id.0.id();
        let operation = format!("createCase:{}", workspace_id.0);
        let claim = claim(caller, idempotency_key.0.as_deref(), &operation, &request)?;
        let created = self.cases.create(caller, workspace, request, claim).await?;
        let location =
            format!("/v1/workspaces/{}/cases/{}", workspace_id.0, WireId::<CaseId>::new(created.value.id));
        Ok(CreateCaseResponse::Created(
            JsonResponse(created.value.into()),
            location,
            replayed(created.replayed),
        ))
    }

    /// List cases
    ///
    /// A page of the workspace's cases. Repeated filter parameters mean "any
    /// of"; different filters all apply. Default order: newest first.
    #[oai(path = "/v1/workspaces/:workspace_id/cases", method = "get", operation_id = "listCases")]
    #[allow(clippy::too_many_arguments)]
    async fn list_cases(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// Only cases with any of these statuses.
        status: Query<Option<Vec<CaseStatusWire>>>,
        /// Only cases with any of these priorities.
        priority: Query<Option<Vec<PriorityWire>>>,
        /// Only cases with any of these severities.
        severity: Query<Option<Vec<SeverityWire>>>,
        /// Only cases assigned to any of these accounts; `me` for yourself,
        /// `none` for unassigned.
        assignee_id: Query<Option<Vec<String>>>,
        /// Only cases with any of these tags.
        tag: Query<Option<Vec<String>>>,
        /// Full-text search of the case's summary, description, comments,
        /// task titles and observable values: every word must appear
        /// (English stemming: `phishing` finds `phished`), `"a phrase"`
        /// finds its words side by side, `-word` or `-"a phrase"` leaves
        /// out cases that have it. Punctuation separates words, so
        /// `evil.example.com` finds that name. Case does not matter.
        #[oai(validator(max_length = 200))]
        q: Query<Option<String>>,
        /// Only cases created at or after this time.
        created_after: Query<Option<Timestamp>>,
        /// Only cases created before this time.
        created_before: Query<Option<Timestamp>>,
        /// Only cases changed (or created) at or after this time: with
        /// `sort=updated_at&order=asc`, a client that passes the
        /// `updated_at` of the last case it saw fetches only what changed
        /// since (deletions are in the activity feed, `case.deleted`).
        updated_after: Query<Option<Timestamp>>,
        /// `true`: only overdue cases (past `due_at`, neither resolved nor
        /// closed); `false`: only cases that are not overdue.
        overdue: Query<Option<bool>>,
        /// Only cases whose custom field satisfies this: `key=value`
        /// (equality, any type; for `multi_select`, has the option),
        /// `key>=value`, `key>value`, `key<=value`, `key<value` (`integer`,
        /// `number`, `date`, `datetime`). Repeat for several; all apply.
        custom_field: Query<Option<Vec<String>>>,
        /// Sort by this (default `created_at`).
        sort: Query<Option<CaseSortWire>>,
        /// Sort direction (default `desc`).
        order: Query<Option<SortOrderWire>>,
        /// Items per page, 1 to 100 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page (same filters and sort).
        cursor: Query<Option<String>>,
    ) -> Result<CaseListResponse, Problems<ListErrors>> {
        let caller = caller.actor();
        let query = CaseQuery::try_from(RawCaseQuery {
            statuses: any_of(status.0),
            priorities: any_of(priority.0),
            severities: any_of(severity.0),
            assignees: assignee_filters(&assignee_id.0.unwrap_or_default(), caller.id)?,
            tags: tag.0.unwrap_or_default(),
            text: q.0,
            created_after: created_after.0.map(|t| t.0),
            created_before: created_before.0.map(|t| t.0),
            updated_after: updated_after.0.map(|t| t.0),
            overdue: overdue.0,
            custom_fields: custom_field.0.unwrap_or_default(),
            sort: sort.0.map(Into::into),
            direction: order.0.map(Into::into),
            limit: limit.0,
            cursor: cursor.0,
        })?;
        let workspace = workspace_id.0.id();
        let page = self.cases.list(caller, workspace, query).await?;
        Ok(CaseListResponse::Ok(JsonResponse(page.into())))
    }

    /// Get a case
    ///
    /// One case of a workspace the caller belongs to.
    #[oai(path = "/v1/workspaces/:workspace_id/cases/:case_id", method = "get", operation_id = "getCase")]
    async fn get_case(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
    ) -> Result<CaseResponse, Problems<GetErrors>> {
        let (workspace, case) = (workspace_id.0.id(), case_id.0.id());
        let case = self.cases.get(caller.actor(), workspace, case).await?;
        Ok(CaseResponse::Ok(JsonResponse(case.into())))
    }

    /// Update a case
    ///
    /// Changes the fields sent (editors and admins); each changed field is
    /// recorded in the audit trail. The body carries the `version` it is
    /// based on; a stale one answers 409 `VERSION_CONFLICT`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id",
        method = "patch",
        operation_id = "updateCase"
    )]
    async fn update_case(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        body: JsonBody<UpdateCaseRequest>,
    ) -> Result<CaseResponse, Problems<UpdateErrors>> {
        let update = CaseUpdate::try_from(RawCaseUpdate::from(body.0))?;
        let (workspace, case) = (workspace_id.0.id(), case_id.0.id());
        let case = self.cases.update(caller.actor(), workspace, case, update).await?;
        Ok(CaseResponse::Ok(JsonResponse(case.into())))
    }

    /// Delete a case
    ///
    /// Moves the case to the trash with everything it holds (editors and
    /// admins): it answers 404 everywhere but the trash, where admins can
    /// restore it (`restoreCase`) until it is purged for good
    /// `CASEBOOK_TRASH_RETENTION` later (30 days by default). Its trail
    /// records `case_deleted` and the feed `case.deleted`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id",
        method = "delete",
        operation_id = "deleteCase"
    )]
    async fn delete_case(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
    ) -> Result<CaseDeletedResponse, Problems<DeleteErrors>> {
        let (workspace, case) = (workspace_id.0.id(), case_id.0.id());
        self.cases.delete(caller.actor(), workspace, case).await?;
        Ok(CaseDeletedResponse::NoContent)
    }

    /// List a case's audit trail
    ///
    /// Everything that happened to the case, newest first. Events are never
    /// changed or removed (except with the case, when it is purged from the
    /// trash; the activity feed keeps them).
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/events",
        method = "get",
        operation_id = "listCaseEvents"
    )]
    async fn list_case_events(
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
    ) -> Result<EventListResponse, Problems<ListErrors>> {
        let page = PageRequest::parse(limit.0, cursor.0.as_deref())?;
        let (workspace, case) = (workspace_id.0.id(), case_id.0.id());
        let page = self.cases.events(caller.actor(), workspace, case, page).await?;
        Ok(EventListResponse::Ok(Json(page.into())))
    }
}
