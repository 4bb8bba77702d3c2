//! Exporting a case: everything a member can read about it, gathered for
//! a file (the API renders it as a JSON bundle or a Markdown report).

use chrono::{DateTime, Utc};

use crate::ids::{AttachmentId, CaseId, CommentId, EventId, WorkspaceId};
use crate::platform::clock;
use crate::services::attachments::Attachment;
use crate::services::cases::{Case, CaseEvent, Comment};
use crate::services::kernel::{Access, Actor, Failure, Role};
use crate::services::links::{self, CaseLink, LinkError};
use crate::services::observables::{Correlated, Observable, correlate};
use crate::services::tasks::Task;
use crate::store::attachments::{self, OwnerKey};
use crate::store::{DbConn, Reading, case_events, case_merge, cases, comments, tasks};

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
            comments: all_comments(conn, id).await?,
            tasks: tasks::list_for_case(conn, id, 0, i64::from(i32::MAX))
                .await?
                .into_iter()
                .map(Task::try_from)
                .collect::<Result<_, _>>()?,
            observables: correlate(conn, workspace, observables).await?,
            links: links::all_of_case(conn, workspace, id).await.map_err(LinkError::into_failure)?,
            events: all_events(conn, id).await?,
            attachments: all_attachments(conn, id).await?,
            case,
        })
    }
}

async fn all_comments(conn: &mut DbConn<'_>, case: CaseId) -> Result<Vec<Comment>, Failure> {
    let mut all = Vec::new();
    let mut before: Option<CommentId> = None;
    loop {
        let rows = comments::list(conn, case, Reading::Newest { before }, CHUNK).await?;
        let full = rows.len() as i64 == CHUNK;
        before = rows.last().map(|row| row.id);
        all.extend(rows.into_iter().map(Comment::from));
        if !full {
            all.reverse();
            return Ok(all);
        }
    }
}

async fn all_events(conn: &mut DbConn<'_>, case: CaseId) -> Result<Vec<CaseEvent>, Failure> {
    let mut all = Vec::new();
    let mut after: Option<EventId> = None;
    loop {
        let rows = case_events::list(conn, case, after, CHUNK).await?;
        let full = rows.len() as i64 == CHUNK;
        after = rows.last().map(|row| row.id);
        for row in rows {
            all.push(CaseEvent::try_from(row).map_err(Failure::corrupt)?);
        }
        if !full {
            all.reverse();
            return Ok(all);
        }
    }
}

async fn all_attachments(conn: &mut DbConn<'_>, case: CaseId) -> Result<Vec<Attachment>, Failure> {
    let mut all = Vec::new();
    let mut after: Option<AttachmentId> = None;
    loop {
        let rows = attachments::list(conn, OwnerKey::Case(case), after, CHUNK).await?;
        let full = rows.len() as i64 == CHUNK;
        after = rows.last().map(|row| row.id);
        for row in rows {
            all.push(Attachment::try_from(row).map_err(Failure::corrupt)?);
        }
        if !full {
            all.reverse();
            return Ok(all);
        }
    }
}
