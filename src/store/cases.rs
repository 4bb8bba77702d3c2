//! Saving and loading cases and their tags.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::schema::{case_tags, cases};
use crate::ids::{AccountId, CaseId, WorkspaceId};

use super::{DbConn, DbTime, StoreError, db_run, insert_rows, keyset, update_returning};

diesel::define_sql_function! {
    /// SQL `lower(text)`, on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

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
    /// Time of the change.
    pub updated_at: Option<DbTime>,
}

/// Which column a list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Creation time.
    CreatedAt,
    /// Last change.
    UpdatedAt,
    /// Priority rank.
    Priority,
    /// Severity rank.
    Severity,
}

/// Which way a list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

/// What a list is restricted to; empty vectors mean "no restriction".
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Any of these statuses.
    pub statuses: Vec<String>,
    /// Any of these priority ranks.
    pub priorities: Vec<i32>,
    /// Any of these severity ranks.
    pub severities: Vec<i32>,
    /// Assigned to any of these accounts...
    pub assignees: Vec<AccountId>,
    /// ...or (when true) unassigned.
    pub unassigned: bool,
    /// Carrying any of these tags.
    pub tags: Vec<String>,
    /// Lowercased text contained in summary or description.
    pub text: Option<String>,
    /// Created at or after.
    pub created_after: Option<DateTime<Utc>>,
    /// Created before.
    pub created_before: Option<DateTime<Utc>>,
    /// Overdue (or, when false, not overdue) at a time.
    pub overdue: Option<Overdue>,
}

/// Whether a record is past its due time at `now` and not yet finished
/// (its status is none of `finished`); with `overdue` false, the opposite.
#[derive(Debug, Clone)]
pub struct Overdue {
    /// Overdue (true) or not overdue (false).
    pub overdue: bool,
    /// The time that counts as now.
    pub now: DateTime<Utc>,
    /// The statuses of finished records, which are never overdue.
    pub finished: Vec<String>,
}

/// A keyset position: the sort column's value (microseconds since the epoch
/// for times, the rank for priority and severity) and the case id.
pub type Position = (i64, CaseId);

/// Inserts a case and its tag rows.
pub async fn insert(conn: &mut DbConn<'_>, row: CaseRow, tags: &[String]) -> Result<(), StoreError> {
    let (case_id, workspace_id) = (row.id, row.workspace_id);
    db_run!(conn: {
        diesel::insert_into(cases::table).values(row).execute(conn).await?;
        Ok::<_, StoreError>(())
    })?;
    insert_tags(conn, case_id, workspace_id, tags).await
}

/// Loads a case of a workspace. The id is the primary key, so the query
/// needs no `LIMIT` (one bind fewer on the busiest read).
pub async fn find(
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

/// Locks a case of `workspace` for a change of its tasks' positions (by
/// raising its `task_seq`), so such changes to one case run one after
/// another; false when there is no such case.
pub async fn lock_for_tasks(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    id: CaseId,
) -> Result<bool, StoreError> {
    db_run!(conn: {
        let locked = diesel::update(
            cases::table.filter(cases::id.eq(id)).filter(cases::workspace_id.eq(workspace_id)),
        )
        .set(cases::task_seq.eq(cases::task_seq + 1))
        .execute(conn)
        .await?;
        Ok(locked > 0)
    })
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

/// Deletes a case (its tags, comments and events go with it).
pub async fn delete(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    id: CaseId,
) -> Result<bool, StoreError> {
    db_run!(conn: {
        let deleted = diesel::delete(
            cases::table.filter(cases::id.eq(id)).filter(cases::workspace_id.eq(workspace_id)),
        )
        .execute(conn)
        .await?;
        Ok(deleted > 0)
    })
}

/// A page of a workspace's cases matching `filter`, sorted by `key` in
/// `direction`, starting after `after`.
pub async fn list(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    filter: &CaseFilter,
    key: SortKey,
    direction: Direction,
    after: Option<Position>,
    limit: i64,
) -> Result<Vec<CaseRow>, StoreError> {
    let time_after = after
        .map(|(micros, id)| (DbTime::from(DateTime::from_timestamp_micros(micros).unwrap_or_default()), id));
    let rank_after = after.map(|(rank, id)| (i32::try_from(rank).unwrap_or(i32::MAX), id));
    db_run!(conn: {
        let mut query = cases::table
            .filter(cases::workspace_id.eq(workspace_id))
            .select(CaseRow::as_select())
            .into_boxed();
        if !filter.statuses.is_empty() {
            query = query.filter(cases::status.eq_any(filter.statuses.clone()));
        }
        if !filter.priorities.is_empty() {
            query = query.filter(cases::priority.eq_any(filter.priorities.clone()));
        }
        if !filter.severities.is_empty() {
            query = query.filter(cases::severity.eq_any(filter.severities.clone()));
        }
        let assignees = filter.assignees.clone();
        query = match (assignees.is_empty(), filter.unassigned) {
            (true, false) => query,
            (true, true) => query.filter(cases::assignee_id.is_null()),
            (false, false) => query.filter(cases::assignee_id.eq_any(assignees)),
            (false, true) => query.filter(cases::assignee_id.eq_any(assignees).or(cases::assignee_id.is_null())),
        };
        if !filter.tags.is_empty() {
            let tagged = case_tags::table
                .filter(case_tags::workspace_id.eq(workspace_id))
                .filter(case_tags::tag.eq_any(filter.tags.clone()))
                .select(case_tags::case_id);
            query = query.filter(cases::id.eq_any(tagged));
        }
        if let Some(text) = &filter.text {
            let pattern = format!("%{}%", escape_like(text));
            query = query.filter(
                lower(cases::summary).like(pattern.clone()).escape('\\')
                    .or(lower(cases::description).like(pattern).escape('\\')),
            );
        }
        if let Some(after) = filter.created_after {
            query = query.filter(cases::created_at.ge(DbTime::from(after)));
        }
        if let Some(before) = filter.created_before {
            query = query.filter(cases::created_at.lt(DbTime::from(before)));
        }
        if let Some(Overdue { overdue, now, finished }) = &filter.overdue {
            let now = DbTime::from(*now);
            query = if *overdue {
                query.filter(cases::due_at.lt(now).and(cases::status.ne_all(finished.clone())))
            } else {
                query.filter(
                    cases::due_at.is_null().or(cases::due_at.ge(now)).or(cases::status.eq_any(finished.clone())),
                )
            };
        }
        let query = match (key, direction) {
            (SortKey::CreatedAt, Direction::Asc) => keyset!(query, cases::created_at, cases::id, time_after, Asc),
            (SortKey::CreatedAt, Direction::Desc) => keyset!(query, cases::created_at, cases::id, time_after, Desc),
            (SortKey::UpdatedAt, Direction::Asc) => keyset!(query, cases::updated_at, cases::id, time_after, Asc),
            (SortKey::UpdatedAt, Direction::Desc) => keyset!(query, cases::updated_at, cases::id, time_after, Desc),
            (SortKey::Priority, Direction::Asc) => keyset!(query, cases::priority, cases::id, rank_after, Asc),
            (SortKey::Priority, Direction::Desc) => keyset!(query, cases::priority, cases::id, rank_after, Desc),
            (SortKey::Severity, Direction::Asc) => keyset!(query, cases::severity, cases::id, rank_after, Asc),
            (SortKey::Severity, Direction::Desc) => keyset!(query, cases::severity, cases::id, rank_after, Desc),
        };
        Ok(query.limit(limit).load(conn).await?)
    })
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `\` as the escape character.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}
