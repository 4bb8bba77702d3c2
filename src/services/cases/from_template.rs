//! Opening a case from a template: what the request gives wins, the
//! template fills the rest, then the defaults of any case.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{CaseStatus, NewCase, Priority, Severity};
use crate::ids::AccountId;
use crate::services::tasks::FirstTask;
use crate::services::templates::{CaseTemplate, TemplateTask, due_after};
use crate::services::validation::ValidationErrors;

/// A new case with every field decided, but for the times that depend on
/// the moment it is opened.
pub(super) struct Draft {
    pub summary: String,
    pub description: String,
    pub status: CaseStatus,
    pub priority: Priority,
    pub severity: Severity,
    pub assignee_id: Option<AccountId>,
    pub tags: Vec<String>,
    pub due_at: Option<DateTime<Utc>>,
    due_in_seconds: Option<i64>,
    pub custom_fields: BTreeMap<String, Value>,
    tasks: Vec<TemplateTask>,
}

impl Draft {
    /// The case's due time when opened at `now`.
    pub fn due_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.due_at.or_else(|| due_after(now, self.due_in_seconds))
    }

    /// The template's tasks for a case opened at `now`.
    pub fn first_tasks(&self, now: DateTime<Utc>) -> Vec<FirstTask> {
        self.tasks
            .iter()
            .map(|task| FirstTask {
                title: task.title.clone(),
                description: task.description.clone(),
                due_at: due_after(now, task.due_in_seconds),
            })
            .collect()
    }
}

/// `request` with the gaps filled from `template`. Custom field values
/// merge by key (the request's win); other fields are taken whole.
pub(super) fn fill(request: &NewCase, template: Option<&CaseTemplate>) -> Result<Draft, ValidationErrors> {
    let defaults = template.map(|t| t.defaults.clone()).unwrap_or_default();
    let summary =
        request.summary.clone().or(defaults.summary).ok_or_else(|| {
            ValidationErrors::single("summary", "is required: the template gives no summary")
        })?;
    let mut custom_fields = defaults.custom_fields;
    custom_fields.extend(request.custom_fields.clone());
    Ok(Draft {
        summary,
        description: request.description.clone().or(defaults.description).unwrap_or_default(),
        status: request.status,
        priority: request.priority.or(defaults.priority).unwrap_or(Priority::Medium),
        severity: request.severity.or(defaults.severity).unwrap_or(Severity::Medium),
        assignee_id: request.assignee_id,
        tags: request.tags.clone().unwrap_or(defaults.tags),
        due_at: request.due_at,
        due_in_seconds: defaults.due_in_seconds,
        custom_fields,
        tasks: template.map(|t| t.tasks.clone()).unwrap_or_default(),
    })
}
