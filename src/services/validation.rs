//! Field-level validation failures, collected so a client learns about every
//! offending field at once rather than one per round trip.

use chrono::{DateTime, Utc};

/// One offending field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name as the client sent it (`display_name`).
    pub field: String,
    /// What is wrong, as a short phrase (`must not be empty`).
    pub message: String,
}

/// A non-empty list of field errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("validation failed on {}", self.fields())]
pub struct ValidationErrors(Vec<FieldError>);

impl ValidationErrors {
    /// A failure of a single field.
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        Self(vec![FieldError { field: field.to_owned(), message: message.into() }])
    }

    /// Gathers the failures among `(field, outcome)` pairs, in order; `None`
    /// stands for a field that passed. Callers match on all their parse
    /// results at once and call this only when one of them failed.
    pub fn collect<'a>(outcomes: impl IntoIterator<Item = (&'a str, Option<String>)>) -> Self {
        Self(
            outcomes
                .into_iter()
                .filter_map(|(field, message)| {
                    message.map(|message| FieldError { field: field.to_owned(), message })
                })
                .collect(),
        )
    }

    /// Adds the failures of `other` after these.
    pub fn extend(&mut self, other: ValidationErrors) {
        self.0.extend(other.0);
    }

    /// The same failures, each field named within `parent` (`defaults.tags`).
    pub fn within(self, parent: &str) -> Self {
        Self(self.0.into_iter().map(|e| FieldError { field: format!("{parent}.{}", e.field), ..e }).collect())
    }

    /// The offending fields.
    pub fn errors(&self) -> &[FieldError] {
        &self.0
    }

    fn fields(&self) -> String {
        self.0.iter().map(|e| e.field.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// Problems found so far while parsing a request, each at its field path;
/// every field is checked before any is reported.
#[derive(Debug, Default)]
pub struct Problems(Vec<(String, String)>);

impl Problems {
    /// `outcome`'s value, or `None` with its message noted at `path`.
    pub fn check<T>(&mut self, path: impl Into<String>, outcome: Result<T, String>) -> Option<T> {
        outcome.map_err(|message| self.0.push((path.into(), message))).ok()
    }

    /// Notes a problem: `(path, message)`.
    pub fn push(&mut self, (path, message): (String, String)) {
        self.0.push((path, message));
    }

    /// The parsed value when nothing was noted, or every problem.
    pub fn finish<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, ValidationErrors> {
        let errors = ValidationErrors::collect(self.0.iter().map(|(f, m)| (f.as_str(), Some(m.clone()))));
        match self.0.is_empty() {
            true => value().ok_or(errors),
            false => Err(errors),
        }
    }
}

/// A name: trimmed, 1 to `max` characters, no control characters.
pub fn name(raw: &str, max: usize) -> Result<String, String> {
    let name = raw.trim();
    match name.chars().count() {
        0 => Err("must not be empty".into()),
        n if n > max => Err(format!("must be at most {max} characters")),
        _ if name.chars().any(char::is_control) => Err("must not contain control characters".into()),
        _ => Ok(name.to_owned()),
    }
}

/// A time kept in a time column (a due time): from 1970 up to, not
/// including, 9999-12-31, which every engine stores and which sorts before
/// "no due time".
pub fn storable_time(time: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let (first, end) =
        (DateTime::UNIX_EPOCH, DateTime::from_timestamp(253_402_214_400, 0).unwrap_or_default());
    if time < first || time >= end {
        return Err("must be from 1970-01-01 and before 9999-12-31".into());
    }
    Ok(time)
}

/// Markdown kept exactly as sent, at most `max` characters (empty allowed).
pub fn markdown(raw: &str, max: usize) -> Result<String, String> {
    if raw.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    Ok(raw.to_owned())
}

/// A free text: trimmed, at most `max` characters (empty allowed).
pub fn free_text(raw: &str, max: usize) -> Result<String, String> {
    let text = raw.trim();
    if text.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    Ok(text.to_owned())
}

/// Most tags on a case (or a template's defaults).
pub const MAX_TAGS: usize = 20;
const TAG_MAX_CHARS: usize = 50;

/// Tags: each trimmed and lowercased; empty, long, duplicate or too many
/// are refused. Sorted.
pub fn tags(raw: Vec<String>) -> Result<Vec<String>, String> {
    if raw.len() > MAX_TAGS {
        return Err(format!("must have at most {MAX_TAGS} tags"));
    }
    let mut tags = Vec::with_capacity(raw.len());
    for tag in raw {
        let tag = tag.trim().to_lowercase();
        match tag.chars().count() {
            0 => return Err("each tag must not be empty".into()),
            n if n > TAG_MAX_CHARS => {
                return Err(format!("each tag must be at most {TAG_MAX_CHARS} characters"));
            }
            _ if tag.chars().any(char::is_control) => {
                return Err("tags must not contain control characters".into());
            }
            _ if tags.contains(&tag) => return Err(format!("the tag {tag:?} appears twice")),
            _ => tags.push(tag),
        }
    }
    tags.sort();
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalised_and_checked() {
        assert_eq!(tags(vec![" Phishing ".into(), "EDR".into()]), Ok(vec!["edr".into(), "phishing".into()]));
        assert!(tags(vec!["a".into(), " A".into()]).is_err());
        assert!(tags(vec!["".into()]).is_err());
        assert!(tags(vec!["t".repeat(51)]).is_err());
        assert!(tags((0..21).map(|i| i.to_string()).collect()).is_err());
        assert!(tags((0..20).map(|i| i.to_string()).collect()).is_ok());
    }
}
