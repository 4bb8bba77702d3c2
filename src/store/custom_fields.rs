//! Saving and loading the definitions of custom fields.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::schema::custom_fields;
use crate::ids::{AccountId, FieldId, WorkspaceId};

use super::{DbConn, DbTime, StoreError, db_run, update_returning};

/// A custom field definition as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = custom_fields)]
pub struct FieldRow {
    /// Id (UUIDv7).
    pub id: FieldId,
    /// Its workspace.
    pub workspace_id: WorkspaceId,
    /// The key cases use (unique in the workspace).
    pub key: String,
    /// What people see.
    pub label: String,
    /// Help text.
    pub description: String,
    /// The type's name.
    pub field_type: String,
    /// Options of select fields, as a JSON array.
    pub options: String,
    /// Whether every case must have a value.
    pub required: bool,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Creator.
    pub created_by: AccountId,
    /// Creation time.
    pub created_at: DbTime,
    /// Last change.
    pub updated_at: DbTime,
}

/// Fields to change; `None` leaves a field alone.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = custom_fields)]
pub struct FieldChanges {
    /// New label.
    pub label: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New options (JSON array).
    pub options: Option<String>,
    /// New requirement.
    pub required: Option<bool>,
    /// Time of the change.
    pub updated_at: Option<DbTime>,
}

/// Inserts a definition. A key taken in the workspace fails with
/// [`StoreError::UniqueViolation`].
pub async fn insert(conn: &mut DbConn<'_>, row: &FieldRow) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::insert_into(custom_fields::table).values(row.clone()).execute(conn).await?;
        Ok(())
    })
}

/// Loads a definition of a workspace.
pub async fn find(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    id: FieldId,
) -> Result<Option<FieldRow>, StoreError> {
    db_run!(conn: {
        Ok(custom_fields::table
            .filter(custom_fields::id.eq(id))
            .filter(custom_fields::workspace_id.eq(workspace_id))
            .select(FieldRow::as_select())
            .get_result(conn)
            .await
            .optional()?)
    })
}

/// Every definition of a workspace, by key.
pub async fn list(conn: &mut DbConn<'_>, workspace_id: WorkspaceId) -> Result<Vec<FieldRow>, StoreError> {
    db_run!(conn: {
        Ok(custom_fields::table
            .filter(custom_fields::workspace_id.eq(workspace_id))
            .order(custom_fields::key.asc())
            .select(FieldRow::as_select())
            .load(conn)
            .await?)
    })
}

/// Applies `changes` and raises the version, if at `expected_version`.
pub async fn update(
    conn: &mut DbConn<'_>,
    id: FieldId,
    expected_version: i32,
    changes: FieldChanges,
) -> Result<Option<FieldRow>, StoreError> {
    let update = diesel::update(custom_fields::table)
        .filter(custom_fields::id.eq(id))
        .filter(custom_fields::version.eq(expected_version))
        .set((changes, custom_fields::version.eq(custom_fields::version + 1)));
    update_returning!(conn, update, FieldRow::as_returning(), custom_fields::table.find(id))
}

/// Deletes a definition (its index rows go with it).
pub async fn delete(conn: &mut DbConn<'_>, id: FieldId) -> Result<bool, StoreError> {
    db_run!(conn: {
        Ok(diesel::delete(custom_fields::table.find(id)).execute(conn).await? > 0)
    })
}
