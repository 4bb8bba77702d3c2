//! The case service: creating, reading, changing and deleting cases. Every
//! change writes its audit events in the same transaction.

use std::collections::BTreeMap;

use super::events::{self, CaseEvent, EventKind};
use super::{Case, CaseError, CaseStatus, CaseUpdate, NewCase};
use super::{custom_values, from_template};
use crate::ids::{CaseId, RecordId, WorkspaceId};
use crate::platform::clock;
use crate::services::idempotency::{self, Claim, Created};
use crate::services::kernel::{Access, Actor, Failure, Role, ensure_assignable};
use crate::services::outbox::{Change, EventType, Outbox};
use crate::services::validation::ValidationErrors;
use crate::services::{fields, tasks, templates};
use crate::store::cases::{self, CaseChanges};
use crate::store::{DbConn, case_events, db_transaction, trash, workspaces};

/// Cases of workspaces.
pub struct CaseService {
    pub(super) access: Access,
    pub(super) outbox: Outbox,
}

impl CaseService {
    /// A service whose work starts from `access`'s workspace scope and
    /// whose changes are reported through `outbox`.
    pub fn new(access: Access, outbox: Outbox) -> Self {
        Self { access, outbox }
    }

    /// Opens a case (editors and admins). Its number is the workspace's
    /// next. With a template, what the request leaves out comes from the
    /// template, and the template's tasks are added in the same transaction.
    #[tracing::instrument(skip_all)]
    pub async fn create(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        request: NewCase,
        claim: Option<Claim>,
    ) -> Result<Created<Case>, CaseError> {
        let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
        let conn = &mut scope.db();
        let template = match request.template_id {
            Some(id) => Some(templates::load(conn, workspace, id).await?.ok_or_else(|| {
                ValidationErrors::single("template_id", "is not a case template of this workspace")
            })?),
            None => None,
        };
        let draft = from_template::fill(&request, template.as_ref())?;
        if let Some(assignee) = draft.assignee_id {
            ensure_assignable(conn, workspace, assignee, "assignee_id").await?;
        }
        let fields = fields::definitions(conn, workspace).await?;
        let none = BTreeMap::new();
        let values = fields::apply(conn, workspace, &none, &fields, &draft.custom_fields, true).await?;
        db_transaction!(conn, |tx| {
            if let Some(earlier) = idempotency::begin::<Case>(tx, claim.as_ref()).await? {
                return Ok(Created { value: earlier, replayed: true });
            }
            let now = clock::now();
            let first_tasks = draft.first_tasks(now);
            let changes = 1 + first_tasks.len() as i64;
            let (number, last_event) = workspaces::next_case_number(tx, workspace, changes)
                .await?
                .ok_or(Failure::NoSuchWorkspace)?;
            let case = Case {
                id: CaseId::new(),
                workspace_id: workspace,
                number,
                summary: draft.summary.clone(),
                description: draft.description.clone(),
                status: draft.status,
                priority: draft.priority,
                severity: draft.severity,
                assignee_id: draft.assignee_id,
                tags: draft.tags.clone(),
                version: 1,
                created_by: caller.id,
                created_by_kind: caller.kind,
                created_at: now,
                updated_at: now,
                resolved_at: draft.status.is_finished().then_some(now),
                closed_at: (draft.status == CaseStatus::Closed).then_some(now),
                due_at: draft.due_at(now),
                custom_fields: values.clone(),
                template_id: request.template_id,
                merged_into: None,
            };
            cases::insert(tx, case.to_row(), &case.tags).await?;
            custom_values::index(tx, &fields, &none, &case).await?;
            // The case's event first: trails list newest first by id.
            let mut events = vec![events::created(&case, caller)];
            let (seeded, seeded_events) =
                tasks::seed(tx, (workspace, case.id), first_tasks, caller, now).await?;
            events.extend(seeded_events);
            case_events::insert(tx, events.iter().map(CaseEvent::to_row).collect()).await?;
            let created = std::iter::once(Change::new(EventType::CaseCreated, &case))
                .chain(seeded.iter().map(|task| Change::new(EventType::TaskCreated, task)));
            self.outbox
                .record_numbered(tx, workspace, caller, &created.collect::<Vec<_>>(), last_event)
                .await?;
            idempotency::finish(tx, claim.as_ref(), &case).await?;
            Ok::<_, CaseError>(Created::new(case))
        })
    }

    /// One case (any member).
    pub async fn get(&self, caller: Actor, workspace: WorkspaceId, id: CaseId) -> Result<Case, CaseError> {
        let mut scope = self.access.reading(caller, workspace, Role::Viewer).await?;
        let conn = &mut scope.db();
        load(conn, workspace, id).await
    }

