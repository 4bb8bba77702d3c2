//! A workspace's events as its activity feed: newest first, filtered by
//! what they concern, who acted and when.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::outbox::WorkspaceEventRow;
use super::schema::workspace_events;
use crate::ids::{AccountId, CaseId, WorkspaceId};

use super::{DbConn, DbTime, StoreError, db_run};

/// Which events to read. Empty lists mean "any".
#[derive(Debug, Clone, Default)]
pub struct FeedQuery {
    /// Only these resource types.
    pub resource_types: Vec<String>,
    /// Never these resource types (those the reader may not see).
    pub hidden_types: Vec<String>,
    /// Only these event types.
    pub kinds: Vec<String>,
    /// Never these event types.
    pub hidden_kinds: Vec<String>,
    /// Only events by this actor.
    pub actor: Option<AccountId>,
    /// Only events about this case or what belongs to it.
    pub case: Option<CaseId>,
    /// Only events written at or after this time.
    pub since: Option<DbTime>,
    /// Only events written before this time.
    pub until: Option<DbTime>,
}

/// Up to `limit` events of `workspace` matching `query`, numbered below
/// `below` (the first page: `None`), highest number first.
pub async fn page(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    query: &FeedQuery,
    below: Option<i64>,
    limit: i64,
) -> Result<Vec<WorkspaceEventRow>, StoreError> {
    db_run!(conn: {
        let mut rows = workspace_events::table
            .filter(workspace_events::workspace_id.eq(workspace))
            .select(WorkspaceEventRow::as_select())
            .order(workspace_events::seq.desc())
            .limit(limit)
            .into_boxed();
        if !query.resource_types.is_empty() {
            rows = rows.filter(workspace_events::resource_type.eq_any(query.resource_types.clone()));
        }
        if !query.hidden_types.is_empty() {
            rows = rows.filter(workspace_events::resource_type.ne_all(query.hidden_types.clone()));
        }
        if !query.kinds.is_empty() {
            rows = rows.filter(workspace_events::kind.eq_any(query.kinds.clone()));
        }
        if !query.hidden_kinds.is_empty() {
            rows = rows.filter(workspace_events::kind.ne_all(query.hidden_kinds.clone()));
        }
        if let Some(actor) = query.actor {
            rows = rows.filter(workspace_events::actor_id.eq(actor));
        }
        if let Some(case) = query.case {
            rows = rows.filter(workspace_events::case_id.eq(case));
        }
        if let Some(since) = query.since {
            rows = rows.filter(workspace_events::created_at.ge(since));
        }
        if let Some(until) = query.until {
            rows = rows.filter(workspace_events::created_at.lt(until));
        }
        if let Some(below) = below {
            rows = rows.filter(workspace_events::seq.lt(below));
        }
        Ok(rows.load(conn).await?)
    })
}

/// Up to `limit` events of `workspace` numbered above `after`, lowest
/// number first: what a live stream has not sent yet.
pub async fn after(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    after: i64,
    limit: i64,
) -> Result<Vec<WorkspaceEventRow>, StoreError> {
    db_run!(conn: {
        Ok(workspace_events::table
            .filter(workspace_events::workspace_id.eq(workspace))
            .filter(workspace_events::seq.gt(after))
            .select(WorkspaceEventRow::as_select())
            .order(workspace_events::seq.asc())
            .limit(limit)
            .load(conn)
            .await?)
    })
}

/// The number of the workspace's latest committed event (0: none yet).
/// Events commit in number order (numbering holds the workspace row's lock
/// until the commit), so every event committed later has a higher number.
pub async fn newest(conn: &mut DbConn<'_>, workspace: WorkspaceId) -> Result<i64, StoreError> {
    db_run!(conn: {
        let newest: Option<i64> = workspace_events::table
            .filter(workspace_events::workspace_id.eq(workspace))
            .select(diesel::dsl::max(workspace_events::seq))
            .get_result(conn)
            .await?;
        Ok(newest.unwrap_or(0))
    })
}
