//! `/v1/workspaces/{workspace_id}/members`: who belongs to a workspace.

pub mod wire;

use std::sync::Arc;

use poem_openapi::OpenApi;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;

use crate::http::auth::Caller;
use crate::http::idempotency::{claim, replayed};
use crate::http::json_body::JsonBody;
use crate::http::responses::{
    GetErrors, ListErrors, Problems, UpdateErrors, error_statuses, idempotent_created, one_answer,
};
use crate::http::tags::ApiTags;
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{AccountId, WorkspaceId};
use crate::services::pagination::Paging;
use crate::services::workspaces::WorkspaceService;
use crate::services::workspaces::{MemberRoleUpdate, NewMember};
use wire::{AddMemberRequest, MemberList, MemberView, UpdateMemberRequest};

/// Member operations.
pub struct MembersApi {
    /// Workspaces, members and roles.
    pub(in crate::api) workspaces: Arc<WorkspaceService>,
}

error_statuses! {
    /// Errors of `removeMember`.
    RemoveMemberErrors: 401, 403, 404, 409;
}

idempotent_created!(
    /// Answer of `addMember`.
    AddMemberResponse(Json<MemberView>),
    "The account is now a member (or, with `Idempotent-Replayed: true`, an earlier add with the same key).",
    "The membership's address."
);

one_answer!(
    /// Answer of `listMembers`.
    MemberListResponse: 200 Ok(Json<MemberList>),
    "A page of members."
);

one_answer!(
    /// Answer of `getMember` and `updateMember`.
    MemberResponse: 200 Ok(Json<MemberView>),
    "The member."
);

one_answer!(
    /// Answer of `removeMember`.
    MemberRemovedResponse: 204 NoContent,
    "The account is no longer a member."
);

fn member_location(workspace: &WireId<WorkspaceId>, account: AccountId) -> String {
    format!("/v1/workspaces/{}/members/{}", workspace, WireId::<AccountId>::new(account))
}

#[OpenApi(tag = "ApiTags::Members")]
impl MembersApi {
    /// Add a member
    ///
    /// Adds an existing account, by email, with a role (admins only).
    #[oai(path = "/v1/workspaces/:workspace_id/members", method = "post", operation_id = "addMember")]
    async fn add_member(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// A client-chosen key (1 to 255 visible ASCII characters) that makes
        /// retries of this request safe for 24 hours.
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255))]
        idempotency_key: Header<Option<String>>,
        body: JsonBody<AddMemberRequest>,
    ) -> Result<AddMemberResponse, Problems<UpdateErrors>> {
        let caller = caller.actor();
        let request = NewMember::parse(&body.0.email, body.0.role.into())?;
        let workspace = workspace_id.0.id();
        let operation = format!("addMember:{}", workspace_id.0);
        let claim = claim(caller, idempotency_key.0.as_deref(), &operation, &request)?;
        let created = self.workspaces.add_member(caller, workspace, request, claim).await?;
        let location = member_location(&workspace_id.0, created.value.account_id);
        Ok(AddMemberResponse::Created(Json(created.value.into()), location, replayed(created.replayed)))
    }

    /// List members
    ///
    /// The members of a workspace the caller belongs to.
    #[oai(path = "/v1/workspaces/:workspace_id/members", method = "get", operation_id = "listMembers")]
    async fn list_members(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// Only members whose role changed (or who joined) at or after this time, oldest change
        /// first: for incremental sync, pass the `updated_at` of the last
        /// one seen (deletions are in the activity feed, `member.removed`).
        updated_after: Query<Option<Timestamp>>,
        /// Items per page, 1 to 100 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page (same `updated_after`).
        cursor: Query<Option<String>>,
    ) -> Result<MemberListResponse, Problems<ListErrors>> {
        let page = Paging::parse(limit.0, cursor.0.as_deref(), updated_after.0.map(|t| t.0))?;
        let workspace = workspace_id.0.id();
        let page = self.workspaces.list_members(caller.actor(), workspace, page).await?;
        Ok(MemberListResponse::Ok(Json(page.into())))
    }

    /// Get a member
    ///
    /// One member of a workspace the caller belongs to.
    #[oai(
        path = "/v1/workspaces/:workspace_id/members/:account_id",
        method = "get",
        operation_id = "getMember"
    )]
    async fn get_member(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The member's account.
        account_id: Path<WireId<AccountId>>,
    ) -> Result<MemberResponse, Problems<GetErrors>> {
        let workspace = workspace_id.0.id();
        let member = account_id.0.id();
        let member = self.workspaces.get_member(caller.actor(), workspace, member).await?;
        Ok(MemberResponse::Ok(Json(member.into())))
    }

    /// Change a member's role
    ///
    /// Admins only. The last admin cannot be demoted (409 `LAST_ADMIN`).
    #[oai(
        path = "/v1/workspaces/:workspace_id/members/:account_id",
        method = "patch",
        operation_id = "updateMember"
    )]
    async fn update_member(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The member's account.
        account_id: Path<WireId<AccountId>>,
        body: JsonBody<UpdateMemberRequest>,
    ) -> Result<MemberResponse, Problems<UpdateErrors>> {
        let update = MemberRoleUpdate::parse(body.0.version, body.0.role.into())?;
        let workspace = workspace_id.0.id();
        let member = account_id.0.id();
        let member = self.workspaces.update_member(caller.actor(), workspace, member, update).await?;
        Ok(MemberResponse::Ok(Json(member.into())))
    }

    /// Remove a member
    ///
    /// Admins remove anyone; any member may remove themselves (leave). The
    /// last admin can do neither (409 `LAST_ADMIN`).
    #[oai(
        path = "/v1/workspaces/:workspace_id/members/:account_id",
        method = "delete",
        operation_id = "removeMember"
    )]
    async fn remove_member(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The member's account.
        account_id: Path<WireId<AccountId>>,
    ) -> Result<MemberRemovedResponse, Problems<RemoveMemberErrors>> {
        let workspace = workspace_id.0.id();
        let member = account_id.0.id();
        self.workspaces.remove_member(caller.actor(), workspace, member).await?;
        Ok(MemberRemovedResponse::NoContent)
    }
}
