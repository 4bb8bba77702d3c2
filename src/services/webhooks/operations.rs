//! Watching and steering deliveries (admins): a subscription's deliveries
//! with their attempts, sending one again, and a test event.

use super::deliveries::Delivery;
use super::{Webhook, WebhookError, WebhookService};
use crate::ids::{DeliveryId, WebhookId, WorkspaceId};
use crate::platform::clock;
use crate::services::kernel::{Actor, Failure, Role};
use crate::services::pagination::{Page, PageRequest};
use crate::store::{DbConn, db_transaction, webhook_deliveries, webhook_queue, webhooks};

impl WebhookService {
    /// A page of a subscription's deliveries, newest first, with their attempts (admins).
    pub async fn deliveries(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: WebhookId,
        page: PageRequest<DeliveryId>,
    ) -> Result<Page<Delivery>, Failure> {
        let mut scope = self.access.reading(caller, workspace, Role::Admin).await?;
        let conn = &mut scope.db();
        webhooks::find(conn, workspace, id).await?.ok_or(Failure::NotFound("webhook"))?;
        let before = page.after.unwrap_or(DeliveryId::MAX);
        let rows = webhook_deliveries::list(conn, id, before, page.fetch()).await?;
        let ids: Vec<_> = rows.iter().map(|(row, _)| row.id).collect();
        let attempts = webhook_deliveries::attempts(conn, &ids).await?;
        let deliveries = rows
            .into_iter()
            .map(|(row, kind)| Delivery::assemble(row, kind, &attempts))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(deliveries, page.limit, |d| d.id))
    }

    /// Sends a delivery again, now, ahead of any retry wait (admins).
    #[tracing::instrument(skip_all)]
    pub async fn redeliver(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: WebhookId,
        delivery: DeliveryId,
    ) -> Result<Delivery, WebhookError> {
        let mut scope = self.access.writing(caller, workspace, Role::Admin).await?;
        let conn = &mut scope.db();
        db_transaction!(conn, |tx| {
            active(tx, workspace, id).await?;
            webhook_deliveries::find(tx, id, delivery).await?.ok_or(Failure::NotFound("delivery"))?;
            webhook_deliveries::requeue(tx, delivery, clock::now().into()).await?;
            webhook_queue::unpark(tx, id).await?;
            Ok::<_, WebhookError>(())
        })?;
        self.outbox.nudge(id);
        Ok(one_delivery(conn, id, delivery).await?)
    }

    /// Sends a `ping` event carrying the subscription itself, whatever
    /// event types it asked for (admins).
    #[tracing::instrument(skip_all)]
    pub async fn ping(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: WebhookId,
    ) -> Result<Delivery, WebhookError> {
        let mut scope = self.access.writing(caller, workspace, Role::Admin).await?;
        let conn = &mut scope.db();
        let delivery = db_transaction!(conn, |tx| {
            let webhook = active(tx, workspace, id).await?;
            let sent = self.outbox.ping(tx, workspace, caller, id, &webhook).await?;
            webhook_queue::unpark(tx, id).await?;
            sent.ok_or(WebhookError::Common(Failure::NoSuchWorkspace))
        })?;
        Ok(one_delivery(conn, id, delivery).await?)
    }
}

/// The subscription, if active.
async fn active(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    id: WebhookId,
) -> Result<Webhook, WebhookError> {
    let row = webhooks::find(conn, workspace, id).await?.ok_or(Failure::NotFound("webhook"))?;
    let webhook = Webhook::try_from(row).map_err(Failure::from)?;
    if !webhook.active {
        return Err(WebhookError::Inactive);
    }
    Ok(webhook)
}

async fn one_delivery(
    conn: &mut DbConn<'_>,
    id: WebhookId,
    delivery: DeliveryId,
) -> Result<Delivery, Failure> {
    let (row, kind) =
        webhook_deliveries::find(conn, id, delivery).await?.ok_or(Failure::NotFound("delivery"))?;
    let attempts = webhook_deliveries::attempts(conn, &[delivery]).await?;
    Ok(Delivery::assemble(row, kind, &attempts)?)
}
