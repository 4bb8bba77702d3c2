//! Saving and loading workspaces.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::schema::{memberships, workspaces};
use crate::ids::{AccountId, WorkspaceId};

use super::{DbConn, DbTime, Reading, StoreError, db_run, paged, update_returning};

/// A workspace as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = workspaces)]
pub struct WorkspaceRow {
    /// Workspace id (UUIDv7).
    pub id: WorkspaceId,
    /// Name.
    pub name: String,
    /// Description ("" when none).
    pub description: String,
    /// The last case number handed out.
    pub case_seq: i32,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Who created it.
    pub created_by: AccountId,
    /// Creation time.
    #[diesel(deserialize_as = DbTime, serialize_as = DbTime)]
    pub created_at: DateTime<Utc>,
    /// Last change.
    #[diesel(deserialize_as = DbTime, serialize_as = DbTime)]
    pub updated_at: DateTime<Utc>,
}

/// Fields to change; `None` leaves a field as it is.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = workspaces)]
pub struct WorkspaceChanges {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// Time of the change.
    pub updated_at: DbTime,
}

/// Inserts a workspace.
pub async fn insert(conn: &mut DbConn<'_>, row: WorkspaceRow) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::insert_into(workspaces::table).values(row).execute(conn).await?;
        Ok(())
    })
}

/// Loads a workspace.
pub async fn find(conn: &mut DbConn<'_>, id: WorkspaceId) -> Result<Option<WorkspaceRow>, StoreError> {
    db_run!(conn: {
        Ok(workspaces::table
            .find(id)
            .select(WorkspaceRow::as_select())
            .first(conn)
            .await
            .optional()?)
    })
}

/// The workspaces `account_id` belongs to, with its role in each, newest
/// first, starting after the workspace id `after` (a keyset cursor).
pub async fn list_for_account(
    conn: &mut DbConn<'_>,
    account_id: AccountId,
    reading: Reading<WorkspaceId>,
    limit: i64,
) -> Result<Vec<(WorkspaceRow, String)>, StoreError> {
    db_run!(conn: {
        let query = workspaces::table
            .inner_join(memberships::table)
            .filter(memberships::account_id.eq(account_id))
            .select((WorkspaceRow::as_select(), memberships::role))
            .into_boxed();
        let query = paged!(query, reading, workspaces::id, workspaces::updated_at);
        Ok(query.limit(limit).load(conn).await?)
    })
}

/// Applies `changes` if the workspace is at `expected_version`.
pub async fn update(
    conn: &mut DbConn<'_>,
    id: WorkspaceId,
    expected_version: i32,
    changes: WorkspaceChanges,
) -> Result<Option<WorkspaceRow>, StoreError> {
    let update = diesel::update(workspaces::table)
        .filter(workspaces::id.eq(id))
        .filter(workspaces::version.eq(expected_version))
        .set((changes, workspaces::version.eq(workspaces::version + 1)));
    update_returning!(conn, update, WorkspaceRow::as_returning(), workspaces::table.find(id))
}

/// Deletes a workspace and, by cascade, everything in it.
pub async fn delete(conn: &mut DbConn<'_>, id: WorkspaceId) -> Result<bool, StoreError> {
    db_run!(conn: {
        Ok(diesel::delete(workspaces::table.find(id)).execute(conn).await? > 0)
    })
}

/// Takes the workspace's row lock for the rest of the transaction (a no-op
/// write), so checks such as "is this the last admin?" cannot race.
pub async fn lock(conn: &mut DbConn<'_>, id: WorkspaceId) -> Result<bool, StoreError> {
    db_run!(conn: {
        let locked = diesel::update(workspaces::table.find(id))
            .set(workspaces::case_seq.eq(workspaces::case_seq))
            .execute(conn)
            .await?;
        Ok(locked > 0)
    })
}

/// Hands out the workspace's next case number and `events` event numbers
/// for the changes reporting it (see [`super::outbox::reserve`]): answers
/// `(case number, last event seq)`. The increment is one atomic statement
/// holding the row lock until commit, so concurrent creates get consecutive
/// numbers, and a rolled-back create gives its numbers back.
pub async fn next_case_number(
    conn: &mut DbConn<'_>,
    id: WorkspaceId,
    events: i64,
) -> Result<Option<(i32, i64)>, StoreError> {
    let update = diesel::update(workspaces::table.find(id)).set((
        workspaces::case_seq.eq(workspaces::case_seq + 1),
        workspaces::event_seq.eq(workspaces::event_seq + events),
    ));
    let numbers = (workspaces::case_seq, workspaces::event_seq);
    update_returning!(conn, update, numbers, workspaces::table.find(id))
}
