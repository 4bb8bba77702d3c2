//! Listing a workspace's cases: filters (custom field values included),
//! sorts and keyset pages.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::cases::CaseRow;
use super::schema::{case_field_values, case_tags, cases};
use super::search::TextMatch;
use crate::ids::{AccountId, CaseId, FieldId, WorkspaceId};

use super::{DbConn, DbTime, StoreError, db_run, keyset};

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
    /// Words the case's search text must match.
    pub text: Option<TextMatch>,
    /// Created at or after.
    pub created_after: Option<DateTime<Utc>>,
    /// Created before.
    pub created_before: Option<DateTime<Utc>>,
    /// Changed (or created) at or after.
    pub updated_after: Option<DateTime<Utc>>,
    /// Overdue (or, when false, not overdue) at a time.
    pub overdue: Option<Overdue>,
    /// Custom field values it must have (all of them).
    pub fields: Vec<FieldFilter>,
}

/// A condition on one custom field's values.
#[derive(Debug, Clone)]
pub struct FieldFilter {
    /// The field.
    pub field_id: FieldId,
    /// What a value must satisfy.
    pub test: FieldTest,
}

/// What a value must satisfy.
#[derive(Debug, Clone)]
pub enum FieldTest {
    /// Its key equals this.
    KeyEq(String),
    /// Its key compares so with this (dates and times).
    Key(Range, String),
    /// Its number compares so with this.
    Number(Range, f64),
}

