//! Parsing what clients send about cases into valid domain input.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::{CaseStatus, Priority, Severity};
use crate::ids::{AccountId, TemplateId};
use crate::services::validation::{self, ValidationErrors};

/// Longest summary of a case.
pub const SUMMARY_MAX_CHARS: usize = 200;
/// Longest description of a case.
pub const DESCRIPTION_MAX_CHARS: usize = 20_000;

/// A field of a partial update that may be left alone, cleared, or set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Nullable<T> {
    /// Not in the request: leave as it is.
    #[default]
    Absent,
    /// `null`: clear it.
    Null,
    /// A new value.
    Value(T),
}

impl<T: Copy> Nullable<T> {
    /// Checks a value, if one was given.
    pub fn check<E>(self, f: impl FnOnce(T) -> Result<T, E>) -> Result<Self, E> {
        match self {
            Self::Value(value) => f(value).map(Self::Value),
            other => Ok(other),
        }
    }

    /// Sets or clears `field` as this says (leaves it when absent).
    pub fn apply_to(self, field: &mut Option<T>) {
        match self {
            Self::Absent => {}
            Self::Null => *field = None,
            Self::Value(value) => *field = Some(value),
        }
    }
}

/// A new case as asked for, every given field valid. What it leaves out,
/// the template it names (if any) fills, then the defaults (see the case
/// service).
#[derive(Debug, Clone, Serialize)]
pub struct NewCase {
    /// Trimmed summary, 1 to 200 characters; only a template may leave it out.
    pub summary: Option<String>,
    /// Description, up to 20,000 characters.
    pub description: Option<String>,
    /// Initial status (default `new`).
    pub status: CaseStatus,
    /// Priority.
    pub priority: Option<Priority>,
    /// Severity.
    pub severity: Option<Severity>,
    /// Assignee; must be a member (checked by the service).
    pub assignee_id: Option<AccountId>,
    /// Normalised, sorted, distinct tags.
    pub tags: Option<Vec<String>>,
    /// When it is due.
    pub due_at: Option<DateTime<Utc>>,
    /// Custom field values by key, as sent (checked by the service against
    /// the workspace's definitions).
    pub custom_fields: BTreeMap<String, Value>,
    /// The template to open it from.
    pub template_id: Option<TemplateId>,
}

/// A case as a client asks to open it, before any field is checked.
#[derive(Debug, Clone, Default)]
pub struct RawNewCase {
    /// One-line summary.
    pub summary: Option<String>,
    /// Markdown description.
    pub description: Option<String>,
    /// Starting status.
    pub status: Option<CaseStatus>,
    /// Priority.
    pub priority: Option<Priority>,
    /// Severity.
    pub severity: Option<Severity>,
    /// Assignee.
    pub assignee_id: Option<AccountId>,
    /// Tags.
    pub tags: Option<Vec<String>>,
    /// When it is due.
    pub due_at: Option<DateTime<Utc>>,
    /// Custom field values by key.
    pub custom_fields: BTreeMap<String, Value>,
    /// The template to open it from.
    pub template_id: Option<TemplateId>,
}

/// Checks every field, reporting all invalid ones.
impl TryFrom<RawNewCase> for NewCase {
    type Error = ValidationErrors;

    fn try_from(raw: RawNewCase) -> Result<Self, ValidationErrors> {
        let RawNewCase {
            summary,
            description,
            status,
            priority,
            severity,
            assignee_id,
            tags,
            due_at,
            custom_fields,
            template_id,
        } = raw;
        let summary = match (summary, template_id) {
            (Some(summary), _) => validation::name(&summary, SUMMARY_MAX_CHARS).map(Some),
            (None, Some(_)) => Ok(None),
            (None, None) => Err("is required (unless the template named by template_id gives one)".into()),
        };
        match (
            summary,
            description.map(|d| validation::markdown(&d, DESCRIPTION_MAX_CHARS)).transpose(),
            tags.map(validation::tags).transpose(),
            due_at.map(validation::storable_time).transpose(),
        ) {
            (Ok(summary), Ok(description), Ok(tags), Ok(due_at)) => Ok(Self {
                summary,
                description,
                status: status.unwrap_or(CaseStatus::New),
                priority,
                severity,
                assignee_id,
                tags,
                due_at,
                custom_fields,
                template_id,
            }),
            (summary, description, tags, due_at) => Err(ValidationErrors::collect([
                ("summary", summary.err()),
                ("description", description.err()),
                ("tags", tags.err()),
                ("due_at", due_at.err()),
            ])),
        }
    }
}

