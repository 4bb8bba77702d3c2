//! Saving and loading service accounts. Each has an `accounts` row of the
//! same id (kind `service_account`) and a membership holding its role; the
//! service writes all three in one transaction.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::schema::{memberships, service_accounts};
use crate::ids::{AccountId, ServiceAccountId, WorkspaceId};

use super::{DbConn, DbTime, Reading, StoreError, db_run, paged};

/// A service account as stored (its role is its membership's).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = service_accounts)]
pub struct ServiceAccountRow {
    /// Service account id (UUIDv7; also its account's id).
    pub id: ServiceAccountId,
    /// The one workspace it acts in.
    pub workspace_id: WorkspaceId,
    /// Its name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// A disabled service account's keys are refused.
    pub disabled: bool,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// The person who created it.
    pub created_by: AccountId,
    /// When.
    pub created_at: DbTime,
    /// Last change.
    pub updated_at: DbTime,
}

/// Fields to change; `None` leaves a field as it is.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = service_accounts)]
pub struct ServiceAccountChanges {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// Disable or enable.
    pub disabled: Option<bool>,
    /// Time of the change.
    pub updated_at: DbTime,
}

/// The service account's membership, matched on both key columns.
macro_rules! with_role {
    () => {
        service_accounts::table.inner_join(
            memberships::table.on(memberships::workspace_id
                .eq(service_accounts::workspace_id)
                .and(memberships::account_id.eq(service_accounts::id))),
        )
    };
}

/// Inserts a service account (its account and membership go in separately).
pub async fn insert(conn: &mut DbConn<'_>, row: ServiceAccountRow) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::insert_into(service_accounts::table).values(row).execute(conn).await?;
        Ok(())
    })
}

/// One service account of a workspace, with its role.
pub async fn find(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    id: ServiceAccountId,
) -> Result<Option<(ServiceAccountRow, String)>, StoreError> {
    db_run!(conn: {
        Ok(with_role!()
            .filter(service_accounts::id.eq(id))
            .filter(service_accounts::workspace_id.eq(workspace))
            .select((ServiceAccountRow::as_select(), memberships::role))
            .first(conn)
            .await
            .optional()?)
    })
}

/// A workspace's service accounts with their roles, newest first, after the
/// id `after` (a keyset cursor).
pub async fn list(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    reading: Reading<ServiceAccountId>,
    limit: i64,
) -> Result<Vec<(ServiceAccountRow, String)>, StoreError> {
    db_run!(conn: {
        let query = with_role!()
            .filter(service_accounts::workspace_id.eq(workspace))
            .select((ServiceAccountRow::as_select(), memberships::role))
            .into_boxed();
        let query = paged!(query, reading, service_accounts::id, service_accounts::updated_at);
        Ok(query.limit(limit).load(conn).await?)
    })
}

/// Applies `changes` and raises the version, if the service account is at
/// `expected_version`; whether it was.
pub async fn update(
    conn: &mut DbConn<'_>,
    id: ServiceAccountId,
    expected_version: i32,
    changes: &ServiceAccountChanges,
) -> Result<bool, StoreError> {
    db_run!(conn: {
        let updated = diesel::update(service_accounts::table.find(id))
            .filter(service_accounts::version.eq(expected_version))
            .set((changes, service_accounts::version.eq(service_accounts::version + 1)))
            .execute(conn)
            .await?;
        Ok(updated > 0)
    })
}

/// Deletes a service account (its keys go with it).
pub async fn delete(conn: &mut DbConn<'_>, id: ServiceAccountId) -> Result<bool, StoreError> {
    db_run!(conn: {
        Ok(diesel::delete(service_accounts::table.find(id)).execute(conn).await? > 0)
    })
}
