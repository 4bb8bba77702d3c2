//! Merging a duplicate case into another: everything the duplicate holds
//! moves onto the case it is merged into, in one transaction, and the
//! duplicate is closed with a pointer to it.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::events::{self, CaseEvent, EventKind};
use super::merge_content::{self, Moved};
use super::{Case, CaseError, CaseService, CaseStatus, DESCRIPTION_MAX_CHARS};
use crate::ids::{CaseId, RecordId, WorkspaceId};
use crate::platform::clock;
use crate::services::idempotency::{self, Claim};
use crate::services::kernel::{Actor, Failure, Role};
use crate::services::links::{self, LinkError, LinkType, NewLink};
use crate::services::outbox::{Change, EventType};
use crate::services::validation::{MAX_TAGS, ValidationErrors};
use crate::store::{DbConn, case_events, cases, db_transaction};

/// A merge to make: the case to merge into, and optionally the versions
/// both cases must be at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergeRequest {
    /// The case that takes in the merged one's content.
    pub into: CaseId,
    /// The version the merged case must be at, if given.
    pub version: Option<i32>,
    /// The version the case merged into must be at, if given.
    pub into_version: Option<i32>,
}

/// The outcome of a merge.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Merged {
    /// The merged case, now closed and pointing at `into`.
    pub source: Case,
    /// The case merged into, with the description and tags it took in.
    pub into: Case,
    /// What moved.
    pub moved: Moved,
}

/// The answer of a merge, and whether it repeats an earlier one.
#[derive(Debug, Clone)]
pub struct MergeAnswer {
    /// The outcome.
    pub merged: Merged,
    /// Whether this repeats an earlier request's answer (same key).
    pub replayed: bool,
}

impl CaseService {
    /// Merges `source` into `request.into` (editors and admins): moves its
    /// comments, attachments and tasks, and the observables the other case
    /// lacks (its own copies absorb the rest); appends its description
    /// under a heading; adds its tags; links it as `duplicates` of the
    /// other (replacing another link between the two); and closes it with
    /// `merged_into` set. Both cases are locked first, so writes to either
    /// wait for the merge, and content added to the merged case afterwards
    /// is refused (`CaseMerged`).
    #[tracing::instrument(skip_all)]
    pub async fn merge(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        source: CaseId,
        request: MergeRequest,
        claim: Option<Claim>,
    ) -> Result<MergeAnswer, CaseError> {
        check(source, &request)?;
        let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
        let conn = &mut scope.db();
        db_transaction!(conn, |tx| {
            if let Some(earlier) = idempotency::begin::<Merged>(tx, claim.as_ref()).await? {
                return Ok(MergeAnswer { merged: earlier, replayed: true });
            }
            let (from, into) = locked_pair(tx, workspace, source, &request).await?;
            let now = clock::now();
            let mut next_into = into.clone();
            next_into.description = merged_description(&from, &into)?;
            next_into.tags = merged_tags(&from, &into)?;
            next_into.updated_at = now;
            let mut next_from = from.clone();
            if from.status != CaseStatus::Closed {
                next_from.status = CaseStatus::Closed;
                next_from.resolved_at = from.resolved_at.or(Some(now));
                next_from.closed_at = Some(now);
            }
            next_from.merged_into = Some(into.id);
            next_from.updated_at = now;
            let moved = merge_content::move_all(tx, &from, &into, now).await?;
            let duplicate = NewLink { kind: LinkType::Duplicates, case_id: into.id };
            let relinked = links::relink(tx, caller, workspace, from.id, &duplicate, now)
                .await
                .map_err(LinkError::into_failure)?;
            let (from_after, into_after) =
                (save(tx, &from, &next_from).await?, save(tx, &into, &next_into).await?);
            let mut trail = events::changes(&from, &from_after, caller);
            trail.extend(events::changes(&into, &into_after, caller));
            trail.push(merge_event(EventKind::MergedInto, from.id, &into, &moved, caller, now));
            trail.push(merge_event(EventKind::MergedFrom, into.id, &from, &moved, caller, now));
            trail.extend(relinked.trail);
            case_events::insert(tx, trail.iter().map(CaseEvent::to_row).collect()).await?;
            let mut changes = vec![
                Change::updated(EventType::CaseMerged, &from, &from_after).rebuilding_search(),
                Change::updated(EventType::CaseUpdated, &into, &into_after).rebuilding_search(),
            ];
            changes.extend(relinked.removed.iter().map(|link| Change::new(EventType::CaseLinkDeleted, link)));
            changes.extend(relinked.added.iter().map(|link| Change::new(EventType::CaseLinkCreated, link)));
            self.outbox.record(tx, workspace, caller, &changes).await?;
            let merged = Merged { source: from_after, into: into_after, moved };
            idempotency::finish(tx, claim.as_ref(), &merged).await?;
            Ok::<_, CaseError>(MergeAnswer { merged, replayed: false })
        })
    }
}

