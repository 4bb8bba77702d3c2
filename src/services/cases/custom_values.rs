//! A case's custom field values: checked against the workspace's
//! definitions on every create and update, indexed for list filters, and
//! resolved from list filter text.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Case;
use crate::ids::WorkspaceId;
use crate::services::fields::{
    Comparison, FieldDefinition, FieldType, Operand, check, index_entries, member_of, operand,
};
use crate::services::kernel::{Failure, ensure_assignable};
use crate::services::validation::ValidationErrors;
use crate::store::cases::{FieldFilter, FieldTest, Range};
use crate::store::field_values::{self, FieldValueRow};
use crate::store::{DbConn, custom_fields};

/// The workspace's definitions.
pub(super) async fn definitions(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
) -> Result<Vec<FieldDefinition>, Failure> {
    let rows = custom_fields::list(conn, workspace).await?;
    Ok(rows.into_iter().map(FieldDefinition::try_from).collect::<Result<_, _>>()?)
}

/// The values `changes` leave on a case that holds `current`: every value
/// checked against its definition (`null` clears one), every required
/// field present (only those `changes` names, unless `all` is set, as on
/// create), every member a person of the workspace. All problems are
/// reported together, each at `custom_fields.<key>`.
pub(super) async fn apply(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    current: &BTreeMap<String, Value>,
    fields: &[FieldDefinition],
    changes: &BTreeMap<String, Value>,
    all: bool,
) -> Result<BTreeMap<String, Value>, Failure> {
    let mut next = current.clone();
    let mut errors: Vec<(String, String)> = Vec::new();
    for (key, raw) in changes {
        let mut fail = |key: &str, message: String| errors.push((format!("custom_fields.{key}"), message));
        let Some(field) = fields.iter().find(|f| &f.key == key) else {
            fail(key, "is not a custom field of this workspace".into());
            continue;
        };
        if raw.is_null() {
            next.remove(key);
            continue;
        }
        match check(field, raw) {
            Ok(value) => {
                next.insert(key.clone(), value);
            }
            Err(message) => fail(key, message),
        }
    }
    for field in fields.iter().filter(|f| f.required && (all || changes.contains_key(&f.key))) {
        let path = format!("custom_fields.{}", field.key);
        if !next.contains_key(&field.key) && !errors.iter().any(|(failed, _)| *failed == path) {
            errors.push((path, "is required".into()));
        }
    }
    if !errors.is_empty() {
        let errors = errors.iter().map(|(field, message)| (field.as_str(), Some(message.clone())));
        return Err(ValidationErrors::collect(errors).into());
    }
    for (key, value) in &next {
        if current.get(key) == Some(value) {
            continue;
        }
        if let Some(account) = member_of(value).filter(|_| is_member_field(fields, key)) {
            ensure_assignable(conn, workspace, account, &format!("custom_fields.{key}")).await?;
        }
    }
    Ok(next)
}

fn is_member_field(fields: &[FieldDefinition], key: &str) -> bool {
    fields.iter().any(|f| f.key == key && f.field_type == FieldType::Member)
}

/// Writes the index rows of every value that differs between `old` and `new`.
pub(super) async fn index(
    conn: &mut DbConn<'_>,
    fields: &[FieldDefinition],
    old: &BTreeMap<String, Value>,
    new: &Case,
) -> Result<(), Failure> {
    for field in fields {
        let value = new.custom_fields.get(&field.key);
        if old.get(&field.key) == value {
            continue;
        }
        let rows = value
            .map(|value| index_entries(field, value))
            .unwrap_or_default()
            .into_iter()
            .map(|(value_key, value_number)| FieldValueRow {
                case_id: new.id,
                field_id: field.id,
                workspace_id: new.workspace_id,
                created_at: new.created_at.into(),
                value_key,
                value_number,
            })
            .collect();
        field_values::replace(conn, new.id, field.id, rows).await?;
    }
    Ok(())
}

/// Parses list filters (`key=value`, `key>=value`, `key<value`...) against
/// the workspace's definitions.
pub(super) fn filters(
    fields: &[FieldDefinition],
    raw: &[String],
) -> Result<Vec<FieldFilter>, ValidationErrors> {
    let invalid = |message: String| ValidationErrors::single("custom_field", message);
    raw.iter()
        .map(|text| {
            let split = text.find(['=', '<', '>']).ok_or_else(|| {
                invalid(format!("{text:?} is not key=value, key>=value, key>value, key<=value or key<value"))
            })?;
            let (key, rest) = text.split_at(split);
            let (comparison, value) = [
                (">=", Comparison::Ge),
                ("<=", Comparison::Le),
                (">", Comparison::Gt),
                ("<", Comparison::Lt),
                ("=", Comparison::Eq),
            ]
            .into_iter()
            .find_map(|(symbol, comparison)| rest.strip_prefix(symbol).map(|value| (comparison, value)))
            .ok_or_else(|| invalid(format!("{text:?} has no comparison")))?;
            let field = fields
                .iter()
                .find(|f| f.key == key)
                .ok_or_else(|| invalid(format!("{key:?} is not a custom field of this workspace")))?;
            let operand = operand(field, comparison, value).map_err(|m| invalid(format!("{key}: {m}")))?;
            let range = match comparison {
                Comparison::Eq => None,
                Comparison::Ge => Some(Range::Ge),
                Comparison::Gt => Some(Range::Gt),
                Comparison::Le => Some(Range::Le),
                Comparison::Lt => Some(Range::Lt),
            };
            let test = match (range, operand) {
                (None, Operand::Key(key)) => FieldTest::KeyEq(key),
                (None, Operand::Number(n)) => FieldTest::KeyEq(n.to_string()),
                (Some(range), Operand::Key(key)) => FieldTest::Key(range, key),
                (Some(range), Operand::Number(n)) => FieldTest::Number(range, n),
            };
            Ok(FieldFilter { field_id: field.id, test })
        })
        .collect()
}