/// A one-sided range.
#[derive(Debug, Clone, Copy)]
pub enum Range {
    /// At least.
    Ge,
    /// More than.
    Gt,
    /// At most.
    Le,
    /// Less than.
    Lt,
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
    let time_after = after.map(|(micros, id)| (DbTime::from_micros(micros), id));
    let rank_after = after.map(|(rank, id)| (i32::try_from(rank).unwrap_or(i32::MAX), id));
    // An equality filter on a custom field drives a list by creation time:
    // its index rows hold the case's creation time, so the page is one
    // range of one index, joined to the cases by key.
    let driving = match (key, <[FieldFilter]>::first(&filter.fields)) {
        (SortKey::CreatedAt, Some(FieldFilter { field_id, test: FieldTest::KeyEq(value) })) => {
            Some((*field_id, value.clone()))
        }
        _ => None,
    };
    let others = &filter.fields[usize::from(driving.is_some())..];
    let backend = conn.backend();
    db_run!(conn: {
        if let Some((field_id, value)) = &driving {
            let query = cases::table
                .inner_join(case_field_values::table.on(case_field_values::case_id.eq(cases::id)))
                .filter(case_field_values::workspace_id.eq(workspace_id))
                .filter(case_field_values::field_id.eq(*field_id))
                .filter(case_field_values::value_key.eq(value.clone()))
                .filter(cases::workspace_id.eq(workspace_id))
                .select(CaseRow::as_select())
                .into_boxed();
            let query = filtered!(query, filter, others, workspace_id, backend);
            let query = match direction {
                Direction::Asc => keyset!(query, case_field_values::created_at, case_field_values::case_id, time_after, Asc),
                Direction::Desc => keyset!(query, case_field_values::created_at, case_field_values::case_id, time_after, Desc),
            };
            return Ok(query.limit(limit).load(conn).await?);
        }
        let query = cases::table
            .filter(cases::workspace_id.eq(workspace_id))
            .select(CaseRow::as_select())
            .into_boxed();
        let query = filtered!(query, filter, others, workspace_id, backend);
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

/// Most matches [`by_relevance`] ranks: the best ones, before other filters apply.
pub const RELEVANCE_WINDOW: i64 = 1000;

/// A page of a workspace's cases that `filter` (with its text) keeps,
/// best match of the text first, from the `offset`th on, each with its
/// place in the ranking (1 for the best). Only the best
/// [`RELEVANCE_WINDOW`] matches of the text are ranked.
pub async fn by_relevance(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    filter: &CaseFilter,
    offset: i64,
    limit: i64,
) -> Result<Vec<(i64, CaseRow)>, StoreError> {
    let Some(text) = &filter.text else { return Ok(Vec::new()) };
    let ranked = super::search::ranked(conn, workspace_id, text, RELEVANCE_WINDOW).await?;
    let rest = CaseFilter { text: None, ..filter.clone() };
    let backend = conn.backend();
    let kept: HashSet<CaseId> = db_run!(conn: {
        let query = cases::table
            .filter(cases::workspace_id.eq(workspace_id))
            .filter(cases::id.eq_any(ranked.clone()))
            .select(cases::id)
            .into_boxed();
        let query = filtered!(query, &rest, &rest.fields, workspace_id, backend);
        Ok::<_, StoreError>(query.load::<CaseId>(conn).await?)
    })?
    .into_iter()
    .collect();
    let page: Vec<(i64, CaseId)> = (1..)
        .zip(ranked.into_iter().filter(|id| kept.contains(id)))
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(0))
        .collect();
    let ids: Vec<CaseId> = page.iter().map(|(_, id)| *id).collect();
    let mut rows: HashMap<CaseId, CaseRow> = super::cases::find_many(conn, workspace_id, &ids)
        .await?
        .into_iter()
        .map(|row| (row.id, row))
        .collect();
    Ok(page.into_iter().filter_map(|(place, id)| Some((place, rows.remove(&id)?))).collect())
}

/// Restricts a boxed query over `cases` (alone or joined) to `$filter`,
/// with `$fields` (custom field conditions) as subqueries.
macro_rules! filtered {
    ($query:expr, $filter:expr, $fields:expr, $workspace_id:expr, $backend:expr) => {{
        let (mut query, filter, workspace_id, backend) = ($query, $filter, $workspace_id, $backend);
        // Trashed cases are listed only in the trash.
        query = query.filter(cases::deleted_at.is_null());
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
            (false, true) => {
                query.filter(cases::assignee_id.eq_any(assignees).or(cases::assignee_id.is_null()))
            }
        };
        if !filter.tags.is_empty() {
            let tagged = case_tags::table
                .filter(case_tags::workspace_id.eq(workspace_id))
                .filter(case_tags::tag.eq_any(filter.tags.clone()))
                .select(case_tags::case_id);
            query = query.filter(cases::id.eq_any(tagged));
        }
        if let Some(text) = &filter.text {
            query = query.filter(super::search::matches(backend, text, workspace_id));
        }
        if let Some(after) = filter.created_after {
            query = query.filter(cases::created_at.ge(DbTime::from(after)));
        }
        if let Some(before) = filter.created_before {
            query = query.filter(cases::created_at.lt(DbTime::from(before)));
        }
        if let Some(after) = filter.updated_after {
            query = query.filter(cases::updated_at.ge(DbTime::from(after)));
        }
        if let Some(Overdue { overdue, now, finished }) = &filter.overdue {
            let now = DbTime::from(*now);
            query = if *overdue {
                query.filter(cases::due_at.lt(now).and(cases::status.ne_all(finished.clone())))
            } else {
                query.filter(
                    cases::due_at
                        .is_null()
                        .or(cases::due_at.ge(now))
                        .or(cases::status.eq_any(finished.clone())),
                )
            };
        }
        for FieldFilter { field_id, test } in $fields {
            let values = case_field_values::table
                .filter(case_field_values::workspace_id.eq(workspace_id))
                .filter(case_field_values::field_id.eq(*field_id))
                .select(case_field_values::case_id)
                .into_boxed();
            let values = match test.clone() {
                FieldTest::KeyEq(key) => values.filter(case_field_values::value_key.eq(key)),
                FieldTest::Key(Range::Ge, key) => values.filter(case_field_values::value_key.ge(key)),
                FieldTest::Key(Range::Gt, key) => values.filter(case_field_values::value_key.gt(key)),
                FieldTest::Key(Range::Le, key) => values.filter(case_field_values::value_key.le(key)),
                FieldTest::Key(Range::Lt, key) => values.filter(case_field_values::value_key.lt(key)),
                FieldTest::Number(Range::Ge, n) => values.filter(case_field_values::value_number.ge(n)),
                FieldTest::Number(Range::Gt, n) => values.filter(case_field_values::value_number.gt(n)),
                FieldTest::Number(Range::Le, n) => values.filter(case_field_values::value_number.le(n)),
                FieldTest::Number(Range::Lt, n) => values.filter(case_field_values::value_number.lt(n)),
            };
            query = query.filter(cases::id.eq_any(values));
        }
        query
    }};
}
use filtered;
