//! Feed pages are written straight from serde (`JsonResponse`), with each
//! event's resource spliced in as the JSON text stored with it; these
//! prove serde writes the same bytes as poem-openapi's `ToJSON` would.

use chrono::{DateTime, Utc};
use poem_openapi::types::{Any, ToJSON};
use serde_json::json;
use serde_json::value::RawValue;

use super::wire::{
    EventActorKindWire, FieldChangeView, ResourceTypeWire, WorkspaceEventList, WorkspaceEventView,
};
use crate::http::actor::ActorId;
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{AccountId, CaseId, EventId};
use crate::services::kernel::ActorKind;

fn event(full: bool) -> WorkspaceEventView {
    let resource = json!({
        "id": "case_0190f0f0f0f07f0f8f0f0f0f0f0f0f0f",
        "summary": "Quotes \" and \\ back\tslash, </script> & ünïcødé 🛡 \u{2028}",
        "priority": 4,
        "ratio": 2.5,
        "tags": ["phishing"],
        "custom_fields": {"tier": null, "z": {"nested": [1, 2]}},
    });
    let at = DateTime::parse_from_rfc3339("2026-12-07T10:00:00.123456Z").expect("valid").with_timezone(&Utc);
    WorkspaceEventView {
        id: WireId::new(EventId::new()),
        seq: i64::MAX,
        kind: "case.updated".into(),
        created_at: Timestamp(at),
        actor_id: full.then(|| ActorId::new(AccountId::new(), ActorKind::ServiceAccount)),
        actor_kind: if full { EventActorKindWire::ServiceAccount } else { EventActorKindWire::Server },
        resource_type: ResourceTypeWire::Case,
        case_id: full.then(|| WireId::new(CaseId::new())),
        data: Any(RawValue::from_string(resource.to_string()).expect("JSON")),
        changes: full.then(|| {
            vec![FieldChangeView {
                field: "custom_fields.tier".into(),
                old: json!("gold \"1\""),
                new: json!(null),
            }]
        }),
    }
}

#[test]
fn serde_writes_what_to_json_writes() {
    for full in [true, false] {
        let list = WorkspaceEventList {
            items: vec![event(full), event(!full)],
            next_cursor: full.then(|| "abc".into()),
        };
        let direct = serde_json::to_string(&list).expect("serializes");
        assert_eq!(direct, list.to_json_string(), "serde and ToJSON disagree");
    }
}
