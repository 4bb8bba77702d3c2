//! The case audit events of link changes: one in each linked case's trail,
//! written in the same transaction as the change.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::CaseLink;
use crate::ids::RecordId;
use crate::services::cases::{CaseEvent, EventKind};
use crate::services::kernel::Actor;

fn event(link: &CaseLink, actor: Actor, kind: EventKind, at: DateTime<Utc>) -> CaseEvent {
    let data = json!({
        "link_id": link.id.uuid().to_string(),
        "type": link.kind.as_str(),
        "case_id": link.linked_case.id.uuid().to_string(),
        "case_number": link.linked_case.number,
    });
    CaseEvent::new(link.case_id, actor, kind, data, at)
}

/// The `link_added` events of a new link, one from each end.
pub(super) fn added(link: &CaseLink, other_side: &CaseLink, actor: Actor) -> Vec<CaseEvent> {
    let at = link.created_at;
    vec![event(link, actor, EventKind::LinkAdded, at), event(other_side, actor, EventKind::LinkAdded, at)]
}

/// The `link_removed` events of a removed link, one from each end.
pub(super) fn removed(
    link: &CaseLink,
    other_side: &CaseLink,
    actor: Actor,
    at: DateTime<Utc>,
) -> Vec<CaseEvent> {
    vec![event(link, actor, EventKind::LinkRemoved, at), event(other_side, actor, EventKind::LinkRemoved, at)]
}
