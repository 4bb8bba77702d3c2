//! Wire types of cases.

use std::collections::BTreeMap;

use poem_openapi::Object;
use poem_openapi::types::{Example, MaybeUndefined};
use serde::{Deserialize, Serialize};

use crate::api::common::{nullable, wire_enum};
use crate::api::fields::wire::FieldValueWire;
use crate::http::actor::{ActorId, ActorKindWire};
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{AccountId, CaseId, TemplateId, WorkspaceId};
use crate::services::cases::{
    Case, CaseSort, CaseStatus, Priority, RawCaseUpdate, RawNewCase, Severity, SortOrder,
};

wire_enum!(
    /// Where a case is in its life. Moving to `resolved` sets `resolved_at`,
    /// to `closed` sets `closed_at`; moving back clears them.
    CaseStatusWire("CaseStatus") <=> CaseStatus {
        /// Just reported.
        New,
        /// Being worked on.
        InProgress,
        /// Waiting on something.
        OnHold,
        /// Fixed; awaiting closure.
        Resolved,
        /// Done.
        Closed,
    }
);

wire_enum!(
    /// How urgently a case needs work, from `low` to `critical`.
    PriorityWire("Priority") <=> Priority {
        /// Whenever there is time.
        Low,
        /// Soon.
        Medium,
        /// Before other work.
        High,
        /// Now.
        Critical,
    }
);

wire_enum!(
    /// How much harm the incident does, from `informational` to `critical`.
    SeverityWire("Severity") <=> Severity {
        /// No harm; for the record.
        Informational,
        /// Little harm.
        Low,
        /// Some harm.
        Medium,
        /// Serious harm.
        High,
        /// Grave harm.
        Critical,
    }
);

wire_enum!(
    /// What a case list is sorted by (ties are broken by id).
    CaseSortWire("CaseSort") <=> CaseSort {
        /// Creation time.
        CreatedAt,
        /// Time of the last change.
        UpdatedAt,
        /// Priority, `low` < `critical`.
        Priority,
        /// Severity, `informational` < `critical`.
        Severity,
        /// How well the case matches `q`, best match first (`order` does
        /// not apply); needs `q`. The best 1,000 matches are ranked.
        Relevance,
    }
);

wire_enum!(
    /// Sort direction.
    SortOrderWire("SortOrder") <=> SortOrder {
        /// Smallest first.
        Asc,
        /// Largest first (the default).
        Desc,
    }
);

/// A case.
#[derive(Debug, Object, Serialize)]
#[oai(rename = "Case")]
pub struct CaseView {
    /// The case's id.
    pub id: WireId<CaseId>,
    /// Its workspace.
    pub workspace_id: WireId<WorkspaceId>,
    /// Its number in the workspace: 1, 2, 3...
    pub number: i32,
    /// The number as people say it: `CASE-42`.
    pub key: String,
    /// One-line summary.
    pub summary: String,
    /// Description, in Markdown.
    pub description: String,
    /// Where the case is in its life.
    pub status: CaseStatusWire,
    /// How urgent it is.
    pub priority: PriorityWire,
    /// How harmful it is.
    pub severity: SeverityWire,
    /// The member it is assigned to, or null.
    #[oai(nullable)]
    pub assignee_id: Option<WireId<AccountId>>,
    /// Tags, lowercase, sorted.
    pub tags: Vec<String>,
    /// Raised by one on every change; send it back with `PATCH`.
    pub version: i32,
    /// Who opened it.
    pub created_by: ActorId,
    /// Whether `created_by` is a person or a service account.
    pub created_by_kind: ActorKindWire,
    /// When it was opened.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// When it was resolved, or null.
    #[oai(nullable)]
    pub resolved_at: Option<Timestamp>,
    /// When it was closed, or null.
    #[oai(nullable)]
    pub closed_at: Option<Timestamp>,
    /// When it is due, or null. A case past this time that is neither
    /// resolved nor closed is overdue (see `listCases`' `overdue`).
    #[oai(nullable)]
    pub due_at: Option<Timestamp>,
    /// The workspace's custom fields that have a value on this case, by
    /// key (see `listCustomFields`).
    pub custom_fields: BTreeMap<String, FieldValueWire>,
    /// The case template it was opened from, or null. It stays when the
    /// template is deleted.
    #[oai(nullable)]
    pub template_id: Option<WireId<TemplateId>>,
    /// The case this one was merged into (`mergeCase`), or null. A merged
    /// case is closed; its comments, attachments, tasks and observables
    /// are on that case now.
    #[oai(nullable)]
    pub merged_into: Option<WireId<CaseId>>,
}

impl From<Case> for CaseView {
    fn from(case: Case) -> Self {
        Self {
            id: WireId::new(case.id),
            workspace_id: WireId::new(case.workspace_id),
            number: case.number,
            key: format!("CASE-{}", case.number),
            summary: case.summary,
            description: case.description,
            status: case.status.into(),
            priority: case.priority.into(),
            severity: case.severity.into(),
            assignee_id: case.assignee_id.map(WireId::new),
            tags: case.tags,
            version: case.version,
            created_by: ActorId::new(case.created_by, case.created_by_kind),
            created_by_kind: case.created_by_kind.into(),
            created_at: case.created_at.into(),
            updated_at: case.updated_at.into(),
            resolved_at: case.resolved_at.map(Into::into),
            closed_at: case.closed_at.map(Into::into),
            due_at: case.due_at.map(Into::into),
            custom_fields: case
                .custom_fields
                .into_iter()
                .filter_map(|(key, value)| Some((key, FieldValueWire::from_json(value)?)))
                .collect(),
            template_id: case.template_id.map(WireId::new),
            merged_into: case.merged_into.map(WireId::new),
        }
    }
}

