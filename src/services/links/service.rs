//! The link service: links between cases, checked and recorded.

use std::collections::{HashMap, HashSet};

use super::{CaseLink, LinkError, LinkType, LinkedCaseSummary, NewLink, events};
use crate::ids::{CaseId, LinkId, WorkspaceId};
use crate::platform::clock;
use crate::services::idempotency::{self, Claim, Created};
use crate::services::kernel::{Access, Actor, Failure, Role};
use crate::services::outbox::{Change, EventType, Outbox};
use crate::services::pagination::{Page, PageRequest};
use crate::services::validation::ValidationErrors;
use crate::store::case_links::{self, LinkRow};
use crate::store::{DbConn, StoreError, case_events, db_transaction, workspaces};

/// Links between cases of workspaces.
pub struct LinkService {
    access: Access,
    outbox: Outbox,
}

impl LinkService {
    /// A service whose work starts from `access`'s workspace scope and
    /// whose changes are reported through `outbox`.
    pub fn new(access: Access, outbox: Outbox) -> Self {
        Self { access, outbox }
    }

    /// Links `case` to another case of the workspace (editors and admins).
    #[tracing::instrument(skip_all)]
    pub async fn create(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        request: NewLink,
        claim: Option<Claim>,
    ) -> Result<Created<CaseLink>, LinkError> {
        let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
        let conn = &mut scope.db();
        db_transaction!(conn, |tx| {
            if let Some(earlier) = idempotency::begin::<CaseLink>(tx, claim.as_ref()).await? {
                return Ok(Created { value: earlier, replayed: true });
            }
            let now = clock::now();
            let link = link(tx, caller, workspace, case, &request, now).await?;
            let this = summary(tx, workspace, case).await?.ok_or(Failure::NotFound("case"))?;
            let other_side = link.inverse(this);
            case_events::insert(
                tx,
                events::added(&link, &other_side, caller).iter().map(|e| e.to_row()).collect(),
            )
            .await?;
            self.outbox
                .record(tx, workspace, caller, &[Change::new(EventType::CaseLinkCreated, &link)])
                .await?;
            idempotency::finish(tx, claim.as_ref(), &link).await?;
            Ok::<_, LinkError>(Created::new(link))
        })
    }

    /// A page of a case's links, newest first (any member); links to cases
    /// in the trash are left out.
    pub async fn list(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        page: PageRequest<LinkId>,
    ) -> Result<Page<CaseLink>, LinkError> {
        let mut scope = self.access.writing(caller, workspace, Role::Viewer).await?;
        let conn = &mut scope.db();
        summary(conn, workspace, case).await?.ok_or(Failure::NotFound("case"))?;
        let rows = case_links::list_for_case(conn, workspace, case, page.after, page.fetch()).await?;
        let links = seen_from(conn, workspace, case, rows).await?;
        Ok(Page::from_rows(links, page.limit, |link| link.id))
    }

    /// One link of a case (any member).
    pub async fn get(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        id: LinkId,
    ) -> Result<CaseLink, LinkError> {
        let mut scope = self.access.writing(caller, workspace, Role::Viewer).await?;
        load(&mut scope.db(), workspace, case, id).await
    }

    /// Removes a link (editors and admins), from whichever end.
    #[tracing::instrument(skip_all)]
    pub async fn delete(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        id: LinkId,
    ) -> Result<(), LinkError> {
        let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
        let conn = &mut scope.db();
        db_transaction!(conn, |tx| {
            let link = load(tx, workspace, case, id).await?;
            let this = summary(tx, workspace, case).await?.ok_or(Failure::NotFound("case"))?;
            if !case_links::delete(tx, id).await? {
                return Err(Failure::NotFound("link").into());
            }
            let other_side = link.inverse(this);
            let events = events::removed(&link, &other_side, caller, clock::now());
            case_events::insert(tx, events.iter().map(|e| e.to_row()).collect()).await?;
            self.outbox
                .record(tx, workspace, caller, &[Change::new(EventType::CaseLinkDeleted, &link)])
                .await?;
            Ok::<_, LinkError>(())
        })
    }
}

