//! Parsing what clients send about tasks into valid domain input.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::TaskStatus;
use crate::ids::{AccountId, CaseId};
use crate::services::cases::{AssigneeFilter, Nullable, SortOrder};
use crate::services::pagination::PageRequest;
use crate::services::validation::{self, ValidationErrors};
use crate::store::tasks::TaskPosition;

const TITLE_MAX_CHARS: usize = 200;
const DESCRIPTION_MAX_CHARS: usize = 20_000;

/// A task as a client asks to add it, before any field is checked.
#[derive(Debug, Clone, Default)]
pub struct RawNewTask {
    /// One-line title.
    pub title: String,
    /// Markdown description.
    pub description: Option<String>,
    /// Starting status.
    pub status: Option<TaskStatus>,
    /// Assignee.
    pub assignee_id: Option<AccountId>,
    /// Due time.
    pub due_at: Option<DateTime<Utc>>,
    /// Place in the checklist (default: last).
    pub position: Option<i32>,
}

/// A valid new task.
#[derive(Debug, Clone, Serialize)]
pub struct NewTask {
    /// Trimmed title, 1 to 200 characters.
    pub title: String,
    /// Description, up to 20,000 characters.
    pub description: String,
    /// Initial status (default `todo`).
    pub status: TaskStatus,
    /// Assignee; must be a member (checked by the service).
    pub assignee_id: Option<AccountId>,
    /// Due time.
    pub due_at: Option<DateTime<Utc>>,
    /// Place in the checklist, from 1 (checked against the count by the service).
    pub position: Option<i32>,
}

impl TryFrom<RawNewTask> for NewTask {
    type Error = ValidationErrors;

    fn try_from(raw: RawNewTask) -> Result<Self, ValidationErrors> {
        let RawNewTask { title, description, status, assignee_id, due_at, position } = raw;
        let position_error = position.filter(|p| *p < 1).map(|_| "must be at least 1".to_owned());
        match (
            validation::name(&title, TITLE_MAX_CHARS),
            validation::markdown(description.as_deref().unwrap_or_default(), DESCRIPTION_MAX_CHARS),
            position_error,
            due_at.map(validation::storable_time).transpose(),
        ) {
            (Ok(title), Ok(description), None, Ok(due_at)) => Ok(Self {
                title,
                description,
                status: status.unwrap_or(TaskStatus::Todo),
                assignee_id,
                due_at,
                position,
            }),
            (title, description, position, due_at) => Err(ValidationErrors::collect([
                ("title", title.err()),
                ("description", description.err()),
                ("position", position),
                ("due_at", due_at.err()),
            ])),
        }
    }
}

/// A partial update as a client sends it, before any field is checked.
#[derive(Debug, Clone, Default)]
pub struct RawTaskUpdate {
    /// The version the change is based on.
    pub version: i32,
    /// New title.
    pub title: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New status.
    pub status: Option<TaskStatus>,
    /// New assignee, or unassign.
    pub assignee_id: Nullable<AccountId>,
    /// New due time, or none.
    pub due_at: Nullable<DateTime<Utc>>,
    /// New place in the checklist.
    pub position: Option<i32>,
}

/// A valid partial update of a task.
#[derive(Debug, Clone, Default)]
pub struct TaskUpdate {
    /// The version the change is based on.
    pub version: i32,
    /// New title.
    pub title: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New status.
    pub status: Option<TaskStatus>,
    /// New assignee, or unassign.
    pub assignee_id: Nullable<AccountId>,
    /// New due time, or none.
    pub due_at: Nullable<DateTime<Utc>>,
    /// New place in the checklist, from 1.
    pub position: Option<i32>,
}

impl TryFrom<RawTaskUpdate> for TaskUpdate {
    type Error = ValidationErrors;

    fn try_from(raw: RawTaskUpdate) -> Result<Self, ValidationErrors> {
        let RawTaskUpdate { version, title, description, status, assignee_id, due_at, position } = raw;
        let nothing = title.is_none()
            && description.is_none()
            && status.is_none()
            && assignee_id == Nullable::Absent
            && due_at == Nullable::Absent
            && position.is_none();
        let title = title.as_deref().map(|t| validation::name(t, TITLE_MAX_CHARS)).transpose();
        let description =
            description.as_deref().map(|d| validation::markdown(d, DESCRIPTION_MAX_CHARS)).transpose();
        match (
            (version < 1).then(|| "must be at least 1".to_owned()),
            nothing.then(|| "set at least one field to change".to_owned()),
            title,
            description,
            position.filter(|p| *p < 1).map(|_| "must be at least 1".to_owned()),
            due_at.check(validation::storable_time),
        ) {
            (None, None, Ok(title), Ok(description), None, Ok(due_at)) => {
                Ok(Self { version, title, description, status, assignee_id, due_at, position })
            }
            (version, body, title, description, position, due_at) => Err(ValidationErrors::collect([
                ("version", version),
                ("title", title.err()),
                ("description", description.err()),
                ("position", position),
                ("due_at", due_at.err()),
                ("body", body),
            ])),
        }
    }
}

