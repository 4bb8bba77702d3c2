//! Saving and loading the tasks of cases, their positions, and the
//! workspace-wide task list.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::cases::{Direction, Overdue};
use super::schema::tasks;
use crate::ids::{AccountId, CaseId, TaskId, WorkspaceId};

use super::trash::trashed_case_ids;
use super::{DbConn, DbTime, StoreError, db_run, insert_rows, keyset, update_returning};

/// A task as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = tasks)]
pub struct TaskRow {
    /// Task id (UUIDv7).
    pub id: TaskId,
    /// Its case.
    pub case_id: CaseId,
    /// The case's workspace.
    pub workspace_id: WorkspaceId,
    /// One-line title.
    pub title: String,
    /// Markdown description.
    pub description: String,
    /// Status name.
    pub status: String,
    /// Assigned member.
    pub assignee_id: Option<AccountId>,
    /// When it is due.
    pub due_at: Option<DbTime>,
    /// `due_at`, or [`NO_DUE_TIME`]: the sort key of "by due time".
    pub due_key: DbTime,
    /// When it was done.
    pub completed_at: Option<DbTime>,
    /// Place in the case's checklist, from 1.
    pub position: i32,
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
}

/// Fields to change; `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = tasks)]
pub struct TaskChanges {
    /// New title.
    pub title: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New status.
    pub status: Option<String>,
    /// New assignee, or none.
    pub assignee_id: Option<Option<AccountId>>,
    /// New due time, or none.
    pub due_at: Option<Option<DbTime>>,
    /// The due sort key that goes with a new `due_at`.
    pub due_key: Option<DbTime>,
    /// New completion time, or none.
    pub completed_at: Option<Option<DbTime>>,
    /// New place in the checklist (the others already shifted to make room).
    pub position: Option<i32>,
    /// Time of the change.
    pub updated_at: Option<DbTime>,
}

/// The due sort key of a task without a due time (so those sort last).
pub fn no_due_time() -> DbTime {
    DbTime::from(DateTime::from_timestamp(253_402_214_400, 0).unwrap_or_default())
}

/// The due sort key of `due_at`.
pub fn due_key(due_at: Option<DbTime>) -> DbTime {
    due_at.unwrap_or_else(no_due_time)
}

/// What the workspace list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskSortKey {
    /// Due time (tasks without one last when ascending).
    DueAt,
    /// Creation time.
    CreatedAt,
    /// Last change.
    UpdatedAt,
}

/// What the workspace list is restricted to; empty vectors mean "no restriction".
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    /// Tasks of this case only.
    pub case_id: Option<CaseId>,
    /// Any of these statuses.
    pub statuses: Vec<String>,
    /// Assigned to any of these accounts...
    pub assignees: Vec<AccountId>,
    /// ...or (when true) unassigned.
    pub unassigned: bool,
    /// Due before.
    pub due_before: Option<DateTime<Utc>>,
    /// Due at or after.
    pub due_after: Option<DateTime<Utc>>,
    /// Changed (or created) at or after.
    pub updated_after: Option<DateTime<Utc>>,
    /// Overdue (or not) at a time.
    pub overdue: Option<Overdue>,
}

/// A keyset position: microseconds since the epoch of the sort column and
/// the task id.
pub type TaskPosition = (i64, TaskId);

/// Inserts a task.
pub async fn insert(conn: &mut DbConn<'_>, row: &TaskRow) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::insert_into(tasks::table).values(row.clone()).execute(conn).await?;
        Ok(())
    })
}

/// Inserts many tasks at once (a new case's checklist).
pub async fn insert_all(conn: &mut DbConn<'_>, rows: Vec<TaskRow>) -> Result<(), StoreError> {
    insert_rows!(conn, tasks::table, rows)
}

/// Loads a task of a case.
pub async fn find(conn: &mut DbConn<'_>, case_id: CaseId, id: TaskId) -> Result<Option<TaskRow>, StoreError> {
    db_run!(conn: {
        Ok(tasks::table
            .filter(tasks::id.eq(id))
            .filter(tasks::case_id.eq(case_id))
            .select(TaskRow::as_select())
            .get_result(conn)
            .await
            .optional()?)
    })
}

/// How many tasks a case has.
pub async fn count(conn: &mut DbConn<'_>, case_id: CaseId) -> Result<i64, StoreError> {
    db_run!(conn: {
        Ok(tasks::table.filter(tasks::case_id.eq(case_id)).count().get_result(conn).await?)
    })
}

/// A case's tasks in checklist order, after position `after`.
pub async fn list_for_case(
    conn: &mut DbConn<'_>,
    case_id: CaseId,
    after: i32,
    limit: i64,
) -> Result<Vec<TaskRow>, StoreError> {
    db_run!(conn: {
        Ok(tasks::table
            .filter(tasks::case_id.eq(case_id))
            .filter(tasks::position.gt(after))
            .order(tasks::position.asc())
            .limit(limit)
            .select(TaskRow::as_select())
            .load(conn)
            .await?)
    })
}

