//! Saving and loading observables, and counting the cases that share one.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::schema::observables;
use crate::ids::{AccountId, CaseId, ObservableId, WorkspaceId};

use super::trash::trashed_case_ids;
use super::{DbConn, DbTime, Reading, StoreError, db_run, insert_rows, paged, update_returning};

/// An observable as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = observables)]
pub struct ObservableRow {
    /// Id (UUIDv7).
    pub id: ObservableId,
    /// Its workspace.
    pub workspace_id: WorkspaceId,
    /// Its case.
    pub case_id: CaseId,
    /// The type's name.
    pub kind: String,
    /// The canonical value.
    pub value: String,
    /// The value, or its digest when long: what uniqueness and correlation compare.
    pub value_key: String,
    /// Notes.
    pub description: String,
    /// TLP name.
    pub tlp: String,
    /// Indicator of compromise.
    pub is_ioc: bool,
    /// Seen in the environment.
    pub sighted: bool,
    /// Tags as a JSON array.
    pub tags: String,
    /// Source name.
    pub source: String,
    /// First added.
    pub first_seen_at: DbTime,
    /// Last added or found.
    pub last_seen_at: DbTime,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Creator.
    pub created_by: AccountId,
    /// `person` or `service_account`.
    pub created_by_kind: String,
    /// Creation time.
    pub created_at: DbTime,
    /// Last change.
    pub updated_at: DbTime,
}

/// Fields to change; `None` leaves a field alone.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = observables)]
pub struct ObservableChanges {
    /// New notes.
    pub description: Option<String>,
    /// New TLP.
    pub tlp: Option<String>,
    /// New IOC mark.
    pub is_ioc: Option<bool>,
    /// New sighting mark.
    pub sighted: Option<bool>,
    /// New tags (JSON array).
    pub tags: Option<String>,
    /// Time of the change.
    pub updated_at: Option<DbTime>,
}

/// What a workspace search matches; empty lists match anything.
#[derive(Debug, Clone, Default)]
pub struct ObservableFilter {
    /// Any of these types.
    pub kinds: Vec<String>,
    /// Any of these value keys.
    pub value_keys: Vec<String>,
    /// Values starting with this (a `LIKE` pattern, escaped with `\`).
    pub value_like: Option<String>,
    /// IOC mark.
    pub is_ioc: Option<bool>,
    /// Any of these TLP names.
    pub tlps: Vec<String>,
    /// Tag lists containing this JSON string (a `LIKE` pattern, escaped with `\`).
    pub tag_like: Option<String>,
    /// Only this case.
    pub case_id: Option<CaseId>,
}

/// Inserts an observable unless its case has the same value already.
/// Returns the case's row for the value and whether it is the new one.
/// (MySQL counts an ignored duplicate as an affected row, so which row
/// stands is read back rather than inferred from the insert.)
pub async fn insert_or_find(
    conn: &mut DbConn<'_>,
    row: &ObservableRow,
) -> Result<(ObservableRow, bool), StoreError> {
    db_run!(conn: {
        diesel::insert_into(observables::table).values(row.clone()).on_conflict_do_nothing().execute(conn).await?;
        Ok::<_, StoreError>(())
    })?;
    let stored = find_by_value(conn, row.case_id, &row.kind, &row.value_key)
        .await?
        .ok_or(StoreError::Query(diesel::result::Error::NotFound))?;
    let created = stored.id == row.id;
    Ok((stored, created))
}

/// Inserts many observables at once, skipping values their case has.
pub async fn insert_all_new(conn: &mut DbConn<'_>, rows: Vec<ObservableRow>) -> Result<(), StoreError> {
    insert_rows!(conn, observables::table, rows, on_conflict_do_nothing)
}

/// The observables of `case_id` whose value key is one of `value_keys`.
pub async fn find_by_values(
    conn: &mut DbConn<'_>,
    case_id: CaseId,
    value_keys: &[String],
) -> Result<Vec<ObservableRow>, StoreError> {
    db_run!(conn: {
        Ok(observables::table
            .filter(observables::case_id.eq(case_id))
            .filter(observables::value_key.eq_any(value_keys.to_vec()))
            .select(ObservableRow::as_select())
            .load(conn)
            .await?)
    })
}

