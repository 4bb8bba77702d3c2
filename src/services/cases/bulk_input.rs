//! What a bulk update of cases asks for, checked: the cases it names and
//! the one change it makes to each.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Case, CaseStatus, CaseUpdate, Nullable, Priority, Severity};
use crate::ids::{AccountId, CaseId};
use crate::services::validation::{self, MAX_TAGS, ValidationErrors};

/// Most cases one bulk request names.
pub const MAX_BULK_ITEMS: usize = 1_000;

/// One case a bulk request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkTarget {
    /// The case.
    pub case_id: CaseId,
    /// The version the change is based on; without one, the case is
    /// changed at whatever version it is.
    pub version: Option<i32>,
}

/// The change a bulk update makes to every case it names.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BulkChange {
    /// New status.
    pub status: Option<CaseStatus>,
    /// New priority.
    pub priority: Option<Priority>,
    /// New severity.
    pub severity: Option<Severity>,
    /// New assignee, or unassign.
    pub assignee_id: Nullable<AccountId>,
    /// Tags to add (normalised, sorted).
    pub add_tags: Vec<String>,
    /// Tags to remove (normalised, sorted).
    pub remove_tags: Vec<String>,
    /// New due time, or none.
    pub due_at: Nullable<DateTime<Utc>>,
}

/// A checked bulk update.
#[derive(Debug, Clone, Serialize)]
pub struct BulkUpdate {
    /// The cases, each once.
    pub items: Vec<BulkTarget>,
    /// What changes in each.
    pub change: BulkChange,
}

/// A bulk update as a client sends it, before any field is checked.
#[derive(Debug, Clone, Default)]
pub struct RawBulkUpdate {
    /// The cases.
    pub items: Vec<BulkTarget>,
    /// What changes; tags as sent.
    pub change: BulkChange,
}

/// The cases a bulk request names, checked: 1 to 1,000, each once, with
/// versions from 1.
pub fn checked_targets(items: Vec<BulkTarget>) -> Result<Vec<BulkTarget>, ValidationErrors> {
    match targets_error(&items) {
        Some((field, error)) => Err(ValidationErrors::single(&field, error)),
        None => Ok(items),
    }
}

/// The field and what is wrong, if the named cases are not 1 to 1,000
/// distinct cases with versions from 1.
fn targets_error(items: &[BulkTarget]) -> Option<(String, String)> {
    let mut seen = HashSet::new();
    let whole = |message: String| Some(("items".to_owned(), message));
    match items.len() {
        0 => whole("must name at least one case".into()),
        n if n > MAX_BULK_ITEMS => whole(format!("must name at most {MAX_BULK_ITEMS} cases")),
        _ if !items.iter().all(|item| seen.insert(item.case_id)) => whole("must name each case once".into()),
        _ => items
            .iter()
            .position(|item| item.version.is_some_and(|v| v < 1))
            .map(|at| (format!("items[{at}].version"), "must be at least 1".to_owned())),
    }
}

impl TryFrom<RawBulkUpdate> for BulkUpdate {
    type Error = ValidationErrors;

    fn try_from(raw: RawBulkUpdate) -> Result<Self, ValidationErrors> {
        let RawBulkUpdate { items, change } = raw;
        let (items_field, items_error) = targets_error(&items).unzip();
        let add = validation::tags(change.add_tags.clone());
        let remove = validation::tags(change.remove_tags.clone());
        let overlap = match (&add, &remove) {
            (Ok(add), Ok(remove)) => add.iter().find(|tag| remove.contains(tag)).cloned(),
            _ => None,
        };
        let remove = match overlap {
            Some(tag) => Err(format!("the tag {tag:?} is also in add_tags")),
            None => remove,
        };
        let due_at = change.due_at.check(validation::storable_time);
        let empty = change.status.is_none()
            && change.priority.is_none()
            && change.severity.is_none()
            && change.assignee_id == Nullable::Absent
            && change.due_at == Nullable::Absent
            && change.add_tags.is_empty()
            && change.remove_tags.is_empty();
        let changes_error = empty.then(|| "must change at least one field".to_owned());
        match (items_error, changes_error, add, remove, due_at) {
            (None, None, Ok(add_tags), Ok(remove_tags), Ok(due_at)) => {
                Ok(Self { items, change: BulkChange { add_tags, remove_tags, due_at, ..change } })
            }
            (items_error, changes_error, add, remove, due_at) => Err(ValidationErrors::collect([
                (items_field.as_deref().unwrap_or("items"), items_error),
                ("changes", changes_error),
                ("changes.add_tags", add.err()),
                ("changes.remove_tags", remove.err()),
                ("changes.due_at", due_at.err()),
            ])),
        }
    }
}

impl BulkChange {
    /// This change as an update of `case` at its version: its tags with
    /// `add_tags` added and `remove_tags` taken away. Fails when the case
    /// would have too many tags.
    pub(super) fn for_case(&self, case: &Case) -> Result<CaseUpdate, ValidationErrors> {
        let tags = (!self.add_tags.is_empty() || !self.remove_tags.is_empty()).then(|| {
            let mut tags: Vec<String> =
                case.tags.iter().filter(|tag| !self.remove_tags.contains(tag)).cloned().collect();
            tags.extend(self.add_tags.iter().filter(|tag| !case.tags.contains(tag)).cloned());
            tags.sort();
            tags
        });
        if tags.as_ref().is_some_and(|tags| tags.len() > MAX_TAGS) {
            let message = format!("would leave the case with more than {MAX_TAGS} tags");
            return Err(ValidationErrors::single("changes.add_tags", message));
        }
        Ok(CaseUpdate {
            version: case.version,
            summary: None,
            description: None,
            status: self.status,
            priority: self.priority,
            severity: self.severity,
            assignee_id: self.assignee_id,
            tags,
            due_at: self.due_at,
            custom_fields: Default::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(items: Vec<BulkTarget>, change: BulkChange) -> RawBulkUpdate {
        RawBulkUpdate { items, change }
    }

    fn target(version: Option<i32>) -> BulkTarget {
        BulkTarget { case_id: CaseId::new(), version }
    }

    fn fields(result: Result<BulkUpdate, ValidationErrors>) -> Vec<String> {
        result.expect_err("invalid").errors().iter().map(|e| e.field.clone()).collect()
    }

    #[test]
    fn every_bad_part_is_reported() {
        let once = target(None);
        let tags = |t: &[&str]| t.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let change = BulkChange { add_tags: tags(&["A"]), remove_tags: tags(&[" a "]), ..Default::default() };
        assert_eq!(fields(raw(vec![once, once], change).try_into()), ["items", "changes.remove_tags"]);
        assert_eq!(fields(raw(vec![], BulkChange::default()).try_into()), ["items", "changes"]);
        assert_eq!(
            fields(raw(vec![target(Some(0))], BulkChange::default()).try_into()),
            ["items[0].version", "changes"]
        );
        let many: Vec<_> = (0..=MAX_BULK_ITEMS).map(|_| target(None)).collect();
        let close = BulkChange { status: Some(CaseStatus::Closed), ..Default::default() };
        assert_eq!(fields(raw(many, close.clone()).try_into()), ["items"]);
        let ok: BulkUpdate = raw(vec![target(Some(3))], close).try_into().expect("valid");
        assert_eq!(ok.change.status, Some(CaseStatus::Closed));
    }
}
