//! Every field type accepts its valid values in canonical form and refuses
//! each kind of invalid one.

use chrono::Utc;
use serde_json::{Value, json};

use super::*;
use crate::ids::{FieldId, WorkspaceId};

fn field(field_type: FieldType) -> FieldDefinition {
    FieldDefinition {
        id: FieldId::new(),
        workspace_id: WorkspaceId::new(),
        key: "k".into(),
        label: "K".into(),
        description: String::new(),
        field_type,
        options: vec!["low".into(), "high".into(), "crown jewels".into()],
        required: false,
        version: 1,
        created_by: AccountId::new(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

#[track_caller]
fn accepts(field_type: FieldType, raw: Value, canonical: Value) {
    assert_eq!(check(&field(field_type), &raw), Ok(canonical), "{field_type:?} {raw}");
}

#[track_caller]
fn refuses(field_type: FieldType, raw: Value) {
    assert!(check(&field(field_type), &raw).is_err(), "{field_type:?} accepted {raw}");
}

#[test]
fn each_type_accepts_its_values_in_canonical_form() {
    accepts(FieldType::String, json!("Finance"), json!("Finance"));
    accepts(FieldType::String, json!("é".repeat(255)), json!("é".repeat(255)));
    accepts(FieldType::Text, json!("x".repeat(10_000)), json!("x".repeat(10_000)));
    accepts(FieldType::Integer, json!(-42), json!(-42));
    accepts(FieldType::Integer, json!(9_007_199_254_740_991_i64), json!(9_007_199_254_740_991_i64));
    accepts(FieldType::Number, json!(2.5), json!(2.5));
    accepts(FieldType::Number, json!(3), json!(3.0));
    accepts(FieldType::Boolean, json!(false), json!(false));
    accepts(FieldType::Date, json!("2026-02-28"), json!("2026-02-28"));
    accepts(FieldType::Datetime, json!("2026-02-28T10:00:00+02:00"), json!("2026-02-28T08:00:00.000000Z"));
    accepts(
        FieldType::Url,
        json!("https://Tickets.example.com/T-1"),
        json!("https://tickets.example.com/T-1"),
    );
    accepts(FieldType::Select, json!("high"), json!("high"));
    accepts(FieldType::MultiSelect, json!(["crown jewels", "low"]), json!(["low", "crown jewels"]));
    accepts(FieldType::MultiSelect, json!([]), json!([]));
    let id = "acct_0190f5d1c2b37a8e9f00112233445566";
    accepts(FieldType::Member, json!(id), json!(id));
}

#[test]
fn each_type_refuses_each_kind_of_invalid_value() {
    for wrong_shape in [json!(1), json!(true), json!(["a"]), json!({"a": 1})] {
        for text_type in
            [FieldType::String, FieldType::Text, FieldType::Date, FieldType::Url, FieldType::Member]
        {
            refuses(text_type, wrong_shape.clone());
        }
    }
    refuses(FieldType::String, json!(""));
    refuses(FieldType::String, json!("x".repeat(256)));
    refuses(FieldType::Text, json!("x".repeat(10_001)));
    refuses(FieldType::Integer, json!(1.5));
    refuses(FieldType::Integer, json!("1"));
    refuses(FieldType::Integer, json!(9_007_199_254_740_992_i64));
    refuses(FieldType::Number, json!("2.5"));
    refuses(FieldType::Boolean, json!("true"));
    refuses(FieldType::Boolean, json!(1));
    refuses(FieldType::Date, json!("2026-02-30"));
    refuses(FieldType::Date, json!("28/02/2026"));
    refuses(FieldType::Datetime, json!("2026-02-28 10:00"));
    refuses(FieldType::Url, json!("ftp://example.com/x"));
    refuses(FieldType::Url, json!("/relative/path"));
    refuses(FieldType::Url, json!("not a url"));
    refuses(FieldType::Select, json!("medium"));
    refuses(FieldType::Select, json!(["low"]));
    refuses(FieldType::MultiSelect, json!("low"));
    refuses(FieldType::MultiSelect, json!(["low", "low"]));
    refuses(FieldType::MultiSelect, json!(["low", "medium"]));
    refuses(FieldType::Member, json!("acct_123"));
    refuses(FieldType::Member, json!("svc_0190f5d1c2b37a8e9f00112233445566"));
}

#[test]
fn index_keys_and_filter_operands_agree() {
    let select = field(FieldType::MultiSelect);
    let entries = index_entries(&select, &json!(["low", "high"]));
    assert_eq!(entries, [("low".to_owned(), None), ("high".to_owned(), None)]);
    assert_eq!(operand(&select, Comparison::Eq, "high"), Ok(Operand::Key("high".into())));
    assert!(operand(&select, Comparison::Ge, "high").is_err());

    let number = field(FieldType::Number);
    assert_eq!(index_entries(&number, &json!(3.0)), [("3.0".to_owned(), Some(3.0))]);
    assert_eq!(operand(&number, Comparison::Eq, "3"), Ok(Operand::Key("3.0".into())));
    assert_eq!(operand(&number, Comparison::Lt, "10"), Ok(Operand::Number(10.0)));
    let integer = field(FieldType::Integer);
    assert_eq!(index_entries(&integer, &json!(7)), [("7".to_owned(), Some(7.0))]);
    assert_eq!(operand(&integer, Comparison::Eq, "7"), Ok(Operand::Key("7".into())));

    let when = field(FieldType::Datetime);
    let stored = check(&when, &json!("2026-01-01T00:00:00Z")).expect("valid");
    let (key, _) = index_entries(&when, &stored).remove(0);
    assert_eq!(operand(&when, Comparison::Ge, "2026-01-01T01:00:00+01:00"), Ok(Operand::Key(key)));

    let long = field(FieldType::Text);
    let (key, _) = index_entries(&long, &json!("y".repeat(500))).remove(0);
    assert!(key.starts_with("sha256:") && key.len() == 71, "{key}");
    assert_eq!(operand(&long, Comparison::Eq, &"y".repeat(500)), Ok(Operand::Key(key)));
    assert_eq!(operand(&field(FieldType::Boolean), Comparison::Eq, "true"), Ok(Operand::Key("true".into())));
}