/// What the workspace task list is sorted by (ties are broken by id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskSort {
    /// Due time; tasks without one come after the others when ascending.
    DueAt,
    /// Creation time.
    CreatedAt,
    /// Last change (with `updated_after`, for incremental sync).
    UpdatedAt,
}

/// A workspace task list request as a client sends it; empty lists mean
/// "no restriction".
#[derive(Debug, Clone, Default)]
pub struct RawTaskQuery {
    /// Only this case's tasks.
    pub case_id: Option<CaseId>,
    /// Any of these statuses.
    pub statuses: Vec<TaskStatus>,
    /// Assigned to any of these (or unassigned).
    pub assignees: Vec<AssigneeFilter>,
    /// Only overdue (true) or only not overdue (false) tasks.
    pub overdue: Option<bool>,
    /// Due before.
    pub due_before: Option<DateTime<Utc>>,
    /// Due at or after.
    pub due_after: Option<DateTime<Utc>>,
    /// Changed (or created) at or after.
    pub updated_after: Option<DateTime<Utc>>,
    /// Sort column.
    pub sort: Option<TaskSort>,
    /// Sort direction.
    pub direction: Option<SortOrder>,
    /// Items per page.
    pub limit: Option<u32>,
    /// Where the previous page ended.
    pub cursor: Option<String>,
}

/// A valid workspace task list request.
#[derive(Debug, Clone)]
pub struct TaskQuery {
    /// Only this case's tasks.
    pub case_id: Option<CaseId>,
    /// Any of these statuses.
    pub statuses: Vec<TaskStatus>,
    /// Assigned to any of these (or unassigned).
    pub assignees: Vec<AssigneeFilter>,
    /// Only overdue (true) or only not overdue (false) tasks.
    pub overdue: Option<bool>,
    /// Due before.
    pub due_before: Option<DateTime<Utc>>,
    /// Due at or after.
    pub due_after: Option<DateTime<Utc>>,
    /// Changed (or created) at or after.
    pub updated_after: Option<DateTime<Utc>>,
    /// Sort column (default: due time).
    pub sort: TaskSort,
    /// Sort direction (default: ascending).
    pub direction: SortOrder,
    /// Which page.
    pub page: PageRequest<TaskPosition>,
}

impl TryFrom<RawTaskQuery> for TaskQuery {
    type Error = ValidationErrors;

    fn try_from(raw: RawTaskQuery) -> Result<Self, ValidationErrors> {
        let range_error = match (raw.due_after, raw.due_before) {
            (Some(after), Some(before)) if after >= before => Some("must be after due_after".to_owned()),
            _ => None,
        };
        match (range_error, PageRequest::parse(raw.limit, raw.cursor.as_deref())) {
            (None, Ok(page)) => Ok(Self {
                case_id: raw.case_id,
                statuses: raw.statuses,
                assignees: raw.assignees,
                overdue: raw.overdue,
                due_before: raw.due_before,
                due_after: raw.due_after,
                updated_after: raw.updated_after,
                sort: raw.sort.unwrap_or(TaskSort::DueAt),
                direction: raw.direction.unwrap_or(SortOrder::Asc),
                page,
            }),
            (range_error, page) => {
                let mut errors = ValidationErrors::collect([("due_before", range_error)]);
                if let Err(page_errors) = page {
                    errors.extend(page_errors);
                }
                Err(errors)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_must_change_something_and_positions_start_at_one() {
        let err = TaskUpdate::try_from(RawTaskUpdate { version: 1, ..RawTaskUpdate::default() })
            .expect_err("empty");
        assert_eq!(err.errors()[0].field, "body");
        let moved = RawTaskUpdate { version: 1, position: Some(0), ..RawTaskUpdate::default() };
        assert_eq!(TaskUpdate::try_from(moved).expect_err("zero").errors()[0].field, "position");
        let undue = RawTaskUpdate { version: 1, due_at: Nullable::Null, ..RawTaskUpdate::default() };
        assert!(TaskUpdate::try_from(undue).is_ok());
    }
}
