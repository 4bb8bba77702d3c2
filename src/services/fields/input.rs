//! Parsing what clients send about custom field definitions.

use serde::Serialize;

use super::FieldType;
use crate::services::validation::{self, ValidationErrors};

const KEY_MAX_CHARS: usize = 64;
const LABEL_MAX_CHARS: usize = 100;
const DESCRIPTION_MAX_CHARS: usize = 2_000;
const MAX_OPTIONS: usize = 100;
const OPTION_MAX_CHARS: usize = 100;

/// A valid new definition.
#[derive(Debug, Clone, Serialize)]
pub struct NewField {
    /// snake_case key.
    pub key: String,
    /// Label.
    pub label: String,
    /// Help text.
    pub description: String,
    /// Type.
    pub field_type: FieldType,
    /// Options (select kinds only).
    pub options: Vec<String>,
    /// Whether cases must have a value.
    pub required: bool,
}

impl NewField {
    /// Checks every field, reporting all invalid ones.
    pub fn parse(
        key: &str,
        label: &str,
        description: Option<&str>,
        field_type: FieldType,
        options: Option<Vec<String>>,
        required: Option<bool>,
    ) -> Result<Self, ValidationErrors> {
        let options = options.unwrap_or_default();
        let options_error = match (field_type.has_options(), options.is_empty()) {
            (true, true) => Some("a select field needs at least one option".to_owned()),
            (false, false) => Some(format!("only select fields have options, not {}", field_type.as_str())),
            _ => parse_options(&options).err(),
        };
        match (
            parse_key(key),
            validation::name(label, LABEL_MAX_CHARS),
            validation::free_text(description.unwrap_or_default(), DESCRIPTION_MAX_CHARS),
            options_error,
        ) {
            (Ok(key), Ok(label), Ok(description), None) => {
                Ok(Self { key, label, description, field_type, options, required: required.unwrap_or(false) })
            }
            (key, label, description, options) => Err(ValidationErrors::collect([
                ("key", key.err()),
                ("label", label.err()),
                ("description", description.err()),
                ("options", options),
            ])),
        }
    }
}

/// A valid change to a definition (its key and type never change).
#[derive(Debug, Clone, Default)]
pub struct FieldUpdate {
    /// The version it is based on.
    pub version: i32,
    /// New label.
    pub label: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// The new options, replacing the old ones.
    pub options: Option<Vec<String>>,
    /// New requirement.
    pub required: Option<bool>,
    /// Clear the values of removed options from cases instead of refusing.
    pub clear_values: bool,
}

impl FieldUpdate {
    /// Checks a change; at least one field must be given.
    pub fn parse(
        version: i32,
        label: Option<&str>,
        description: Option<&str>,
        options: Option<Vec<String>>,
        required: Option<bool>,
        clear_values: bool,
    ) -> Result<Self, ValidationErrors> {
        let nothing = label.is_none() && description.is_none() && options.is_none() && required.is_none();
        let label = label.map(|l| validation::name(l, LABEL_MAX_CHARS)).transpose();
        let description = description.map(|d| validation::free_text(d, DESCRIPTION_MAX_CHARS)).transpose();
        let options_error = options.as_deref().and_then(|o| parse_options(o).err());
        match ((version < 1).then(|| "must be at least 1".to_owned()), label, description, options_error) {
            (None, Ok(label), Ok(description), None) if !nothing => {
                Ok(Self { version, label, description, options, required, clear_values })
            }
            (version, label, description, options_error) => Err(ValidationErrors::collect([
                ("version", version),
                ("label", label.err()),
                ("description", description.err()),
                ("options", options_error),
                ("body", nothing.then(|| "set at least one field to change".to_owned())),
            ])),
        }
    }
}

/// snake_case: a lowercase letter, then lowercase letters, digits and `_`.
fn parse_key(raw: &str) -> Result<String, String> {
    let mut chars = raw.chars();
    let starts = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    let rest = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    match raw.len() {
        n if n > KEY_MAX_CHARS => Err(format!("must be at most {KEY_MAX_CHARS} characters")),
        _ if starts && rest => Ok(raw.to_owned()),
        _ => Err("must be snake_case: a lowercase letter, then lowercase letters, digits or _".into()),
    }
}

fn parse_options(options: &[String]) -> Result<(), String> {
    if options.len() > MAX_OPTIONS {
        return Err(format!("must have at most {MAX_OPTIONS} options"));
    }
    for (i, option) in options.iter().enumerate() {
        if option.trim() != option || option.is_empty() || option.chars().count() > OPTION_MAX_CHARS {
            return Err(format!(
                "each option must be 1 to {OPTION_MAX_CHARS} characters, not padded with spaces"
            ));
        }
        if options[..i].contains(option) {
            return Err(format!("the option {option:?} appears twice"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_snake_case_and_options_belong_to_selects() {
        for good in ["business_unit", "a", "ticket2"] {
            assert_eq!(parse_key(good), Ok(good.to_owned()));
        }
        for bad in ["", "Business", "2fa", "with-dash", "_x", "é"] {
            assert!(parse_key(bad).is_err(), "{bad}");
        }
        let select = |options: Vec<&str>| {
            let options = options.into_iter().map(String::from).collect();
            NewField::parse("k", "K", None, FieldType::Select, Some(options), None)
        };
        assert!(select(vec!["a", "b"]).is_ok());
        assert!(select(vec![]).is_err());
        assert!(select(vec!["a", "a"]).is_err());
        assert!(select(vec![" a"]).is_err());
        assert!(NewField::parse("k", "K", None, FieldType::String, Some(vec!["a".into()]), None).is_err());
    }
}
