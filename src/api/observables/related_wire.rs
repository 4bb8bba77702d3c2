//! Wire types of the cases related to a case by shared observables.

use poem_openapi::Object;

use crate::api::cases::wire::CaseView;
use crate::services::observables::RelatedCase;

/// Another case that shares observables with this one.
#[derive(Debug, Object)]
#[oai(rename = "RelatedCase")]
pub struct RelatedCaseView {
    /// The other case.
    pub other_case: CaseView,
    /// How many observables (same type and value) the two cases share.
    pub shared_observables: i64,
}

/// The cases sharing observables with a case, most shared first.
#[derive(Debug, Object)]
#[oai(rename = "RelatedCaseList")]
pub struct RelatedCaseList {
    /// The related cases, most shared observables first (ties: newest case first).
    pub items: Vec<RelatedCaseView>,
}

impl From<Vec<RelatedCase>> for RelatedCaseList {
    fn from(related: Vec<RelatedCase>) -> Self {
        Self {
            items: related
                .into_iter()
                .map(|r| RelatedCaseView { other_case: r.case.into(), shared_observables: r.shared })
                .collect(),
        }
    }
}