    /// Changes a case (editors and admins), conditional on `version`. Fields
    /// that end up unchanged write no events; a request that changes nothing
    /// returns the case as it is, at the same version.
    #[tracing::instrument(skip_all)]
    pub async fn update(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: CaseId,
        update: CaseUpdate,
    ) -> Result<Case, CaseError> {
        let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
        let conn = &mut scope.db();
        if let super::Nullable::Value(assignee) = update.assignee_id {
            ensure_assignable(conn, workspace, assignee, "assignee_id").await?;
        }
        let fields = match update.custom_fields.is_empty() {
            true => Vec::new(),
            false => fields::definitions(conn, workspace).await?,
        };
        db_transaction!(conn, |tx| {
            let current = load(tx, workspace, id).await?;
            if current.version != update.version {
                return Err(conflict(current.version, update.version));
            }
            let mut next = apply(&current, &update);
            if !update.custom_fields.is_empty() {
                let (changes, old) = (&update.custom_fields, &current.custom_fields);
                next.custom_fields = fields::apply(tx, workspace, old, &fields, changes, false).await?;
            }
            let events = events::changes(&current, &next, caller);
            if events.is_empty() {
                return Ok(current);
            }
            let changes = changes_between(&current, &next);
            let Some(row) = cases::update(tx, id, update.version, changes).await? else {
                let latest = load(tx, workspace, id).await?;
                return Err(conflict(latest.version, update.version));
            };
            if current.tags != next.tags {
                cases::replace_tags(tx, id, workspace, &next.tags).await?;
            }
            custom_values::index(tx, &fields, &current.custom_fields, &next).await?;
            case_events::insert(tx, events.iter().map(CaseEvent::to_row).collect()).await?;
            let case = Case::try_from(row)?;
            let event = Change::updated(EventType::CaseUpdated, &current, &case);
            self.outbox.record(tx, workspace, caller, &[event]).await?;
            Ok::<_, CaseError>(case)
        })
    }

    /// Deletes a case (editors and admins): moves it to the trash with
    /// everything it holds, out of every list and read; admins can restore
    /// it until it is purged (see [`crate::services::trash`]).
    #[tracing::instrument(skip_all)]
    pub async fn delete(&self, caller: Actor, workspace: WorkspaceId, id: CaseId) -> Result<(), CaseError> {
        let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
        let conn = &mut scope.db();
        db_transaction!(conn, |tx| {
            let case = load(tx, workspace, id).await?;
            let now = clock::now();
            if !trash::trash(tx, workspace, id, now.into(), caller.id, caller.kind.as_str()).await? {
                return Err(Failure::NotFound("case").into());
            }
            let event = CaseEvent::new(id, caller, EventKind::CaseDeleted, serde_json::json!({}), now);
            case_events::insert(tx, vec![event.to_row()]).await?;
            self.outbox.record(tx, workspace, caller, &[Change::new(EventType::CaseDeleted, &case)]).await?;
            Ok::<_, CaseError>(())
        })?;
        tracing::info!(case_id = %id.uuid(), "case moved to the trash");
        Ok(())
    }
}

/// Loads a case of `workspace` or fails with `NotFound`.
pub(super) async fn load(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    id: CaseId,
) -> Result<Case, CaseError> {
    let row = cases::find(conn, workspace, id).await?.ok_or(Failure::NotFound("case"))?;
    Ok(row.try_into()?)
}

fn conflict(current: i32, given: i32) -> CaseError {
    Failure::VersionConflict { what: "case", current, given }.into()
}

/// The case as `update` would leave it, with status times set and cleared.
pub(super) fn apply(current: &Case, update: &CaseUpdate) -> Case {
    let now = clock::now();
    let mut next = current.clone();
    if let Some(summary) = &update.summary {
        next.summary.clone_from(summary);
    }
    if let Some(description) = &update.description {
        next.description.clone_from(description);
    }
    if let Some(tags) = &update.tags {
        next.tags.clone_from(tags);
    }
    next.status = update.status.unwrap_or(current.status);
    next.priority = update.priority.unwrap_or(current.priority);
    next.severity = update.severity.unwrap_or(current.severity);
    update.assignee_id.apply_to(&mut next.assignee_id);
    update.due_at.apply_to(&mut next.due_at);
    if next.status != current.status {
        (next.resolved_at, next.closed_at) = match next.status {
            CaseStatus::Resolved => (Some(now), None),
            CaseStatus::Closed => (current.resolved_at.or(Some(now)), Some(now)),
            _ => (None, None),
        };
    }
    next.updated_at = now;
    next
}

/// The stored changes that turn `current` into `next`.
pub(super) fn changes_between(current: &Case, next: &Case) -> CaseChanges {
    let next_row = next.to_row();
    CaseChanges {
        summary: (current.summary != next.summary).then(|| next_row.summary.clone()),
        description: (current.description != next.description).then(|| next_row.description.clone()),
        status: (current.status != next.status).then(|| next_row.status.clone()),
        priority: (current.priority != next.priority).then_some(next_row.priority),
        severity: (current.severity != next.severity).then_some(next_row.severity),
        assignee_id: (current.assignee_id != next.assignee_id).then_some(next_row.assignee_id),
        tags: (current.tags != next.tags).then(|| next_row.tags.clone()),
        resolved_at: (current.resolved_at != next.resolved_at).then_some(next_row.resolved_at),
        closed_at: (current.closed_at != next.closed_at).then_some(next_row.closed_at),
        due_at: (current.due_at != next.due_at).then_some(next_row.due_at),
        custom_fields: (current.custom_fields != next.custom_fields).then(|| next_row.custom_fields.clone()),
        merged_into: (current.merged_into != next.merged_into).then_some(next.merged_into),
        updated_at: Some(next_row.updated_at),
    }
}
