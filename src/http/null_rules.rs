//! Which fields of request bodies refuse `null`. serde reads a `null` as
//! "absent" for an optional field, but the document says the value must be
//! of the field's type; so a `null` where the document does not allow one
//! is refused, at any depth (a template's `defaults`, a batch's `items`).

use std::collections::HashMap;

use serde_json::{Map, Value};

/// Per schema: the fields that refuse `null`, and the fields that hold
/// another schema (directly or as array items) to look into.
#[derive(Debug, Default)]
pub struct NullRules(HashMap<String, Rule>);

#[derive(Debug, Default)]
struct Rule {
    strict: Vec<String>,
    nested: Vec<(String, String)>,
}

/// The schema a property refers to: `$ref`, the first of `allOf`, or the
/// items of an array.
fn referred(property: &Value) -> Option<String> {
    let reference = property["$ref"]
        .as_str()
        .or_else(|| property["allOf"][0]["$ref"].as_str())
        .or_else(|| property["items"]["$ref"].as_str())?;
    reference.rsplit('/').next().map(str::to_owned)
}

impl NullRules {
    /// The rules of every schema of `document`.
    pub fn from_document(document: &Value) -> Self {
        let Some(schemas) = document["components"]["schemas"].as_object() else { return Self::default() };
        let rules = schemas
            .iter()
            .filter_map(|(name, schema)| {
                let properties = schema["properties"].as_object()?;
                let strict = properties
                    .iter()
                    .filter(|(_, property)| property["nullable"] != Value::Bool(true))
                    .map(|(field, _)| field.clone())
                    .collect();
                let nested = properties
                    .iter()
                    .filter_map(|(field, property)| Some((field.clone(), referred(property)?)))
                    .collect();
                Some((name.clone(), Rule { strict, nested }))
            })
            .collect();
        Self(rules)
    }

    /// The path of the first field of `body` (or of an object within it)
    /// that is `null` though its schema, `name`, does not allow it:
    /// `summary`, `defaults.priority`, `items[3].source`.
    pub fn violation(&self, name: &str, body: &Map<String, Value>) -> Option<String> {
        let rule = self.0.get(name)?;
        for (field, value) in body {
            if value.is_null() && rule.strict.contains(field) {
                return Some(field.clone());
            }
            let Some((_, inner)) = rule.nested.iter().find(|(f, _)| f == field) else { continue };
            let found = match value {
                Value::Object(object) => self.violation(inner, object).map(|path| format!("{field}.{path}")),
                Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
                    let path = self.violation(inner, item.as_object()?)?;
                    Some(format!("{field}[{i}].{path}"))
                }),
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }
}
