//! "Which other cases share facts with this one?": the cases of the
//! workspace holding any of a case's observables, ranked by how many.

use super::service::ObservableService;
use crate::ids::{CaseId, WorkspaceId};
use crate::services::cases::Case;
use crate::services::kernel::{Actor, Failure, Role};
use crate::store::{cases, observables};

/// A case that shares observables with another.
#[derive(Debug, Clone)]
pub struct RelatedCase {
    /// The other case.
    pub case: Case,
    /// How many observables (type and value) the two share.
    pub shared: i64,
}

impl ObservableService {
    /// Up to `limit` other cases of the workspace sharing observables with
    /// `case`, most shared first (any member).
    pub async fn related(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        limit: u32,
    ) -> Result<Vec<RelatedCase>, Failure> {
        let mut scope = self.access.reading(caller, workspace, Role::Viewer).await?;
        let conn = &mut scope.db();
        cases::find(conn, workspace, case).await?.ok_or(Failure::NotFound("case"))?;
        let ranked = observables::related_cases(conn, workspace, case, i64::from(limit)).await?;
        let ids: Vec<CaseId> = ranked.iter().map(|(id, _)| *id).collect();
        let mut found = cases::find_many(conn, workspace, &ids).await?;
        let mut related = Vec::with_capacity(ranked.len());
        for (id, shared) in ranked {
            if let Some(at) = found.iter().position(|row| row.id == id) {
                related.push(RelatedCase { case: Case::try_from(found.swap_remove(at))?, shared });
            }
        }
        Ok(related)
    }
}
