//! Saving and loading case templates.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::schema::case_templates;
use crate::ids::{AccountId, TemplateId, WorkspaceId};

use super::{DbConn, DbTime, StoreError, db_run, update_returning};

/// A case template as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_templates)]
pub struct TemplateRow {
    /// Id (UUIDv7).
    pub id: TemplateId,
    /// Its workspace.
    pub workspace_id: WorkspaceId,
    /// Its name.
    pub name: String,
    /// The name lowercased (unique in the workspace).
    pub name_key: String,
    /// What it is for.
    pub description: String,
    /// The defaults for the case, as a JSON object.
    pub defaults: String,
    /// The tasks to create, as a JSON array.
    pub tasks: String,
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
#[diesel(table_name = case_templates)]
pub struct TemplateChanges {
    /// New name.
    pub name: Option<String>,
    /// New lowercased name.
    pub name_key: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New defaults (JSON object).
    pub defaults: Option<String>,
    /// New tasks (JSON array).
    pub tasks: Option<String>,
    /// Time of the change.
    pub updated_at: Option<DbTime>,
}

/// Inserts a template. A name taken in the workspace fails with
/// [`StoreError::UniqueViolation`].
pub async fn insert(conn: &mut DbConn<'_>, row: &TemplateRow) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::insert_into(case_templates::table).values(row.clone()).execute(conn).await?;
        Ok(())
    })
}

/// Loads a template of a workspace.
pub async fn find(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    id: TemplateId,
) -> Result<Option<TemplateRow>, StoreError> {
    db_run!(conn: {
        Ok(case_templates::table
            .filter(case_templates::id.eq(id))
            .filter(case_templates::workspace_id.eq(workspace_id))
            .select(TemplateRow::as_select())
            .get_result(conn)
            .await
            .optional()?)
    })
}

/// Up to `limit` templates of a workspace by name, after `after` (a
/// lowercased name and id).
pub async fn list(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    after: Option<(String, TemplateId)>,
    limit: i64,
) -> Result<Vec<TemplateRow>, StoreError> {
    db_run!(conn: {
        let query = case_templates::table
            .filter(case_templates::workspace_id.eq(workspace_id))
            .select(TemplateRow::as_select())
            .into_boxed();
        let query = match after.clone() {
            Some((name, id)) => query.filter(
                case_templates::name_key
                    .gt(name.clone())
                    .or(case_templates::name_key.eq(name).and(case_templates::id.gt(id))),
            ),
            None => query,
        };
        Ok(query.order((case_templates::name_key.asc(), case_templates::id.asc())).limit(limit).load(conn).await?)
    })
}

/// Every template of a workspace, for rewriting their defaults.
pub async fn all(conn: &mut DbConn<'_>, workspace_id: WorkspaceId) -> Result<Vec<TemplateRow>, StoreError> {
    list(conn, workspace_id, None, i64::MAX).await
}

/// Applies `changes` and raises the version, if at `expected_version`.
pub async fn update(
    conn: &mut DbConn<'_>,
    id: TemplateId,
    expected_version: i32,
    changes: TemplateChanges,
) -> Result<Option<TemplateRow>, StoreError> {
    let update = diesel::update(case_templates::table)
        .filter(case_templates::id.eq(id))
        .filter(case_templates::version.eq(expected_version))
        .set((changes, case_templates::version.eq(case_templates::version + 1)));
    update_returning!(conn, update, TemplateRow::as_returning(), case_templates::table.find(id))
}

/// Replaces a template's defaults whatever its version, and raises it.
pub async fn set_defaults(
    conn: &mut DbConn<'_>,
    id: TemplateId,
    defaults: &str,
    at: DbTime,
) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::update(case_templates::table.find(id))
            .set((
                case_templates::defaults.eq(defaults),
                case_templates::updated_at.eq(at),
                case_templates::version.eq(case_templates::version + 1),
            ))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// Deletes a template of a workspace.
pub async fn delete(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    id: TemplateId,
) -> Result<bool, StoreError> {
    db_run!(conn: {
        let target = case_templates::table
            .filter(case_templates::id.eq(id))
            .filter(case_templates::workspace_id.eq(workspace_id));
        Ok(diesel::delete(target).execute(conn).await? > 0)
    })
}
