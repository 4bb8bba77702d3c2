//! Listing cases (filtered, sorted, keyset-paged) and a case's audit trail.

use super::custom_values;
use super::service::load;
use super::{Case, CaseError, CaseEvent, CaseQuery, CaseService, CaseSort, SortOrder};
use crate::ids::{CaseId, EventId, WorkspaceId};
use crate::services::fields;
use crate::services::kernel::{Actor, Failure};
use crate::services::pagination::{Page, PageRequest};
use crate::services::workspaces::Role;
use crate::store::case_events;
use crate::store::cases::{self, Direction, Position, SortKey};

impl CaseService {
    /// A page of a workspace's cases (any member). Paging is by keyset on
    /// the sort column and the id, so rows are neither skipped nor repeated
    /// while others write.
    pub async fn list(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        mut query: CaseQuery,
    ) -> Result<Page<Case>, CaseError> {
        let mut scope = self.access.writing(caller, workspace, Role::Viewer).await?;
        let conn = &mut scope.db();
        if !query.custom_fields.is_empty() {
            let fields = fields::definitions(conn, workspace).await?;
            query.filter.fields = custom_values::filters(&fields, &query.custom_fields)?;
        }
        let page = &query.page;
        if query.sort == CaseSort::Relevance {
            // A place in the ranking is the position: the next page starts after it.
            let offset = page.after.map_or(0, |(place, _)| place);
            let rows = cases::by_relevance(conn, workspace, &query.filter, offset, page.fetch()).await?;
            let places: Vec<(Position, Case)> = rows
                .into_iter()
                .map(|(place, row)| Ok(((place, row.id), Case::try_from(row)?)))
                .collect::<Result<_, CaseError>>()?;
            let (positions, cases): (Vec<Position>, Vec<Case>) = places.into_iter().unzip();
            return Ok(Page::from_rows(cases, page.limit, |case| {
                positions.iter().copied().find(|(_, id)| *id == case.id).unwrap_or((offset, case.id))
            }));
        }
        let rows = cases::list(
            conn,
            workspace,
            &query.filter,
            column(query.sort),
            match query.direction {
                SortOrder::Asc => Direction::Asc,
                SortOrder::Desc => Direction::Desc,
            },
            page.after,
            page.fetch(),
        )
        .await?;
        let cases = rows.into_iter().map(Case::try_from).collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(cases, page.limit, |case| position(case, query.sort)))
    }

    /// A page of a case's audit trail, newest first (any member).
    pub async fn events(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: CaseId,
        page: PageRequest<EventId>,
    ) -> Result<Page<CaseEvent>, CaseError> {
        let mut scope = self.access.writing(caller, workspace, Role::Viewer).await?;
        let conn = &mut scope.db();
        load(conn, workspace, id).await?;
        let rows = case_events::list(conn, id, page.after, page.fetch()).await?;
        let events = rows
            .into_iter()
            .map(CaseEvent::try_from)
            .collect::<Result<Vec<_>, _>>()
            .map_err(Failure::corrupt)?;
        Ok(Page::from_rows(events, page.limit, |event| event.id))
    }
}

/// Where a case stands in a list sorted by `sort`.
fn position(case: &Case, sort: CaseSort) -> Position {
    let value = match sort {
        CaseSort::CreatedAt => case.created_at.timestamp_micros(),
        CaseSort::UpdatedAt => case.updated_at.timestamp_micros(),
        CaseSort::Priority => i64::from(case.priority.rank()),
        CaseSort::Severity => i64::from(case.severity.rank()),
        // Relevance pages are placed by rank, in `list`.
        CaseSort::Relevance => 0,
    };
    (value, case.id)
}

/// The stored column a sort reads.
fn column(sort: CaseSort) -> SortKey {
    match sort {
        CaseSort::CreatedAt => SortKey::CreatedAt,
        CaseSort::UpdatedAt => SortKey::UpdatedAt,
        CaseSort::Priority => SortKey::Priority,
        CaseSort::Severity => SortKey::Severity,
        // Relevance is ranked by the search index, in `list`.
        CaseSort::Relevance => SortKey::CreatedAt,
    }
}
