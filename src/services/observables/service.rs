//! The observable service: the facts of cases. Roles are those of cases
//! (viewers read, editors and admins write); every change writes its event
//! in the case's audit trail in the same transaction. Adding a value a case
//! has already answers the existing observable (its `last_seen_at` raised).

use super::{
    NewObservable, Observable, ObservableQuery, ObservableType, ObservableUpdate, events, value_key,
};
use crate::ids::{CaseId, ObservableId, WorkspaceId};
use crate::platform::clock;
use crate::services::cases::CaseEvent;
use crate::services::idempotency::{self, Claim};
use crate::services::kernel::{Access, Actor, Failure, Role, lock_open_case};
use crate::services::outbox::{Change, EventType, Outbox};
use crate::services::pagination::Page;
use crate::store::observables::{self, ObservableChanges, ObservableFilter};
use crate::store::{DbConn, StoreError, case_events, cases, db_transaction};

/// An observable with the number of the workspace's other cases that hold
/// the same value.
#[derive(Debug, Clone)]
pub struct Correlated {
    /// The observable.
    pub observable: Observable,
    /// Other cases of the workspace with the same type and value.
    pub other_cases: i64,
}

/// The answer of an add: the observable, and whether it is new.
#[derive(Debug, Clone)]
pub struct Added {
    /// The observable (new, or the case's existing one).
    pub observable: Correlated,
    /// Whether this add created it.
    pub created: bool,
    /// Whether this repeats an earlier request's answer.
    pub replayed: bool,
}

/// Observables of cases.
pub struct ObservableService {
    pub(super) access: Access,
    pub(super) outbox: Outbox,
}

impl ObservableService {
    /// A service whose work starts from `access`'s workspace scope and
    /// whose changes are reported through `outbox`.
    pub fn new(access: Access, outbox: Outbox) -> Self {
        Self { access, outbox }
    }

    /// Adds an observable to a case (editors and admins). A value the case
    /// has already is not added twice: the existing one is answered, seen
    /// again now.
    #[tracing::instrument(skip_all)]
    pub async fn add(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        request: NewObservable,
        claim: Option<Claim>,
    ) -> Result<Added, Failure> {
        let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
        let conn = &mut scope.db();
        let (observable, created, replayed) = db_transaction!(conn, |tx| {
            if let Some((earlier, created)) =
                idempotency::begin::<(Observable, bool)>(tx, claim.as_ref()).await?
            {
                let earlier = correlate(tx, workspace, vec![earlier]).await?.remove(0);
                return Ok((earlier, created, true));
            }
            lock_open_case(tx, workspace, case).await?;
            let now = clock::now();
            let fresh = Observable::new(ObservableId::new(), workspace, case, &request, caller, now);
            let (stored, created) = observables::insert_or_find(tx, &fresh.to_row()).await?;
            let (observable, event) = if created {
                let event = events::added(&fresh, caller);
                (fresh, event)
            } else {
                let mut existing = Observable::try_from(stored)?;
                observables::seen_at(tx, existing.id, now.into()).await?;
                existing.last_seen_at = existing.last_seen_at.max(now);
                let event = events::seen(&existing, caller, now);
                (existing, event)
            };
            case_events::insert(tx, vec![event.to_row()]).await?;
            idempotency::finish(tx, claim.as_ref(), &(observable.clone(), created)).await?;
            let observable = correlate(tx, workspace, vec![observable]).await?.remove(0);
            let kind = if created { EventType::ObservableCreated } else { EventType::ObservableUpdated };
            self.outbox.record(tx, workspace, caller, &[Change::new(kind, &observable)]).await?;
            Ok::<_, Failure>((observable, created, false))
        })?;
        Ok(Added { observable, created, replayed })
    }

    /// One observable of a case (any member).
    pub async fn get(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        id: ObservableId,
    ) -> Result<Correlated, Failure> {
        let mut scope = self.access.reading(caller, workspace, Role::Viewer).await?;
        let conn = &mut scope.db();
        let observable = load(conn, workspace, case, id).await?;
        Ok(correlate(conn, workspace, vec![observable]).await?.remove(0))
    }

    /// A page of observables, newest first: of one case (`query.case_id`),
    /// or of the whole workspace (any member).
    pub async fn search(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        query: ObservableQuery,
    ) -> Result<Page<Correlated>, Failure> {
        let mut scope = self.access.reading(caller, workspace, Role::Viewer).await?;
        let conn = &mut scope.db();
        if let Some(case) = query.case_id {
            cases::find(conn, workspace, case).await?.ok_or(Failure::NotFound("case"))?;
        }
        let filter = filter_of(&query);
        let rows =
            observables::search(conn, workspace, &filter, query.page.reading(), query.page.fetch()).await?;
        let found = rows.into_iter().map(Observable::try_from).collect::<Result<Vec<_>, _>>()?;
        let page = query.page.page(found, |o| o.id, |o| o.updated_at);
        // An exact lookup whose first page holds every match holds every
        // case with each value: they count themselves, with no second query.
        let whole = query.page.is_first() && page.next_cursor.is_none() && only_values(&query);
        let items = match whole {
            true => counted_among(page.items),
            false => correlate(conn, workspace, page.items).await?,
        };
        Ok(Page { items, next_cursor: page.next_cursor })
    }

