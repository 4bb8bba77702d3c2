//! Comments on cases: editors write them; authors edit and delete their
//! own; admins delete any. Each writes its audit event in the same transaction.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::events::{CaseEvent, EventKind};
use super::service::load;
use super::{CaseError, CaseService};
use crate::ids::{AccountId, CaseId, CommentId, RecordId, WorkspaceId};
use crate::platform::clock;
use crate::services::idempotency::{self, Claim, Created};
use crate::services::kernel::{Actor, ActorKind, Failure, lock_open_case};
use crate::services::outbox::{Change, EventType};
use crate::services::pagination::{Page, Paging};
use crate::services::validation::ValidationErrors;
use crate::services::workspaces::Role;
use crate::store::comments::{self, CommentRow};
use crate::store::{DbConn, DbTime, case_events, db_transaction};

const BODY_MAX_CHARS: usize = 10_000;

/// A comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    /// Id.
    pub id: CommentId,
    /// The case.
    pub case_id: CaseId,
    /// Who wrote it.
    pub author_id: AccountId,
    /// Whether a person or a service account.
    #[serde(default)]
    pub author_kind: ActorKind,
    /// Markdown text.
    pub body: String,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was last edited.
    pub updated_at: DateTime<Utc>,
}

impl From<CommentRow> for Comment {
    fn from(row: CommentRow) -> Self {
        Self {
            id: row.id,
            case_id: row.case_id,
            author_id: row.author_id,
            author_kind: ActorKind::from_stored(&row.author_kind),
            body: row.body,
            version: row.version,
            created_at: row.created_at.into(),
            updated_at: row.updated_at.into(),
        }
    }
}

/// A comment's text: 1 to 10,000 characters, not only spaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommentBody(String);

impl CommentBody {
    /// Checks the length.
    pub fn parse(raw: &str) -> Result<Self, ValidationErrors> {
        Self::check(raw).map_err(|message| ValidationErrors::single("body", message))
    }

    fn check(raw: &str) -> Result<Self, String> {
        if raw.trim().is_empty() {
            return Err("must not be empty".into());
        }
        if raw.chars().count() > BODY_MAX_CHARS {
            return Err(format!("must be at most {BODY_MAX_CHARS} characters"));
        }
        Ok(Self(raw.to_owned()))
    }
}

/// A valid edit of a comment: new text and the version it is based on.
#[derive(Debug, Clone)]
pub struct CommentEdit {
    /// The version the edit is based on.
    pub version: i32,
    /// The new text.
    pub body: CommentBody,
}

impl CommentEdit {
    /// Checks both fields, reporting both if both are invalid.
    pub fn parse(version: i32, body: &str) -> Result<Self, ValidationErrors> {
        let version_error = (version < 1).then(|| "must be at least 1".to_owned());
        match (version_error, CommentBody::check(body)) {
            (None, Ok(body)) => Ok(Self { version, body }),
            (version_error, body) => {
                Err(ValidationErrors::collect([("version", version_error), ("body", body.err())]))
            }
        }
    }
}

impl CaseService {
    /// Adds a comment (editors and admins).
    #[tracing::instrument(skip_all)]
    pub async fn add_comment(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        body: CommentBody,
        claim: Option<Claim>,
    ) -> Result<Created<Comment>, CaseError> {
        let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
        let conn = &mut scope.db();
        db_transaction!(conn, |tx| {
            if let Some(earlier) = idempotency::begin::<Comment>(tx, claim.as_ref()).await? {
                return Ok(Created { value: earlier, replayed: true });
            }
            lock_open_case(tx, workspace, case).await?;
            let now = clock::now();
            let comment = Comment {
                id: CommentId::new(),
                case_id: case,
                author_id: caller.id,
                author_kind: caller.kind,
                body: body.0.clone(),
                version: 1,
                created_at: now,
                updated_at: now,
            };
            comments::insert(tx, to_row(&comment)).await?;
            self.record(tx, workspace, (None, &comment), caller, EventKind::Commented, now).await?;
            idempotency::finish(tx, claim.as_ref(), &comment).await?;
            Ok::<_, CaseError>(Created::new(comment))
        })
    }

    /// A page of a case's comments, newest first or changed since a time
    /// (any member).
    pub async fn comments(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        page: Paging<CommentId>,
    ) -> Result<Page<Comment>, CaseError> {
        let mut scope = self.access.writing(caller, workspace, Role::Viewer).await?;
        let conn = &mut scope.db();
        load(conn, workspace, case).await?;
        let rows = comments::list(conn, case, page.reading(), page.fetch()).await?;
        let items = rows.into_iter().map(Comment::from).collect();
        Ok(page.page(items, |c: &Comment| c.id, |c: &Comment| c.updated_at))
    }

