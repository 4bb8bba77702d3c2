//! `/v1/workspaces/{workspace_id}/cases/{case_id}/merge`: merging a
//! duplicate case into another.

use std::sync::Arc;

use poem_openapi::param::{Header, Path};
use poem_openapi::payload::Json;
use poem_openapi::types::Example;
use poem_openapi::{Object, OpenApi};
use serde::Deserialize;

use super::wire::CaseView;
use crate::http::auth::Caller;
use crate::http::idempotency::{claim, replayed};
use crate::http::json_body::JsonBody;
use crate::http::responses::{Problems, UpdateErrors};
use crate::http::tags::ApiTags;
use crate::http::wire::WireId;
use crate::ids::{CaseId, WorkspaceId};
use crate::services::cases::{CaseService, MergeRequest, Merged, Moved};

/// Merging cases.
pub struct CaseMergeApi {
    /// Cases.
    pub(in crate::api) cases: Arc<CaseService>,
}

/// What `mergeCase` merges the case in the path into.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "MergeCaseRequest", example, skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct MergeCaseRequest {
    /// The case that takes in the merged case's content: another live,
    /// unmerged case of the workspace.
    pub into_case_id: WireId<CaseId>,
    /// The merged case's `version` as last read: a stale one answers 409
    /// `VERSION_CONFLICT`. Leave out to merge it at whatever version it is.
    #[oai(validator(minimum(value = "1")))]
    pub version: Option<i32>,
    /// The same for the case merged into.
    #[oai(validator(minimum(value = "1")))]
    pub into_version: Option<i32>,
}

impl Example for MergeCaseRequest {
    fn example() -> Self {
        Self {
            into_case_id: WireId::parse("case_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b").expect("a case id"),
            version: Some(3),
            into_version: None,
        }
    }
}

/// How much a merge moved.
#[derive(Debug, Object)]
#[oai(rename = "MergeCounts")]
pub struct MergeCountsView {
    /// Comments moved, with their authors and times.
    pub comments: u64,
    /// Attachments moved.
    pub attachments: u64,
    /// Tasks moved, after the other case's own, in their order.
    pub tasks: u64,
    /// Observables moved (values the case merged into lacked).
    pub observables: u64,
    /// Observables whose value the case merged into held already: its own
    /// observable took in their sightings, IOC and sighted marks and tags,
    /// and they were removed.
    pub observables_combined: u64,
}

impl From<Moved> for MergeCountsView {
    fn from(moved: Moved) -> Self {
        let count = |n: usize| n as u64;
        Self {
            comments: count(moved.comments),
            attachments: count(moved.attachments),
            tasks: count(moved.tasks),
            observables: count(moved.observables),
            observables_combined: count(moved.observables_combined),
        }
    }
}

/// The outcome of a merge.
#[derive(Debug, Object)]
#[oai(rename = "CaseMerge")]
pub struct CaseMergeView {
    /// The merged case, now closed, with `merged_into` set.
    pub source: CaseView,
    /// The case merged into, with the merged case's description appended
    /// and its tags added.
    pub into: CaseView,
    /// What moved.
    pub moved: MergeCountsView,
}

impl From<Merged> for CaseMergeView {
    fn from(merged: Merged) -> Self {
        Self { source: merged.source.into(), into: merged.into.into(), moved: merged.moved.into() }
    }
}

/// Answer of `mergeCase`.
#[derive(poem_openapi::ApiResponse)]
enum MergeResponse {
    /// Merged (or, with `Idempotent-Replayed: true`, an earlier merge with
    /// the same key): both cases as they are now, and what moved.
    #[oai(status = 200)]
    Ok(
        Json<CaseMergeView>,
        /// `true` when this repeats the response of an earlier request with the same key.
        #[oai(header = "Idempotent-Replayed")]
        Option<String>,
    ),
}

#[OpenApi(tag = "ApiTags::Cases")]
impl CaseMergeApi {
    /// Merge a case into another
    ///
    /// Merges the case in the path (a duplicate) into `into_case_id`
    /// (editors and admins), in one transaction: its comments, attachments
    /// and tasks move (keeping their authors and times; tasks go after the
    /// other case's own), and so do its observables, except values the
    /// other case holds already, whose observable there absorbs them. Its
    /// description is appended to the other's under a heading
    /// `## Merged from CASE-<number>: <summary>`, and its tags are added.
    /// It is linked as `duplicates` of the other (replacing another link
    /// between the two) and closed, with `merged_into` pointing at the
    /// other. Both trails record the merge (`merged_into`, `merged_from`);
    /// the activity feed carries `case.merged` and the other case's
    /// `case.updated`. Writes to either case wait for the merge; content
    /// sent to the merged case afterwards, or another merge of it or into
    /// it, answers 409 `CASE_MERGED`. A merge that would leave more than 20
    /// tags or a description over 20,000 characters answers 422 and
    /// changes nothing. Send an `Idempotency-Key` to make retries safe.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/merge",
        method = "post",
        operation_id = "mergeCase"
    )]
    async fn merge_case(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case to merge (the duplicate).
        case_id: Path<WireId<CaseId>>,
        /// A client-chosen key (1 to 255 visible ASCII characters) that makes
        /// retries of this request safe for 24 hours.
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255))]
        idempotency_key: Header<Option<String>>,
        body: JsonBody<MergeCaseRequest>,
    ) -> Result<MergeResponse, Problems<UpdateErrors>> {
        let caller = caller.actor();
        let body = body.0;
        let request = MergeRequest {
            into: body.into_case_id.id(),
            version: body.version,
            into_version: body.into_version,
        };
        let operation = format!("mergeCase:{}", case_id.0);
        let claim = claim(caller, idempotency_key.0.as_deref(), &operation, &request)?;
        let answer = self.cases.merge(caller, workspace_id.0.id(), case_id.0.id(), request, claim).await?;
        Ok(MergeResponse::Ok(Json(answer.merged.into()), replayed(answer.replayed)))
    }
}
