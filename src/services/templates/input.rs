//! Parsing what clients send about case templates into valid domain input.
//! Custom field values in the defaults are checked by the service, which
//! reads the workspace's definitions.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::{CaseDefaults, TemplateTask};
use crate::services::cases::{DESCRIPTION_MAX_CHARS, Priority, SUMMARY_MAX_CHARS, Severity};
use crate::services::validation::{self, Problems, ValidationErrors};

const NAME_MAX_CHARS: usize = 100;
const TEMPLATE_DESCRIPTION_MAX_CHARS: usize = 2_000;
/// Most tasks in a template.
pub const MAX_TASKS: usize = 100;
const TASK_TITLE_MAX_CHARS: usize = 200;
/// Longest relative due time: ten years of 365 days.
pub const MAX_DUE_IN_SECONDS: i64 = 3_650 * 86_400;

/// Defaults for a case as a client sends them, before any is checked.
#[derive(Debug, Clone, Default)]
pub struct RawCaseDefaults {
    /// Summary.
    pub summary: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Priority.
    pub priority: Option<Priority>,
    /// Severity.
    pub severity: Option<Severity>,
    /// Tags.
    pub tags: Option<Vec<String>>,
    /// Custom field values by key.
    pub custom_fields: BTreeMap<String, Value>,
    /// Seconds from opening to due.
    pub due_in_seconds: Option<i64>,
}

/// A template task as a client sends it.
#[derive(Debug, Clone, Default)]
pub struct RawTemplateTask {
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Seconds from the case's opening to the task's due time.
    pub due_in_seconds: Option<i64>,
}

/// A valid new template (its custom field values still to be checked).
#[derive(Debug, Clone, Serialize)]
pub struct NewTemplate {
    /// Trimmed name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Defaults for cases.
    pub defaults: CaseDefaults,
    /// Tasks for cases.
    pub tasks: Vec<TemplateTask>,
}

/// A valid change of a template: what is given replaces what is there.
#[derive(Debug, Clone)]
pub struct TemplateUpdate {
    /// The version the change is based on.
    pub version: i32,
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New defaults, replacing all the old ones.
    pub defaults: Option<CaseDefaults>,
    /// New tasks, replacing the old list.
    pub tasks: Option<Vec<TemplateTask>>,
}

impl NewTemplate {
    /// Checks every field, reporting all invalid ones.
    pub fn parse(
        name: &str,
        description: Option<&str>,
        defaults: Option<RawCaseDefaults>,
        tasks: Option<Vec<RawTemplateTask>>,
    ) -> Result<Self, ValidationErrors> {
        let mut problems = Problems::default();
        let name = problems.check("name", validation::name(name, NAME_MAX_CHARS));
        let description = problems.check(
            "description",
            validation::markdown(description.unwrap_or_default(), TEMPLATE_DESCRIPTION_MAX_CHARS),
        );
        let defaults = parse_defaults(&mut problems, defaults.unwrap_or_default());
        let tasks = parse_tasks(&mut problems, tasks.unwrap_or_default());
        problems.finish(|| {
            Some(Self { name: name?, description: description?, defaults: defaults?, tasks: tasks? })
        })
    }
}

impl TemplateUpdate {
    /// Checks a change; at least one field must be given.
    pub fn parse(
        version: i32,
        name: Option<&str>,
        description: Option<&str>,
        defaults: Option<RawCaseDefaults>,
        tasks: Option<Vec<RawTemplateTask>>,
    ) -> Result<Self, ValidationErrors> {
        let mut problems = Problems::default();
        if version < 1 {
            problems.push(("version".into(), "must be at least 1".into()));
        }
        if name.is_none() && description.is_none() && defaults.is_none() && tasks.is_none() {
            problems.push(("body".into(), "set at least one field to change".into()));
        }
        let name = name.map(|n| problems.check("name", validation::name(n, NAME_MAX_CHARS)));
        let description = description
            .map(|d| problems.check("description", validation::markdown(d, TEMPLATE_DESCRIPTION_MAX_CHARS)));
        let defaults = defaults.map(|d| parse_defaults(&mut problems, d));
        let tasks = tasks.map(|t| parse_tasks(&mut problems, t));
        problems.finish(|| {
            Some(Self {
                version,
                name: name.map(|n| n.ok_or(())).transpose().ok()?,
                description: description.map(|d| d.ok_or(())).transpose().ok()?,
                defaults: defaults.map(|d| d.ok_or(())).transpose().ok()?,
                tasks: tasks.map(|t| t.ok_or(())).transpose().ok()?,
            })
        })
    }
}

