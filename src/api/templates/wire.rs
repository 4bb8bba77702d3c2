//! Wire types of case templates.

use std::collections::BTreeMap;

use poem_openapi::Object;
use poem_openapi::types::Example;
use serde::Deserialize;

use crate::api::cases::wire::{PriorityWire, SeverityWire};
use crate::api::fields::wire::FieldValueWire;
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{TemplateId, WorkspaceId};
use crate::services::templates::{
    CaseDefaults, CaseTemplate, RawCaseDefaults, RawTemplateTask, TemplateTask,
};

/// A recipe for opening a case: defaults for its fields and a checklist.
/// `createCase` with `template_id` applies it.
#[derive(Debug, Object)]
#[oai(rename = "CaseTemplate")]
pub struct TemplateView {
    /// The template's id.
    pub id: WireId<TemplateId>,
    /// Its workspace.
    pub workspace_id: WireId<WorkspaceId>,
    /// Its name, unique in the workspace regardless of case.
    pub name: String,
    /// What it is for, in Markdown.
    pub description: String,
    /// What a case opened from it starts with where the request is silent.
    pub defaults: DefaultsWire,
    /// The tasks every case opened from it starts with, in order.
    pub tasks: Vec<TemplateTaskWire>,
    /// Raised by one on every change; send it back with `PATCH`.
    pub version: i32,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// What a case opened from a template starts with. Each field given here
/// is used when the `createCase` request leaves it out; custom field values
/// merge by key (the request's win).
#[derive(Debug, Clone, Default, Object, Deserialize)]
#[oai(rename = "CaseTemplateDefaults", skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct DefaultsWire {
    /// The case's summary, 1 to 200 characters. Without one, `createCase`
    /// must give a summary.
    #[oai(validator(min_length = 1, max_length = 200))]
    pub summary: Option<String>,
    /// The case's description (Markdown, up to 20,000 characters): a
    /// playbook, say.
    #[oai(validator(max_length = 20000))]
    pub description: Option<String>,
    /// The case's priority.
    pub priority: Option<PriorityWire>,
    /// The case's severity.
    pub severity: Option<SeverityWire>,
    /// The case's tags (up to 20, each 1 to 50 characters; lowercased).
    #[oai(validator(max_items = 20))]
    pub tags: Option<Vec<String>>,
    /// Values of the workspace's custom fields, by key, each checked
    /// against its field. Removing a field, or an option, removes it here.
    pub custom_fields: Option<BTreeMap<String, FieldValueWire>>,
    /// The case is due this many seconds after it is opened (1 to
    /// 315,360,000: ten years).
    #[oai(validator(minimum(value = "1"), maximum(value = "315360000")))]
    pub due_in_seconds: Option<i64>,
}

/// A task every case opened from the template starts with (`todo`,
/// unassigned).
#[derive(Debug, Clone, Object, Deserialize)]
#[oai(rename = "CaseTemplateTask", skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct TemplateTaskWire {
    /// Title, 1 to 200 characters.
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: String,
    /// Markdown, up to 20,000 characters.
    #[oai(validator(max_length = 20000))]
    pub description: Option<String>,
    /// The task is due this many seconds after the case is opened (1 to
    /// 315,360,000).
    #[oai(validator(minimum(value = "1"), maximum(value = "315360000")))]
    pub due_in_seconds: Option<i64>,
}

/// A page of case templates, by name.
#[derive(Debug, Object)]
#[oai(rename = "CaseTemplateList")]
pub struct TemplateList {
    /// The templates on this page.
    pub items: Vec<TemplateView>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

crate::http::wire::list_from_page!(TemplateList, CaseTemplate);

/// A new case template.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "CreateCaseTemplateRequest", example, skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct CreateTemplateRequest {
    /// 1 to 100 characters, unique in the workspace regardless of case.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: String,
    /// What it is for: Markdown, up to 2,000 characters.
    #[oai(validator(max_length = 2000))]
    pub description: Option<String>,
    /// Defaults for the case.
    pub defaults: Option<DefaultsWire>,
    /// Up to 100 tasks, in order.
    #[oai(validator(max_items = 100))]
    pub tasks: Option<Vec<TemplateTaskWire>>,
}

