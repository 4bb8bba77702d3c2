//! Saving and loading accounts.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::schema::accounts;
use crate::ids::AccountId;

use super::{DbConn, DbTime, StoreError, db_run, insert_returning, update_returning};

/// An account as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    /// Account id (UUIDv7).
    pub id: AccountId,
    /// Normalised email address.
    pub email: String,
    /// Name shown to others.
    pub display_name: String,
    /// Argon2id PHC string (empty for a service account, which cannot sign in).
    pub password_hash: String,
    /// `person` or `service_account`.
    pub kind: String,
    /// Optimistic-concurrency version, from 1.
    pub version: i32,
    /// When the account was created.
    #[diesel(deserialize_as = DbTime)]
    pub created_at: DateTime<Utc>,
    /// When the account last changed.
    #[diesel(deserialize_as = DbTime)]
    pub updated_at: DateTime<Utc>,
}

/// A new account to insert.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = accounts)]
pub struct NewAccount {
    /// Account id (UUIDv7).
    pub id: AccountId,
    /// Normalised email address.
    pub email: String,
    /// Name shown to others.
    pub display_name: String,
    /// Argon2id PHC string (empty for a service account).
    pub password_hash: String,
    /// `person` or `service_account`.
    pub kind: String,
    /// Creation time (also the first `updated_at`).
    #[diesel(serialize_as = DbTime)]
    pub created_at: DateTime<Utc>,
    /// Same as `created_at`.
    #[diesel(serialize_as = DbTime)]
    pub updated_at: DateTime<Utc>,
}

/// Fields to change on an account; `None` leaves a field as it is.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = accounts)]
pub struct AccountChanges {
    /// New display name.
    pub display_name: Option<String>,
    /// New password hash.
    pub password_hash: Option<String>,
    /// Time of the change.
    pub updated_at: DbTime,
}

/// Inserts an account. A taken email fails with [`StoreError::UniqueViolation`].
pub async fn insert(conn: &mut DbConn<'_>, account: NewAccount) -> Result<AccountRow, StoreError> {
    let id = account.id;
    insert_returning!(conn, accounts::table, account, AccountRow::as_returning(), accounts::table.find(id))
}

/// Loads an account by id.
pub async fn find(conn: &mut DbConn<'_>, id: AccountId) -> Result<Option<AccountRow>, StoreError> {
    db_run!(conn: {
        Ok(accounts::table
            .find(id)
            .select(AccountRow::as_select())
            .first(conn)
            .await
            .optional()?)
    })
}

/// The `kind` of accounts that are people.
pub const PERSON: &str = "person";

/// Loads a person's account by its normalised email.
pub async fn find_by_email(conn: &mut DbConn<'_>, email: &str) -> Result<Option<AccountRow>, StoreError> {
    db_run!(conn: {
        Ok(accounts::table
            .filter(accounts::email.eq(email))
            .filter(accounts::kind.eq(PERSON))
            .select(AccountRow::as_select())
            .first(conn)
            .await
            .optional()?)
    })
}

/// Applies `changes` and raises the version by one, but only if the account is
/// still at `expected_version`. `None` means the account is missing or at
/// another version.
pub async fn update(
    conn: &mut DbConn<'_>,
    id: AccountId,
    expected_version: i32,
    changes: &AccountChanges,
) -> Result<Option<AccountRow>, StoreError> {
    let update = diesel::update(accounts::table)
        .filter(accounts::id.eq(id))
        .filter(accounts::version.eq(expected_version))
        .set((changes, accounts::version.eq(accounts::version + 1)));
    update_returning!(conn, update, AccountRow::as_returning(), accounts::table.find(id))
}