/// A valid partial update of a case.
#[derive(Debug, Clone, Default)]
pub struct CaseUpdate {
    /// The version the change is based on.
    pub version: i32,
    /// New summary.
    pub summary: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New status.
    pub status: Option<CaseStatus>,
    /// New priority.
    pub priority: Option<Priority>,
    /// New severity.
    pub severity: Option<Severity>,
    /// New assignee, or unassign.
    pub assignee_id: Nullable<AccountId>,
    /// New tags (replacing the old ones).
    pub tags: Option<Vec<String>>,
    /// New due time, or none.
    pub due_at: Nullable<DateTime<Utc>>,
    /// Custom field values to set (`null` clears one); others stay.
    pub custom_fields: BTreeMap<String, Value>,
}

/// A partial update as a client sends it, before any field is checked.
#[derive(Debug, Clone, Default)]
pub struct RawCaseUpdate {
    /// The version the change is based on.
    pub version: i32,
    /// New summary.
    pub summary: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New status.
    pub status: Option<CaseStatus>,
    /// New priority.
    pub priority: Option<Priority>,
    /// New severity.
    pub severity: Option<Severity>,
    /// New assignee, or unassign.
    pub assignee_id: Nullable<AccountId>,
    /// New tags.
    pub tags: Option<Vec<String>>,
    /// New due time, or none.
    pub due_at: Nullable<DateTime<Utc>>,
    /// Custom field values to set (`null` clears one); others stay.
    pub custom_fields: BTreeMap<String, Value>,
}

/// Checks a partial update; at least one field must be given.
impl TryFrom<RawCaseUpdate> for CaseUpdate {
    type Error = ValidationErrors;

    fn try_from(raw: RawCaseUpdate) -> Result<Self, ValidationErrors> {
        let RawCaseUpdate {
            version,
            summary,
            description,
            status,
            priority,
            severity,
            assignee_id,
            tags,
            due_at,
            custom_fields,
        } = raw;
        let (summary, description) = (summary.as_deref(), description.as_deref());
        let nothing = summary.is_none()
            && description.is_none()
            && status.is_none()
            && priority.is_none()
            && severity.is_none()
            && assignee_id == Nullable::Absent
            && tags.is_none()
            && due_at == Nullable::Absent
            && custom_fields.is_empty();
        let version_error = (version < 1).then(|| "must be at least 1".to_owned());
        let body_error = nothing.then(|| "set at least one field to change".to_owned());
        let summary = summary.map(|s| validation::name(s, SUMMARY_MAX_CHARS)).transpose();
        let description = description.map(|d| validation::markdown(d, DESCRIPTION_MAX_CHARS)).transpose();
        let tags = tags.map(validation::tags).transpose();
        let due_at = due_at.check(validation::storable_time);
        match (version_error, body_error, summary, description, tags, due_at) {
            (None, None, Ok(summary), Ok(description), Ok(tags), Ok(due_at)) => Ok(Self {
                version,
                summary,
                description,
                status,
                priority,
                severity,
                assignee_id,
                tags,
                due_at,
                custom_fields,
            }),
            (version_error, body_error, summary, description, tags, due_at) => {
                Err(ValidationErrors::collect([
                    ("version", version_error),
                    ("summary", summary.err()),
                    ("description", description.err()),
                    ("tags", tags.err()),
                    ("due_at", due_at.err()),
                    ("body", body_error),
                ]))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_must_change_something() {
        let err = CaseUpdate::try_from(RawCaseUpdate { version: 1, ..RawCaseUpdate::default() })
            .expect_err("empty");
        assert_eq!(err.errors()[0].field, "body");
        let unassign = RawCaseUpdate { version: 1, assignee_id: Nullable::Null, ..RawCaseUpdate::default() };
        assert!(CaseUpdate::try_from(unassign).is_ok());
    }
}
