//! A case's custom field values: indexed for list filters, and resolved
//! from list filter text. (The fields module checks them.)

use std::collections::BTreeMap;

use serde_json::Value;

use super::Case;
use crate::services::fields::{Comparison, FieldDefinition, Operand, index_entries, operand};
use crate::services::kernel::Failure;
use crate::services::validation::ValidationErrors;
use crate::store::DbConn;
use crate::store::cases::{FieldFilter, FieldTest, Range};
use crate::store::field_values::{self, FieldValueRow};

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
