//! The case audit events of observable changes, written in the same
//! transaction as the change.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::Observable;
use crate::ids::RecordId;
use crate::services::cases::{CaseEvent, EventKind};
use crate::services::kernel::Actor;

fn base(observable: &Observable) -> Value {
    json!({
        "observable_id": observable.id.uuid().to_string(),
        "type": observable.kind.as_str(),
        "value": observable.value,
    })
}

/// `observable_added`.
pub(super) fn added(observable: &Observable, actor: Actor) -> CaseEvent {
    let mut data = base(observable);
    data["tlp"] = json!(observable.tlp.as_str());
    data["is_ioc"] = json!(observable.is_ioc);
    data["source"] = json!(observable.source.as_str());
    CaseEvent::new(observable.case_id, actor, EventKind::ObservableAdded, data, observable.created_at)
}

/// `observable_seen`: added again.
pub(super) fn seen(observable: &Observable, actor: Actor, at: DateTime<Utc>) -> CaseEvent {
    CaseEvent::new(observable.case_id, actor, EventKind::ObservableSeen, base(observable), at)
}

/// One `observable_changed` per field that differs.
pub(super) fn changes(old: &Observable, new: &Observable, actor: Actor) -> Vec<CaseEvent> {
    let id = old.id.uuid().to_string();
    [
        ("description", json!(old.description), json!(new.description)),
        ("tlp", json!(old.tlp.as_str()), json!(new.tlp.as_str())),
        ("is_ioc", json!(old.is_ioc), json!(new.is_ioc)),
        ("sighted", json!(old.sighted), json!(new.sighted)),
        ("tags", json!(old.tags), json!(new.tags)),
    ]
    .into_iter()
    .filter(|(_, before, after)| before != after)
    .map(|(field, before, after)| {
        let data = json!({"observable_id": id, "field": field, "old": before, "new": after});
        CaseEvent::new(new.case_id, actor, EventKind::ObservableChanged, data, new.updated_at)
    })
    .collect()
}

/// `observable_deleted`.
pub(super) fn deleted(observable: &Observable, actor: Actor, at: DateTime<Utc>) -> CaseEvent {
    CaseEvent::new(observable.case_id, actor, EventKind::ObservableDeleted, base(observable), at)
}
