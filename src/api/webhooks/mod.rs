//! `/v1/workspaces/{workspace_id}/webhooks`: subscriptions that deliver
//! the workspace's events, signed, to the team's other tools (admins only).

mod deliveries;
mod delivery_wire;
pub mod wire;

pub use deliveries::WebhookDeliveriesApi;

use std::sync::Arc;

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};

use crate::http::auth::Caller;
use crate::http::json_body::JsonBody;
use crate::http::responses::{
    AdminGetErrors, AdminListErrors, CreateErrors, DeleteErrors, Problems, UpdateErrors, one_answer,
};
use crate::http::tags::ApiTags;
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{WebhookId, WorkspaceId};
use crate::services::pagination::Paging;
use crate::services::webhooks::{NewWebhook, RawNewWebhook, WebhookService, WebhookUpdate};
use wire::{CreateWebhookRequest, UpdateWebhookRequest, WebhookList, WebhookView, WebhookWithSecretView};

/// Webhook operations.
pub struct WebhooksApi {
    /// Webhook subscriptions.
    pub(in crate::api) webhooks: Arc<WebhookService>,
}

/// Answer of `createWebhook`.
#[derive(ApiResponse)]
enum CreateWebhookResponse {
    /// The subscription was made. Its `secret` is in this answer only:
    /// store it now. (No `Idempotency-Key` here: a replay would have to
    /// show the secret again; a retried create makes a second
    /// subscription, which can be deleted.)
    #[oai(status = 201)]
    Created(
        Json<WebhookWithSecretView>,
        /// The subscription's address.
        #[oai(header = "Location")]
        String,
    ),
}

one_answer!(
    /// Answer of `listWebhooks`.
    WebhookListResponse: 200 Ok(Json<WebhookList>),
    "A page of the workspace's subscriptions, newest first."
);

one_answer!(
    /// Answer of `getWebhook` and `updateWebhook`.
    WebhookResponse: 200 Ok(Json<WebhookView>),
    "The subscription."
);

one_answer!(
    /// Answer of `rotateWebhookSecret`.
    RotatedResponse: 200 Ok(Json<WebhookWithSecretView>),
    "The new secret (in this answer only); the previous one also signs until `previous_secret_expires_at`."
);

one_answer!(
    /// Answer of `deleteWebhook`.
    WebhookDeletedResponse: 204 NoContent,
    "The subscription is gone, with its undelivered events."
);

#[OpenApi(tag = "ApiTags::Webhooks")]
impl WebhooksApi {
    /// Subscribe a webhook
    ///
    /// Subscribes a URL to the workspace's events of the given types
    /// (admins). The URL's host is resolved now and refused (422 `url`)
    /// when it reaches a denied network. The answer holds the signing
    /// secret, this once.
    #[oai(path = "/v1/workspaces/:workspace_id/webhooks", method = "post", operation_id = "createWebhook")]
    async fn create_webhook(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        body: JsonBody<CreateWebhookRequest>,
    ) -> Result<CreateWebhookResponse, Problems<CreateErrors>> {
        let request = NewWebhook::try_from(RawNewWebhook::from(body.0))?;
        let issued = self.webhooks.create(caller.actor(), workspace_id.0.id(), request).await?;
        let location =
            format!("/v1/workspaces/{}/webhooks/{}", workspace_id.0, WireId::new(issued.webhook.id));
        Ok(CreateWebhookResponse::Created(Json(issued.into()), location))
    }

    /// List webhooks
    ///
    /// The workspace's subscriptions, newest first, never their secrets (admins).
    #[oai(path = "/v1/workspaces/:workspace_id/webhooks", method = "get", operation_id = "listWebhooks")]
    async fn list_webhooks(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// Only subscriptions changed (or made) at or after this time, oldest change
        /// first: for incremental sync, pass the `updated_at` of the last
        /// one seen (deletions are in the activity feed, `webhook.deleted`).
        updated_after: Query<Option<Timestamp>>,
        /// Items per page, 1 to 100 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page (same `updated_after`).
        cursor: Query<Option<String>>,
    ) -> Result<WebhookListResponse, Problems<AdminListErrors>> {
        let page = Paging::parse(limit.0, cursor.0.as_deref(), updated_after.0.map(|t| t.0))?;
        let page = self.webhooks.list(caller.actor(), workspace_id.0.id(), page).await?;
        Ok(WebhookListResponse::Ok(Json(page.into())))
    }

    /// Get a webhook
    ///
    /// One subscription, without its secret (admins).
    #[oai(
        path = "/v1/workspaces/:workspace_id/webhooks/:webhook_id",
        method = "get",
        operation_id = "getWebhook"
    )]
    async fn get_webhook(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The subscription.
        webhook_id: Path<WireId<WebhookId>>,
    ) -> Result<WebhookResponse, Problems<AdminGetErrors>> {
        let webhook = self.webhooks.get(caller.actor(), workspace_id.0.id(), webhook_id.0.id()).await?;
        Ok(WebhookResponse::Ok(Json(webhook.into())))
    }

    /// Update a webhook
    ///
    /// Changes a subscription (admins): a new URL is checked as at
    /// creation; `active: true` resumes one the server turned off. A stale
    /// `version` answers 409 `VERSION_CONFLICT`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/webhooks/:webhook_id",
        method = "patch",
        operation_id = "updateWebhook"
    )]
    async fn update_webhook(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The subscription.
        webhook_id: Path<WireId<WebhookId>>,
        body: JsonBody<UpdateWebhookRequest>,
    ) -> Result<WebhookResponse, Problems<UpdateErrors>> {
        let b = body.0;
        let events = b.events.map(|e| e.into_iter().map(Into::into).collect());
        let update =
            WebhookUpdate::parse(b.version, b.url.as_deref(), events, b.description.as_deref(), b.active)?;
        let (workspace, id) = (workspace_id.0.id(), webhook_id.0.id());
        let webhook = self.webhooks.update(caller.actor(), workspace, id, update).await?;
        Ok(WebhookResponse::Ok(Json(webhook.into())))
    }

    /// Rotate a webhook's secret
    ///
    /// Issues a new signing secret (admins), shown in this answer only.
    /// For 24 hours deliveries carry two signatures, under the new secret
    /// and the previous one, so receivers can switch without missing any.
    #[oai(
        path = "/v1/workspaces/:workspace_id/webhooks/:webhook_id/secret-rotations",
        method = "post",
        operation_id = "rotateWebhookSecret"
    )]
    async fn rotate_webhook_secret(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The subscription.
        webhook_id: Path<WireId<WebhookId>>,
    ) -> Result<RotatedResponse, Problems<AdminGetErrors>> {
        let (workspace, id) = (workspace_id.0.id(), webhook_id.0.id());
        let issued = self.webhooks.rotate_secret(caller.actor(), workspace, id).await?;
        Ok(RotatedResponse::Ok(Json(issued.into())))
    }

    /// Delete a webhook
    ///
    /// Removes a subscription and its undelivered events (admins).
    #[oai(
        path = "/v1/workspaces/:workspace_id/webhooks/:webhook_id",
        method = "delete",
        operation_id = "deleteWebhook"
    )]
    async fn delete_webhook(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The subscription.
        webhook_id: Path<WireId<WebhookId>>,
    ) -> Result<WebhookDeletedResponse, Problems<DeleteErrors>> {
        self.webhooks.delete(caller.actor(), workspace_id.0.id(), webhook_id.0.id()).await?;
        Ok(WebhookDeletedResponse::NoContent)
    }
}
