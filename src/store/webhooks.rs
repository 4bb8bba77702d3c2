//! Saving and loading webhook subscriptions.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::schema::webhooks;
use crate::ids::{AccountId, WebhookId, WorkspaceId};

use super::{DbConn, DbTime, Reading, StoreError, db_run, paged, update_returning};

/// A webhook subscription as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhooks)]
pub struct WebhookRow {
    /// Id (UUIDv7).
    pub id: WebhookId,
    /// Its workspace.
    pub workspace_id: WorkspaceId,
    /// Where deliveries go.
    pub url: String,
    /// The event types wanted, as a JSON array (`["*"]` for all).
    pub events: String,
    /// What it is for.
    pub description: String,
    /// Whether events are delivered.
    pub active: bool,
    /// The signing secret, sealed.
    pub secret: String,
    /// The secret before the last rotation, sealed.
    pub previous_secret: Option<String>,
    /// When the previous secret stops signing.
    pub previous_secret_expires_at: Option<DbTime>,
    /// Deliveries that failed for good in a row.
    pub failure_streak: i32,
    /// Why the server deactivated it, if it did.
    pub disabled_reason: Option<String>,
    /// The worker delivering its events, if any.
    pub lease_owner: Option<String>,
    /// Until when that worker holds it.
    pub lease_expires_at: Option<DbTime>,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Creator.
    pub created_by: AccountId,
    /// `person` or `service_account`.
    pub created_by_kind: String,
    /// Creation time.
    pub created_at: DbTime,
    /// Last change.
    pub updated_at: DbTime,
    /// The last workspace event (by `seq`) fanned out to it.
    pub event_cursor: i64,
}

/// Fields to change; `None` leaves a field alone.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = webhooks)]
pub struct WebhookChanges {
    /// New destination.
    pub url: Option<String>,
    /// New event types (JSON array).
    pub events: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// Active or not.
    pub active: Option<bool>,
    /// New sealed secret.
    pub secret: Option<String>,
    /// The sealed secret it replaces.
    pub previous_secret: Option<Option<String>>,
    /// Until when that one signs too.
    pub previous_secret_expires_at: Option<Option<DbTime>>,
    /// Reset or raised failure count.
    pub failure_streak: Option<i32>,
    /// Why it was deactivated (cleared on reactivation).
    pub disabled_reason: Option<Option<String>>,
    /// Time of the change.
    pub updated_at: Option<DbTime>,
    /// Where fanning out resumes (moved to the latest event on reactivation).
    pub event_cursor: Option<i64>,
}

/// Inserts a subscription.
pub async fn insert(conn: &mut DbConn<'_>, row: &WebhookRow) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::insert_into(webhooks::table).values(row.clone()).execute(conn).await?;
        Ok(())
    })
}

/// Loads a subscription of a workspace.
pub async fn find(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    id: WebhookId,
) -> Result<Option<WebhookRow>, StoreError> {
    db_run!(conn: {
        Ok(webhooks::table
            .filter(webhooks::id.eq(id))
            .filter(webhooks::workspace_id.eq(workspace_id))
            .select(WebhookRow::as_select())
            .get_result(conn)
            .await
            .optional()?)
    })
}

/// Up to `limit` subscriptions of a workspace, newest first, before `before`.
pub async fn list(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    reading: Reading<WebhookId>,
    limit: i64,
) -> Result<Vec<WebhookRow>, StoreError> {
    db_run!(conn: {
        let query =
            webhooks::table.filter(webhooks::workspace_id.eq(workspace_id)).select(WebhookRow::as_select()).into_boxed();
        let query = paged!(query, reading, webhooks::id, webhooks::updated_at);
        Ok(query.limit(limit).load(conn).await?)
    })
}

/// Every active subscription, as (id, workspace), for waking workers.
pub async fn active(conn: &mut DbConn<'_>) -> Result<Vec<(WebhookId, WorkspaceId)>, StoreError> {
    db_run!(conn: {
        Ok(webhooks::table
            .filter(webhooks::active.eq(true))
            .select((webhooks::id, webhooks::workspace_id))
            .load(conn)
            .await?)
    })
}

/// Applies `changes` and raises the version, if at `expected_version`.
pub async fn update(
    conn: &mut DbConn<'_>,
    id: WebhookId,
    expected_version: i32,
    changes: WebhookChanges,
) -> Result<Option<WebhookRow>, StoreError> {
    let update = diesel::update(webhooks::table)
        .filter(webhooks::id.eq(id))
        .filter(webhooks::version.eq(expected_version))
        .set((changes, webhooks::version.eq(webhooks::version + 1)));
    update_returning!(conn, update, WebhookRow::as_returning(), webhooks::table.find(id))
}

/// Deletes a subscription of a workspace (its deliveries go with it).
pub async fn delete(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    id: WebhookId,
) -> Result<bool, StoreError> {
    db_run!(conn: {
        let target = webhooks::table.filter(webhooks::id.eq(id)).filter(webhooks::workspace_id.eq(workspace_id));
        Ok(diesel::delete(target).execute(conn).await? > 0)
    })
}
