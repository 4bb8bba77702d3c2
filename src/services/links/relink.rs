//! Linking two cases whatever links them now: a merge links its source as
//! `duplicates` of its target, replacing a link of another type.

use chrono::{DateTime, Utc};

use super::service::{link, load, summary};
use super::{CaseLink, LinkError, NewLink, events};
use crate::ids::{CaseId, WorkspaceId};
use crate::services::cases::CaseEvent;
use crate::services::kernel::{Actor, Failure};
use crate::store::case_links;

/// What [`relink`] did: the link it removed, if any, and the link it made,
/// if the cases were not linked so already; with the trail events of both
/// ends for the caller to write.
pub struct Relinked {
    /// The link of another type that was removed.
    pub removed: Option<CaseLink>,
    /// The new link, as `case` sees it.
    pub added: Option<CaseLink>,
    /// `link_removed` and `link_added` events of both cases.
    pub trail: Vec<CaseEvent>,
}

/// Links `case` to `request.case_id` with `request.kind`, first removing
/// a link of another type between the two; leaves a link of that type as
/// it is. In the caller's transaction, after every check of [`link`].
pub(crate) async fn relink(
    tx: &mut crate::store::DbConn<'_>,
    caller: Actor,
    workspace: WorkspaceId,
    case: CaseId,
    request: &NewLink,
    now: DateTime<Utc>,
) -> Result<Relinked, LinkError> {
    let mut relinked = Relinked { removed: None, added: None, trail: Vec::new() };
    let this = summary(tx, workspace, case).await?.ok_or(Failure::NotFound("case"))?;
    if let Some(row) = case_links::between(tx, case, request.case_id).await? {
        let existing = load(tx, workspace, case, row.id).await?;
        if existing.kind == request.kind {
            return Ok(relinked);
        }
        case_links::delete(tx, existing.id).await?;
        let other_side = existing.inverse(this.clone());
        relinked.trail.extend(events::removed(&existing, &other_side, caller, now));
        relinked.removed = Some(existing);
    }
    let added = link(tx, caller, workspace, case, request, now).await?;
    relinked.trail.extend(events::added(&added, &added.inverse(this), caller));
    relinked.added = Some(added);
    Ok(relinked)
}
