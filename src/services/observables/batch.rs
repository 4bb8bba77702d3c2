//! Adding many observables to a case at once (a batch, or an imported
//! list): every valid item is added or found in one transaction, and each
//! item gets its own answer.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use serde::{Deserialize, Serialize};

use super::service::{Correlated, ObservableService, correlate};
use super::{NewObservable, Observable, events, value_key};
use crate::ids::{CaseId, ObservableId, WorkspaceId};
use crate::platform::clock;
use crate::services::cases::CaseEvent;
use crate::services::idempotency::{self, Claim};
use crate::services::kernel::{Actor, Failure, Role, lock_open_case};
use crate::services::outbox::{Change, EventType};
use crate::services::validation::ValidationErrors;
use crate::store::observables;
use crate::store::{DbConn, StoreError, case_events, db_transaction};

/// Most items in one batch.
pub const MAX_BATCH_ITEMS: usize = 1_000;
/// Rows written per statement.
const CHUNK: usize = 500;

/// One item of a batch: a valid new observable, or what is wrong with it.
pub type BatchItem = Result<NewObservable, ValidationErrors>;

/// What became of one item (as kept for an idempotent replay).
#[derive(Debug, Clone, Serialize, Deserialize)]
enum Kept {
    Created(Observable),
    Existing(Observable),
    Invalid(Vec<(String, String)>),
}

/// What became of one item of a batch.
#[derive(Debug, Clone)]
pub enum ItemOutcome {
    /// Added to the case.
    Created(Correlated),
    /// The case had the value already (or an earlier item of the batch
    /// added it): the existing observable, seen again.
    Existing(Correlated),
    /// Not added: each offending field and what is wrong.
    Invalid(Vec<(String, String)>),
}

/// The kind of an [`ItemOutcome`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeKind {
    /// Added.
    Created,
    /// Found.
    Existing,
    /// Refused.
    Invalid,
}

impl ItemOutcome {
    /// Which kind of outcome this is.
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Self::Created(_) => OutcomeKind::Created,
            Self::Existing(_) => OutcomeKind::Existing,
            Self::Invalid(_) => OutcomeKind::Invalid,
        }
    }
}

/// The answer of a batch: one outcome per item, in order.
#[derive(Debug, Clone)]
pub struct BatchAnswer {
    /// The outcomes, in the items' order.
    pub items: Vec<ItemOutcome>,
    /// Whether this repeats an earlier request's answer.
    pub replayed: bool,
}

/// The fingerprint of a batch for its idempotency key.
pub fn fingerprint(items: &[BatchItem]) -> Vec<Result<&NewObservable, Vec<(String, String)>>> {
    items.iter().map(|item| item.as_ref().map_err(problems)).collect()
}

fn problems(errors: &ValidationErrors) -> Vec<(String, String)> {
    errors.errors().iter().map(|e| (e.field.clone(), e.message.clone())).collect()
}