/// Checks what can be checked before reading: another case, versions
/// from 1.
fn check(source: CaseId, request: &MergeRequest) -> Result<(), ValidationErrors> {
    let below_one =
        |version: Option<i32>| version.is_some_and(|v| v < 1).then(|| "must be at least 1".to_owned());
    let same = (request.into == source).then(|| "must name another case than the one merged".to_owned());
    let errors = ValidationErrors::collect([
        ("into_case_id", same),
        ("version", below_one(request.version)),
        ("into_version", below_one(request.into_version)),
    ]);
    if errors.errors().is_empty() { Ok(()) } else { Err(errors) }
}

/// Both cases, locked (in id order) and checked: live cases of the
/// workspace, neither merged already, at the versions asked for.
async fn locked_pair(
    tx: &mut DbConn<'_>,
    workspace: WorkspaceId,
    source: CaseId,
    request: &MergeRequest,
) -> Result<(Case, Case), CaseError> {
    let mut from = None;
    let mut into = None;
    for row in cases::lock_many(tx, workspace, &[source, request.into]).await? {
        let case = Case::try_from(row)?;
        if case.id == source { from = Some(case) } else { into = Some(case) }
    }
    let from = from.ok_or(Failure::NotFound("case"))?;
    let into =
        into.ok_or_else(|| ValidationErrors::single("into_case_id", "is not a case of this workspace"))?;
    for case in [&from, &into] {
        if let Some(target) = case.merged_into {
            return Err(Failure::CaseMerged { into: target }.into());
        }
    }
    for (case, wanted) in [(&from, request.version), (&into, request.into_version)] {
        if let Some(given) = wanted.filter(|given| *given != case.version) {
            return Err(Failure::VersionConflict { what: "case", current: case.version, given }.into());
        }
    }
    Ok((from, into))
}

/// The description of the case merged into, with the merged case's
/// appended under a heading; refused when it would be too long.
fn merged_description(from: &Case, into: &Case) -> Result<String, ValidationErrors> {
    let mut text = into.description.trim_end().to_owned();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("## Merged from CASE-{}: {}\n", from.number, from.summary));
    if !from.description.trim().is_empty() {
        text.push('\n');
        text.push_str(from.description.trim_end());
        text.push('\n');
    }
    let length = text.chars().count();
    if length > DESCRIPTION_MAX_CHARS {
        let message = format!(
            "the two descriptions together would be {length} characters, more than {DESCRIPTION_MAX_CHARS}; shorten one first"
        );
        return Err(ValidationErrors::single("into_case_id", message));
    }
    Ok(text)
}

/// The tags of both cases, sorted; refused when there would be too many.
fn merged_tags(from: &Case, into: &Case) -> Result<Vec<String>, ValidationErrors> {
    let mut tags: Vec<String> = into.tags.iter().chain(&from.tags).cloned().collect();
    tags.sort();
    tags.dedup();
    if tags.len() > MAX_TAGS {
        let message = format!("the two cases together would have {} tags, more than {MAX_TAGS}", tags.len());
        return Err(ValidationErrors::single("into_case_id", message));
    }
    Ok(tags)
}

/// Writes `next` over `current` (locked, so at its version) and answers it
/// as stored.
async fn save(tx: &mut DbConn<'_>, current: &Case, next: &Case) -> Result<Case, CaseError> {
    let changes = super::service::changes_between(current, next);
    let row = cases::update(tx, current.id, current.version, changes).await?.ok_or_else(|| {
        Failure::VersionConflict { what: "case", current: current.version + 1, given: current.version }
    })?;
    if current.tags != next.tags {
        cases::replace_tags(tx, current.id, current.workspace_id, &next.tags).await?;
    }
    Ok(Case::try_from(row)?)
}

/// The `merged_into` or `merged_from` event of `case`, naming `other`.
fn merge_event(
    kind: EventKind,
    case: CaseId,
    other: &Case,
    moved: &Moved,
    actor: Actor,
    at: chrono::DateTime<chrono::Utc>,
) -> CaseEvent {
    let data = json!({
        "case_id": other.id.uuid().to_string(),
        "case_number": other.number,
        "comments": moved.comments,
        "attachments": moved.attachments,
        "tasks": moved.tasks,
        "observables": moved.observables,
        "observables_combined": moved.observables_combined,
    });
    CaseEvent::new(case, actor, kind, data, at)
}
