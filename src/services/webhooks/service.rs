//! The webhook subscription service: workspace admins (people or admin
//! API keys) subscribe URLs to event types; the destination is checked
//! before anything is saved.

use std::sync::Arc;

use chrono::Duration;

use super::model::events_json;
use super::{Destinations, IssuedSecret, NewWebhook, SecretBox, Webhook, WebhookUpdate};
use crate::ids::{WebhookId, WorkspaceId};
use crate::platform::clock;
use crate::services::kernel::{Access, Actor, Failure, Role};
use crate::services::outbox::{Change, EventType, Outbox};
use crate::services::pagination::{Page, Paging};
use crate::services::validation::ValidationErrors;
use crate::store::outbox;
use crate::store::webhooks::{self, WebhookChanges, WebhookRow};
use crate::store::{DbConn, db_transaction};

/// How long the secret before a rotation keeps signing beside the new one.
pub const ROTATION_OVERLAP: Duration = Duration::hours(24);

/// Webhook subscriptions of workspaces.
pub struct WebhookService {
    pub(super) access: Access,
    secrets: Arc<SecretBox>,
    destinations: Arc<Destinations>,
    pub(super) outbox: Outbox,
}

impl WebhookService {
    /// A service sealing secrets in `secrets`, checking URLs against
    /// `destinations`, and sending pings through `outbox`.
    pub fn new(
        access: Access,
        secrets: Arc<SecretBox>,
        destinations: Arc<Destinations>,
        outbox: Outbox,
    ) -> Self {
        Self { access, secrets, destinations, outbox }
    }

    /// Subscribes a URL (admins); answers the secret, this once.
    #[tracing::instrument(skip_all)]
    pub async fn create(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        request: NewWebhook,
    ) -> Result<IssuedSecret, Failure> {
        let mut scope = self.access.writing(caller, workspace, Role::Admin).await?;
        self.reachable(&request.url).await?;
        let secret = SecretBox::generate()?;
        let now = clock::now();
        let row = WebhookRow {
            id: WebhookId::new(),
            workspace_id: workspace,
            url: request.url.to_string(),
            events: events_json(&request.events),
            description: request.description,
            active: request.active,
            secret: self.secrets.seal(&secret)?,
            previous_secret: None,
            previous_secret_expires_at: None,
            failure_streak: 0,
            disabled_reason: None,
            lease_owner: None,
            lease_expires_at: None,
            version: 1,
            created_by: caller.id,
            created_by_kind: caller.kind.as_str().to_owned(),
            created_at: now.into(),
            updated_at: now.into(),
            event_cursor: 0,
        };
        let conn = &mut scope.db();
        let row = db_transaction!(conn, |tx| {
            // Events from now on: those after its own `webhook.created`.
            let event_cursor = outbox::reserve(tx, workspace, 1).await?.ok_or(Failure::NoSuchWorkspace)?;
            let row = WebhookRow { event_cursor, ..row.clone() };
            webhooks::insert(tx, &row).await?;
            let created = Webhook::try_from(row.clone())?;
            let event = Change::new(EventType::WebhookCreated, &created);
            self.outbox.record_numbered(tx, workspace, caller, &[event], event_cursor).await?;
            Ok::<_, Failure>(row)
        })?;
        if row.active {
            self.outbox.dispatch().subscribed(workspace, row.id);
        }
        Ok(IssuedSecret { webhook: Webhook::try_from(row)?, secret })
    }

    /// A page of the workspace's subscriptions, newest first (admins).
    pub async fn list(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        page: Paging<WebhookId>,
    ) -> Result<Page<Webhook>, Failure> {
        let mut scope = self.access.reading(caller, workspace, Role::Admin).await?;
        let rows = webhooks::list(&mut scope.db(), workspace, page.reading(), page.fetch()).await?;
        let hooks = rows.into_iter().map(Webhook::try_from).collect::<Result<Vec<_>, _>>()?;
        Ok(page.page(hooks, |hook| hook.id, |hook| hook.updated_at))
    }

    /// One subscription (admins).
    pub async fn get(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: WebhookId,
    ) -> Result<Webhook, Failure> {
        let mut scope = self.access.reading(caller, workspace, Role::Admin).await?;
        Ok(Webhook::try_from(load(&mut scope.db(), workspace, id).await?)?)
    }

