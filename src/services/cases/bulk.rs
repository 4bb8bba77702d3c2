//! Changing many cases at once: one change (status, priority, severity,
//! assignee, tags, due time) to up to 1,000 cases, each checked and
//! versioned as a single update would be and answered on its own, all
//! written in one transaction.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::events::{self, CaseEvent, EventKind};
use super::service::{apply, changes_between};
use super::{BulkTarget, BulkUpdate, Case, CaseError, CaseService};
use crate::ids::{CaseId, WorkspaceId};
use crate::platform::clock;
use crate::services::idempotency::{self, Claim};
use crate::services::kernel::{Actor, Failure, Role, ensure_assignable};
use crate::services::outbox::{Change, EventType};
use crate::services::validation::ValidationErrors;
use crate::store::{DbConn, case_events, cases, db_transaction, trash};

/// Audit events written per statement (well inside every engine's limit
/// on binds).
const EVENT_CHUNK: usize = 500;

/// Why one case of a bulk request was left alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemFailure {
    /// No such live case in the workspace.
    NotFound,
    /// The case is at another version than the item gave.
    VersionConflict {
        /// The version stored now.
        current: i32,
        /// The version the item gave.
        given: i32,
    },
    /// The change does not fit this case: each field and what is wrong.
    Invalid(Vec<(String, String)>),
}

impl From<ItemFailure> for Failure {
    fn from(failure: ItemFailure) -> Self {
        match failure {
            ItemFailure::NotFound => Failure::NotFound("case"),
            ItemFailure::VersionConflict { current, given } => {
                Failure::VersionConflict { what: "case", current, given }
            }
            ItemFailure::Invalid(fields) => {
                ValidationErrors::collect(fields.iter().map(|(f, m)| (f.as_str(), Some(m.clone())))).into()
            }
        }
    }
}

/// What became of one case of a bulk request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum BulkOutcome {
    /// Changed: the case as it is now.
    Updated(Case),
    /// Already as asked: the case as it is (same version).
    Unchanged(Case),
    /// Moved to the trash.
    Deleted(CaseId),
    /// Left alone, and why.
    Failed(CaseId, ItemFailure),
}

/// The answer of a bulk request: one outcome per item, in order.
#[derive(Debug, Clone)]
pub struct BulkAnswer {
    /// The outcomes, in the items' order.
    pub items: Vec<BulkOutcome>,
    /// Whether this repeats an earlier request's answer.
    pub replayed: bool,
}

impl CaseService {
    /// Makes one change to many cases (editors and admins), in one
    /// transaction. Each case is checked on its own (it exists in the
    /// workspace, is at the item's version if one is given, can take the
    /// change) and answered on its own; each changed case gets its own
    /// audit events and `case.updated`. Rows are changed in id order, so
    /// two bulk requests over the same cases cannot deadlock.
    #[tracing::instrument(skip_all, fields(items = request.items.len()))]
    pub async fn update_many(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        request: BulkUpdate,
        claim: Option<Claim>,
    ) -> Result<BulkAnswer, CaseError> {
        let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
        let conn = &mut scope.db();
        if let super::Nullable::Value(assignee) = request.change.assignee_id {
            ensure_assignable(conn, workspace, assignee, "changes.assignee_id").await?;
        }
        db_transaction!(conn, |tx| {
            if let Some(earlier) = idempotency::begin::<Vec<BulkOutcome>>(tx, claim.as_ref()).await? {
                return Ok(BulkAnswer { items: earlier, replayed: true });
            }
            let items = update_each(tx, caller, workspace, &request).await?;
            let changes: Vec<Change<'_>> = items
                .iter()
                .filter_map(|(before, after)| {
                    Some(Change::updated(EventType::CaseUpdated, before.as_ref()?, after_case(after)?))
                })
                .collect();
            self.outbox.record(tx, workspace, caller, &changes).await?;
            let outcomes: Vec<BulkOutcome> = items.into_iter().map(|(_, outcome)| outcome).collect();
            idempotency::finish(tx, claim.as_ref(), &outcomes).await?;
            Ok::<_, CaseError>(BulkAnswer { items: outcomes, replayed: false })
        })
    }
}

impl CaseService {
    /// Moves many cases to the trash (editors and admins), in one
    /// transaction, each checked and answered on its own as in
    /// [`CaseService::update_many`]; each gets its `case_deleted` event and
    /// `case.deleted`.
    #[tracing::instrument(skip_all, fields(items = items.len()))]
    pub async fn delete_many(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        items: Vec<BulkTarget>,
        claim: Option<Claim>,
    ) -> Result<BulkAnswer, CaseError> {
        let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
        let conn = &mut scope.db();
        db_transaction!(conn, |tx| {
            if let Some(earlier) = idempotency::begin::<Vec<BulkOutcome>>(tx, claim.as_ref()).await? {
                return Ok(BulkAnswer { items: earlier, replayed: true });
            }
            let (outcomes, trashed) = trash_each(tx, caller, workspace, &items).await?;
            let changes: Vec<Change<'_>> =
                trashed.iter().map(|case| Change::new(EventType::CaseDeleted, case)).collect();
            self.outbox.record(tx, workspace, caller, &changes).await?;
            idempotency::finish(tx, claim.as_ref(), &outcomes).await?;
            Ok::<_, CaseError>(BulkAnswer { items: outcomes, replayed: false })
        })
    }
}

