//! Clearing values from cases when an admin removes options of a field, or
//! the field itself, and asks for the values to go with them. Each case
//! changed gets a new version, an audit event and a `case.updated` event,
//! as any change would.
//! Case templates lose such values from their defaults too, so no template
//! holds a value no case could take.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::{FieldDefinition, FieldError, FieldType, index_entries};
use crate::ids::CaseId;
use crate::services::cases::{Case, CaseEvent, EventKind};
use crate::services::kernel::{Actor, Failure};
use crate::services::outbox::{Change, EventType, Outbox};
use crate::services::templates;
use crate::store::cases::{self, CaseChanges};
use crate::store::field_values::{self, FieldValueRow};
use crate::store::{DbConn, case_events};

/// What to take away: the field's every value, or only these options.
pub(super) enum Removal<'a> {
    /// The whole field is going.
    Field,
    /// These options are going.
    Options(&'a [String]),
}

/// Takes `removal` away from each of `cases`, publishing each one changed
/// through `outbox`.
pub(super) async fn clear(
    tx: &mut DbConn<'_>,
    outbox: &Outbox,
    actor: Actor,
    field: &FieldDefinition,
    removal: &Removal<'_>,
    ids: &[CaseId],
    now: DateTime<Utc>,
) -> Result<(), FieldError> {
    let mut changed = Vec::new();
    for id in ids {
        // Trashed cases too: they may be restored.
        let row = cases::find_any(tx, field.workspace_id, *id).await?.ok_or(Failure::NotFound("case"))?;
        let case = Case::try_from(row)?;
        let old = case.custom_fields.get(&field.key).cloned().unwrap_or(Value::Null);
        let new = remaining(field, removal, &old);
        if new == old {
            continue;
        }
        let mut values = case.custom_fields.clone();
        match &new {
            Value::Null => values.remove(&field.key),
            value => values.insert(field.key.clone(), value.clone()),
        };
        let changes = CaseChanges {
            custom_fields: Some(serde_json::to_string(&values).map_err(Failure::from)?),
            updated_at: Some(now.into()),
            ..CaseChanges::default()
        };
        let Some(updated) = cases::update(tx, case.id, case.version, changes).await? else {
            let current =
                cases::find_any(tx, field.workspace_id, case.id).await?.map_or(0, |row| row.version);
            return Err(Failure::VersionConflict { what: "case", current, given: case.version }.into());
        };
        if let Removal::Options(_) = removal {
            let rows = index_entries(field, &new)
                .into_iter()
                .filter(|_| !new.is_null())
                .map(|(value_key, value_number)| FieldValueRow {
                    case_id: case.id,
                    field_id: field.id,
                    workspace_id: case.workspace_id,
                    created_at: case.created_at.into(),
                    value_key,
                    value_number,
                })
                .collect();
            field_values::replace(tx, case.id, field.id, rows).await?;
        }
        let data = json!({"field": format!("custom_fields.{}", field.key), "old": old, "new": new});
        let event = CaseEvent::new(case.id, actor, EventKind::FieldChanged, data, now);
        case_events::insert(tx, vec![event.to_row()]).await?;
        changed.push(Case::try_from(updated)?);
    }
    let published: Vec<_> = changed.iter().map(|case| Change::new(EventType::CaseUpdated, case)).collect();
    outbox.record(tx, field.workspace_id, actor, &published).await?;
    let keep = |value: &Value| Some(remaining(field, removal, value)).filter(|kept| !kept.is_null());
    templates::strip_field(tx, field.workspace_id, &field.key, keep, now).await?;
    Ok(())
}

/// What is left of `value` after `removal` (null for nothing).
fn remaining(field: &FieldDefinition, removal: &Removal<'_>, value: &Value) -> Value {
    let Removal::Options(removed) = removal else { return Value::Null };
    let gone = |option: &Value| option.as_str().is_some_and(|o| removed.iter().any(|r| r == o));
    match (field.field_type, value) {
        (FieldType::Select, option) if gone(option) => Value::Null,
        (FieldType::MultiSelect, Value::Array(options)) => {
            let kept: Vec<Value> = options.iter().filter(|o| !gone(o)).cloned().collect();
            if kept.is_empty() { Value::Null } else { Value::Array(kept) }
        }
        (_, other) => other.clone(),
    }
}