/// Adds `requests` to `case` inside the caller's transaction: each
/// distinct (type, value) once, in order of first appearance, with whether
/// it is new; values the case had are seen again at `now`. Writes the
/// `observable_added` and `observable_seen` events. Works in chunks, so any
/// number of requests stays within every engine's limit on bound values.
pub async fn add_within(
    tx: &mut DbConn<'_>,
    (workspace, case): (WorkspaceId, CaseId),
    requests: &[NewObservable],
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<Vec<(Observable, bool)>, StoreError> {
    let mut fresh: Vec<Observable> = Vec::new();
    let mut keys: HashSet<(&'static str, String)> = HashSet::new();
    for request in requests {
        if keys.insert((request.kind.as_str(), value_key(&request.value))) {
            fresh.push(Observable::new(ObservableId::new(), workspace, case, request, actor, now));
        }
    }
    let mut standing = Vec::with_capacity(fresh.len());
    for chunk in fresh.chunks(CHUNK) {
        observables::insert_all_new(tx, chunk.iter().map(Observable::to_row).collect()).await?;
        let keys: Vec<String> = chunk.iter().map(|o| value_key(&o.value)).collect();
        let stored = observables::find_by_values(tx, case, &keys).await?;
        let mut events = Vec::with_capacity(chunk.len());
        let mut seen_again = Vec::new();
        for new in chunk {
            let key = value_key(&new.value);
            let row = stored
                .iter()
                .find(|row| row.kind == new.kind.as_str() && row.value_key == key)
                .cloned()
                .ok_or(StoreError::Query(diesel::result::Error::NotFound))?;
            let mut observable = Observable::try_from(row).map_err(|corrupt| {
                StoreError::Query(diesel::result::Error::DeserializationError(Box::new(corrupt)))
            })?;
            let created = observable.id == new.id;
            if created {
                events.push(events::added(&observable, actor));
            } else {
                observable.last_seen_at = observable.last_seen_at.max(now);
                seen_again.push(observable.id);
                events.push(events::seen(&observable, actor, now));
            }
            standing.push((observable, created));
        }
        observables::seen_all_at(tx, &seen_again, now.into()).await?;
        case_events::insert(tx, events.iter().map(CaseEvent::to_row).collect()).await?;
    }
    Ok(standing)
}

impl ObservableService {
    /// Adds up to 1,000 observables to a case in one transaction (editors
    /// and admins). Invalid items are reported and skipped; a value the
    /// case has already (or that an earlier item adds) answers the existing
    /// observable, seen again now.
    #[tracing::instrument(skip_all, fields(items = items.len()))]
    pub async fn add_many(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        items: Vec<BatchItem>,
        claim: Option<Claim>,
    ) -> Result<BatchAnswer, Failure> {
        if items.is_empty() || items.len() > MAX_BATCH_ITEMS {
            let message = format!("must hold 1 to {MAX_BATCH_ITEMS} observables");
            return Err(ValidationErrors::single("items", message).into());
        }
        let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
        let conn = &mut scope.db();
        let (kept, replayed, correlated) = db_transaction!(conn, |tx| {
            if let Some(earlier) = idempotency::begin::<Vec<Kept>>(tx, claim.as_ref()).await? {
                let correlated = correlate(tx, workspace, answered(&earlier)).await?;
                return Ok((earlier, true, correlated));
            }
            lock_open_case(tx, workspace, case).await?;
            let now = clock::now();
            let valid: Vec<NewObservable> = items.iter().flatten().cloned().collect();
            let standing = add_within(tx, (workspace, case), &valid, caller, now).await?;
            let slot: HashMap<(&str, String), usize> = standing
                .iter()
                .enumerate()
                .map(|(at, (o, _))| ((o.kind.as_str(), value_key(&o.value)), at))
                .collect();
            let mut first_use = vec![true; standing.len()];
            let mut kept: Vec<Kept> = Vec::with_capacity(items.len());
            for item in &items {
                let request = match item {
                    Err(errors) => {
                        kept.push(Kept::Invalid(problems(errors)));
                        continue;
                    }
                    Ok(request) => request,
                };
                let key = (request.kind.as_str(), value_key(&request.value));
                let at = *slot.get(&key).ok_or(Failure::NotFound("observable"))?;
                let (observable, created) = &standing[at];
                let first = std::mem::replace(&mut first_use[at], false);
                kept.push(match *created && first {
                    true => Kept::Created(observable.clone()),
                    false => Kept::Existing(observable.clone()),
                });
            }
            idempotency::finish(tx, claim.as_ref(), &kept).await?;
            let correlated = correlate(tx, workspace, answered(&kept)).await?;
            let changes: Vec<Change<'_>> = (kept.iter().filter(|k| !matches!(k, Kept::Invalid(_))))
                .zip(&correlated)
                .filter(|(k, _)| matches!(k, Kept::Created(_)))
                .map(|(_, o)| Change::new(EventType::ObservableCreated, o))
                .collect();
            self.outbox.record(tx, workspace, caller, &changes).await?;
            Ok::<_, Failure>((kept, false, correlated))
        })?;
        let mut correlated = correlated.into_iter();
        let items = kept
            .into_iter()
            .map(|k| match k {
                Kept::Created(_) => correlated.next().map(ItemOutcome::Created),
                Kept::Existing(_) => correlated.next().map(ItemOutcome::Existing),
                Kept::Invalid(errors) => Some(ItemOutcome::Invalid(errors)),
            })
            .collect::<Option<Vec<_>>>()
            .ok_or(Failure::NotFound("observable"))?;
        Ok(BatchAnswer { items, replayed })
    }
}

/// The observables a batch answers with, in item order.
fn answered(kept: &[Kept]) -> Vec<Observable> {
    kept.iter()
        .filter_map(|k| match k {
            Kept::Created(o) | Kept::Existing(o) => Some(o.clone()),
            Kept::Invalid(_) => None,
        })
        .collect()
}
