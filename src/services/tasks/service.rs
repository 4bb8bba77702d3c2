//! The task service: the checklist of a case. Roles are those of cases
//! (viewers read, editors and admins write); every change writes its events
//! in the case's audit trail in the same transaction. Changes of positions
//! lock the case first, so concurrent moves keep positions a permutation.

use chrono::{DateTime, Utc};

use super::{NewTask, Task, TaskStatus, TaskUpdate, events};
use crate::ids::{CaseId, TaskId, WorkspaceId};
use crate::platform::clock;
use crate::services::cases::CaseEvent;
use crate::services::idempotency::{self, Claim, Created};
use crate::services::kernel::{Access, Actor, Failure, Role, ensure_assignable, lock_open_case};
use crate::services::outbox::{Change, EventType, Outbox};
use crate::services::pagination::{Page, PageRequest};
use crate::services::validation::ValidationErrors;
use crate::store::tasks::{self, TaskChanges};
use crate::store::{DbConn, case_events, cases, db_transaction};

/// Tasks of cases.
pub struct TaskService {
    pub(super) access: Access,
    outbox: Outbox,
}

impl TaskService {
    /// A service whose work starts from `access`'s workspace scope and
    /// whose changes are reported through `outbox`.
    pub fn new(access: Access, outbox: Outbox) -> Self {
        Self { access, outbox }
    }

    /// Adds a task to a case (editors and admins), last unless a position
    /// is given (the tasks from there on move down one).
    #[tracing::instrument(skip_all)]
    pub async fn create(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        request: NewTask,
        claim: Option<Claim>,
    ) -> Result<Created<Task>, Failure> {
        let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
        let conn = &mut scope.db();
        if let Some(assignee) = request.assignee_id {
            ensure_assignable(conn, workspace, assignee, "assignee_id").await?;
        }
        db_transaction!(conn, |tx| {
            if let Some(earlier) = idempotency::begin::<Task>(tx, claim.as_ref()).await? {
                return Ok(Created { value: earlier, replayed: true });
            }
            lock_case(tx, workspace, case).await?;
            let last = last_position(tx, case).await?;
            let position = checked_position(request.position, last + 1)?.unwrap_or(last + 1);
            tasks::shift(tx, case, position, last, 1).await?;
            let now = clock::now();
            let task = Task {
                id: TaskId::new(),
                case_id: case,
                workspace_id: workspace,
                title: request.title.clone(),
                description: request.description.clone(),
                status: request.status,
                assignee_id: request.assignee_id,
                due_at: request.due_at,
                completed_at: (request.status == TaskStatus::Done).then_some(now),
                position,
                version: 1,
                created_by: caller.id,
                created_by_kind: caller.kind,
                created_at: now,
                updated_at: now,
            };
            tasks::insert(tx, &task.to_row()).await?;
            case_events::insert(tx, vec![events::created(&task, caller).to_row()]).await?;
            self.outbox.record(tx, workspace, caller, &[Change::new(EventType::TaskCreated, &task)]).await?;
            idempotency::finish(tx, claim.as_ref(), &task).await?;
            Ok::<_, Failure>(Created::new(task))
        })
    }

    /// One task (any member).
    pub async fn get(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        id: TaskId,
    ) -> Result<Task, Failure> {
        let mut scope = self.access.reading(caller, workspace, Role::Viewer).await?;
        load(&mut scope.db(), workspace, case, id).await
    }

