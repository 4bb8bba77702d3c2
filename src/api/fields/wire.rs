//! Wire types of custom fields: definitions, and the values cases carry.

use poem_openapi::types::Example;
use poem_openapi::{Object, Union};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::common::wire_enum;
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{FieldId, WorkspaceId};
use crate::services::fields::{FieldDefinition, FieldType};

wire_enum!(
    /// What values a custom field holds, and how a case sends them:
    /// `string` (up to 255 characters), `text` (up to 10,000), `integer`
    /// (a JSON integer within ±(2^53 − 1)), `number` (a JSON number),
    /// `boolean`, `date` (`"YYYY-MM-DD"`), `datetime` (RFC 3339, stored in
    /// UTC), `url` (absolute http or https), `select` (one option, a
    /// string), `multi_select` (an array of distinct options), `member` (a
    /// person's account id, `acct_…`, who is a member).
    FieldTypeWire("CustomFieldType") <=> FieldType {
        /// One line of text.
        String,
        /// Longer text.
        Text,
        /// A whole number.
        Integer,
        /// Any finite number.
        Number,
        /// True or false.
        Boolean,
        /// A calendar date.
        Date,
        /// A point in time.
        Datetime,
        /// A web address.
        Url,
        /// One of the options.
        Select,
        /// Any of the options.
        MultiSelect,
        /// A member of the workspace.
        Member,
    }
);

/// The value of one custom field on a case; its JSON type follows the
/// field's `type` (see `CustomFieldType`).
#[derive(Debug, Clone, PartialEq, Union, Serialize, Deserialize)]
#[oai(rename = "CustomFieldValue")]
#[serde(untagged)]
pub enum FieldValueWire {
    /// `integer` fields.
    Integer(i64),
    /// `number` fields.
    Number(f64),
    /// `boolean` fields.
    Boolean(bool),
    /// `string`, `text`, `date`, `datetime`, `url`, `select` and `member` fields.
    Text(String),
    /// `multi_select` fields.
    Options(Vec<String>),
}

impl FieldValueWire {
    /// The value as JSON.
    pub fn into_json(self) -> Value {
        match self {
            Self::Integer(n) => Value::from(n),
            Self::Number(n) => Value::from(n),
            Self::Boolean(b) => Value::from(b),
            Self::Text(s) => Value::from(s),
            Self::Options(o) => Value::from(o),
        }
    }

    /// A stored canonical value (every stored value has one of these shapes).
    pub fn from_json(value: Value) -> Option<Self> {
        serde_json::from_value(value).ok()
    }
}

/// A custom field definition.
#[derive(Debug, Object)]
#[oai(rename = "CustomField")]
pub struct FieldView {
    /// The field's id.
    pub id: WireId<FieldId>,
    /// Its workspace.
    pub workspace_id: WireId<WorkspaceId>,
    /// The key cases use in `custom_fields` (snake_case; never changes).
    pub key: String,
    /// What people see.
    pub label: String,
    /// Help text.
    pub description: String,
    /// What values it holds (never changes).
    #[oai(rename = "type")]
    pub field_type: FieldTypeWire,
    /// The options of `select` and `multi_select` fields, in order; empty otherwise.
    pub options: Vec<String>,
    /// Whether new cases, and changes that name the field, must give a value.
    pub required: bool,
    /// Raised by one on every change; send it back with `PATCH`.
    pub version: i32,
    /// When it was defined.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

impl From<FieldDefinition> for FieldView {
    fn from(field: FieldDefinition) -> Self {
        Self {
            id: WireId::new(field.id),
            workspace_id: WireId::new(field.workspace_id),
            key: field.key,
            label: field.label,
            description: field.description,
            field_type: field.field_type.into(),
            options: field.options,
            required: field.required,
            version: field.version,
            created_at: field.created_at.into(),
            updated_at: field.updated_at.into(),
        }
    }
}

/// The workspace's custom fields, by key.
#[derive(Debug, Object)]
#[oai(rename = "CustomFieldList")]
pub struct FieldList {
    /// Every field (a workspace has at most a few hundred).
    pub items: Vec<FieldView>,
}

/// A new custom field.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "CreateCustomFieldRequest", example, skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct CreateFieldRequest {
    /// snake_case, 1 to 64 characters, unique in the workspace; cases use it
    /// as the key in `custom_fields`.
    #[oai(validator(min_length = 1, max_length = 64))]
    pub key: String,
    /// What people see, 1 to 100 characters.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub label: String,
    /// Help text, up to 2,000 characters.
    #[oai(validator(max_length = 2000))]
    pub description: Option<String>,
    /// What values it holds.
    #[oai(rename = "type")]
    #[serde(rename = "type")]
    pub field_type: FieldTypeWire,
    /// For `select` and `multi_select` (required there, refused elsewhere):
    /// 1 to 100 distinct options of 1 to 100 characters.
    #[oai(validator(max_items = 100))]
    pub options: Option<Vec<String>>,
    /// Whether every new case must give a value (default false).
    pub required: Option<bool>,
}

impl Example for CreateFieldRequest {
    fn example() -> Self {
        Self {
            key: "business_unit".into(),
            label: "Business unit".into(),
            description: Some("The unit whose assets are affected.".into()),
            field_type: FieldTypeWire::Select,
            options: Some(vec!["finance".into(), "engineering".into(), "sales".into()]),
            required: None,
        }
    }
}

/// A change to a custom field (its key and type never change), with the
/// `version` it is based on.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "UpdateCustomFieldRequest", example, skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct UpdateFieldRequest {
    /// The field's `version` as last read; a stale one answers 409 `VERSION_CONFLICT`.
    #[oai(validator(minimum(value = "1")))]
    pub version: i32,
    /// New label.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub label: Option<String>,
    /// New help text.
    #[oai(validator(max_length = 2000))]
    pub description: Option<String>,
    /// The new options, replacing the old ones. Adding or reordering
    /// touches no case; removing an option that cases hold answers 409
    /// `CUSTOM_FIELD_IN_USE` unless `clear_values` is true.
    #[oai(validator(max_items = 100))]
    pub options: Option<Vec<String>>,
    /// Whether new cases must give a value.
    pub required: Option<bool>,
    /// With removed options: clear them from the cases that hold them (each
    /// such case gets a new version and an audit event). Default false.
    pub clear_values: Option<bool>,
}

impl Example for UpdateFieldRequest {
    fn example() -> Self {
        Self {
            version: 1,
            label: Some("Business unit (owner)".into()),
            description: None,
            options: None,
            required: None,
            clear_values: None,
        }
    }
}
