//! Parsing what clients send about observables into valid domain input.

use serde::{Deserialize, Serialize};

use super::normalise::{VALUE_MAX_CHARS, normalise};
use super::{ObservableType, Source, Tlp};
use crate::ids::{CaseId, ObservableId};
use crate::services::pagination::Paging;
use crate::services::validation::{self, ValidationErrors};

const DESCRIPTION_MAX_CHARS: usize = 10_000;

/// A valid new observable: its value in canonical form.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewObservable {
    /// Its type.
    pub kind: ObservableType,
    /// The canonical value.
    pub value: String,
    /// Notes.
    pub description: String,
    /// Who may see it (default `amber`).
    pub tlp: Tlp,
    /// An indicator of compromise.
    pub is_ioc: bool,
    /// Seen in the environment.
    pub sighted: bool,
    /// Normalised tags.
    pub tags: Vec<String>,
    /// `manual` or `import` (scans add their own).
    pub source: Source,
}

/// A new observable as a client sends it.
#[derive(Debug, Clone, Default)]
pub struct RawNewObservable {
    /// Its type (required).
    pub kind: Option<ObservableType>,
    /// The value as written.
    pub value: String,
    /// Notes.
    pub description: Option<String>,
    /// TLP.
    pub tlp: Option<Tlp>,
    /// IOC mark.
    pub is_ioc: Option<bool>,
    /// Sighting mark.
    pub sighted: Option<bool>,
    /// Tags.
    pub tags: Option<Vec<String>>,
    /// Source.
    pub source: Option<Source>,
}

impl TryFrom<RawNewObservable> for NewObservable {
    type Error = ValidationErrors;

    fn try_from(raw: RawNewObservable) -> Result<Self, ValidationErrors> {
        let kind = raw.kind.ok_or_else(|| "is required".to_owned());
        let value = match kind {
            Ok(kind) => normalise(kind, &raw.value).map(|n| n.value),
            Err(_) => Ok(String::new()),
        };
        let description =
            validation::markdown(raw.description.as_deref().unwrap_or_default(), DESCRIPTION_MAX_CHARS);
        let tags = validation::tags(raw.tags.unwrap_or_default());
        let source = match raw.source.unwrap_or(Source::Manual) {
            Source::Scan => Err("only scans add observables with source scan".to_owned()),
            other => Ok(other),
        };
        match (kind, value, description, tags, source) {
            (Ok(kind), Ok(value), Ok(description), Ok(tags), Ok(source)) => Ok(Self {
                kind,
                value,
                description,
                tlp: raw.tlp.unwrap_or(Tlp::Amber),
                is_ioc: raw.is_ioc.unwrap_or(false),
                sighted: raw.sighted.unwrap_or(false),
                tags,
                source,
            }),
            (kind, value, description, tags, source) => Err(ValidationErrors::collect([
                ("type", kind.err()),
                ("value", value.err()),
                ("description", description.err()),
                ("tags", tags.err()),
                ("source", source.err()),
            ])),
        }
    }
}

/// A valid change of an observable (its type and value never change).
#[derive(Debug, Clone, Default)]
pub struct ObservableUpdate {
    /// The version the change is based on.
    pub version: i32,
    /// New notes.
    pub description: Option<String>,
    /// New TLP.
    pub tlp: Option<Tlp>,
    /// New IOC mark.
    pub is_ioc: Option<bool>,
    /// New sighting mark.
    pub sighted: Option<bool>,
    /// New tags, replacing the old.
    pub tags: Option<Vec<String>>,
}

impl ObservableUpdate {
    /// Checks a change; at least one field must be given.
    pub fn parse(raw: ObservableUpdate) -> Result<Self, ValidationErrors> {
        let nothing = raw.description.is_none()
            && raw.tlp.is_none()
            && raw.is_ioc.is_none()
            && raw.sighted.is_none()
            && raw.tags.is_none();
        let description =
            raw.description.map(|d| validation::markdown(&d, DESCRIPTION_MAX_CHARS)).transpose();
        let tags = raw.tags.map(validation::tags).transpose();
        match ((raw.version < 1).then(|| "must be at least 1".to_owned()), description, tags) {
            (None, Ok(description), Ok(tags)) if !nothing => Ok(Self { description, tags, ..raw }),
            (version, description, tags) => Err(ValidationErrors::collect([
                ("version", version),
                ("description", description.err()),
                ("tags", tags.err()),
                ("body", nothing.then(|| "set at least one field to change".to_owned())),
            ])),
        }
    }
}

/// A valid search of observables.
#[derive(Debug, Clone)]
pub struct ObservableQuery {
    /// Any of these types.
    pub kinds: Vec<ObservableType>,
    /// The canonical forms of the value asked for, by type (only these).
    pub values: Vec<(ObservableType, String)>,
    /// Values starting with this.
    pub value_prefix: Option<String>,
    /// IOC mark.
    pub is_ioc: Option<bool>,
    /// Any of these TLPs.
    pub tlps: Vec<Tlp>,
    /// This tag.
    pub tag: Option<String>,
    /// Only this case.
    pub case_id: Option<CaseId>,
    /// Which page.
    pub page: Paging<ObservableId>,
}

impl ObservableQuery {
    /// Checks a search: `value` is read in the canonical form of each type
    /// asked for (of every type that takes it, when none is).
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        kinds: Vec<ObservableType>,
        value: Option<&str>,
        value_prefix: Option<&str>,
        is_ioc: Option<bool>,
        tlps: Vec<Tlp>,
        tag: Option<&str>,
        case_id: Option<CaseId>,
        page: Paging<ObservableId>,
    ) -> Result<Self, ValidationErrors> {
        let candidates: Vec<ObservableType> = match kinds.is_empty() {
            true => ObservableType::ALL.to_vec(),
            false => kinds.clone(),
        };
        let values: Vec<(ObservableType, String)> = value
            .map(|raw| candidates.iter().filter_map(|k| Some((*k, normalise(*k, raw).ok()?.value))).collect())
            .unwrap_or_default();
        let value_error =
            (value.is_some() && values.is_empty()).then(|| "fits none of the types asked for".to_owned());
        let prefix = value_prefix.map(str::trim).filter(|p| !p.is_empty());
        let prefix_error =
            prefix.filter(|p| p.chars().count() > VALUE_MAX_CHARS).map(|_| "is too long".to_owned());
        match (value_error, prefix_error) {
            (None, None) => Ok(Self {
                kinds,
                values,
                value_prefix: prefix.map(str::to_owned),
                is_ioc,
                tlps,
                tag: tag.map(|t| t.trim().to_lowercase()),
                case_id,
                page,
            }),
            (value, prefix) => Err(ValidationErrors::collect([("value", value), ("value_prefix", prefix)])),
        }
    }
}
