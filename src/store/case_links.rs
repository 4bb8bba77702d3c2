//! Saving and loading links between cases. A link is one row, stored from
//! the end whose id sorts first (`low_case_id`) with its type as seen from
//! there; the unique pair index keeps two cases to one link.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::schema::{case_links, cases};
use super::trash::trashed_case_ids;
use super::{DbConn, DbTime, StoreError, db_run};
use crate::ids::{AccountId, CaseId, LinkId, WorkspaceId};

/// A link as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_links)]
pub struct LinkRow {
    /// Link id (UUIDv7).
    pub id: LinkId,
    /// The workspace of both cases.
    pub workspace_id: WorkspaceId,
    /// The end whose id sorts first.
    pub low_case_id: CaseId,
    /// The other end.
    pub high_case_id: CaseId,
    /// The type's name as seen from `low_case_id`.
    pub kind: String,
    /// Who made it.
    pub created_by: AccountId,
    /// Whether a `person` or a `service_account` made it.
    pub created_by_kind: String,
    /// When.
    pub created_at: DbTime,
}

/// What a link shows of the case at its other end.
#[derive(Debug, Clone, Queryable)]
pub struct LinkedCase {
    /// The case.
    pub id: CaseId,
    /// Its number in the workspace.
    pub number: i32,
    /// Its summary.
    pub summary: String,
    /// Its status name.
    pub status: String,
}

/// Inserts a link; a second link between the same two cases fails with
/// [`StoreError::UniqueViolation`].
pub async fn insert(conn: &mut DbConn<'_>, row: &LinkRow) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::insert_into(case_links::table).values(row.clone()).execute(conn).await?;
        Ok(())
    })
}

/// The link between two cases, if there is one.
pub async fn between(
    conn: &mut DbConn<'_>,
    one: CaseId,
    other: CaseId,
) -> Result<Option<LinkRow>, StoreError> {
    let (low, high) = (one.min(other), one.max(other));
    db_run!(conn: {
        Ok(case_links::table
            .filter(case_links::low_case_id.eq(low))
            .filter(case_links::high_case_id.eq(high))
            .select(LinkRow::as_select())
            .get_result(conn)
            .await
            .optional()?)
    })
}

/// A link of a case (either end).
pub async fn find(conn: &mut DbConn<'_>, case_id: CaseId, id: LinkId) -> Result<Option<LinkRow>, StoreError> {
    db_run!(conn: {
        Ok(case_links::table
            .filter(case_links::id.eq(id))
            .filter(case_links::low_case_id.eq(case_id).or(case_links::high_case_id.eq(case_id)))
            .select(LinkRow::as_select())
            .get_result(conn)
            .await
            .optional()?)
    })
}

/// A case's links, newest first, before `before`; links to cases in the
/// trash are left out (they come back with the case).
pub async fn list_for_case(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    case_id: CaseId,
    before: Option<LinkId>,
    limit: i64,
) -> Result<Vec<LinkRow>, StoreError> {
    db_run!(conn: {
        let from_low = case_links::low_case_id
            .eq(case_id)
            .and(case_links::high_case_id.ne_all(trashed_case_ids(workspace_id)));
        let from_high = case_links::high_case_id
            .eq(case_id)
            .and(case_links::low_case_id.ne_all(trashed_case_ids(workspace_id)));
        let mut query = case_links::table
            .filter(case_links::workspace_id.eq(workspace_id))
            .filter(from_low.or(from_high))
            .select(LinkRow::as_select())
            .order(case_links::id.desc())
            .limit(limit)
            .into_boxed();
        if let Some(before) = before {
            query = query.filter(case_links::id.lt(before));
        }
        Ok(query.load(conn).await?)
    })
}

/// Every link of the cases `ids` (either end), oldest first.
pub async fn all_of(conn: &mut DbConn<'_>, ids: &[CaseId]) -> Result<Vec<LinkRow>, StoreError> {
    let ids = ids.to_vec();
    db_run!(conn: {
        Ok(case_links::table
            .filter(case_links::low_case_id.eq_any(ids.clone()).or(case_links::high_case_id.eq_any(ids.clone())))
            .select(LinkRow::as_select())
            .order(case_links::id.asc())
            .load(conn)
            .await?)
    })
}

/// The live cases `ids` as links show them; missing and trashed ones are left out.
pub async fn linked_cases(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    ids: Vec<CaseId>,
) -> Result<Vec<LinkedCase>, StoreError> {
    db_run!(conn: {
        Ok(cases::table
            .filter(cases::id.eq_any(ids.clone()))
            .filter(cases::workspace_id.eq(workspace_id))
            .filter(cases::deleted_at.is_null())
            .select((cases::id, cases::number, cases::summary, cases::status))
            .load(conn)
            .await?)
    })
}

/// The cases at the far end of `parents`' links of type `down` (stored
/// from the parent's end) or `up` (its inverse, stored from the far end).
pub async fn linked_below(
    conn: &mut DbConn<'_>,
    parents: Vec<CaseId>,
    (down, up): (&str, &str),
) -> Result<Vec<CaseId>, StoreError> {
    let (down, up) = (down.to_owned(), up.to_owned());
    db_run!(conn: {
        let down: Vec<CaseId> = case_links::table
            .filter(case_links::low_case_id.eq_any(parents.clone()))
            .filter(case_links::kind.eq(down.clone()))
            .select(case_links::high_case_id)
            .load(conn)
            .await?;
        let up: Vec<CaseId> = case_links::table
            .filter(case_links::high_case_id.eq_any(parents.clone()))
            .filter(case_links::kind.eq(up.clone()))
            .select(case_links::low_case_id)
            .load(conn)
            .await?;
        Ok(down.into_iter().chain(up).collect())
    })
}

/// Deletes a link; false when it was gone already.
pub async fn delete(conn: &mut DbConn<'_>, id: LinkId) -> Result<bool, StoreError> {
    db_run!(conn: {
        Ok(diesel::delete(case_links::table.find(id)).execute(conn).await? > 0)
    })
}
