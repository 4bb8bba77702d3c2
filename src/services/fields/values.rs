//! Values of custom fields: checking a value against its definition, its
//! canonical form, the keys that index it, and the filters of lists.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::{Number, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{FieldDefinition, FieldType};
use crate::ids::{AccountId, RecordId};
use crate::platform::hex;

const STRING_MAX_CHARS: usize = 255;
const TEXT_MAX_CHARS: usize = 10_000;
const URL_MAX_CHARS: usize = 2_000;
/// Integers beyond this are not exact as JSON numbers in every client.
const INTEGER_LIMIT: i64 = (1 << 53) - 1;
/// Longer index keys are stored as a digest.
const KEY_MAX_CHARS: usize = 200;

/// Checks `raw` against `field`; the value in canonical form, or why not.
/// A member's account is checked to be a member by the caller.
pub fn check(field: &FieldDefinition, raw: &Value) -> Result<Value, String> {
    let text = || raw.as_str().ok_or_else(|| "must be a string".to_owned());
    match field.field_type {
        FieldType::String => bounded(text()?, STRING_MAX_CHARS).map(Value::from),
        FieldType::Text => bounded(text()?, TEXT_MAX_CHARS).map(Value::from),
        FieldType::Integer => match raw.as_i64() {
            Some(n) if n.abs() <= INTEGER_LIMIT => Ok(Value::from(n)),
            Some(_) => Err(format!("must be within ±{INTEGER_LIMIT}")),
            None => Err("must be a whole number".into()),
        },
        FieldType::Number => match raw.as_f64().and_then(Number::from_f64) {
            Some(n) if raw.is_number() => Ok(Value::Number(n)),
            _ => Err("must be a number".into()),
        },
        FieldType::Boolean => raw.as_bool().map(Value::from).ok_or_else(|| "must be true or false".into()),
        FieldType::Date => date(text()?).map(Value::from),
        FieldType::Datetime => datetime(text()?).map(Value::from),
        FieldType::Url => url(text()?).map(Value::from),
        FieldType::Select => option(field, text()?).map(Value::from),
        FieldType::MultiSelect => {
            let items = raw.as_array().ok_or_else(|| "must be an array of options".to_owned())?;
            let mut chosen = Vec::with_capacity(items.len());
            for item in items {
                let choice =
                    option(field, item.as_str().ok_or_else(|| "must be an array of options".to_owned())?)?;
                if chosen.contains(&choice) {
                    return Err(format!("names {choice:?} twice"));
                }
                chosen.push(choice);
            }
            chosen.sort_by_key(|c| field.options.iter().position(|o| o == c));
            Ok(Value::from(chosen))
        }
        FieldType::Member => member(text()?).map(|id| Value::from(member_text(id))),
    }
}

/// The account a canonical member value names.
pub fn member_of(value: &Value) -> Option<AccountId> {
    member(value.as_str()?).ok()
}

/// The index entries of a canonical value: the key equality compares and
/// the number ranges compare (one entry per option of a multi-select).
pub fn index_entries(field: &FieldDefinition, value: &Value) -> Vec<(String, Option<f64>)> {
    match (field.field_type, value) {
        (FieldType::MultiSelect, Value::Array(items)) => {
            items.iter().filter_map(Value::as_str).map(|o| (key_of(o), None)).collect()
        }
        (FieldType::Integer | FieldType::Number, Value::Number(n)) => {
            vec![(key_of(&n.to_string()), n.as_f64())]
        }
        (_, Value::String(s)) => vec![(key_of(s), None)],
        (_, other) => vec![(key_of(&other.to_string()), None)],
    }
}

/// How a list filter compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// Equal (for multi-selects: has the option).
    Eq,
    /// Greater than or equal.
    Ge,
    /// Greater than.
    Gt,
    /// Less than or equal.
    Le,
    /// Less than.
    Lt,
}

/// A parsed operand of a list filter on one field.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// Compare index keys (equality; ranges of dates and times).
    Key(String),
    /// Compare numbers.
    Number(f64),
}

/// Parses the text operand of a filter on `field` into what the index compares.
pub fn operand(field: &FieldDefinition, comparison: Comparison, raw: &str) -> Result<Operand, String> {
    if comparison != Comparison::Eq && !field.field_type.has_ranges() {
        return Err(format!("{} fields are filtered by equality only", field.field_type.as_str()));
    }
    let value = match field.field_type {
        FieldType::Integer if comparison == Comparison::Eq => {
            Value::from(raw.parse::<i64>().map_err(|_| "must be a whole number".to_owned())?)
        }
        FieldType::Integer | FieldType::Number => {
            let number: f64 = raw.parse().map_err(|_| "must be a number".to_owned())?;
            Value::Number(Number::from_f64(number).ok_or_else(|| "must be a finite number".to_owned())?)
        }
        FieldType::Boolean => Value::Bool(raw.parse().map_err(|_| "must be true or false".to_owned())?),
        FieldType::MultiSelect => Value::from(option(field, raw)?),
        _ => check(field, &Value::from(raw))?,
    };
    if comparison != Comparison::Eq
        && let Value::Number(n) = &value
    {
        return Ok(Operand::Number(n.as_f64().unwrap_or_default()));
    }
    let (key, _) = index_entries(field, &value).into_iter().next().unwrap_or_default();
    Ok(Operand::Key(key))
}

fn key_of(canonical: &str) -> String {
    if canonical.chars().count() <= KEY_MAX_CHARS {
        return canonical.to_owned();
    }
    format!("sha256:{}", hex::lower(&Sha256::digest(canonical.as_bytes())))
}

fn bounded(text: &str, max: usize) -> Result<&str, String> {
    match text.chars().count() {
        0 => Err("must not be empty (send null to clear it)".into()),
        n if n > max => Err(format!("must be at most {max} characters")),
        _ => Ok(text),
    }
}

fn date(text: &str) -> Result<String, String> {
    let day =
        NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| "must be a date, YYYY-MM-DD".to_owned())?;
    Ok(day.format("%Y-%m-%d").to_string())
}

fn datetime(text: &str) -> Result<String, String> {
    let time = DateTime::parse_from_rfc3339(text).map_err(|_| "must be an RFC 3339 date-time".to_owned())?;
    Ok(time.with_timezone(&Utc).to_rfc3339_opts(SecondsFormat::Micros, true))
}

fn url(text: &str) -> Result<String, String> {
    let text = bounded(text, URL_MAX_CHARS)?;
    match url::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(url.to_string()),
        _ => Err("must be an absolute http or https URL".into()),
    }
}

fn option(field: &FieldDefinition, text: &str) -> Result<String, String> {
    if field.options.iter().any(|o| o == text) {
        return Ok(text.to_owned());
    }
    Err(format!("must be one of the field's options ({})", field.options.join(", ")))
}

fn member(text: &str) -> Result<AccountId, String> {
    text.strip_prefix("acct_")
        .filter(|hex| hex.len() == 32)
        .and_then(|hex| Uuid::try_parse(hex).ok())
        .map(AccountId::from_uuid)
        .ok_or_else(|| "must be an account id (acct_…)".to_owned())
}

fn member_text(id: AccountId) -> String {
    format!("acct_{}", id.uuid().simple())
}

#[cfg(test)]
#[path = "values_tests.rs"]
mod tests;
