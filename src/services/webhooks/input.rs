//! Parsing what clients send about webhooks into valid domain input.

use url::Url;

use super::EventType;
use crate::services::validation::{self, Problems, ValidationErrors};

const URL_MAX_CHARS: usize = 2_048;
const DESCRIPTION_MAX_CHARS: usize = 1_000;
const MAX_EVENT_TYPES: usize = 50;

/// A new subscription as a client sends it.
#[derive(Debug, Clone, Default)]
pub struct RawNewWebhook {
    /// Where to deliver.
    pub url: String,
    /// The event types wanted.
    pub events: Vec<EventType>,
    /// What it is for.
    pub description: Option<String>,
    /// Whether to deliver at once (default yes).
    pub active: Option<bool>,
}

/// A valid new subscription (its destination not yet resolved).
#[derive(Debug, Clone)]
pub struct NewWebhook {
    /// Where to deliver.
    pub url: Url,
    /// The event types wanted, sorted, `[All]` when all are.
    pub events: Vec<EventType>,
    /// What it is for.
    pub description: String,
    /// Whether to deliver.
    pub active: bool,
}

/// A change to a subscription, conditional on its version.
#[derive(Debug, Clone)]
pub struct WebhookUpdate {
    /// The version the client read.
    pub version: i32,
    /// A new destination.
    pub url: Option<Url>,
    /// New event types.
    pub events: Option<Vec<EventType>>,
    /// A new description.
    pub description: Option<String>,
    /// Turn delivery on or off (on again clears a deactivation).
    pub active: Option<bool>,
}

impl TryFrom<RawNewWebhook> for NewWebhook {
    type Error = ValidationErrors;

    fn try_from(raw: RawNewWebhook) -> Result<Self, ValidationErrors> {
        let mut problems = Problems::default();
        let url = problems.check("url", destination(&raw.url));
        let events = problems.check("events", events(raw.events));
        let description = problems.check(
            "description",
            validation::free_text(raw.description.as_deref().unwrap_or_default(), DESCRIPTION_MAX_CHARS),
        );
        problems.finish(|| {
            Some(Self {
                url: url?,
                events: events?,
                description: description?,
                active: raw.active.unwrap_or(true),
            })
        })
    }
}

impl WebhookUpdate {
    /// Checks every field given, reporting all invalid ones.
    pub fn parse(
        version: i32,
        url: Option<&str>,
        events: Option<Vec<EventType>>,
        description: Option<&str>,
        active: Option<bool>,
    ) -> Result<Self, ValidationErrors> {
        let mut problems = Problems::default();
        if version < 1 {
            problems.push(("version".into(), "must be at least 1".into()));
        }
        if url.is_none() && events.is_none() && description.is_none() && active.is_none() {
            problems.push(("body".into(), "set at least one field to change".into()));
        }
        let url = url.map(|u| problems.check("url", destination(u)));
        let events = events.map(|e| problems.check("events", self::events(e)));
        let description = description
            .map(|d| problems.check("description", validation::free_text(d, DESCRIPTION_MAX_CHARS)));
        problems.finish(|| {
            Some(Self {
                version,
                url: url.map(|u| u.ok_or(())).transpose().ok()?,
                events: events.map(|e| e.ok_or(())).transpose().ok()?,
                description: description.map(|d| d.ok_or(())).transpose().ok()?,
                active,
            })
        })
    }
}

/// An absolute `http` or `https` URL with a host, no credentials and no
/// fragment (whether it may be reached is the destination check's call).
fn destination(raw: &str) -> Result<Url, String> {
    let raw = raw.trim();
    if raw.chars().count() > URL_MAX_CHARS {
        return Err(format!("must be at most {URL_MAX_CHARS} characters"));
    }
    let url = Url::parse(raw).map_err(|err| format!("must be an absolute URL ({err})"))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err("must be an https (or http) URL".into());
    }
    if url.host().is_none() {
        return Err("must name a host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not hold credentials; receivers check the signature instead".into());
    }
    if url.fragment().is_some() {
        return Err("must not have a fragment (it is never sent)".into());
    }
    Ok(url)
}

/// The types, sorted and without repeats; `*` stands alone.
fn events(mut raw: Vec<EventType>) -> Result<Vec<EventType>, String> {
    if raw.is_empty() || raw.len() > MAX_EVENT_TYPES {
        return Err(format!("must name 1 to {MAX_EVENT_TYPES} event types (or `*` for all)"));
    }
    raw.sort();
    raw.dedup();
    if raw.contains(&EventType::All) {
        return Ok(vec![EventType::All]);
    }
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_are_absolute_web_urls_without_credentials() {
        assert!(destination(" https://hooks.example/in?x=1 ").is_ok());
        for bad in [
            "hooks.example/in",
            "ftp://hooks.example/",
            "https://user:pw@hooks.example/",
            "https://hooks.example/#f",
            "mailto:a@b.example",
        ] {
            assert!(destination(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_star_stands_for_every_type() {
        let all = events(vec![EventType::CaseCreated, EventType::All]).expect("valid");
        assert_eq!(all, [EventType::All]);
        let some = events(vec![EventType::CaseUpdated, EventType::CaseCreated, EventType::CaseUpdated])
            .expect("valid");
        assert_eq!(some, [EventType::CaseCreated, EventType::CaseUpdated]);
        assert!(events(Vec::new()).is_err());
    }
}