/// Raises the `last_seen_at` of these observables to `at` (never lowers it).
pub async fn seen_all_at(conn: &mut DbConn<'_>, ids: &[ObservableId], at: DbTime) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    db_run!(conn: {
        diesel::update(observables::table)
            .filter(observables::id.eq_any(ids.to_vec()))
            .filter(observables::last_seen_at.lt(at))
            .set(observables::last_seen_at.eq(at))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// The observable of `case_id` with this value, if any.
pub async fn find_by_value(
    conn: &mut DbConn<'_>,
    case_id: CaseId,
    kind: &str,
    value_key: &str,
) -> Result<Option<ObservableRow>, StoreError> {
    db_run!(conn: {
        Ok(observables::table
            .filter(observables::case_id.eq(case_id))
            .filter(observables::kind.eq(kind))
            .filter(observables::value_key.eq(value_key))
            .select(ObservableRow::as_select())
            .get_result(conn)
            .await
            .optional()?)
    })
}

/// Loads an observable of a case.
pub async fn find(
    conn: &mut DbConn<'_>,
    case_id: CaseId,
    id: ObservableId,
) -> Result<Option<ObservableRow>, StoreError> {
    db_run!(conn: {
        Ok(observables::table
            .filter(observables::id.eq(id))
            .filter(observables::case_id.eq(case_id))
            .select(ObservableRow::as_select())
            .get_result(conn)
            .await
            .optional()?)
    })
}

/// Raises an observable's `last_seen_at` (never lowers it).
pub async fn seen_at(conn: &mut DbConn<'_>, id: ObservableId, at: DbTime) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::update(observables::table.find(id))
            .filter(observables::last_seen_at.lt(at))
            .set(observables::last_seen_at.eq(at))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// Up to `limit` observables matching `filter` in a workspace, read as
/// `reading` says.
pub async fn search(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    filter: &ObservableFilter,
    reading: Reading<ObservableId>,
    limit: i64,
) -> Result<Vec<ObservableRow>, StoreError> {
    db_run!(conn: {
        let mut query = observables::table
            .filter(observables::workspace_id.eq(workspace_id))
            .filter(observables::case_id.ne_all(trashed_case_ids(workspace_id)))
            .select(ObservableRow::as_select())
            .into_boxed();
        if let Some(case_id) = filter.case_id {
            query = query.filter(observables::case_id.eq(case_id));
        }
        if !filter.kinds.is_empty() {
            query = query.filter(observables::kind.eq_any(filter.kinds.clone()));
        }
        if !filter.value_keys.is_empty() {
            query = query.filter(observables::value_key.eq_any(filter.value_keys.clone()));
        }
        if let Some(pattern) = &filter.value_like {
            query = query.filter(observables::value.like(pattern.clone()).escape('\\'));
        }
        if let Some(is_ioc) = filter.is_ioc {
            query = query.filter(observables::is_ioc.eq(is_ioc));
        }
        if !filter.tlps.is_empty() {
            query = query.filter(observables::tlp.eq_any(filter.tlps.clone()));
        }
        if let Some(pattern) = &filter.tag_like {
            query = query.filter(observables::tags.like(pattern.clone()).escape('\\'));
        }
        let query = paged!(query, reading, observables::id, observables::updated_at);
        Ok(query.limit(limit).load(conn).await?)
    })
}

/// How many cases of a workspace hold each of these `(kind, value_key)`.
pub async fn case_counts(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    keys: &[(String, String)],
) -> Result<Vec<(String, String, i64)>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let kinds: Vec<String> = keys.iter().map(|(kind, _)| kind.clone()).collect();
    let values: Vec<String> = keys.iter().map(|(_, key)| key.clone()).collect();
    let rows: Vec<(String, String, i64)> = db_run!(conn: {
        Ok::<_, StoreError>(observables::table
            .filter(observables::workspace_id.eq(workspace_id))
            .filter(observables::value_key.eq_any(values.clone()))
            .filter(observables::case_id.ne_all(trashed_case_ids(workspace_id)))
            .filter(observables::kind.eq_any(kinds.clone()))
            .group_by((observables::kind, observables::value_key))
            .select((observables::kind, observables::value_key, diesel::dsl::count_star()))
            .load(conn)
            .await?)
    })?;
    Ok(rows.into_iter().filter(|(kind, key, _)| keys.iter().any(|(k, v)| k == kind && v == key)).collect())
}

/// Applies `changes` and raises the version, if at `expected_version`.
pub async fn update(
    conn: &mut DbConn<'_>,
    id: ObservableId,
    expected_version: i32,
    changes: ObservableChanges,
) -> Result<Option<ObservableRow>, StoreError> {
    let update = diesel::update(observables::table)
        .filter(observables::id.eq(id))
        .filter(observables::version.eq(expected_version))
        .set((changes, observables::version.eq(observables::version + 1)));
    update_returning!(conn, update, ObservableRow::as_returning(), observables::table.find(id))
}

/// Deletes an observable of a case.
pub async fn delete(conn: &mut DbConn<'_>, case_id: CaseId, id: ObservableId) -> Result<bool, StoreError> {
    db_run!(conn: {
        let target = observables::table.filter(observables::id.eq(id)).filter(observables::case_id.eq(case_id));
        Ok(diesel::delete(target).execute(conn).await? > 0)
    })
}

/// The other cases of the workspace that hold any of `case_id`'s values,
/// with how many values each shares, most first (ties: newest case
/// first); at most `limit`.
pub async fn related_cases(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    case_id: CaseId,
    limit: i64,
) -> Result<Vec<(CaseId, i64)>, StoreError> {
    let others = diesel::alias!(observables as others);
    db_run!(conn: {
        let shared = diesel::dsl::count_star();
        Ok(observables::table
            .inner_join(
                others.on(others
                    .field(observables::workspace_id)
                    .eq(observables::workspace_id)
                    .and(others.field(observables::kind).eq(observables::kind))
                    .and(others.field(observables::value_key).eq(observables::value_key))),
            )
            .filter(observables::workspace_id.eq(workspace_id))
            .filter(observables::case_id.eq(case_id))
            .filter(others.field(observables::case_id).ne(case_id))
            .filter(others.field(observables::case_id).ne_all(trashed_case_ids(workspace_id)))
            .group_by(others.field(observables::case_id))
            .select((others.field(observables::case_id), shared))
            .order((shared.desc(), others.field(observables::case_id).desc()))
            .limit(limit)
            .load(conn)
            .await?)
    })
}