/// Applies `changes` and raises the version, if the task is at `expected_version`.
pub async fn update(
    conn: &mut DbConn<'_>,
    id: TaskId,
    expected_version: i32,
    changes: TaskChanges,
) -> Result<Option<TaskRow>, StoreError> {
    let update = diesel::update(tasks::table)
        .filter(tasks::id.eq(id))
        .filter(tasks::version.eq(expected_version))
        .set((changes, tasks::version.eq(tasks::version + 1)));
    update_returning!(conn, update, TaskRow::as_returning(), tasks::table.find(id))
}

/// Shifts the positions of a case's tasks in `from..=to` by `by` (+1 or -1):
/// the room a task needs to move, arrive or leave.
pub async fn shift(
    conn: &mut DbConn<'_>,
    case_id: CaseId,
    from: i32,
    to: i32,
    by: i32,
) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::update(
            tasks::table
                .filter(tasks::case_id.eq(case_id))
                .filter(tasks::position.ge(from))
                .filter(tasks::position.le(to)),
        )
        .set(tasks::position.eq(tasks::position + by))
        .execute(conn)
        .await?;
        Ok(())
    })
}

/// Deletes a task.
pub async fn delete(conn: &mut DbConn<'_>, id: TaskId) -> Result<bool, StoreError> {
    db_run!(conn: {
        Ok(diesel::delete(tasks::table.find(id)).execute(conn).await? > 0)
    })
}

/// A page of a workspace's tasks matching `filter`, sorted by `key` in
/// `direction`, starting after `after`.
pub async fn list(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    filter: &TaskFilter,
    key: TaskSortKey,
    direction: Direction,
    after: Option<TaskPosition>,
    limit: i64,
) -> Result<Vec<TaskRow>, StoreError> {
    let after = after.map(|(micros, id)| (DbTime::from_micros(micros), id));
    db_run!(conn: {
        let mut query = tasks::table
            .filter(tasks::workspace_id.eq(workspace_id))
            .filter(tasks::case_id.ne_all(trashed_case_ids(workspace_id)))
            .select(TaskRow::as_select())
            .into_boxed();
        if let Some(case_id) = filter.case_id {
            query = query.filter(tasks::case_id.eq(case_id));
        }
        if !filter.statuses.is_empty() {
            query = query.filter(tasks::status.eq_any(filter.statuses.clone()));
        }
        let assignees = filter.assignees.clone();
        query = match (assignees.is_empty(), filter.unassigned) {
            (true, false) => query,
            (true, true) => query.filter(tasks::assignee_id.is_null()),
            (false, false) => query.filter(tasks::assignee_id.eq_any(assignees)),
            (false, true) => query.filter(tasks::assignee_id.eq_any(assignees).or(tasks::assignee_id.is_null())),
        };
        if let Some(before) = filter.due_before {
            query = query.filter(tasks::due_at.lt(DbTime::from(before)));
        }
        if let Some(after) = filter.due_after {
            query = query.filter(tasks::due_at.ge(DbTime::from(after)));
        }
        if let Some(after) = filter.updated_after {
            query = query.filter(tasks::updated_at.ge(DbTime::from(after)));
        }
        if let Some(Overdue { overdue, now, finished }) = &filter.overdue {
            let now = DbTime::from(*now);
            query = if *overdue {
                query.filter(tasks::due_at.lt(now).and(tasks::status.ne_all(finished.clone())))
            } else {
                query.filter(
                    tasks::due_at.is_null().or(tasks::due_at.ge(now)).or(tasks::status.eq_any(finished.clone())),
                )
            };
        }
        let query = match (key, direction) {
            (TaskSortKey::DueAt, Direction::Asc) => keyset!(query, tasks::due_key, tasks::id, after, Asc),
            (TaskSortKey::DueAt, Direction::Desc) => keyset!(query, tasks::due_key, tasks::id, after, Desc),
            (TaskSortKey::CreatedAt, Direction::Asc) => keyset!(query, tasks::created_at, tasks::id, after, Asc),
            (TaskSortKey::CreatedAt, Direction::Desc) => keyset!(query, tasks::created_at, tasks::id, after, Desc),
            (TaskSortKey::UpdatedAt, Direction::Asc) => keyset!(query, tasks::updated_at, tasks::id, after, Asc),
            (TaskSortKey::UpdatedAt, Direction::Desc) => keyset!(query, tasks::updated_at, tasks::id, after, Desc),
        };
        Ok(query.limit(limit).load(conn).await?)
    })
}
