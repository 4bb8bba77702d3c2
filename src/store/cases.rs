//! Saving and loading cases and their tags.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::schema::{case_tags, cases};
use crate::ids::{AccountId, CaseId, TemplateId, WorkspaceId};

pub use super::case_list::{
    CaseFilter, Direction, FieldFilter, FieldTest, Overdue, Position, RELEVANCE_WINDOW, Range, SortKey,
    by_relevance, list,
};
use super::{DbConn, DbTime, StoreError, db_run, insert_rows, update_returning};

/// A case as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = cases)]
pub struct CaseRow {
    /// Case id (UUIDv7).
    pub id: CaseId,
    /// Its workspace.
    pub workspace_id: WorkspaceId,
    /// Number within the workspace, from 1.
    pub number: i32,
    /// One-line summary.
    pub summary: String,
    /// Markdown description.
    pub description: String,
    /// Status name.
    pub status: String,
    /// Priority rank (1 = low ... 4 = critical).
    pub priority: i32,
    /// Severity rank (1 = informational ... 5 = critical).
    pub severity: i32,
    /// Assigned member.
    pub assignee_id: Option<AccountId>,
    /// Tags as a JSON array.
    pub tags: String,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Creator.
    pub created_by: AccountId,
    /// Whether a `person` or a `service_account` acted.
    pub created_by_kind: String,
    /// Creation time.
    pub created_at: DbTime,
    /// Last change.
    pub updated_at: DbTime,
    /// When it was resolved.
    pub resolved_at: Option<DbTime>,
    /// When it was closed.
    pub closed_at: Option<DbTime>,
    /// When it is due.
    pub due_at: Option<DbTime>,
    /// Custom field values, as a JSON object keyed by field key.
    pub custom_fields: String,
    /// The template that made it, if one did.
    pub template_id: Option<TemplateId>,
    /// The case it was merged into, if it was.
    pub merged_into: Option<CaseId>,
}

/// Fields to change; `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = cases)]
pub struct CaseChanges {
    /// New summary.
    pub summary: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New status.
    pub status: Option<String>,
    /// New priority rank.
    pub priority: Option<i32>,
    /// New severity rank.
    pub severity: Option<i32>,
    /// New assignee, or none.
    pub assignee_id: Option<Option<AccountId>>,
    /// New tags (JSON array).
    pub tags: Option<String>,
    /// New resolution time, or none.
    pub resolved_at: Option<Option<DbTime>>,
    /// New closing time, or none.
    pub closed_at: Option<Option<DbTime>>,
    /// New due time, or none.
    pub due_at: Option<Option<DbTime>>,
    /// New custom field values (JSON object).
    pub custom_fields: Option<String>,
    /// The case it was merged into.
    pub merged_into: Option<Option<CaseId>>,
    /// Time of the change.
    pub updated_at: Option<DbTime>,
}

/// Inserts a case and its tag rows.
pub async fn insert(conn: &mut DbConn<'_>, row: CaseRow, tags: &[String]) -> Result<(), StoreError> {
    let (case_id, workspace_id) = (row.id, row.workspace_id);
    db_run!(conn: {
        diesel::insert_into(cases::table).values(row).execute(conn).await?;
        Ok::<_, StoreError>(())
    })?;
    insert_tags(conn, case_id, workspace_id, tags).await
}

/// Loads a live (not trashed) case of a workspace. The id is the primary
/// key, so the query needs no `LIMIT` (one bind fewer on the busiest read).
pub async fn find(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    id: CaseId,
) -> Result<Option<CaseRow>, StoreError> {
    db_run!(conn: {
        Ok(cases::table
            .filter(cases::id.eq(id))
            .filter(cases::workspace_id.eq(workspace_id))
            .filter(cases::deleted_at.is_null())
            .select(CaseRow::as_select())
            .get_result(conn)
            .await
            .optional()?)
    })
}

/// Loads a case of a workspace, live or trashed.
pub async fn find_any(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    id: CaseId,
) -> Result<Option<CaseRow>, StoreError> {
    db_run!(conn: {
        Ok(cases::table
            .filter(cases::id.eq(id))
            .filter(cases::workspace_id.eq(workspace_id))
            .select(CaseRow::as_select())
            .get_result(conn)
            .await
            .optional()?)
    })
}

/// Loads the live cases of a workspace with these ids (in no particular order).
pub async fn find_many(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    ids: &[CaseId],
) -> Result<Vec<CaseRow>, StoreError> {
    db_run!(conn: {
        Ok(cases::table
            .filter(cases::workspace_id.eq(workspace_id))
            .filter(cases::id.eq_any(ids.to_vec()))
            .filter(cases::deleted_at.is_null())
            .select(CaseRow::as_select())
            .load(conn)
            .await?)
    })
}

/// Loads the live cases of a workspace with these ids and locks them for
/// the rest of the transaction, in id order (so two transactions locking
/// overlapping sets cannot deadlock); reads their latest committed state.
/// On SQLite, whose one writer at a time is the lock, a plain read.
pub async fn lock_many(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    ids: &[CaseId],
) -> Result<Vec<CaseRow>, StoreError> {
    let ids = ids.to_vec();
    db_run!(conn: {
        Ok(cases::table
            .filter(cases::workspace_id.eq(workspace_id))
            .filter(cases::id.eq_any(ids.clone()))
            .filter(cases::deleted_at.is_null())
            .select(CaseRow::as_select())
            .order(cases::id)
            .for_update()
            .load(conn)
            .await?)
    } sqlite: {
        Ok(cases::table
            .filter(cases::workspace_id.eq(workspace_id))
            .filter(cases::id.eq_any(ids.clone()))
            .filter(cases::deleted_at.is_null())
            .select(CaseRow::as_select())
            .order(cases::id)
            .load(conn)
            .await?)
    })
}

/// Applies `changes` and raises the version, if the case is at `expected_version`.
pub async fn update(
    conn: &mut DbConn<'_>,
    id: CaseId,
    expected_version: i32,
    changes: CaseChanges,
) -> Result<Option<CaseRow>, StoreError> {
    let update = diesel::update(cases::table)
        .filter(cases::id.eq(id))
        .filter(cases::version.eq(expected_version))
        .set((changes, cases::version.eq(cases::version + 1)));
    update_returning!(conn, update, CaseRow::as_returning(), cases::table.find(id))
}

/// Replaces a case's tag rows.
pub async fn replace_tags(
    conn: &mut DbConn<'_>,
    case_id: CaseId,
    workspace_id: WorkspaceId,
    tags: &[String],
) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::delete(case_tags::table.filter(case_tags::case_id.eq(case_id))).execute(conn).await?;
        Ok::<_, StoreError>(())
    })?;
    insert_tags(conn, case_id, workspace_id, tags).await
}

async fn insert_tags(
    conn: &mut DbConn<'_>,
    case_id: CaseId,
    workspace_id: WorkspaceId,
    tags: &[String],
) -> Result<(), StoreError> {
    let rows: Vec<_> = tags
        .iter()
        .map(|tag| {
            (case_tags::case_id.eq(case_id), case_tags::workspace_id.eq(workspace_id), case_tags::tag.eq(tag))
        })
        .collect();
    insert_rows!(conn, case_tags::table, rows)
}