    /// A page of a case's tasks in checklist order (any member).
    pub async fn list_for_case(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        page: PageRequest<i32>,
    ) -> Result<Page<Task>, Failure> {
        let mut scope = self.access.writing(caller, workspace, Role::Viewer).await?;
        let conn = &mut scope.db();
        cases::find(conn, workspace, case).await?.ok_or(Failure::NotFound("case"))?;
        let rows = tasks::list_for_case(conn, case, page.after.unwrap_or(0), page.fetch()).await?;
        let tasks = rows.into_iter().map(Task::try_from).collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(tasks, page.limit, |task| task.position))
    }

    /// Changes a task (editors and admins), conditional on `version`. A new
    /// `position` moves it, and the tasks between its old and new place
    /// move one step to make room. A request that changes nothing returns
    /// the task as it is.
    #[tracing::instrument(skip_all)]
    pub async fn update(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        id: TaskId,
        update: TaskUpdate,
    ) -> Result<Task, Failure> {
        let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
        let conn = &mut scope.db();
        if let crate::services::cases::Nullable::Value(assignee) = update.assignee_id {
            ensure_assignable(conn, workspace, assignee, "assignee_id").await?;
        }
        db_transaction!(conn, |tx| {
            if update.position.is_some() {
                lock_case(tx, workspace, case).await?;
            }
            let current = load(tx, workspace, case, id).await?;
            if current.version != update.version {
                return Err(conflict(current.version, update.version));
            }
            let last = if update.position.is_some() { last_position(tx, case).await? } else { 0 };
            checked_position(update.position, last)?;
            let now = clock::now();
            let next = apply(&current, &update, now);
            let events = events::changes(&current, &next, caller, now);
            if events.is_empty() {
                return Ok(current);
            }
            if next.position < current.position {
                tasks::shift(tx, case, next.position, current.position - 1, 1).await?;
            } else if next.position > current.position {
                tasks::shift(tx, case, current.position + 1, next.position, -1).await?;
            }
            let Some(row) = tasks::update(tx, id, update.version, changes_between(&current, &next)).await?
            else {
                let latest = load(tx, workspace, case, id).await?;
                return Err(conflict(latest.version, update.version));
            };
            case_events::insert(tx, events.iter().map(CaseEvent::to_row).collect()).await?;
            let task = Task::try_from(row)?;
            let event = Change::updated(EventType::TaskUpdated, &current, &task);
            self.outbox.record(tx, workspace, caller, &[event]).await?;
            Ok::<_, Failure>(task)
        })
    }

    /// Deletes a task (editors and admins); the tasks after it move up one.
    #[tracing::instrument(skip_all)]
    pub async fn delete(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        id: TaskId,
    ) -> Result<(), Failure> {
        let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
        let conn = &mut scope.db();
        db_transaction!(conn, |tx| {
            lock_case(tx, workspace, case).await?;
            let task = load(tx, workspace, case, id).await?;
            tasks::delete(tx, id).await?;
            tasks::shift(tx, case, task.position + 1, i32::MAX, -1).await?;
            case_events::insert(tx, vec![events::deleted(&task, caller, clock::now()).to_row()]).await?;
            self.outbox.record(tx, workspace, caller, &[Change::new(EventType::TaskDeleted, &task)]).await?;
            Ok::<_, Failure>(())
        })
    }
}

/// Locks a case of `workspace` for a change of its tasks' positions (one
/// such change per case at a time), refusing a merged case.
async fn lock_case(conn: &mut DbConn<'_>, workspace: WorkspaceId, case: CaseId) -> Result<(), Failure> {
    lock_open_case(conn, workspace, case).await
}

/// The last position in a case's checklist (0 when it has no tasks).
async fn last_position(conn: &mut DbConn<'_>, case: CaseId) -> Result<i32, Failure> {
    let count = tasks::count(conn, case).await?;
    Ok(i32::try_from(count).unwrap_or(i32::MAX))
}

/// A position must lie within the checklist: 1 to `last`.
fn checked_position(position: Option<i32>, last: i32) -> Result<Option<i32>, Failure> {
    match position {
        Some(p) if p > last => {
            Err(ValidationErrors::single("position", format!("must be between 1 and {last}")).into())
        }
        other => Ok(other),
    }
}

/// Loads a task of a live case of `workspace` or fails with `NotFound`.
pub(super) async fn load(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    case: CaseId,
    id: TaskId,
) -> Result<Task, Failure> {
    cases::find(conn, workspace, case).await?.ok_or(Failure::NotFound("case"))?;
    match tasks::find(conn, case, id).await? {
        Some(row) if row.workspace_id == workspace => Ok(row.try_into()?),
        _ => Err(Failure::NotFound("task")),
    }
}

fn conflict(current: i32, given: i32) -> Failure {
    Failure::VersionConflict { what: "task", current, given }
}

/// The task as `update` would leave it, with `completed_at` set and cleared.
fn apply(current: &Task, update: &TaskUpdate, now: DateTime<Utc>) -> Task {
    let mut next = current.clone();
    if let Some(title) = &update.title {
        next.title.clone_from(title);
    }
    if let Some(description) = &update.description {
        next.description.clone_from(description);
    }
    next.status = update.status.unwrap_or(current.status);
    update.assignee_id.apply_to(&mut next.assignee_id);
    update.due_at.apply_to(&mut next.due_at);
    next.position = update.position.unwrap_or(current.position);
    if next.status != current.status {
        next.completed_at = (next.status == TaskStatus::Done).then_some(now);
    }
    next.updated_at = now;
    next
}

/// The stored changes that turn `current` into `next`.
fn changes_between(current: &Task, next: &Task) -> TaskChanges {
    let row = next.to_row();
    TaskChanges {
        title: (current.title != next.title).then(|| row.title.clone()),
        description: (current.description != next.description).then(|| row.description.clone()),
        status: (current.status != next.status).then(|| row.status.clone()),
        assignee_id: (current.assignee_id != next.assignee_id).then_some(row.assignee_id),
        due_at: (current.due_at != next.due_at).then_some(row.due_at),
        due_key: (current.due_at != next.due_at).then_some(row.due_key),
        completed_at: (current.completed_at != next.completed_at).then_some(row.completed_at),
        position: (current.position != next.position).then_some(row.position),
        updated_at: Some(row.updated_at),
    }
}
