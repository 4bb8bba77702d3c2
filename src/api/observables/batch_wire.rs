//! Wire types of adding many observables at once.

use poem_openapi::Object;
use poem_openapi::types::Example;
use serde::Deserialize;

use super::wire::{CreateObservableRequest, ObservableTypeWire, ObservableView};
use crate::api::common::wire_enum;
use crate::http::problem::ProblemFieldError;
use crate::services::observables::{BatchAnswer, ItemOutcome, OutcomeKind};
use crate::services::validation::ValidationErrors;

wire_enum!(
    /// What became of one item of a batch.
    OutcomeWire("ObservableBatchOutcome") <=> OutcomeKind {
        /// Added to the case.
        Created,
        /// The case had the value already (or an earlier item added it).
        Existing,
        /// Not added; `errors` says why.
        Invalid,
    }
);

/// Up to 1,000 observables to add to a case in one transaction.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "CreateObservableBatchRequest", example)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// The observables, 1 to 1,000. A value that does not fit its type
    /// fails only its own item; a malformed item (an unknown `type`, a
    /// missing `value`) fails the whole request with 422.
    #[oai(validator(min_items = 1, max_items = 1000))]
    pub items: Vec<CreateObservableRequest>,
}

impl Example for BatchRequest {
    fn example() -> Self {
        let item = |kind, value: &str| CreateObservableRequest {
            kind,
            value: value.into(),
            description: None,
            tlp: None,
            is_ioc: Some(true),
            sighted: None,
            tags: None,
            source: None,
        };
        Self {
            items: vec![
                item(ObservableTypeWire::Ipv4, "203.0.113.7"),
                item(ObservableTypeWire::Domain, "login-microsoft.example"),
                item(
                    ObservableTypeWire::Sha256,
                    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                ),
            ],
        }
    }
}

impl BatchRequest {
    /// Items that break the limits the document states (lengths, counts):
    /// those fail the whole request, as a single create would, so that
    /// only what the document cannot say (does the value fit its type?) is
    /// answered per item.
    pub fn check_limits(&self) -> Result<(), ValidationErrors> {
        let mut problems: Vec<(String, String)> = Vec::new();
        for (i, item) in self.items.iter().enumerate() {
            let value = item.value.chars().count();
            if value == 0 || value > 4096 {
                problems.push((format!("items[{i}].value"), "must be 1 to 4,096 characters".into()));
            }
            if item.description.as_ref().is_some_and(|d| d.chars().count() > 10_000) {
                problems
                    .push((format!("items[{i}].description"), "must be at most 10,000 characters".into()));
            }
            if item.tags.as_ref().is_some_and(|t| t.len() > 20) {
                problems.push((format!("items[{i}].tags"), "must have at most 20 tags".into()));
            }
        }
        match problems.is_empty() {
            true => Ok(()),
            false => {
                Err(ValidationErrors::collect(problems.iter().map(|(f, m)| (f.as_str(), Some(m.clone())))))
            }
        }
    }
}

/// What became of one item of a batch.
#[derive(Debug, Object)]
#[oai(rename = "ObservableBatchItem")]
pub struct BatchItemView {
    /// The item's index in the request, from 0.
    pub index: u32,
    /// For an import: the line of the text the item's row starts on, from 1
    /// (the header of a CSV is line 1).
    #[oai(skip_serializing_if_is_none)]
    pub line: Option<u32>,
    /// What became of it.
    pub outcome: OutcomeWire,
    /// The observable (new or existing); absent for an invalid item.
    #[oai(skip_serializing_if_is_none)]
    pub observable: Option<ObservableView>,
    /// For an invalid item: each offending field and what is wrong; empty otherwise.
    pub errors: Vec<ProblemFieldError>,
}

/// The answer of a batch: one entry per item, in order, and the counts.
#[derive(Debug, Object)]
#[oai(rename = "ObservableBatch")]
pub struct BatchView {
    /// One entry per item of the request, in order.
    pub items: Vec<BatchItemView>,
    /// How many items were added.
    pub created: u32,
    /// How many items named values the case had.
    pub existing: u32,
    /// How many items were refused.
    pub invalid: u32,
}

impl From<BatchAnswer> for BatchView {
    fn from(answer: BatchAnswer) -> Self {
        let items: Vec<BatchItemView> = answer
            .items
            .into_iter()
            .zip(0..)
            .map(|(outcome, index)| {
                let kind = outcome.kind().into();
                match outcome {
                    ItemOutcome::Created(o) | ItemOutcome::Existing(o) => BatchItemView {
                        index,
                        line: None,
                        outcome: kind,
                        observable: Some(o.into()),
                        errors: Vec::new(),
                    },
                    ItemOutcome::Invalid(errors) => BatchItemView {
                        index,
                        line: None,
                        outcome: kind,
                        observable: None,
                        errors: errors
                            .into_iter()
                            .map(|(field, message)| ProblemFieldError { field, message })
                            .collect(),
                    },
                }
            })
            .collect();
        let count = |kind: OutcomeWire| items.iter().filter(|i| i.outcome == kind).count() as u32;
        Self {
            created: count(OutcomeWire::Created),
            existing: count(OutcomeWire::Existing),
            invalid: count(OutcomeWire::Invalid),
            items,
        }
    }
}

impl BatchView {
    /// The answer of an import: a batch answer whose items name their lines.
    pub fn with_lines(answer: BatchAnswer, lines: &[u32]) -> Self {
        let mut view = Self::from(answer);
        for (item, line) in view.items.iter_mut().zip(lines) {
            item.line = Some(*line);
        }
        view
    }
}