impl Example for CreateTemplateRequest {
    fn example() -> Self {
        let task = |title: &str, hours: i64| TemplateTaskWire {
            title: title.into(),
            description: None,
            due_in_seconds: Some(hours * 3600),
        };
        Self {
            name: "Phishing report".into(),
            description: Some("For a reported phishing mail.".into()),
            defaults: Some(DefaultsWire {
                summary: Some("Phishing mail reported".into()),
                priority: Some(PriorityWire::High),
                tags: Some(vec!["phishing".into()]),
                due_in_seconds: Some(86_400),
                ..DefaultsWire::default()
            }),
            tasks: Some(vec![
                task("Collect the headers and the links", 1),
                task("Block the sender and the domains", 4),
                task("Find who else received it", 8),
            ]),
        }
    }
}

/// A change to a case template, with the `version` it is based on. What is
/// given replaces what is there: `defaults` as a whole, `tasks` as a list.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "UpdateCaseTemplateRequest", example, skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct UpdateTemplateRequest {
    /// The template's `version` as last read; a stale one answers 409 `VERSION_CONFLICT`.
    #[oai(validator(minimum(value = "1")))]
    pub version: i32,
    /// New name.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: Option<String>,
    /// New description.
    #[oai(validator(max_length = 2000))]
    pub description: Option<String>,
    /// New defaults, replacing all the old ones (`{}` for none).
    pub defaults: Option<DefaultsWire>,
    /// New tasks, replacing the old list (`[]` for none).
    #[oai(validator(max_items = 100))]
    pub tasks: Option<Vec<TemplateTaskWire>>,
}

impl Example for UpdateTemplateRequest {
    fn example() -> Self {
        Self {
            version: 1,
            name: None,
            description: Some("For a phishing mail reported by staff or by the mail filter.".into()),
            defaults: None,
            tasks: None,
        }
    }
}

impl From<DefaultsWire> for RawCaseDefaults {
    fn from(wire: DefaultsWire) -> Self {
        Self {
            summary: wire.summary,
            description: wire.description,
            priority: wire.priority.map(Into::into),
            severity: wire.severity.map(Into::into),
            tags: wire.tags,
            custom_fields: wire
                .custom_fields
                .unwrap_or_default()
                .into_iter()
                .map(|(key, value)| (key, value.into_json()))
                .collect(),
            due_in_seconds: wire.due_in_seconds,
        }
    }
}

impl From<TemplateTaskWire> for RawTemplateTask {
    fn from(wire: TemplateTaskWire) -> Self {
        Self { title: wire.title, description: wire.description, due_in_seconds: wire.due_in_seconds }
    }
}

/// The tasks as the domain takes them.
pub fn raw_tasks(tasks: Option<Vec<TemplateTaskWire>>) -> Option<Vec<RawTemplateTask>> {
    tasks.map(|tasks| tasks.into_iter().map(Into::into).collect())
}

impl From<CaseDefaults> for DefaultsWire {
    fn from(defaults: CaseDefaults) -> Self {
        Self {
            summary: defaults.summary,
            description: defaults.description,
            priority: defaults.priority.map(Into::into),
            severity: defaults.severity.map(Into::into),
            tags: Some(defaults.tags),
            custom_fields: Some(
                defaults
                    .custom_fields
                    .into_iter()
                    .filter_map(|(key, value)| Some((key, FieldValueWire::from_json(value)?)))
                    .collect(),
            ),
            due_in_seconds: defaults.due_in_seconds,
        }
    }
}

impl From<TemplateTask> for TemplateTaskWire {
    fn from(task: TemplateTask) -> Self {
        Self { title: task.title, description: Some(task.description), due_in_seconds: task.due_in_seconds }
    }
}

impl From<CaseTemplate> for TemplateView {
    fn from(template: CaseTemplate) -> Self {
        Self {
            id: WireId::new(template.id),
            workspace_id: WireId::new(template.workspace_id),
            name: template.name,
            description: template.description,
            defaults: template.defaults.into(),
            tasks: template.tasks.into_iter().map(Into::into).collect(),
            version: template.version,
            created_at: template.created_at.into(),
            updated_at: template.updated_at.into(),
        }
    }
}
