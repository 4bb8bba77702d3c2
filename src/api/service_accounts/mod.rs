//! `/v1/workspaces/{workspace_id}/service-accounts`: a workspace's machine
//! principals (admins only, and people only). Their keys are in `keys.rs`.

mod keys;
pub mod wire;

use std::sync::Arc;

use poem_openapi::OpenApi;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;

pub use keys::ApiKeysApi;

use crate::http::auth::Caller;
use crate::http::idempotency::{claim, replayed};
use crate::http::json_body::JsonBody;
use crate::http::responses::{
    AdminGetErrors, AdminListErrors, CreateErrors, DeleteErrors, Problems, UpdateErrors, idempotent_created,
    one_answer,
};
use crate::http::tags::ApiTags;
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{ServiceAccountId, WorkspaceId};
use crate::services::pagination::Paging;
use crate::services::service_accounts::{NewServiceAccount, ServiceAccountService, ServiceAccountUpdate};
use wire::{
    CreateServiceAccountRequest, ServiceAccountList, ServiceAccountView, UpdateServiceAccountRequest,
};

/// Service account operations.
pub struct ServiceAccountsApi {
    /// Service accounts and their keys.
    pub(in crate::api) service_accounts: Arc<ServiceAccountService>,
}

idempotent_created!(
    /// Answer of `createServiceAccount`.
    CreateServiceAccountResponse(Json<ServiceAccountView>),
    "The service account was created, with no keys yet (or, with `Idempotent-Replayed: true`, an earlier create with the same key).",
    "The new service account's address."
);

one_answer!(
    /// Answer of `listServiceAccounts`.
    ServiceAccountListResponse: 200 Ok(Json<ServiceAccountList>),
    "A page of service accounts."
);

one_answer!(
    /// Answer of `getServiceAccount` and `updateServiceAccount`.
    ServiceAccountResponse: 200 Ok(Json<ServiceAccountView>),
    "The service account."
);

one_answer!(
    /// Answer of `deleteServiceAccount`.
    ServiceAccountDeletedResponse: 204 NoContent,
    "The service account and its keys are gone; records it acted on keep its id."
);

#[OpenApi(tag = "ApiTags::ServiceAccounts")]
impl ServiceAccountsApi {
    /// Create a service account
    ///
    /// A machine principal of this workspace with a role like a member's.
    /// Admins only, and people only (an API key cannot create service
    /// accounts: 403 `SERVICE_ACCOUNT_NOT_ALLOWED`). Then issue it a key.
    #[oai(
        path = "/v1/workspaces/:workspace_id/service-accounts",
        method = "post",
        operation_id = "createServiceAccount"
    )]
    async fn create_service_account(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// A client-chosen key (1 to 255 visible ASCII characters) that makes
        /// retries of this request safe for 24 hours.
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255))]
        idempotency_key: Header<Option<String>>,
        body: JsonBody<CreateServiceAccountRequest>,
    ) -> Result<CreateServiceAccountResponse, Problems<CreateErrors>> {
        let caller = caller.actor();
        let body = body.0;
        let request = NewServiceAccount::parse(&body.name, body.description.as_deref(), body.role.into())?;
        let operation = format!("createServiceAccount:{}", workspace_id.0);
        let claim = claim(caller, idempotency_key.0.as_deref(), &operation, &request)?;
        let created = self.service_accounts.create(caller, workspace_id.0.id(), request, claim).await?;
        let location =
            format!("/v1/workspaces/{}/service-accounts/{}", workspace_id.0, WireId::new(created.value.id));
        let view = Json(created.value.into());
        Ok(CreateServiceAccountResponse::Created(view, location, replayed(created.replayed)))
    }

    /// List service accounts
    ///
    /// The workspace's service accounts, newest first (admins only).
    #[oai(
        path = "/v1/workspaces/:workspace_id/service-accounts",
        method = "get",
        operation_id = "listServiceAccounts"
    )]
    async fn list_service_accounts(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// Only service accounts changed (or made) at or after this time, oldest change
        /// first: for incremental sync, pass the `updated_at` of the last
        /// one seen (deletions are in the activity feed, `service_account.deleted`).
        updated_after: Query<Option<Timestamp>>,
        /// Items per page, 1 to 100 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page (same `updated_after`).
        cursor: Query<Option<String>>,
    ) -> Result<ServiceAccountListResponse, Problems<AdminListErrors>> {
        let page = Paging::parse(limit.0, cursor.0.as_deref(), updated_after.0.map(|t| t.0))?;
        let page = self.service_accounts.list(caller.actor(), workspace_id.0.id(), page).await?;
        Ok(ServiceAccountListResponse::Ok(Json(page.into())))
    }

    /// Get a service account
    ///
    /// One service account of the workspace (admins only).
    #[oai(
        path = "/v1/workspaces/:workspace_id/service-accounts/:service_account_id",
        method = "get",
        operation_id = "getServiceAccount"
    )]
    async fn get_service_account(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The service account.
        service_account_id: Path<WireId<ServiceAccountId>>,
    ) -> Result<ServiceAccountResponse, Problems<AdminGetErrors>> {
        let (workspace, id) = (workspace_id.0.id(), service_account_id.0.id());
        let account = self.service_accounts.get(caller.actor(), workspace, id).await?;
        Ok(ServiceAccountResponse::Ok(Json(account.into())))
    }

    /// Update a service account
    ///
    /// Renames it, changes its role, or disables or enables it (admins
    /// only). A new role or `disabled` takes effect at once on every
    /// instance. The body carries the `version` it is based on; a stale
    /// version answers 409 `VERSION_CONFLICT`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/service-accounts/:service_account_id",
        method = "patch",
        operation_id = "updateServiceAccount"
    )]
    async fn update_service_account(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The service account.
        service_account_id: Path<WireId<ServiceAccountId>>,
        body: JsonBody<UpdateServiceAccountRequest>,
    ) -> Result<ServiceAccountResponse, Problems<UpdateErrors>> {
        let body = body.0;
        let update = ServiceAccountUpdate::parse(
            body.version,
            body.name.as_deref(),
            body.description.as_deref(),
            body.role.map(Into::into),
            body.disabled,
        )?;
        let (workspace, id) = (workspace_id.0.id(), service_account_id.0.id());
        let account = self.service_accounts.update(caller.actor(), workspace, id, update).await?;
        Ok(ServiceAccountResponse::Ok(Json(account.into())))
    }

    /// Delete a service account
    ///
    /// Deletes it and all its keys, which stop working at once on every
    /// instance (admins only). Cases, comments and events it wrote keep
    /// naming it.
    #[oai(
        path = "/v1/workspaces/:workspace_id/service-accounts/:service_account_id",
        method = "delete",
        operation_id = "deleteServiceAccount"
    )]
    async fn delete_service_account(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The service account.
        service_account_id: Path<WireId<ServiceAccountId>>,
    ) -> Result<ServiceAccountDeletedResponse, Problems<DeleteErrors>> {
        let (workspace, id) = (workspace_id.0.id(), service_account_id.0.id());
        self.service_accounts.delete(caller.actor(), workspace, id).await?;
        Ok(ServiceAccountDeletedResponse::NoContent)
    }
}
