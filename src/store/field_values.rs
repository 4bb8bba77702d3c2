//! The index rows of custom field values: one per value of a case (per
//! option of a multi-select), for filtering lists.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::schema::case_field_values;
use crate::ids::{CaseId, FieldId, WorkspaceId};

use super::{DbConn, DbTime, StoreError, db_run, insert_rows};

/// One index row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_field_values)]
pub struct FieldValueRow {
    /// The case.
    pub case_id: CaseId,
    /// The field.
    pub field_id: FieldId,
    /// The case's workspace.
    pub workspace_id: WorkspaceId,
    /// The case's creation time.
    pub created_at: DbTime,
    /// What equality compares.
    pub value_key: String,
    /// The number, for ranges.
    pub value_number: Option<f64>,
}

/// Replaces the index rows of `field` on `case` with `rows`.
pub async fn replace(
    conn: &mut DbConn<'_>,
    case_id: CaseId,
    field_id: FieldId,
    rows: Vec<FieldValueRow>,
) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::delete(
            case_field_values::table
                .filter(case_field_values::case_id.eq(case_id))
                .filter(case_field_values::field_id.eq(field_id)),
        )
        .execute(conn)
        .await?;
        Ok::<_, StoreError>(())
    })?;
    insert_rows!(conn, case_field_values::table, rows)
}

/// The cases of a workspace with a value of `field` whose key is any of
/// `keys` (any value at all when `keys` is empty), oldest first.
pub async fn cases_with(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    field_id: FieldId,
    keys: &[String],
) -> Result<Vec<CaseId>, StoreError> {
    db_run!(conn: {
        let mut query = case_field_values::table
            .filter(case_field_values::workspace_id.eq(workspace_id))
            .filter(case_field_values::field_id.eq(field_id))
            .select(case_field_values::case_id)
            .distinct()
            .into_boxed();
        if !keys.is_empty() {
            query = query.filter(case_field_values::value_key.eq_any(keys.to_vec()));
        }
        Ok(query.load(conn).await?)
    })
}
