//! Checking a set of custom field values against the workspace's
//! definitions, as cases (and templates' defaults) are written.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{FieldDefinition, FieldType, check, member_of};
use crate::ids::WorkspaceId;
use crate::services::kernel::{Failure, ensure_assignable};
use crate::services::validation::ValidationErrors;
use crate::store::{DbConn, custom_fields};

/// The workspace's definitions.
pub async fn definitions(
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
pub async fn apply(
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