    /// Changes a subscription (admins), conditional on `version`. Turning
    /// it on again clears a deactivation and its failure count.
    #[tracing::instrument(skip_all)]
    pub async fn update(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: WebhookId,
        update: WebhookUpdate,
    ) -> Result<Webhook, Failure> {
        let mut scope = self.access.writing(caller, workspace, Role::Admin).await?;
        if let Some(url) = &update.url {
            self.reachable(url).await?;
        }
        let reactivated = update.active == Some(true);
        let conn = &mut scope.db();
        let webhook = db_transaction!(conn, |tx| {
            // The event's number first: its lock on the workspace row makes
            // concurrent changes take turns, so `current` is the latest.
            let seq = outbox::reserve(tx, workspace, 1).await?.ok_or(Failure::NoSuchWorkspace)?;
            let current = load(tx, workspace, id).await?;
            // Turned on again, it takes the events from now on (those after
            // its own `webhook.updated`), not those it missed while off.
            let event_cursor = (reactivated && !current.active).then_some(seq);
            let changes = WebhookChanges {
                url: update.url.as_ref().map(ToString::to_string),
                events: update.events.as_deref().map(events_json),
                description: update.description.clone(),
                active: update.active,
                failure_streak: reactivated.then_some(0),
                disabled_reason: reactivated.then_some(None),
                updated_at: Some(clock::now().into()),
                event_cursor,
                ..WebhookChanges::default()
            };
            let updated = webhooks::update(tx, id, update.version, changes).await?;
            let row = updated.ok_or(Failure::VersionConflict {
                what: "webhook",
                current: current.version,
                given: update.version,
            })?;
            let (before, after) = (Webhook::try_from(current)?, Webhook::try_from(row)?);
            let event = Change::updated(EventType::WebhookUpdated, &before, &after);
            self.outbox.record_numbered(tx, workspace, caller, &[event], seq).await?;
            Ok::<_, Failure>(after)
        })?;
        if webhook.active {
            self.outbox.dispatch().subscribed(workspace, webhook.id);
        }
        Ok(webhook)
    }

    /// Issues a new secret (admins); the one it replaces keeps signing
    /// beside it for 24 hours, so receivers can move over.
    #[tracing::instrument(skip_all)]
    pub async fn rotate_secret(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: WebhookId,
    ) -> Result<IssuedSecret, Failure> {
        let mut scope = self.access.writing(caller, workspace, Role::Admin).await?;
        let secret = SecretBox::generate()?;
        let sealed = self.secrets.seal(&secret)?;
        let conn = &mut scope.db();
        let webhook = db_transaction!(conn, |tx| {
            let current = load(tx, workspace, id).await?;
            let now = clock::now();
            let changes = WebhookChanges {
                secret: Some(sealed.clone()),
                previous_secret: Some(Some(current.secret.clone())),
                previous_secret_expires_at: Some(Some((now + ROTATION_OVERLAP).into())),
                updated_at: Some(now.into()),
                ..WebhookChanges::default()
            };
            let row = webhooks::update(tx, id, current.version, changes).await?.ok_or(
                Failure::VersionConflict {
                    what: "webhook",
                    current: current.version,
                    given: current.version,
                },
            )?;
            let webhook = Webhook::try_from(row)?;
            let event = Change::new(EventType::WebhookSecretRotated, &webhook);
            self.outbox.record(tx, workspace, caller, &[event]).await?;
            Ok::<_, Failure>(webhook)
        })?;
        Ok(IssuedSecret { webhook, secret })
    }

    /// Removes a subscription and its pending deliveries (admins).
    pub async fn delete(&self, caller: Actor, workspace: WorkspaceId, id: WebhookId) -> Result<(), Failure> {
        let mut scope = self.access.writing(caller, workspace, Role::Admin).await?;
        let conn = &mut scope.db();
        db_transaction!(conn, |tx| {
            let gone = Webhook::try_from(load(tx, workspace, id).await?)?;
            if !webhooks::delete(tx, workspace, id).await? {
                return Err(Failure::NotFound("webhook"));
            }
            self.outbox
                .record(tx, workspace, caller, &[Change::new(EventType::WebhookDeleted, &gone)])
                .await?;
            Ok(())
        })
    }

    async fn reachable(&self, url: &url::Url) -> Result<(), Failure> {
        match self.destinations.resolve(url).await {
            Ok(_) => Ok(()),
            Err(why) => Err(ValidationErrors::single("url", why).into()),
        }
    }
}

async fn load(conn: &mut DbConn<'_>, workspace: WorkspaceId, id: WebhookId) -> Result<WebhookRow, Failure> {
    webhooks::find(conn, workspace, id).await?.ok_or(Failure::NotFound("webhook"))
}
