//! Custom field definitions: a workspace's own facts about its cases.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, FieldId, WorkspaceId};
use crate::services::cases::ranked_enum;
use crate::services::kernel::Corrupt;
use crate::store::custom_fields::FieldRow;

ranked_enum!(
    /// What values a custom field holds.
    FieldType {
        /// One line of text, up to 255 characters.
        String = (1, "string"),
        /// Longer text, up to 10,000 characters.
        Text = (2, "text"),
        /// A whole number within ±(2^53 − 1).
        Integer = (3, "integer"),
        /// A finite number.
        Number = (4, "number"),
        /// True or false.
        Boolean = (5, "boolean"),
        /// A calendar date, `YYYY-MM-DD`.
        Date = (6, "date"),
        /// A point in time, RFC 3339.
        Datetime = (7, "datetime"),
        /// An absolute `http` or `https` URL.
        Url = (8, "url"),
        /// One of the field's options.
        Select = (9, "select"),
        /// Any of the field's options, each at most once.
        MultiSelect = (10, "multi_select"),
        /// A person who is a member of the workspace (an account id).
        Member = (11, "member"),
    }
);

impl FieldType {
    /// Whether values of this type come from the field's options.
    pub fn has_options(self) -> bool {
        matches!(self, Self::Select | Self::MultiSelect)
    }

    /// Whether lists filter this type by ranges (`>=`, `<`...) as well as equality.
    pub fn has_ranges(self) -> bool {
        matches!(self, Self::Integer | Self::Number | Self::Date | Self::Datetime)
    }
}

/// A custom field definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDefinition {
    /// Id.
    pub id: FieldId,
    /// Its workspace.
    pub workspace_id: WorkspaceId,
    /// The key cases use: snake_case, unique in the workspace, never changed.
    pub key: String,
    /// What people see.
    pub label: String,
    /// Help text.
    pub description: String,
    /// What values it holds (never changed).
    pub field_type: FieldType,
    /// The options of select and multi-select fields, in order.
    pub options: Vec<String>,
    /// Whether every new or changed case must have a value.
    pub required: bool,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Creator.
    pub created_by: AccountId,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<FieldRow> for FieldDefinition {
    type Error = Corrupt;

    fn try_from(row: FieldRow) -> Result<Self, Corrupt> {
        let corrupt = |what: &str| Corrupt(format!("custom field {}: {what}", row.id));
        let field_type = FieldType::from_name(&row.field_type).ok_or_else(|| corrupt("unknown type"))?;
        let options = serde_json::from_str(&row.options).map_err(|_| corrupt("unreadable options"))?;
        Ok(Self {
            id: row.id,
            workspace_id: row.workspace_id,
            key: row.key,
            label: row.label,
            description: row.description,
            field_type,
            options,
            required: row.required,
            version: row.version,
            created_by: row.created_by,
            created_at: row.created_at.into(),
            updated_at: row.updated_at.into(),
        })
    }
}

impl FieldDefinition {
    /// The stored row of this definition.
    pub(crate) fn to_row(&self) -> FieldRow {
        FieldRow {
            id: self.id,
            workspace_id: self.workspace_id,
            key: self.key.clone(),
            label: self.label.clone(),
            description: self.description.clone(),
            field_type: self.field_type.as_str().to_owned(),
            options: options_json(&self.options),
            required: self.required,
            version: self.version,
            created_by: self.created_by,
            created_at: self.created_at.into(),
            updated_at: self.updated_at.into(),
        }
    }
}

/// Options as stored: a JSON array.
pub(crate) fn options_json(options: &[String]) -> String {
    serde_json::to_string(options).unwrap_or_else(|_| "[]".into())
}

impl crate::services::outbox::Subject for FieldDefinition {}