    /// One comment (any member).
    pub async fn comment(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        id: CommentId,
    ) -> Result<Comment, CaseError> {
        let mut scope = self.access.reading(caller, workspace, Role::Viewer).await?;
        let conn = &mut scope.db();
        load(conn, workspace, case).await?;
        load_comment(conn, case, id).await
    }

    /// Edits one's own comment (editors and admins), conditional on `version`.
    #[tracing::instrument(skip_all)]
    pub async fn edit_comment(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        id: CommentId,
        edit: CommentEdit,
    ) -> Result<Comment, CaseError> {
        let CommentEdit { version, body } = edit;
        let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
        let conn = &mut scope.db();
        db_transaction!(conn, |tx| {
            load(tx, workspace, case).await?;
            let current = load_comment(tx, case, id).await?;
            if current.author_id != caller.id {
                return Err(CaseError::NotAuthor);
            }
            let conflict = |current| {
                CaseError::from(Failure::VersionConflict { what: "comment", current, given: version })
            };
            if current.version != version {
                return Err(conflict(current.version));
            }
            let now = clock::now();
            let Some(row) = comments::update(tx, id, version, &body.0, DbTime::from(now)).await? else {
                return Err(conflict(load_comment(tx, case, id).await?.version));
            };
            let comment = Comment::from(row);
            self.record(tx, workspace, (Some(&current), &comment), caller, EventKind::CommentEdited, now)
                .await?;
            Ok::<_, CaseError>(comment)
        })
    }

    /// Deletes a comment: its author (editor or admin) or any admin.
    #[tracing::instrument(skip_all)]
    pub async fn delete_comment(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        id: CommentId,
    ) -> Result<(), CaseError> {
        let mut scope = self.access.writing(caller, workspace, Role::Viewer).await?;
        let role = scope.role;
        let conn = &mut scope.db();
        db_transaction!(conn, |tx| {
            load(tx, workspace, case).await?;
            let comment = load_comment(tx, case, id).await?;
            let own = comment.author_id == caller.id && role >= Role::Editor;
            if !own && role < Role::Admin {
                return Err(CaseError::NotAuthor);
            }
            comments::delete(tx, id).await?;
            self.record(tx, workspace, (None, &comment), caller, EventKind::CommentDeleted, clock::now())
                .await?;
            Ok::<_, CaseError>(())
        })
    }
}

async fn load_comment(conn: &mut DbConn<'_>, case: CaseId, id: CommentId) -> Result<Comment, CaseError> {
    let row = comments::find(conn, case, id).await?.ok_or(Failure::NotFound("comment"))?;
    Ok(row.into())
}

fn to_row(comment: &Comment) -> CommentRow {
    CommentRow {
        id: comment.id,
        case_id: comment.case_id,
        author_id: comment.author_id,
        author_kind: comment.author_kind.as_str().to_owned(),
        body: comment.body.clone(),
        version: comment.version,
        created_at: comment.created_at.into(),
        updated_at: comment.updated_at.into(),
    }
}

impl CaseService {
    /// Writes the audit event of a comment change, and its workspace event
    /// (`before`: the comment as it was, for an edit).
    async fn record(
        &self,
        tx: &mut DbConn<'_>,
        workspace: WorkspaceId,
        (before, comment): (Option<&Comment>, &Comment),
        actor: Actor,
        kind: EventKind,
        at: DateTime<Utc>,
    ) -> Result<(), CaseError> {
        let data = json!({"comment_id": comment.id.uuid().to_string()});
        let event = CaseEvent::new(comment.case_id, actor, kind, data, at);
        case_events::insert(tx, vec![event.to_row()]).await?;
        let published = match kind {
            EventKind::CommentEdited => EventType::CommentUpdated,
            EventKind::CommentDeleted => EventType::CommentDeleted,
            _ => EventType::CommentCreated,
        };
        let change = match before {
            Some(before) => Change::updated(published, before, comment),
            None => Change::new(published, comment),
        };
        self.outbox.record(tx, workspace, actor, &[change]).await?;
        Ok(())
    }
}

impl crate::services::outbox::Subject for Comment {
    fn case_id(&self) -> Option<crate::ids::CaseId> {
        Some(self.case_id)
    }

    fn searched(&self) -> Vec<&str> {
        vec![&self.body]
    }
}