/// Moves each named case to the trash, in id order; answers each outcome
/// in the items' order, and the cases moved.
async fn trash_each(
    tx: &mut DbConn<'_>,
    caller: Actor,
    workspace: WorkspaceId,
    items: &[BulkTarget],
) -> Result<(Vec<BulkOutcome>, Vec<Case>), CaseError> {
    let (mut found, order) = locked(tx, workspace, items).await?;
    let mut answers: Vec<Option<BulkOutcome>> = vec![None; items.len()];
    let (mut trail, mut trashed) = (Vec::new(), Vec::new());
    let now = clock::now();
    for at in order {
        let item = items[at];
        let failed = |failure| Some(BulkOutcome::Failed(item.case_id, failure));
        let Some(case) = found.remove(&item.case_id) else {
            answers[at] = failed(ItemFailure::NotFound);
            continue;
        };
        if let Some(given) = item.version.filter(|given| *given != case.version) {
            answers[at] = failed(ItemFailure::VersionConflict { current: case.version, given });
            continue;
        }
        if !trash::trash(tx, workspace, case.id, now.into(), caller.id, caller.kind.as_str()).await? {
            answers[at] = failed(ItemFailure::NotFound);
            continue;
        }
        trail.push(CaseEvent::new(case.id, caller, EventKind::CaseDeleted, serde_json::json!({}), now));
        answers[at] = Some(BulkOutcome::Deleted(case.id));
        trashed.push(case);
    }
    for chunk in trail.chunks(EVENT_CHUNK) {
        case_events::insert(tx, chunk.iter().map(CaseEvent::to_row).collect()).await?;
    }
    Ok((answers.into_iter().flatten().collect(), trashed))
}

/// The live cases `items` name, locked and by id, and the items' indexes
/// in the order of their cases' ids (the order to change them in).
async fn locked(
    tx: &mut DbConn<'_>,
    workspace: WorkspaceId,
    items: &[BulkTarget],
) -> Result<(HashMap<CaseId, Case>, Vec<usize>), CaseError> {
    let ids: Vec<CaseId> = items.iter().map(|item| item.case_id).collect();
    let mut found = HashMap::new();
    for row in cases::lock_many(tx, workspace, &ids).await? {
        let case = Case::try_from(row)?;
        found.insert(case.id, case);
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|at| items[*at].case_id);
    Ok((found, order))
}

fn after_case(outcome: &BulkOutcome) -> Option<&Case> {
    match outcome {
        BulkOutcome::Updated(case) => Some(case),
        _ => None,
    }
}

/// Applies the change to each named case, in id order; answers, in the
/// items' order, each outcome with the case as it was before when it changed.
async fn update_each(
    tx: &mut DbConn<'_>,
    caller: Actor,
    workspace: WorkspaceId,
    request: &BulkUpdate,
) -> Result<Vec<(Option<Case>, BulkOutcome)>, CaseError> {
    let (mut found, order) = locked(tx, workspace, &request.items).await?;
    let mut answers: Vec<Option<(Option<Case>, BulkOutcome)>> = vec![None; request.items.len()];
    let mut trail: Vec<CaseEvent> = Vec::new();
    for at in order {
        let item = request.items[at];
        let failed = |failure| (None, BulkOutcome::Failed(item.case_id, failure));
        let Some(current) = found.remove(&item.case_id) else {
            answers[at] = Some(failed(ItemFailure::NotFound));
            continue;
        };
        if let Some(given) = item.version.filter(|given| *given != current.version) {
            answers[at] = Some(failed(ItemFailure::VersionConflict { current: current.version, given }));
            continue;
        }
        let update = match request.change.for_case(&current) {
            Ok(update) => update,
            Err(errors) => {
                let fields = errors.errors().iter().map(|e| (e.field.clone(), e.message.clone())).collect();
                answers[at] = Some(failed(ItemFailure::Invalid(fields)));
                continue;
            }
        };
        let next = apply(&current, &update);
        let events = events::changes(&current, &next, caller);
        if events.is_empty() {
            answers[at] = Some((None, BulkOutcome::Unchanged(current)));
            continue;
        }
        let Some(row) =
            cases::update(tx, current.id, current.version, changes_between(&current, &next)).await?
        else {
            // Changed by another writer since it was read.
            let latest =
                cases::find(tx, workspace, current.id).await?.map_or(current.version, |row| row.version);
            let given = item.version.unwrap_or(current.version);
            answers[at] = Some(failed(ItemFailure::VersionConflict { current: latest, given }));
            continue;
        };
        if current.tags != next.tags {
            cases::replace_tags(tx, current.id, workspace, &next.tags).await?;
        }
        trail.extend(events);
        let case = Case::try_from(row)?;
        answers[at] = Some((Some(current), BulkOutcome::Updated(case)));
    }
    for chunk in trail.chunks(EVENT_CHUNK) {
        case_events::insert(tx, chunk.iter().map(CaseEvent::to_row).collect()).await?;
    }
    Ok(answers.into_iter().flatten().collect())
}