fn due_in(seconds: i64) -> Result<i64, String> {
    match seconds {
        1..=MAX_DUE_IN_SECONDS => Ok(seconds),
        _ => Err(format!("must be from 1 to {MAX_DUE_IN_SECONDS} seconds (3,650 days)")),
    }
}

fn parse_defaults(problems: &mut Problems, raw: RawCaseDefaults) -> Option<CaseDefaults> {
    let summary =
        raw.summary.map(|s| problems.check("defaults.summary", validation::name(&s, SUMMARY_MAX_CHARS)));
    let description = raw
        .description
        .map(|d| problems.check("defaults.description", validation::markdown(&d, DESCRIPTION_MAX_CHARS)));
    let tags = problems.check("defaults.tags", validation::tags(raw.tags.unwrap_or_default()));
    let due = raw.due_in_seconds.map(|s| problems.check("defaults.due_in_seconds", due_in(s)));
    for (key, value) in &raw.custom_fields {
        if value.is_null() {
            problems.push((format!("defaults.custom_fields.{key}"), "must be a value".into()));
        }
    }
    Some(CaseDefaults {
        summary: summary.map(|s| s.ok_or(())).transpose().ok()?,
        description: description.map(|d| d.ok_or(())).transpose().ok()?,
        priority: raw.priority,
        severity: raw.severity,
        tags: tags?,
        custom_fields: raw.custom_fields,
        due_in_seconds: due.map(|d| d.ok_or(())).transpose().ok()?,
    })
}

fn parse_tasks(problems: &mut Problems, raw: Vec<RawTemplateTask>) -> Option<Vec<TemplateTask>> {
    if raw.len() > MAX_TASKS {
        problems.push(("tasks".into(), format!("must have at most {MAX_TASKS} tasks")));
        return None;
    }
    let tasks: Vec<Option<TemplateTask>> = raw
        .into_iter()
        .enumerate()
        .map(|(i, task)| {
            let title = problems
                .check(format!("tasks[{i}].title"), validation::name(&task.title, TASK_TITLE_MAX_CHARS));
            let description = problems.check(
                format!("tasks[{i}].description"),
                validation::markdown(task.description.as_deref().unwrap_or_default(), DESCRIPTION_MAX_CHARS),
            );
            let due =
                task.due_in_seconds.map(|s| problems.check(format!("tasks[{i}].due_in_seconds"), due_in(s)));
            Some(TemplateTask {
                title: title?,
                description: description?,
                due_in_seconds: due.map(|d| d.ok_or(())).transpose().ok()?,
            })
        })
        .collect();
    tasks.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(title: &str, due: Option<i64>) -> RawTemplateTask {
        RawTemplateTask { title: title.into(), description: None, due_in_seconds: due }
    }

    #[test]
    fn every_problem_is_named_by_its_path() {
        let defaults = RawCaseDefaults {
            summary: Some(" ".into()),
            tags: Some(vec!["a".into(), "A".into()]),
            due_in_seconds: Some(0),
            custom_fields: BTreeMap::from([("team".into(), Value::Null)]),
            ..RawCaseDefaults::default()
        };
        let tasks = vec![task("Contain", Some(60)), task("", Some(-1))];
        let err = NewTemplate::parse("", None, Some(defaults), Some(tasks)).expect_err("invalid");
        let fields: Vec<&str> = err.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "defaults.summary",
                "defaults.tags",
                "defaults.due_in_seconds",
                "defaults.custom_fields.team",
                "tasks[1].title",
                "tasks[1].due_in_seconds"
            ]
        );
    }

    #[test]
    fn a_valid_template_is_normalised() {
        let defaults = RawCaseDefaults { tags: Some(vec!["Phish".into()]), ..RawCaseDefaults::default() };
        let parsed =
            NewTemplate::parse(" Phishing ", None, Some(defaults), Some(vec![task(" Triage ", None)]))
                .expect("valid");
        assert_eq!(parsed.name, "Phishing");
        assert_eq!(parsed.defaults.tags, ["phish"]);
        assert_eq!(parsed.tasks[0].title, "Triage");
    }

    #[test]
    fn an_update_must_change_something_and_may_clear_defaults() {
        let err = TemplateUpdate::parse(1, None, None, None, None).expect_err("empty");
        assert_eq!(err.errors()[0].field, "body");
        let cleared = TemplateUpdate::parse(2, None, None, Some(RawCaseDefaults::default()), Some(vec![]))
            .expect("valid");
        assert_eq!(cleared.defaults, Some(CaseDefaults::default()));
        assert_eq!(cleared.tasks, Some(vec![]));
        assert!(
            TemplateUpdate::parse(1, None, None, None, Some((0..101).map(|_| task("t", None)).collect()))
                .is_err()
        );
    }
}
