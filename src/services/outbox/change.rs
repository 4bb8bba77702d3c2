//! One change to report: its event type, the resource as it is now, and,
//! for an update, the resource as it was, from which the changed fields
//! are worked out.

use std::any::Any;

use serde_json::{Map, Value, json};

use super::EventType;
use crate::ids::CaseId;
use crate::services::search::Edit;

/// A resource that events can concern.
pub trait Subject: Any + Send + Sync {
    /// The case it belongs to, if any (a case is its own).
    fn case_id(&self) -> Option<CaseId> {
        None
    }

    /// The text it adds to its case's search text (see
    /// [`crate::services::search`]), if any.
    fn searched(&self) -> Vec<&str> {
        Vec::new()
    }
}

/// One change to report.
pub struct Change<'a> {
    pub(super) kind: EventType,
    pub(super) resource: &'a (dyn Any + Send + Sync),
    pub(super) before: Option<&'a (dyn Any + Send + Sync)>,
    pub(super) case_id: Option<CaseId>,
    pub(super) search: Option<Edit<'a>>,
}

impl<'a> Change<'a> {
    /// `resource` underwent `kind`.
    pub fn new<T: Subject>(kind: EventType, resource: &'a T) -> Self {
        let parts = resource.searched();
        let action = kind.as_str().rsplit('.').next().unwrap_or_default();
        let search = match (kind, action) {
            _ if parts.is_empty() => None,
            (EventType::CaseCreated, _) => Some(Edit::Start(parts)),
            // A trashed case keeps its search text (lists leave it out).
            (EventType::CaseDeleted, _) => None,
            (_, "created") => Some(Edit::Append(parts)),
            (_, "deleted") => Some(Edit::Rebuild),
            _ => None,
        };
        Self { kind, resource, before: None, case_id: resource.case_id(), search }
    }

    /// `before` became `after` (an update): the event lists the fields
    /// that differ, with their old and new values.
    pub fn updated<T: Subject>(kind: EventType, before: &'a T, after: &'a T) -> Self {
        let search = (before.searched() != after.searched()).then_some(Edit::Rebuild);
        Self { before: Some(before), search, ..Self::new(kind, after) }
    }
}

impl Change<'_> {
    /// Also rebuilds the search text of the resource's case, whose
    /// comments, tasks or observables came or went (a merge).
    pub fn rebuilding_search(self) -> Self {
        Self { search: Some(Edit::Rebuild), ..self }
    }
}

/// Fields that change with every update and say nothing about it.
const BOOKKEEPING: [&str; 2] = ["version", "updated_at"];

/// The fields of `after` (a rendered resource) whose values differ from
/// `before`'s, as `{field, old, new}` objects in field order; a field of an
/// object field (custom fields, settings) is named with a dot
/// (`custom_fields.team`).
pub fn changed_fields(before: &Value, after: &Value) -> Value {
    let mut changes = Vec::new();
    if let (Value::Object(old), Value::Object(new)) = (before, after) {
        collect(&mut changes, "", old, new);
    }
    Value::Array(changes)
}

fn collect(changes: &mut Vec<Value>, prefix: &str, old: &Map<String, Value>, new: &Map<String, Value>) {
    let keys = new.keys().chain(old.keys().filter(|key| !new.contains_key(*key)));
    for key in keys {
        if prefix.is_empty() && BOOKKEEPING.contains(&key.as_str()) {
            continue;
        }
        let (was, is) = (old.get(key).unwrap_or(&Value::Null), new.get(key).unwrap_or(&Value::Null));
        if was == is {
            continue;
        }
        let field = format!("{prefix}{key}");
        match (was, is) {
            (Value::Object(was), Value::Object(is)) if prefix.is_empty() => {
                collect(changes, &format!("{field}."), was, is);
            }
            _ => changes.push(json!({ "field": field, "old": was, "new": is })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changed_fields_are_listed_with_nested_objects_by_dotted_name() {
        let before = json!({
            "id": "cas_1", "status": "open", "tags": ["a"], "version": 1, "updated_at": "t1",
            "custom_fields": { "team": "red", "score": 3 }, "due_at": null
        });
        let after = json!({
            "id": "cas_1", "status": "closed", "tags": ["a", "b"], "version": 2, "updated_at": "t2",
            "custom_fields": { "team": "blue", "score": 3, "new": true }, "due_at": null
        });
        assert_eq!(
            changed_fields(&before, &after),
            json!([
                { "field": "status", "old": "open", "new": "closed" },
                { "field": "tags", "old": ["a"], "new": ["a", "b"] },
                { "field": "custom_fields.team", "old": "red", "new": "blue" },
                { "field": "custom_fields.new", "old": null, "new": true },
            ])
        );
    }

    #[test]
    fn a_field_that_disappears_is_listed_and_identical_values_give_nothing() {
        let before = json!({ "a": 1, "gone": { "x": 1 } });
        assert_eq!(
            changed_fields(&before, &json!({ "a": 1 })),
            json!([{ "field": "gone", "old": { "x": 1 }, "new": null }])
        );
        assert_eq!(changed_fields(&before, &before), json!([]));
        assert_eq!(changed_fields(&json!(null), &before), json!([]));
    }
}
