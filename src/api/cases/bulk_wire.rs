//! Wire types of changing and deleting many cases at once.

use poem_openapi::Object;
use poem_openapi::types::{Example, MaybeUndefined};
use serde::Deserialize;

use super::wire::{CaseStatusWire, CaseView, PriorityWire, SeverityWire};
use crate::api::common::nullable;
use crate::http::error::ApiError;
use crate::http::problem::ItemProblem;
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{AccountId, CaseId};
use crate::services::cases::{BulkAnswer, BulkChange, BulkOutcome, BulkTarget, RawBulkUpdate};
use crate::services::kernel::Failure;

/// One case a bulk request names.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "BulkCaseItem", skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct BulkItemRequest {
    /// The case.
    pub case_id: WireId<CaseId>,
    /// The case's `version` as last read: a stale one fails this item with
    /// `VERSION_CONFLICT`. Leave out to change the case at whatever
    /// version it is.
    #[oai(validator(minimum(value = "1")))]
    pub version: Option<i32>,
}

impl From<BulkItemRequest> for BulkTarget {
    fn from(item: BulkItemRequest) -> Self {
        Self { case_id: item.case_id.id(), version: item.version }
    }
}

/// The one change a bulk update makes to every case it names; fields left
/// out stay as they are.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "BulkCaseChanges", skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct BulkChangesRequest {
    /// New status.
    pub status: Option<CaseStatusWire>,
    /// New priority.
    pub priority: Option<PriorityWire>,
    /// New severity.
    pub severity: Option<SeverityWire>,
    /// A member to assign the cases to, or null to unassign them.
    #[serde(default)]
    #[oai(nullable)]
    pub assignee_id: MaybeUndefined<WireId<AccountId>>,
    /// Tags to add to each case, 1 to 50 characters each (a case with more
    /// than 20 tags after the change fails its item).
    #[oai(validator(max_items = 20, min_length = 1, max_length = 50))]
    pub add_tags: Option<Vec<String>>,
    /// Tags to take away from each case, 1 to 50 characters each.
    #[oai(validator(max_items = 20, min_length = 1, max_length = 50))]
    pub remove_tags: Option<Vec<String>>,
    /// A new due time, or null for none.
    #[serde(default)]
    #[oai(nullable)]
    pub due_at: MaybeUndefined<Timestamp>,
}

impl From<BulkChangesRequest> for BulkChange {
    fn from(body: BulkChangesRequest) -> Self {
        Self {
            status: body.status.map(Into::into),
            priority: body.priority.map(Into::into),
            severity: body.severity.map(Into::into),
            assignee_id: nullable(body.assignee_id, |id| id.id()),
            add_tags: body.add_tags.unwrap_or_default(),
            remove_tags: body.remove_tags.unwrap_or_default(),
            due_at: nullable(body.due_at, |t| t.0),
        }
    }
}

/// One change to up to 1,000 cases.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "UpdateCasesRequest", example)]
#[serde(deny_unknown_fields)]
pub struct UpdateCasesRequest {
    /// The cases, 1 to 1,000, each once.
    #[oai(validator(min_items = 1, max_items = 1000))]
    pub items: Vec<BulkItemRequest>,
    /// What changes in each.
    pub changes: BulkChangesRequest,
}

/// Two cases of the example requests, one with the version it was read at.
fn example_items() -> Vec<BulkItemRequest> {
    let item =
        |id: &str, version| BulkItemRequest { case_id: WireId::parse(id).expect("a case id"), version };
    vec![
        item("case_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b", Some(3)),
        item("case_0193a1b2c3d47e8f9a0b1c2d3e4f5a6c", None),
    ]
}

impl Example for UpdateCasesRequest {
    fn example() -> Self {
        let changes = BulkChangesRequest {
            status: Some(CaseStatusWire::InProgress),
            priority: None,
            severity: None,
            assignee_id: MaybeUndefined::Undefined,
            add_tags: Some(vec!["phishing-wave-7".into()]),
            remove_tags: None,
            due_at: MaybeUndefined::Undefined,
        };
        Self { items: example_items(), changes }
    }
}

impl Example for DeleteCasesRequest {
    fn example() -> Self {
        Self { items: example_items() }
    }
}

impl From<UpdateCasesRequest> for RawBulkUpdate {
    fn from(body: UpdateCasesRequest) -> Self {
        Self { items: body.items.into_iter().map(Into::into).collect(), change: body.changes.into() }
    }
}

/// Up to 1,000 cases to move to the trash.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "DeleteCasesRequest", example)]
#[serde(deny_unknown_fields)]
pub struct DeleteCasesRequest {
    /// The cases, 1 to 1,000, each once.
    #[oai(validator(min_items = 1, max_items = 1000))]
    pub items: Vec<BulkItemRequest>,
}

/// What became of one case of a bulk request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poem_openapi::Enum)]
#[oai(rename = "BulkCaseOutcome", rename_all = "snake_case")]
pub enum OutcomeWire {
    /// Changed (`case` is the case as it is now, at its new version).
    Updated,
    /// Already as asked (`case` is unchanged, at the same version).
    Unchanged,
    /// Moved to the trash.
    Deleted,
    /// Left alone; `problem` says why.
    Failed,
}

/// The answer for one case of a bulk request.
#[derive(Debug, Object)]
#[oai(rename = "BulkCaseResult")]
pub struct BulkItemView {
    /// The item's index in the request, from 0.
    pub index: u32,
    /// The case the item named.
    pub case_id: WireId<CaseId>,
    /// What became of it.
    pub outcome: OutcomeWire,
    /// The case, for `updated` and `unchanged`.
    #[oai(skip_serializing_if_is_none)]
    pub case: Option<CaseView>,
    /// For `failed`: the problem a single request would have answered
    /// (`NOT_FOUND`, `VERSION_CONFLICT`, `VALIDATION_FAILED`).
    #[oai(skip_serializing_if_is_none)]
    pub problem: Option<ItemProblem>,
}

/// The answer of a bulk request: one result per item, in order, and counts.
#[derive(Debug, Object)]
#[oai(rename = "BulkCaseResults")]
pub struct BulkView {
    /// One entry per item of the request, in order.
    pub items: Vec<BulkItemView>,
    /// How many cases changed (or moved to the trash).
    pub succeeded: u32,
    /// How many were already as asked.
    pub unchanged: u32,
    /// How many were left alone.
    pub failed: u32,
}

impl From<BulkAnswer> for BulkView {
    fn from(answer: BulkAnswer) -> Self {
        let (mut succeeded, mut unchanged, mut failed) = (0, 0, 0);
        let items = answer
            .items
            .into_iter()
            .zip(0..)
            .map(|(outcome, index)| {
                let (case_id, outcome, case, problem) = match outcome {
                    BulkOutcome::Updated(case) => {
                        succeeded += 1;
                        (case.id, OutcomeWire::Updated, Some(case.into()), None)
                    }
                    BulkOutcome::Unchanged(case) => {
                        unchanged += 1;
                        (case.id, OutcomeWire::Unchanged, Some(case.into()), None)
                    }
                    BulkOutcome::Deleted(id) => {
                        succeeded += 1;
                        (id, OutcomeWire::Deleted, None, None)
                    }
                    BulkOutcome::Failed(id, why) => {
                        failed += 1;
                        (id, OutcomeWire::Failed, None, Some(ApiError::from(Failure::from(why)).into()))
                    }
                };
                BulkItemView { index, case_id: WireId::new(case_id), outcome, case, problem }
            })
            .collect();
        Self { items, succeeded, unchanged, failed }
    }
}
