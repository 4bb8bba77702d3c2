//! Saving and loading workspace memberships.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::accounts::{AccountRow, PERSON};
use super::schema::{accounts, memberships};
use crate::ids::{AccountId, WorkspaceId};

use super::{DbConn, DbTime, Reading, StoreError, db_run, paged, update_returning};

/// A membership as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = memberships)]
pub struct MembershipRow {
    /// The workspace.
    pub workspace_id: WorkspaceId,
    /// The member.
    pub account_id: AccountId,
    /// `viewer`, `editor` or `admin`.
    pub role: String,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// When the account joined.
    #[diesel(deserialize_as = DbTime, serialize_as = DbTime)]
    pub created_at: DateTime<Utc>,
    /// Last role change.
    #[diesel(deserialize_as = DbTime, serialize_as = DbTime)]
    pub updated_at: DateTime<Utc>,
}

/// Inserts a membership; an existing one fails with a unique violation.
pub async fn insert(conn: &mut DbConn<'_>, row: MembershipRow) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::insert_into(memberships::table).values(row).execute(conn).await?;
        Ok(())
    })
}

/// The role of `account_id` in `workspace_id`, if a member.
pub async fn role_of(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    account_id: AccountId,
) -> Result<Option<String>, StoreError> {
    db_run!(conn: {
        Ok(memberships::table
            .find((workspace_id, account_id))
            .select(memberships::role)
            .first(conn)
            .await
            .optional()?)
    })
}

/// One person's membership with their account (service accounts' memberships
/// are theirs alone: see `service_accounts`).
pub async fn find(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    account_id: AccountId,
) -> Result<Option<(MembershipRow, AccountRow)>, StoreError> {
    db_run!(conn: {
        Ok(memberships::table
            .inner_join(accounts::table)
            .filter(memberships::workspace_id.eq(workspace_id))
            .filter(memberships::account_id.eq(account_id))
            .filter(accounts::kind.eq(PERSON))
            .select((MembershipRow::as_select(), AccountRow::as_select()))
            .first(conn)
            .await
            .optional()?)
    })
}

/// People who are members, with their accounts, newest account first, after the account id
/// `after` (a keyset cursor).
pub async fn list(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    reading: Reading<AccountId>,
    limit: i64,
) -> Result<Vec<(MembershipRow, AccountRow)>, StoreError> {
    db_run!(conn: {
        let query = memberships::table
            .inner_join(accounts::table)
            .filter(memberships::workspace_id.eq(workspace_id))
            .filter(accounts::kind.eq(PERSON))
            .select((MembershipRow::as_select(), AccountRow::as_select()))
            .into_boxed();
        let query = paged!(query, reading, memberships::account_id, memberships::updated_at);
        Ok(query.limit(limit).load(conn).await?)
    })
}

/// Changes a member's role if the membership is at `expected_version`.
pub async fn update_role(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    account_id: AccountId,
    expected_version: i32,
    role: &str,
    now: DateTime<Utc>,
) -> Result<Option<MembershipRow>, StoreError> {
    let update = diesel::update(memberships::table.find((workspace_id, account_id)))
        .filter(memberships::version.eq(expected_version))
        .set((
            memberships::role.eq(role),
            memberships::version.eq(memberships::version + 1),
            memberships::updated_at.eq(DbTime::from(now)),
        ));
    let key = memberships::table.find((workspace_id, account_id));
    update_returning!(conn, update, MembershipRow::as_returning(), key)
}

/// Removes a member.
pub async fn delete(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    account_id: AccountId,
) -> Result<bool, StoreError> {
    db_run!(conn: {
        let deleted = diesel::delete(memberships::table.find((workspace_id, account_id)))
            .execute(conn)
            .await?;
        Ok(deleted > 0)
    })
}

/// How many people are admins of the workspace.
pub async fn count_admins(conn: &mut DbConn<'_>, workspace_id: WorkspaceId) -> Result<i64, StoreError> {
    db_run!(conn: {
        Ok(memberships::table
            .inner_join(accounts::table)
            .filter(memberships::workspace_id.eq(workspace_id))
            .filter(memberships::role.eq("admin"))
            .filter(accounts::kind.eq(PERSON))
            .count()
            .get_result(conn)
            .await?)
    })
}

/// Sets a membership's role whatever its version (raising it), for the
/// memberships that stand for service accounts, which are versioned as
/// the service account.
pub async fn set_role(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    account_id: AccountId,
    role: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::update(memberships::table.find((workspace_id, account_id)))
            .set((
                memberships::role.eq(role),
                memberships::version.eq(memberships::version + 1),
                memberships::updated_at.eq(DbTime::from(now)),
            ))
            .execute(conn)
            .await?;
        Ok(())
    })
}
