//! Exporting a case: everything a member can read about it, gathered for
//! a file (the API renders it as a JSON bundle or a Markdown report).

use chrono::{DateTime, Utc};

use crate::ids::{CaseId, WorkspaceId};
use crate::platform::clock;
use crate::services::attachments::Attachment;
use crate::services::cases::{Case, CaseEvent, Comment};
use crate::services::kernel::{Access, Actor, Failure, Role};
use crate::services::links::{self, CaseLink, LinkError};
use crate::services::observables::{Correlated, Observable, correlate};
use crate::services::tasks::Task;
use crate::store::attachments::{self, OwnerKey};
use crate::store::{Reading, case_events, case_merge, cases, comments, tasks};

/// Rows read per query while gathering a long list.
const CHUNK: i64 = 1_000;

/// A case with everything it holds.
#[derive(Debug)]
pub struct CaseExport {
    /// When it was gathered.
    pub exported_at: DateTime<Utc>,
    /// The case.
    pub case: Case,
    /// Its comments, oldest first.
    pub comments: Vec<Comment>,
    /// Its tasks, in checklist order.
    pub tasks: Vec<Task>,
    /// Its observables, oldest first, with the other cases sharing each.
    pub observables: Vec<Correlated>,
    /// Its links, newest first, as it sees them.
    pub links: Vec<CaseLink>,
    /// Its audit trail, oldest first.
    pub events: Vec<CaseEvent>,
    /// Its attachments' records (not their bytes), oldest first.
    pub attachments: Vec<Attachment>,
}

/// Case exports.
pub struct ExportService {
    access: Access,
}

impl ExportService {
    /// A service whose work starts from `access`'s workspace scope.
    pub fn new(access: Access) -> Self {
        Self { access }
    }

    /// Everything about a live case (any member).
    #[tracing::instrument(skip_all)]
    pub async fn export(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: CaseId,
    ) -> Result<CaseExport, Failure> {
        let mut scope = self.access.writing(caller, workspace, Role::Viewer).await?;
        let conn = &mut scope.db();
        let row = cases::find(conn, workspace, id).await?.ok_or(Failure::NotFound("case"))?;
        let case = Case::try_from(row)?;
        let observables = case_merge::observables_of(conn, id)
            .await?
            .into_iter()
            .map(Observable::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CaseExport {
            exported_at: clock::now(),
            comments: oldest_first!(
                |before| comments::list(conn, id, Reading::Newest { before }, CHUNK),
                |row| Ok::<_, Failure>(Comment::from(row))
            ),
            tasks: tasks::list_for_case(conn, id, 0, i64::from(i32::MAX))
                .await?
                .into_iter()
                .map(Task::try_from)
                .collect::<Result<_, _>>()?,
            observables: correlate(conn, workspace, observables).await?,
            links: links::all_of_case(conn, workspace, id).await.map_err(LinkError::into_failure)?,
            events: oldest_first!(|after| case_events::list(conn, id, after, CHUNK), |row| {
                CaseEvent::try_from(row).map_err(Failure::corrupt)
            }),
            attachments: oldest_first!(
                |after| attachments::list(conn, OwnerKey::Case(id), after, CHUNK),
                |row| { Attachment::try_from(row).map_err(Failure::corrupt) }
            ),
            case,
        })
    }
}

/// A whole list, read `CHUNK` rows at a time newest first by `$read`
/// (given the last row's `id` as its cursor, `None` at first), each row
/// made an item by `$convert`, answered oldest first. (A macro: an async
/// closure borrowing the connection makes the handler's future not `Send`.)
macro_rules! oldest_first {
    (|$cursor:ident| $read:expr, $convert:expr) => {{
        let mut all = Vec::new();
        let mut $cursor = None;
        loop {
            let rows = $read.await?;
            let full = rows.len() as i64 == CHUNK;
            $cursor = rows.last().map(|row| row.id);
            for row in rows {
                all.push($convert(row)?);
            }
            if !full {
                all.reverse();
                break all;
            }
        }
    }};
}
use oldest_first;
