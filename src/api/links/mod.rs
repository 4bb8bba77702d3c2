//! `/v1/workspaces/{workspace_id}/cases/{case_id}/links`: links between
//! cases of a workspace (relates to, duplicates, parent of), made from
//! either end and listed from both.

pub mod wire;

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
use crate::ids::{CaseId, LinkId, WorkspaceId};
use crate::services::links::{LinkService, NewLink};
use crate::services::pagination::PageRequest;
use wire::{CaseLinkList, CaseLinkView, CreateLinkRequest};

/// Operations on the links of one case.
pub struct CaseLinksApi {
    /// Links between cases.
    pub(in crate::api) links: Arc<LinkService>,
}

idempotent_created!(
    /// Answer of `createCaseLink`.
    CreateLinkResponse(Json<CaseLinkView>),
    "The cases are linked (or, with `Idempotent-Replayed: true`, an earlier create with the same key).",
    "The link's address, under the case it was made on."
);

one_answer!(
    /// Answer of `listCaseLinks`.
    LinkListResponse: 200 Ok(Json<CaseLinkList>),
    "A page of the case's links, newest first."
);

one_answer!(
    /// Answer of `getCaseLink`.
    LinkResponse: 200 Ok(Json<CaseLinkView>),
    "The link, as the case in the path sees it."
);

one_answer!(
    /// Answer of `deleteCaseLink`.
    LinkDeletedResponse: 204 NoContent,
    "The link is gone from both cases (both trails record that it was removed)."
);

#[OpenApi(tag = "ApiTags::Cases")]
impl CaseLinksApi {
    /// Link two cases
    ///
    /// Links the case in the path to another case of the workspace
    /// (editors and admins): `relates_to`, `duplicates` / `duplicated_by`,
    /// `parent_of` / `child_of`. The other case lists the same link with
    /// the inverse type. Two cases have at most one link (409
    /// `CASE_LINK_EXISTS`); a case cannot be linked to itself (422), and a
    /// `parent_of` link that would make a case its own ancestor answers 409
    /// `CASE_LINK_CYCLE`. Both cases' audit trails record `link_added`.
    /// Send an `Idempotency-Key` to make retries safe.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/links",
        method = "post",
        operation_id = "createCaseLink"
    )]
    async fn create_link(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case to link from.
        case_id: Path<WireId<CaseId>>,
        /// A client-chosen key (1 to 255 visible ASCII characters) that makes
        /// retries of this request safe for 24 hours.
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255))]
        idempotency_key: Header<Option<String>>,
        body: JsonBody<CreateLinkRequest>,
    ) -> Result<CreateLinkResponse, Problems<UpdateErrors>> {
        let caller = caller.actor();
        let request = NewLink::from(body.0);
        let (workspace, case) = (workspace_id.0.id(), case_id.0.id());
        let operation = format!("createCaseLink:{}", case_id.0);
        let claim = claim(caller, idempotency_key.0.as_deref(), &operation, &request)?;
        let created = self.links.create(caller, workspace, case, request, claim).await?;
        let location = format!(
            "/v1/workspaces/{}/cases/{}/links/{}",
            workspace_id.0,
            case_id.0,
            WireId::<LinkId>::new(created.value.id)
        );
        Ok(CreateLinkResponse::Created(Json(created.value.into()), location, replayed(created.replayed)))
    }

    /// List a case's links
    ///
    /// Every link of the case, newest first, each with the type as this
    /// case sees it and a summary of the case at the other end. Links to
    /// cases in the trash are left out until those are restored.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/links",
        method = "get",
        operation_id = "listCaseLinks"
    )]
    async fn list_links(
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
    ) -> Result<LinkListResponse, Problems<ListErrors>> {
        let page = PageRequest::parse(limit.0, cursor.0.as_deref())?;
        let (workspace, case) = (workspace_id.0.id(), case_id.0.id());
        let page = self.links.list(caller.actor(), workspace, case, page).await?;
        Ok(LinkListResponse::Ok(Json(page.into())))
    }

    /// Get a case link
    ///
    /// One link of the case, as the case sees it; the same link is found
    /// under the other case with the inverse type.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/links/:link_id",
        method = "get",
        operation_id = "getCaseLink"
    )]
    async fn get_link(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        /// The link.
        link_id: Path<WireId<LinkId>>,
    ) -> Result<LinkResponse, Problems<GetErrors>> {
        let (workspace, case, id) = (workspace_id.0.id(), case_id.0.id(), link_id.0.id());
        let link = self.links.get(caller.actor(), workspace, case, id).await?;
        Ok(LinkResponse::Ok(Json(link.into())))
    }

    /// Remove a case link
    ///
    /// Removes the link from both cases (editors and admins), from either
    /// end. Both cases' audit trails record `link_removed`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/links/:link_id",
        method = "delete",
        operation_id = "deleteCaseLink"
    )]
    async fn delete_link(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        /// The link.
        link_id: Path<WireId<LinkId>>,
    ) -> Result<LinkDeletedResponse, Problems<DeleteErrors>> {
        let (workspace, case, id) = (workspace_id.0.id(), case_id.0.id(), link_id.0.id());
        self.links.delete(caller.actor(), workspace, case, id).await?;
        Ok(LinkDeletedResponse::NoContent)
    }
}
