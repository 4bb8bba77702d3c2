//! Case bodies are written straight from serde (`JsonResponse`); these
//! prove serde writes the same bytes as poem-openapi's `ToJSON` would.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use poem_openapi::types::ToJSON;

use serde::Serialize;

use super::wire::{CaseList, CaseStatusWire, CaseView, PriorityWire, SeverityWire};
use crate::http::actor::ActorId;
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{AccountId, CaseId, RecordId, WorkspaceId};
use crate::services::kernel::ActorKind;

/// Asserts that `value` encodes to the same bytes through serde as
/// through poem-openapi's `ToJSON`.
fn assert_same_encoding<T: ToJSON + Serialize>(value: &T) {
    let direct = serde_json::to_string(value).expect("serializes");
    assert_eq!(direct, value.to_json_string(), "serde and ToJSON disagree");
}

fn at(rfc3339: &str) -> Timestamp {
    Timestamp(DateTime::parse_from_rfc3339(rfc3339).expect("valid").with_timezone(&Utc))
}

/// A case whose every optional field is set (`full`) or null, with text
/// that JSON must escape.
fn case(status: CaseStatusWire, priority: PriorityWire, severity: SeverityWire, full: bool) -> CaseView {
    let kind = if full { ActorKind::ServiceAccount } else { ActorKind::Person };
    CaseView {
        id: WireId::new(CaseId::new()),
        workspace_id: WireId::new(WorkspaceId::new()),
        number: i32::MAX,
        key: format!("CASE-{}", i32::MAX),
        summary: "Quotes \" and \\ back\tslash, </script> & ünïcødé 🛡".into(),
        description: "line one\nline two\r\n\u{0001}\u{001f}\u{007f}\u{2028}".into(),
        status,
        priority,
        severity,
        assignee_id: full.then(|| WireId::new(AccountId::new())),
        tags: if full { vec!["phishing".into(), "tier-1".into()] } else { Vec::new() },
        version: 1,
        created_by: ActorId::new(AccountId::from_uuid(Uuid::nil()), kind),
        created_by_kind: kind.into(),
        created_at: at("2026-11-21T10:00:00.123456789+02:00"),
        updated_at: at("1970-01-01T00:00:00Z"),
        resolved_at: full.then(|| at("9999-12-31T23:59:59.999999Z")),
        closed_at: full.then(|| at("2026-11-22T00:00:00.5Z")),
        due_at: full.then(|| at("2026-11-23T00:00:00Z")),
        custom_fields: if full {
            use crate::api::fields::wire::FieldValueWire as F;
            [
                ("a_int", F::Integer(-7)),
                ("b_num", F::Number(2.5)),
                ("c_bool", F::Boolean(true)),
                ("d_text", F::Text("ü \"q\"".into())),
                ("e_opts", F::Options(vec!["x".into(), "y".into()])),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect()
        } else {
            Default::default()
        },
        template_id: full.then(|| WireId::new(crate::ids::TemplateId::new())),
        merged_into: full.then(|| WireId::new(CaseId::new())),
    }
}

#[test]
fn cases_encode_the_same_through_serde_as_through_to_json() {
    use CaseStatusWire as S;
    use PriorityWire as P;
    use SeverityWire as V;
    let statuses = [S::New, S::InProgress, S::OnHold, S::Resolved, S::Closed];
    let priorities = [P::Low, P::Medium, P::High, P::Critical];
    let severities = [V::Informational, V::Low, V::Medium, V::High, V::Critical];
    for (n, status) in statuses.into_iter().enumerate() {
        for priority in priorities {
            for severity in severities {
                assert_same_encoding(&case(status, priority, severity, n % 2 == 0));
                assert_same_encoding(&case(status, priority, severity, n % 2 == 1));
            }
        }
    }
}

#[test]
fn case_pages_encode_the_same_through_serde_as_through_to_json() {
    let items = || {
        vec![
            case(CaseStatusWire::New, PriorityWire::Low, SeverityWire::High, true),
            case(CaseStatusWire::Closed, PriorityWire::Critical, SeverityWire::Low, false),
        ]
    };
    assert_same_encoding(&CaseList { items: items(), next_cursor: Some("opaque/\"cursor\"".into()) });
    assert_same_encoding(&CaseList { items: items(), next_cursor: None });
    assert_same_encoding(&CaseList { items: Vec::new(), next_cursor: None });
}