/// Every link of a live case, newest first, as it sees them (links to
/// cases in the trash left out); for an export.
pub(crate) async fn all_of_case(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    case: CaseId,
) -> Result<Vec<CaseLink>, LinkError> {
    let rows = case_links::list_for_case(conn, workspace, case, None, i64::from(u16::MAX)).await?;
    seen_from(conn, workspace, case, rows).await
}

/// Makes the link `request` asks for from `case`, after every check, in
/// the caller's transaction; for merges and the like as much as for
/// `create`. Writes no events.
pub(crate) async fn link(
    tx: &mut DbConn<'_>,
    caller: Actor,
    workspace: WorkspaceId,
    case: CaseId,
    request: &NewLink,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<CaseLink, LinkError> {
    // One link at a time per workspace, so the cycle check below sees
    // every `parent_of` link there is.
    workspaces::lock(tx, workspace).await?;
    summary(tx, workspace, case).await?.ok_or(Failure::NotFound("case"))?;
    if request.case_id == case {
        return Err(ValidationErrors::single("case_id", "must name another case than the one linked").into());
    }
    let other = summary(tx, workspace, request.case_id)
        .await?
        .ok_or_else(|| ValidationErrors::single("case_id", "is not a case of this workspace"))?;
    if case_links::between(tx, case, other.id).await?.is_some() {
        return Err(LinkError::Exists);
    }
    if let Some((parent, child)) = request.kind.parent_and_child(case, other.id)
        && descends(tx, child, parent).await?
    {
        return Err(LinkError::Cycle);
    }
    let link = CaseLink {
        id: LinkId::new(),
        workspace_id: workspace,
        case_id: case,
        kind: request.kind,
        linked_case: other,
        created_by: caller.id,
        created_by_kind: caller.kind,
        created_at: now,
    };
    match case_links::insert(tx, &link.to_row()).await {
        Err(StoreError::UniqueViolation(_)) => Err(LinkError::Exists),
        other => other.map(|()| link).map_err(Into::into),
    }
}

/// Whether `case` is `ancestor` or lies below it through `parent_of`
/// links; the walk goes down from `ancestor`, one generation per query.
async fn descends(tx: &mut DbConn<'_>, ancestor: CaseId, case: CaseId) -> Result<bool, StoreError> {
    let kinds = (LinkType::ParentOf.as_str(), LinkType::ChildOf.as_str());
    let (mut seen, mut generation) = (HashSet::from([ancestor]), vec![ancestor]);
    while !generation.is_empty() {
        if generation.contains(&case) {
            return Ok(true);
        }
        let below = case_links::linked_below(tx, generation, kinds).await?;
        generation = below.into_iter().filter(|id| seen.insert(*id)).collect();
    }
    Ok(false)
}

/// A live case of the workspace as links show it.
pub(super) async fn summary(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    case: CaseId,
) -> Result<Option<LinkedCaseSummary>, LinkError> {
    let found = case_links::linked_cases(conn, workspace, vec![case]).await?;
    Ok(found.into_iter().next().map(LinkedCaseSummary::try_from).transpose()?)
}

/// Loads a link of a live case whose other end is live too.
pub(super) async fn load(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    case: CaseId,
    id: LinkId,
) -> Result<CaseLink, LinkError> {
    summary(conn, workspace, case).await?.ok_or(Failure::NotFound("case"))?;
    let row = case_links::find(conn, case, id).await?.ok_or(Failure::NotFound("link"))?;
    let links = seen_from(conn, workspace, case, vec![row]).await?;
    Ok(links.into_iter().next().ok_or(Failure::NotFound("link"))?)
}

/// Stored links of `case` as it sees them; those whose other end is not a
/// live case of the workspace are left out.
async fn seen_from(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    case: CaseId,
    rows: Vec<LinkRow>,
) -> Result<Vec<CaseLink>, LinkError> {
    let ids = rows.iter().map(|row| CaseLink::other_end(row, case)).collect();
    let mut linked: HashMap<CaseId, LinkedCaseSummary> = HashMap::new();
    for found in case_links::linked_cases(conn, workspace, ids).await? {
        linked.insert(found.id, found.try_into()?);
    }
    let mut links = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(other) = linked.get(&CaseLink::other_end(&row, case)) {
            links.push(CaseLink::seen_from(row, case, other.clone())?);
        }
    }
    Ok(links)
}
