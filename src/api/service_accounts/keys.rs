//! `/v1/workspaces/{workspace_id}/service-accounts/{service_account_id}/keys`:
//! API keys, whose secret is shown once, at creation.

use std::sync::Arc;

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};

use super::wire::{ApiKeyList, CreateApiKeyRequest, IssuedApiKeyView};
use crate::http::auth::Caller;
use crate::http::json_body::JsonBody;
use crate::http::responses::{AdminListErrors, CreateErrors, DeleteErrors, Problems, one_answer};
use crate::http::tags::ApiTags;
use crate::http::wire::WireId;
use crate::ids::{ApiKeyId, ServiceAccountId, WorkspaceId};
use crate::services::pagination::PageRequest;
use crate::services::service_accounts::{NewApiKey, ServiceAccountService};

/// API key operations.
pub struct ApiKeysApi {
    /// Service accounts and their keys.
    pub(in crate::api) service_accounts: Arc<ServiceAccountService>,
}

/// Answer of `createApiKey`.
#[derive(ApiResponse)]
enum CreateApiKeyResponse {
    /// The key was issued. Its `secret` is in this answer only: store it
    /// now. (No `Idempotency-Key` here: a replay would have to show the
    /// secret again; a retried create makes a second key, which can be revoked.)
    #[oai(status = 201)]
    Created(
        Json<IssuedApiKeyView>,
        /// The service account's keys.
        #[oai(header = "Location")]
        String,
    ),
}

one_answer!(
    /// Answer of `listApiKeys`.
    ApiKeyListResponse: 200 Ok(Json<ApiKeyList>),
    "A page of keys, without their secrets."
);

one_answer!(
    /// Answer of `revokeApiKey`.
    ApiKeyRevokedResponse: 204 NoContent,
    "The key is revoked (or already was); it is refused at once on every instance."
);

#[OpenApi(tag = "ApiTags::ServiceAccounts")]
impl ApiKeysApi {
    /// Issue an API key
    ///
    /// A new key of the service account, `cbk_...`, answered with its
    /// secret this once (admins only, people only). Send it as
    /// `Authorization: Bearer <secret>`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/service-accounts/:service_account_id/keys",
        method = "post",
        operation_id = "createApiKey"
    )]
    async fn create_api_key(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The service account.
        service_account_id: Path<WireId<ServiceAccountId>>,
        body: JsonBody<CreateApiKeyRequest>,
    ) -> Result<CreateApiKeyResponse, Problems<CreateErrors>> {
        let request = NewApiKey::parse(&body.0.name, body.0.expires_at.map(|at| at.0))?;
        let (workspace, owner) = (workspace_id.0.id(), service_account_id.0.id());
        let issued = self.service_accounts.create_key(caller.actor(), workspace, owner, request).await?;
        let location =
            format!("/v1/workspaces/{}/service-accounts/{}/keys", workspace_id.0, service_account_id.0);
        Ok(CreateApiKeyResponse::Created(Json(issued.into()), location))
    }

    /// List API keys
    ///
    /// The service account's keys, newest first, revoked ones included;
    /// never their secrets (admins only).
    #[oai(
        path = "/v1/workspaces/:workspace_id/service-accounts/:service_account_id/keys",
        method = "get",
        operation_id = "listApiKeys"
    )]
    async fn list_api_keys(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The service account.
        service_account_id: Path<WireId<ServiceAccountId>>,
        /// Items per page, 1 to 100 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<ApiKeyListResponse, Problems<AdminListErrors>> {
        let page = PageRequest::parse(limit.0, cursor.0.as_deref())?;
        let (workspace, owner) = (workspace_id.0.id(), service_account_id.0.id());
        let page = self.service_accounts.list_keys(caller.actor(), workspace, owner, page).await?;
        Ok(ApiKeyListResponse::Ok(Json(page.into())))
    }

    /// Revoke an API key
    ///
    /// The key is refused from now on, on every instance, with 401
    /// `API_KEY_REVOKED`; listings keep showing it (admins only).
    #[oai(
        path = "/v1/workspaces/:workspace_id/service-accounts/:service_account_id/keys/:key_id",
        method = "delete",
        operation_id = "revokeApiKey"
    )]
    async fn revoke_api_key(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The service account.
        service_account_id: Path<WireId<ServiceAccountId>>,
        /// The key.
        key_id: Path<WireId<ApiKeyId>>,
    ) -> Result<ApiKeyRevokedResponse, Problems<DeleteErrors>> {
        let (workspace, owner, key) = (workspace_id.0.id(), service_account_id.0.id(), key_id.0.id());
        self.service_accounts.revoke_key(caller.actor(), workspace, owner, key).await?;
        Ok(ApiKeyRevokedResponse::NoContent)
    }
}
