//! Case templates as the domain sees them, and their stored form.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ids::{AccountId, TemplateId, WorkspaceId};
use crate::services::cases::{Priority, Severity};
use crate::services::kernel::{Corrupt, Failure};
use crate::store::DbConn;
use crate::store::case_templates::{self, TemplateRow};

/// A recipe for opening a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseTemplate {
    /// Id.
    pub id: TemplateId,
    /// Its workspace.
    pub workspace_id: WorkspaceId,
    /// Its name, unique in the workspace regardless of case.
    pub name: String,
    /// What it is for (Markdown).
    pub description: String,
    /// What a case made from it starts with, where the request is silent.
    pub defaults: CaseDefaults,
    /// The tasks a case made from it starts with, in order.
    pub tasks: Vec<TemplateTask>,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Creator.
    pub created_by: AccountId,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// The values a template gives a new case; `None` (or empty) gives nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseDefaults {
    /// Summary.
    #[serde(default)]
    pub summary: Option<String>,
    /// Description (Markdown).
    #[serde(default)]
    pub description: Option<String>,
    /// Priority.
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Severity.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Tags (normalised, sorted).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Custom field values by key, in canonical form.
    #[serde(default)]
    pub custom_fields: BTreeMap<String, Value>,
    /// Seconds from the case's opening to its due time.
    #[serde(default)]
    pub due_in_seconds: Option<i64>,
}

/// A task a template adds to each case made from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateTask {
    /// Title.
    pub title: String,
    /// Description (Markdown).
    #[serde(default)]
    pub description: String,
    /// Seconds from the case's opening to the task's due time.
    #[serde(default)]
    pub due_in_seconds: Option<i64>,
}

/// The time `seconds` after `start`, if any.
pub fn due_after(start: DateTime<Utc>, seconds: Option<i64>) -> Option<DateTime<Utc>> {
    seconds.map(|s| start + Duration::seconds(s))
}

impl CaseTemplate {
    /// The stored form.
    pub fn to_row(&self) -> TemplateRow {
        TemplateRow {
            id: self.id,
            workspace_id: self.workspace_id,
            name: self.name.clone(),
            name_key: name_key(&self.name),
            description: self.description.clone(),
            defaults: defaults_json(&self.defaults),
            tasks: tasks_json(&self.tasks),
            version: self.version,
            created_by: self.created_by,
            created_at: self.created_at.into(),
            updated_at: self.updated_at.into(),
        }
    }
}

/// The key that makes names unique regardless of case.
pub(super) fn name_key(name: &str) -> String {
    name.to_lowercase()
}

/// Defaults as stored.
pub(super) fn defaults_json(defaults: &CaseDefaults) -> String {
    serde_json::to_string(defaults).unwrap_or_else(|_| "{}".into())
}

/// Tasks as stored.
pub(super) fn tasks_json(tasks: &[TemplateTask]) -> String {
    serde_json::to_string(tasks).unwrap_or_else(|_| "[]".into())
}

impl TryFrom<TemplateRow> for CaseTemplate {
    type Error = Corrupt;

    fn try_from(row: TemplateRow) -> Result<Self, Corrupt> {
        let corrupt = |what: &str| Corrupt(format!("template {}: unreadable {what}", row.id));
        Ok(Self {
            id: row.id,
            workspace_id: row.workspace_id,
            defaults: serde_json::from_str(&row.defaults).map_err(|_| corrupt("defaults"))?,
            tasks: serde_json::from_str(&row.tasks).map_err(|_| corrupt("tasks"))?,
            name: row.name,
            description: row.description,
            version: row.version,
            created_by: row.created_by,
            created_at: row.created_at.into(),
            updated_at: row.updated_at.into(),
        })
    }
}

/// Loads a template of `workspace`, if there is one.
pub async fn load(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    id: TemplateId,
) -> Result<Option<CaseTemplate>, Failure> {
    let row = case_templates::find(conn, workspace, id).await?;
    Ok(row.map(CaseTemplate::try_from).transpose()?)
}

/// Removes from every template of `workspace` the default values of the
/// custom field `key` that `keep` refuses (all of them when the field is
/// gone), so templates never hold values no case could take.
pub async fn strip_field(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    key: &str,
    keep: impl Fn(&Value) -> Option<Value>,
    at: DateTime<Utc>,
) -> Result<(), Failure> {
    for row in case_templates::all(conn, workspace).await? {
        let mut template = CaseTemplate::try_from(row)?;
        let Some(value) = template.defaults.custom_fields.remove(key) else { continue };
        if let Some(kept) = keep(&value) {
            if kept == value {
                continue;
            }
            template.defaults.custom_fields.insert(key.to_owned(), kept);
        }
        case_templates::set_defaults(conn, template.id, &defaults_json(&template.defaults), at.into())
            .await?;
    }
    Ok(())
}

impl crate::services::outbox::Subject for CaseTemplate {}
