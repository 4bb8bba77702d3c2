//! `/v1/workspaces/{workspace_id}/events`: the workspace's activity feed,
//! every recorded change newest first (any member).

pub mod wire;

use std::sync::Arc;

use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;

use crate::api::common::any_of;
use crate::api::event_types::EventTypeWire;
use crate::http::actor::ActorId;
use crate::http::auth::Caller;
use crate::http::responses::{ListErrors, Problems, one_answer};
use crate::http::tags::ApiTags;
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{CaseId, WorkspaceId};
use crate::services::activity::{ActivityService, FeedFilter};
use crate::services::pagination::PageRequest;
use wire::{ResourceTypeWire, WorkspaceEventList};

/// Activity feed operations.
pub struct ActivityApi {
    /// The activity feed.
    pub(in crate::api) activity: Arc<ActivityService>,
}

one_answer!(
    /// Answer of `listWorkspaceEvents`.
    WorkspaceEventListResponse: 200 Ok(Json<WorkspaceEventList>),
    "A page of the workspace's events, newest first."
);

#[OpenApi(tag = "ApiTags::Activity")]
impl ActivityApi {
    /// List a workspace's events
    ///
    /// The workspace's activity feed and audit record: every change, who
    /// made it and when, newest first (any member). Each event is the one
    /// webhook subscriptions receive, with the resource as its endpoints
    /// return it and, for updates, the changed fields with old and new
    /// values. Members, roles, the workspace, cases, comments, tasks,
    /// observables, attachments, scans, custom fields and templates are
    /// recorded for everyone; service accounts, API keys and webhooks for
    /// admins only. Repeated filter parameters mean "any of"; different
    /// filters all apply. The cursor stays valid as new events arrive: a
    /// page is never shifted by them.
    #[oai(path = "/v1/workspaces/:workspace_id/events", method = "get", operation_id = "listWorkspaceEvents")]
    #[allow(clippy::too_many_arguments)]
    async fn list_events(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// Only events about any of these kinds of resource.
        resource_type: Query<Option<Vec<ResourceTypeWire>>>,
        /// Only events of any of these types.
        #[oai(name = "type")]
        kind: Query<Option<Vec<EventTypeWire>>>,
        /// Only changes made by this person (`acct_`) or service account (`svc_`).
        actor_id: Query<Option<ActorId>>,
        /// Only events about this case and what belongs to it (comments,
        /// tasks, observables, attachments).
        case_id: Query<Option<WireId<CaseId>>>,
        /// Only events at or after this time.
        after: Query<Option<Timestamp>>,
        /// Only events before this time.
        before: Query<Option<Timestamp>>,
        /// Items per page, 1 to 100 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page (same filters).
        cursor: Query<Option<String>>,
    ) -> Result<WorkspaceEventListResponse, Problems<ListErrors>> {
        let page = PageRequest::parse(limit.0, cursor.0.as_deref())?;
        let filter = FeedFilter {
            resource_types: any_of(resource_type.0),
            kinds: any_of(kind.0),
            actor: actor_id.0.map(|actor| actor.actor().id),
            case: case_id.0.map(|id| id.id()),
            since: after.0.map(|t| t.0),
            until: before.0.map(|t| t.0),
        };
        let page = self.activity.list(caller.actor(), workspace_id.0.id(), filter, page).await?;
        Ok(WorkspaceEventListResponse::Ok(Json(page.into())))
    }
}