    /// Changes an observable's notes, TLP, marks or tags (editors and
    /// admins), conditional on `version`. A request that changes nothing
    /// returns it as it is.
    #[tracing::instrument(skip_all)]
    pub async fn update(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        id: ObservableId,
        update: ObservableUpdate,
    ) -> Result<Correlated, Failure> {
        let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
        let conn = &mut scope.db();
        let observable = db_transaction!(conn, |tx| {
            let current = load(tx, workspace, case, id).await?;
            if current.version != update.version {
                return Err(conflict(current.version, update.version));
            }
            let mut next = current.clone();
            next.description = update.description.clone().unwrap_or(next.description);
            next.tlp = update.tlp.unwrap_or(next.tlp);
            next.is_ioc = update.is_ioc.unwrap_or(next.is_ioc);
            next.sighted = update.sighted.unwrap_or(next.sighted);
            next.tags = update.tags.clone().unwrap_or(next.tags);
            next.updated_at = clock::now();
            let events = events::changes(&current, &next, caller);
            if events.is_empty() {
                return Ok(correlate(tx, workspace, vec![current]).await?.remove(0));
            }
            let row = next.to_row();
            let changes = ObservableChanges {
                description: Some(row.description),
                tlp: Some(row.tlp),
                is_ioc: Some(row.is_ioc),
                sighted: Some(row.sighted),
                tags: Some(row.tags),
                updated_at: Some(row.updated_at),
            };
            let Some(row) = observables::update(tx, id, update.version, changes).await? else {
                return Err(conflict(load(tx, workspace, case, id).await?.version, update.version));
            };
            case_events::insert(tx, events.iter().map(CaseEvent::to_row).collect()).await?;
            let observable = correlate(tx, workspace, vec![Observable::try_from(row)?]).await?.remove(0);
            let before = Correlated { observable: current, other_cases: observable.other_cases };
            let event = Change::updated(EventType::ObservableUpdated, &before, &observable);
            self.outbox.record(tx, workspace, caller, &[event]).await?;
            Ok::<_, Failure>(observable)
        })?;
        Ok(observable)
    }

    /// Deletes an observable (editors and admins).
    #[tracing::instrument(skip_all)]
    pub async fn delete(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        id: ObservableId,
    ) -> Result<(), Failure> {
        let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
        let conn = &mut scope.db();
        db_transaction!(conn, |tx| {
            let observable = load(tx, workspace, case, id).await?;
            observables::delete(tx, case, id).await?;
            case_events::insert(tx, vec![events::deleted(&observable, caller, clock::now()).to_row()])
                .await?;
            let gone = correlate(tx, workspace, vec![observable]).await?.remove(0);
            self.outbox
                .record(tx, workspace, caller, &[Change::new(EventType::ObservableDeleted, &gone)])
                .await?;
            Ok::<_, Failure>(())
        })
    }
}

fn filter_of(query: &ObservableQuery) -> ObservableFilter {
    // A value narrows the types to those that take it (one entry each).
    let kinds: Vec<String> = match query.values.is_empty() {
        true => query.kinds.iter().map(|k| k.as_str().to_owned()).collect(),
        false => query.values.iter().map(|(k, _)| k.as_str().to_owned()).collect(),
    };
    let like = |text: &str| text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    ObservableFilter {
        kinds,
        value_keys: query.values.iter().map(|(_, value)| value_key(value)).collect(),
        value_like: query.value_prefix.as_deref().map(|p| format!("{}%", like(p))),
        is_ioc: query.is_ioc,
        tlps: query.tlps.iter().map(|t| t.as_str().to_owned()).collect(),
        tag_like: query.tag.as_deref().map(|t| format!("%{}%", like(&serde_json::json!(t).to_string()))),
        case_id: query.case_id,
    }
}

/// Whether only types and exact values narrow a search (so its matches of
/// a value are every case holding it).
fn only_values(query: &ObservableQuery) -> bool {
    !query.values.is_empty()
        && query.value_prefix.is_none()
        && query.is_ioc.is_none()
        && query.tlps.is_empty()
        && query.tag.is_none()
        && query.case_id.is_none()
}

/// Each observable with the count of the others among `found` holding the
/// same type and value (when `found` is every holder of its values).
fn counted_among(found: Vec<Observable>) -> Vec<Correlated> {
    let keys: Vec<(ObservableType, String)> = found.iter().map(|o| (o.kind, value_key(&o.value))).collect();
    found
        .into_iter()
        .zip(&keys)
        .map(|(observable, key)| {
            let holders = keys.iter().filter(|k| *k == key).count() as i64;
            Correlated { observable, other_cases: holders - 1 }
        })
        .collect()
}

/// Each observable with the count of the workspace's other cases holding
/// its value: an observable as the API shows it.
pub async fn correlate(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    found: Vec<Observable>,
) -> Result<Vec<Correlated>, StoreError> {
    let keys: Vec<(String, String)> =
        found.iter().map(|o| (o.kind.as_str().to_owned(), value_key(&o.value))).collect();
    let counts = observables::case_counts(conn, workspace, &keys).await?;
    Ok(found
        .into_iter()
        .zip(keys)
        .map(|(observable, (kind, key))| {
            let holders = counts.iter().find(|(k, v, _)| *k == kind && *v == key).map_or(1, |(_, _, n)| *n);
            Correlated { observable, other_cases: (holders - 1).max(0) }
        })
        .collect())
}

async fn load(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    case: CaseId,
    id: ObservableId,
) -> Result<Observable, Failure> {
    cases::find(conn, workspace, case).await?.ok_or(Failure::NotFound("case"))?;
    match observables::find(conn, case, id).await? {
        Some(row) if row.workspace_id == workspace => Ok(row.try_into()?),
        _ => Err(Failure::NotFound("observable")),
    }
}

fn conflict(current: i32, given: i32) -> Failure {
    Failure::VersionConflict { what: "observable", current, given }
}

impl crate::services::outbox::Subject for Correlated {
    fn case_id(&self) -> Option<crate::ids::CaseId> {
        Some(self.observable.case_id)
    }

    fn searched(&self) -> Vec<&str> {
        vec![&self.observable.value]
    }
}
