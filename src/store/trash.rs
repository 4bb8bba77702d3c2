//! The trash: deleted cases keep every row they had, marked with when and
//! by whom they were deleted, until they are restored or purged. Queries of
//! live cases leave them out (see [`super::cases`]); lists of what cases
//! hold leave out what trashed cases hold with [`trashed_case_ids`].

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::cases::CaseRow;
use super::schema::cases;
use super::{DbConn, DbTime, StoreError, db_run, keyset};
use crate::ids::{AccountId, CaseId, WorkspaceId};

/// What a query of trashed cases selects, as a [`TrashedRow`].
macro_rules! trashed_columns {
    () => {
        (
            CaseRow::as_select(),
            cases::deleted_at.assume_not_null(),
            cases::deleted_by.assume_not_null(),
            cases::deleted_by_kind.assume_not_null(),
        )
    };
}

/// A trashed case as stored.
#[derive(Debug, Clone, Queryable)]
pub struct TrashedRow {
    /// The case as it was deleted.
    pub case: CaseRow,
    /// When it was deleted.
    pub deleted_at: DbTime,
    /// Who deleted it.
    pub deleted_by: AccountId,
    /// Whether a `person` or a `service_account` deleted it.
    pub deleted_by_kind: String,
}

/// The ids of a workspace's trashed cases, as a subquery (`ne_all`).
#[diesel::dsl::auto_type]
pub(crate) fn trashed_case_ids(workspace_id: WorkspaceId) -> _ {
    cases::table
        .filter(cases::workspace_id.eq(workspace_id))
        .filter(cases::deleted_at.is_not_null())
        .select(cases::id)
}

/// Moves a live case of a workspace to the trash; false when there is no
/// such live case.
pub async fn trash(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    id: CaseId,
    at: DbTime,
    by: AccountId,
    by_kind: &str,
) -> Result<bool, StoreError> {
    db_run!(conn: {
        let moved = diesel::update(
            cases::table
                .filter(cases::id.eq(id))
                .filter(cases::workspace_id.eq(workspace_id))
                .filter(cases::deleted_at.is_null()),
        )
        .set((
            cases::deleted_at.eq(Some(at)),
            cases::deleted_by.eq(Some(by)),
            cases::deleted_by_kind.eq(Some(by_kind)),
        ))
        .execute(conn)
        .await?;
        Ok(moved > 0)
    })
}

/// Takes a trashed case of a workspace out of the trash, raising its
/// version and setting `updated_at` (so incremental sync sees it again);
/// false when it is not in the trash.
pub async fn restore(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    id: CaseId,
    at: DbTime,
) -> Result<bool, StoreError> {
    db_run!(conn: {
        let restored = diesel::update(
            cases::table
                .filter(cases::id.eq(id))
                .filter(cases::workspace_id.eq(workspace_id))
                .filter(cases::deleted_at.is_not_null()),
        )
        .set((
            cases::deleted_at.eq(None::<DbTime>),
            cases::deleted_by.eq(None::<AccountId>),
            cases::deleted_by_kind.eq(None::<String>),
            cases::updated_at.eq(at),
            cases::version.eq(cases::version + 1),
        ))
        .execute(conn)
        .await?;
        Ok(restored > 0)
    })
}

/// A trashed case of a workspace.
pub async fn find(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    id: CaseId,
) -> Result<Option<TrashedRow>, StoreError> {
    db_run!(conn: {
        Ok(cases::table
            .filter(cases::id.eq(id))
            .filter(cases::workspace_id.eq(workspace_id))
            .filter(cases::deleted_at.is_not_null())
            .select(trashed_columns!())
            .get_result(conn)
            .await
            .optional()?)
    })
}

/// Up to `limit` trashed cases of a workspace, most recently deleted
/// first, after the position `after` (deletion time and id).
pub async fn list(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    after: Option<(DbTime, CaseId)>,
    limit: i64,
) -> Result<Vec<TrashedRow>, StoreError> {
    db_run!(conn: {
        let query = cases::table
            .filter(cases::workspace_id.eq(workspace_id))
            .filter(cases::deleted_at.is_not_null())
            .select(trashed_columns!())
            .into_boxed();
        let query = keyset!(query, cases::deleted_at.assume_not_null(), cases::id, after, Desc);
        Ok(query.limit(limit).load(conn).await?)
    })
}

/// Trashed cases (workspace, id) deleted before `cutoff`, oldest first, at
/// most `limit`.
pub async fn due(
    conn: &mut DbConn<'_>,
    cutoff: DbTime,
    limit: i64,
) -> Result<Vec<(WorkspaceId, CaseId)>, StoreError> {
    db_run!(conn: {
        Ok(cases::table
            .filter(cases::deleted_at.lt(cutoff))
            .order(cases::deleted_at.asc())
            .select((cases::workspace_id, cases::id))
            .limit(limit)
            .load(conn)
            .await?)
    })
}

/// Deletes a trashed case for good, with everything it holds, if it was
/// deleted before `cutoff`; false when it is not (any more) in the trash,
/// or was deleted later.
pub async fn purge(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    id: CaseId,
    cutoff: DbTime,
) -> Result<bool, StoreError> {
    db_run!(conn: {
        let purged = diesel::delete(
            cases::table
                .filter(cases::id.eq(id))
                .filter(cases::workspace_id.eq(workspace_id))
                .filter(cases::deleted_at.lt(cutoff)),
        )
        .execute(conn)
        .await?;
        Ok(purged > 0)
    })
}
