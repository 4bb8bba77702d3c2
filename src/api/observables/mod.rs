//! `/v1/workspaces/{workspace_id}/cases/{case_id}/observables`: the facts of
//! a case, and `/v1/workspaces/{workspace_id}/observables`: the search of
//! the workspace's facts ("have we seen this before?").

mod batch_wire;
mod bulk;
mod related_wire;
pub mod wire;

pub use bulk::ObservableBulkApi;

use std::sync::Arc;

use poem_openapi::OpenApi;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;

use crate::api::common::any_of;
use crate::http::auth::Caller;
use crate::http::idempotency::{claim, replayed};
use crate::http::json_body::JsonBody;
use crate::http::responses::{
    DeleteErrors, GetErrors, ListErrors, Problems, UpdateErrors, idempotent_created, one_answer,
};
use crate::http::tags::ApiTags;
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{CaseId, ObservableId, WorkspaceId};
use crate::services::observables::{
    NewObservable, ObservableQuery, ObservableService, ObservableUpdate, RawNewObservable,
};
use crate::services::pagination::Paging;
use related_wire::RelatedCaseList;
use wire::{
    CreateObservableRequest, ObservableList, ObservableTypeWire, ObservableView, TlpWire,
    UpdateObservableRequest,
};

/// Observable operations.
pub struct ObservablesApi {
    /// The facts of cases.
    pub(in crate::api) observables: Arc<ObservableService>,
}

idempotent_created!(
    /// Answer of `createObservable`.
    CreateObservableResponse(Json<ObservableView>),
    "The observable was added (or, with `Idempotent-Replayed: true`, an earlier create with the same key).",
    "The new observable's address.",
    existing: "The case has this value already: the existing observable, its `last_seen_at` raised."
);

one_answer!(
    /// Answer of `listCaseObservables` and `listObservables`.
    ObservableListResponse: 200 Ok(Json<ObservableList>),
    "A page of observables, newest first."
);

one_answer!(
    /// Answer of `getObservable` and `updateObservable`.
    ObservableResponse: 200 Ok(Json<ObservableView>),
    "The observable."
);

one_answer!(
    /// Answer of `listRelatedCases`.
    RelatedCasesResponse: 200 Ok(Json<RelatedCaseList>),
    "The other cases sharing observables with this one, most shared first."
);

one_answer!(
    /// Answer of `deleteObservable`.
    ObservableDeletedResponse: 204 NoContent,
    "The observable is gone from the case."
);