/// A page of cases.
#[derive(Debug, Object, Serialize)]
#[oai(rename = "CaseList")]
pub struct CaseList {
    /// The cases on this page.
    pub items: Vec<CaseView>,
    /// Pass as `cursor` (with the same filters and sort) for the next page;
    /// null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// A new case.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "CreateCaseRequest", example, skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct CreateCaseRequest {
    /// One line, 1 to 200 characters after trimming. Required, unless the
    /// template named by `template_id` gives one.
    #[oai(validator(min_length = 1, max_length = 200))]
    pub summary: Option<String>,
    /// Markdown, up to 20,000 characters.
    #[oai(validator(max_length = 20000))]
    pub description: Option<String>,
    /// Initial status (default `new`).
    pub status: Option<CaseStatusWire>,
    /// Priority (default: the template's, else `medium`).
    pub priority: Option<PriorityWire>,
    /// Severity (default: the template's, else `medium`).
    pub severity: Option<SeverityWire>,
    /// A member of the workspace to assign it to.
    pub assignee_id: Option<WireId<AccountId>>,
    /// Up to 20 tags, each 1 to 50 characters; trimmed, lowercased, no duplicates.
    #[oai(validator(max_items = 20))]
    pub tags: Option<Vec<String>>,
    /// When it is due.
    pub due_at: Option<Timestamp>,
    /// Values of the workspace's custom fields, by key; each must suit its
    /// field's type, and required fields must be given. A problem names
    /// the field as `custom_fields.<key>`.
    pub custom_fields: Option<BTreeMap<String, FieldValueWire>>,
    /// A case template of the workspace to open the case from: each field
    /// this request leaves out comes from the template's `defaults`
    /// (custom field values merge by key, this request's winning; `due_at`
    /// is the template's `due_in_seconds` from now), and the template's
    /// tasks are added in the same transaction. An unknown template
    /// answers 422.
    pub template_id: Option<WireId<TemplateId>>,
}

impl Example for CreateCaseRequest {
    fn example() -> Self {
        Self {
            summary: Some("Phishing mail with credential harvester link".into()),
            description: Some("Reported by three people in finance.".into()),
            status: None,
            priority: Some(PriorityWire::High),
            severity: Some(SeverityWire::Medium),
            assignee_id: None,
            tags: Some(vec!["phishing".into(), "email".into()]),
            due_at: None,
            custom_fields: None,
            template_id: None,
        }
    }
}

/// A change to a case: only the fields to change, and the `version` it is based on.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "UpdateCaseRequest", example, skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct UpdateCaseRequest {
    /// The case's `version` as last read; a stale one answers 409 `VERSION_CONFLICT`.
    #[oai(validator(minimum(value = "1")))]
    pub version: i32,
    /// New summary: 1 to 200 characters after trimming.
    #[oai(validator(min_length = 1, max_length = 200))]
    pub summary: Option<String>,
    /// New description: up to 20,000 characters.
    #[oai(validator(max_length = 20000))]
    pub description: Option<String>,
    /// New status.
    pub status: Option<CaseStatusWire>,
    /// New priority.
    pub priority: Option<PriorityWire>,
    /// New severity.
    pub severity: Option<SeverityWire>,
    /// A member to assign it to, or null to unassign; leave out to keep.
    #[serde(default)]
    #[oai(nullable)]
    pub assignee_id: MaybeUndefined<WireId<AccountId>>,
    /// The new tags, replacing the old ones.
    #[oai(validator(max_items = 20))]
    pub tags: Option<Vec<String>>,
    /// A new due time, or null for none; leave out to keep.
    #[serde(default)]
    #[oai(nullable)]
    pub due_at: MaybeUndefined<Timestamp>,
    /// Custom field values to set, by key; `null` clears one; fields not
    /// named keep their values.
    pub custom_fields: Option<BTreeMap<String, Option<FieldValueWire>>>,
}

impl Example for UpdateCaseRequest {
    fn example() -> Self {
        Self {
            version: 1,
            summary: None,
            description: None,
            status: Some(CaseStatusWire::InProgress),
            priority: None,
            severity: Some(SeverityWire::High),
            assignee_id: MaybeUndefined::Undefined,
            tags: None,
            due_at: MaybeUndefined::Undefined,
            custom_fields: None,
        }
    }
}

crate::http::wire::list_from_page!(CaseList, Case);

impl From<CreateCaseRequest> for RawNewCase {
    fn from(body: CreateCaseRequest) -> Self {
        Self {
            summary: body.summary,
            description: body.description,
            status: body.status.map(Into::into),
            priority: body.priority.map(Into::into),
            severity: body.severity.map(Into::into),
            assignee_id: body.assignee_id.map(|id| id.id()),
            tags: body.tags,
            due_at: body.due_at.map(|t| t.0),
            custom_fields: body
                .custom_fields
                .unwrap_or_default()
                .into_iter()
                .map(|(key, value)| (key, value.into_json()))
                .collect(),
            template_id: body.template_id.map(|id| id.id()),
        }
    }
}

impl From<UpdateCaseRequest> for RawCaseUpdate {
    fn from(body: UpdateCaseRequest) -> Self {
        Self {
            version: body.version,
            summary: body.summary,
            description: body.description,
            status: body.status.map(Into::into),
            priority: body.priority.map(Into::into),
            severity: body.severity.map(Into::into),
            assignee_id: nullable(body.assignee_id, |id| id.id()),
            tags: body.tags,
            due_at: nullable(body.due_at, |t| t.0),
            custom_fields: body
                .custom_fields
                .unwrap_or_default()
                .into_iter()
                .map(|(key, value)| (key, value.map_or(serde_json::Value::Null, FieldValueWire::into_json)))
                .collect(),
        }
    }
}
