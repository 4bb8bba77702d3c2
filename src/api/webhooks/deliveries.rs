//! `/v1/workspaces/{workspace_id}/webhooks/{webhook_id}/deliveries` and
//! `/pings`: what was sent where, sending one again, and a test event
//! (admins only).

use std::sync::Arc;

use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;

use super::delivery_wire::{DeliveryList, DeliveryView};
use crate::http::auth::Caller;
use crate::http::responses::{AdminActionErrors, AdminListErrors, Problems, one_answer};
use crate::http::tags::ApiTags;
use crate::http::wire::WireId;
use crate::ids::{DeliveryId, WebhookId, WorkspaceId};
use crate::services::pagination::PageRequest;
use crate::services::webhooks::WebhookService;

/// Webhook delivery operations.
pub struct WebhookDeliveriesApi {
    /// Webhook subscriptions.
    pub(in crate::api) webhooks: Arc<WebhookService>,
}

one_answer!(
    /// Answer of `listWebhookDeliveries`.
    DeliveryListResponse: 200 Ok(Json<DeliveryList>),
    "A page of the subscription's deliveries, newest first, each with its attempts."
);

one_answer!(
    /// Answer of `redeliverWebhookDelivery` and `pingWebhook`.
    QueuedResponse: 202 Accepted(Json<DeliveryView>),
    "Queued: sent within moments (its `attempts` show the outcome)."
);

#[OpenApi(tag = "ApiTags::Webhooks")]
impl WebhookDeliveriesApi {
    /// List a webhook's deliveries
    ///
    /// What was sent to the subscription, newest first (admins): each
    /// delivery's status (`pending`, `delivered`, `failed`), the next
    /// attempt while pending, and every attempt with its status code,
    /// latency and error. An event still queued for the subscription is
    /// listed once its first attempt is made. A failed attempt is retried with exponential
    /// backoff (from 5 seconds, doubling to an hour, with jitter) for 24
    /// hours; then the delivery is `failed`. After 5 deliveries in a row
    /// fail for good the subscription is deactivated (`disabled_reason`)
    /// and a `webhook.disabled` event goes to the workspace's other
    /// subscriptions.
    #[oai(
        path = "/v1/workspaces/:workspace_id/webhooks/:webhook_id/deliveries",
        method = "get",
        operation_id = "listWebhookDeliveries"
    )]
    async fn list_deliveries(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The subscription.
        webhook_id: Path<WireId<WebhookId>>,
        /// Items per page, 1 to 100 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<DeliveryListResponse, Problems<AdminListErrors>> {
        let page = PageRequest::parse(limit.0, cursor.0.as_deref())?;
        let (workspace, id) = (workspace_id.0.id(), webhook_id.0.id());
        let page = self.webhooks.deliveries(caller.actor(), workspace, id, page).await?;
        Ok(DeliveryListResponse::Ok(Json(page.into())))
    }

    /// Redeliver a webhook delivery
    ///
    /// Sends a delivery again, now, even one already delivered or failed
    /// (admins), ahead of any retry the subscription waits for; it keeps
    /// its id, so a receiver that saw it drops the duplicate. An inactive
    /// subscription answers 409 `WEBHOOK_INACTIVE`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/webhooks/:webhook_id/deliveries/:delivery_id/redeliveries",
        method = "post",
        operation_id = "redeliverWebhookDelivery"
    )]
    async fn redeliver(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The subscription.
        webhook_id: Path<WireId<WebhookId>>,
        /// The delivery.
        delivery_id: Path<WireId<DeliveryId>>,
    ) -> Result<QueuedResponse, Problems<AdminActionErrors>> {
        let (workspace, id) = (workspace_id.0.id(), webhook_id.0.id());
        let delivery = self.webhooks.redeliver(caller.actor(), workspace, id, delivery_id.0.id()).await?;
        Ok(QueuedResponse::Accepted(Json(delivery.into())))
    }

    /// Ping a webhook
    ///
    /// Sends a test event of type `ping` whose `data` is the subscription,
    /// whatever event types it asked for (admins), signed like every
    /// delivery: a quick check that the receiver is reachable and verifies
    /// signatures. An inactive subscription answers 409 `WEBHOOK_INACTIVE`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/webhooks/:webhook_id/pings",
        method = "post",
        operation_id = "pingWebhook"
    )]
    async fn ping(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The subscription.
        webhook_id: Path<WireId<WebhookId>>,
    ) -> Result<QueuedResponse, Problems<AdminActionErrors>> {
        let delivery = self.webhooks.ping(caller.actor(), workspace_id.0.id(), webhook_id.0.id()).await?;
        Ok(QueuedResponse::Accepted(Json(delivery.into())))
    }
}