#[OpenApi(tag = "ApiTags::Observables")]
impl ObservablesApi {
    /// Add an observable
    ///
    /// Adds a fact to a case (editors and admins). The value is checked
    /// against its type and stored in canonical form (a value that does not
    /// fit answers 422 naming `value`). A value the case has already answers
    /// 200 with the existing observable, its `last_seen_at` raised: never a
    /// duplicate. Send an `Idempotency-Key` to make retries safe.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/observables",
        method = "post",
        operation_id = "createObservable"
    )]
    async fn create_observable(
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
        body: JsonBody<CreateObservableRequest>,
    ) -> Result<CreateObservableResponse, Problems<UpdateErrors>> {
        let caller = caller.actor();
        let request = NewObservable::try_from(RawNewObservable::from(body.0))?;
        let operation = format!("createObservable:{}:{}", workspace_id.0, case_id.0);
        let claim = claim(caller, idempotency_key.0.as_deref(), &operation, &request)?;
        let (workspace, case) = (workspace_id.0.id(), case_id.0.id());
        let added = self.observables.add(caller, workspace, case, request, claim).await?;
        let id = WireId::<ObservableId>::new(added.observable.observable.id);
        let body = Json(added.observable.into());
        Ok(match added.created {
            true => {
                let location =
                    format!("/v1/workspaces/{}/cases/{}/observables/{id}", workspace_id.0, case_id.0);
                CreateObservableResponse::Created(body, location, replayed(added.replayed))
            }
            false => CreateObservableResponse::Existing(body, replayed(added.replayed)),
        })
    }

    /// List a case's observables
    ///
    /// A page of the case's observables, newest first; each says in how
    /// many other cases of the workspace its value appears.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/observables",
        method = "get",
        operation_id = "listCaseObservables"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn list_case_observables(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        /// Only these types.
        #[oai(name = "type")]
        kind: Query<Option<Vec<ObservableTypeWire>>>,
        /// Only indicators of compromise (`true`) or only the others (`false`).
        is_ioc: Query<Option<bool>>,
        /// Only these TLPs.
        tlp: Query<Option<Vec<TlpWire>>>,
        /// Only observables with this tag.
        #[oai(validator(max_length = 50))]
        tag: Query<Option<String>>,
        /// Only observables changed (or added again) at or after this time,
        /// oldest change first (for incremental sync: pass the `updated_at`
        /// of the last one seen; deletions are in the activity feed,
        /// `observable.deleted`).
        updated_after: Query<Option<Timestamp>>,
        /// Items per page, 1 to 100 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page (same filters).
        cursor: Query<Option<String>>,
    ) -> Result<ObservableListResponse, Problems<ListErrors>> {
        let page = Paging::parse(limit.0, cursor.0.as_deref(), updated_after.0.map(|t| t.0))?;
        let case = Some(case_id.0.id());
        let query = ObservableQuery::parse(
            any_of(kind.0),
            None,
            None,
            is_ioc.0,
            any_of(tlp.0),
            tag.0.as_deref(),
            case,
            page,
        )?;
        let page = self.observables.search(caller.actor(), workspace_id.0.id(), query).await?;
        Ok(ObservableListResponse::Ok(Json(page.into())))
    }

    /// Search the workspace's observables
    ///
    /// "Have we seen this before?": a page of the observables of every case
    /// of the workspace, newest first, each with its case and the number of
    /// other cases holding its value. `value` is read in the canonical form
    /// of each `type` asked for (of every type that takes it, when none
    /// is), so `Example.COM.` finds `example.com`; `value_prefix` matches the
    /// start of stored values (canonical: names and hashes are lowercase).
    #[oai(
        path = "/v1/workspaces/:workspace_id/observables",
        method = "get",
        operation_id = "listObservables"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn list_observables(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// Only these types.
        #[oai(name = "type")]
        kind: Query<Option<Vec<ObservableTypeWire>>>,
        /// Only this value (in any form its type accepts).
        #[oai(validator(max_length = 4096))]
        value: Query<Option<String>>,
        /// Only values that start with this (as stored).
        #[oai(validator(max_length = 4096))]
        value_prefix: Query<Option<String>>,
        /// Only indicators of compromise (`true`) or only the others (`false`).
        is_ioc: Query<Option<bool>>,
        /// Only these TLPs.
        tlp: Query<Option<Vec<TlpWire>>>,
        /// Only observables with this tag.
        #[oai(validator(max_length = 50))]
        tag: Query<Option<String>>,
        /// Only observables changed (or added again) at or after this time,
        /// oldest change first (for incremental sync: pass the `updated_at`
        /// of the last one seen; deletions are in the activity feed,
        /// `observable.deleted`).
        updated_after: Query<Option<Timestamp>>,
        /// Items per page, 1 to 100 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page (same filters).
        cursor: Query<Option<String>>,
    ) -> Result<ObservableListResponse, Problems<ListErrors>> {
        let page = Paging::parse(limit.0, cursor.0.as_deref(), updated_after.0.map(|t| t.0))?;
        let query = ObservableQuery::parse(
            any_of(kind.0),
            value.0.as_deref(),
            value_prefix.0.as_deref(),
            is_ioc.0,
            any_of(tlp.0),
            tag.0.as_deref(),
            None,
            page,
        )?;
        let page = self.observables.search(caller.actor(), workspace_id.0.id(), query).await?;
        Ok(ObservableListResponse::Ok(Json(page.into())))
    }

    /// List related cases
    ///
    /// The other cases of the workspace that share observables (same type
    /// and value) with this case, ranked by how many they share (any member).
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/related",
        method = "get",
        operation_id = "listRelatedCases"
    )]
    async fn list_related_cases(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        /// How many cases at most, 1 to 100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
    ) -> Result<RelatedCasesResponse, Problems<ListErrors>> {
        let (workspace, case) = (workspace_id.0.id(), case_id.0.id());
        let related =
            self.observables.related(caller.actor(), workspace, case, limit.0.unwrap_or(20)).await?;
        Ok(RelatedCasesResponse::Ok(Json(related.into())))
    }

    /// Get an observable
    ///
    /// One observable of a case.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/observables/:observable_id",
        method = "get",
        operation_id = "getObservable"
    )]
    async fn get_observable(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        /// The observable.
        observable_id: Path<WireId<ObservableId>>,
    ) -> Result<ObservableResponse, Problems<GetErrors>> {
        let (workspace, case, id) = (workspace_id.0.id(), case_id.0.id(), observable_id.0.id());
        let observable = self.observables.get(caller.actor(), workspace, case, id).await?;
        Ok(ObservableResponse::Ok(Json(observable.into())))
    }

    /// Update an observable
    ///
    /// Changes the notes, TLP, marks or tags (editors and admins); the type
    /// and value never change. A stale `version` answers 409 `VERSION_CONFLICT`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/observables/:observable_id",
        method = "patch",
        operation_id = "updateObservable"
    )]
    async fn update_observable(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        /// The observable.
        observable_id: Path<WireId<ObservableId>>,
        body: JsonBody<UpdateObservableRequest>,
    ) -> Result<ObservableResponse, Problems<UpdateErrors>> {
        let update = ObservableUpdate::parse(body.0.into())?;
        let (workspace, case, id) = (workspace_id.0.id(), case_id.0.id(), observable_id.0.id());
        let observable = self.observables.update(caller.actor(), workspace, case, id, update).await?;
        Ok(ObservableResponse::Ok(Json(observable.into())))
    }

    /// Delete an observable
    ///
    /// Removes a fact from a case (editors and admins).
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/observables/:observable_id",
        method = "delete",
        operation_id = "deleteObservable"
    )]
    async fn delete_observable(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        /// The observable.
        observable_id: Path<WireId<ObservableId>>,
    ) -> Result<ObservableDeletedResponse, Problems<DeleteErrors>> {
        let (workspace, case, id) = (workspace_id.0.id(), case_id.0.id(), observable_id.0.id());
        self.observables.delete(caller.actor(), workspace, case, id).await?;
        Ok(ObservableDeletedResponse::NoContent)
    }
}
