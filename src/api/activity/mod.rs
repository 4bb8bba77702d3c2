//! `/v1/workspaces/{workspace_id}/events`: the workspace's activity feed,
//! every recorded change newest first (any member).

#[cfg(test)]
mod encoding_tests;
pub mod wire;

use std::sync::Arc;

use futures::StreamExt;
use futures::stream::BoxStream;
use poem::web::sse::Event;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::EventStream;
use poem_openapi::{ApiResponse, OpenApi};

use crate::api::common::any_of;
use crate::api::event_types::EventTypeWire;
use crate::http::actor::ActorId;
use crate::http::auth::Caller;
use crate::http::json_response::JsonResponse;
use crate::http::responses::{ListErrors, Problems, one_answer};
use crate::http::tags::ApiTags;
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{CaseId, WorkspaceId};
use crate::services::activity::{ActivityService, FeedFilter};
use crate::services::pagination::PageRequest;
use wire::{ResourceTypeWire, WorkspaceEventList, WorkspaceEventView};

/// How often a quiet stream sends a comment line, so that proxies and
/// clients keep the connection.
const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(15);

/// Activity feed operations.
pub struct ActivityApi {
    /// The activity feed.
    pub(in crate::api) activity: Arc<ActivityService>,
}

one_answer!(
    /// Answer of `listWorkspaceEvents`.
    WorkspaceEventListResponse: 200 Ok(JsonResponse<WorkspaceEventList>),
    "A page of the workspace's events, newest first."
);

/// Answer of `streamWorkspaceEvents`.
#[derive(ApiResponse)]
enum WorkspaceEventStreamResponse {
    /// Server-Sent Events in commit order: each one's `event` is the
    /// event's type (`case.created`...), its `id` the event's `seq`, its
    /// `data` a `WorkspaceEvent`; a comment line every 15 seconds while quiet.
    #[oai(status = 200)]
    Ok(EventStream<BoxStream<'static, WorkspaceEventView>>),
}

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
            since: after.0.map(|t| t.0),
            until: before.0.map(|t| t.0),
            ..filter(resource_type, kind, actor_id, case_id)
        };
        let page = self.activity.list(caller.actor(), workspace_id.0.id(), filter, page).await?;
        Ok(WorkspaceEventListResponse::Ok(JsonResponse(page.into())))
    }

    /// Stream a workspace's events
    ///
    /// The activity feed live, as Server-Sent Events (any member): each
    /// change as it commits, in commit order, with the same filters as
    /// `listWorkspaceEvents` (time bounds aside) and the same visibility.
    /// Each SSE message's `id` is the event's `seq`: a client that
    /// reconnects with `Last-Event-ID` (as browsers' `EventSource` does by
    /// itself), or with `last_event_id`, gets every event after it, none
    /// missed and none repeated, whichever instance it reconnects to.
    /// Without either the stream starts with the next change. Changes made
    /// on another instance arrive within about 50 ms. A member removed from
    /// the workspace is disconnected (checked with every change and every
    /// quiet minute); a role change changes what is shown.
    #[oai(
        path = "/v1/workspaces/:workspace_id/events/stream",
        method = "get",
        operation_id = "streamWorkspaceEvents"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn stream_events(
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
        /// Only events about this case and what belongs to it.
        case_id: Query<Option<WireId<CaseId>>>,
        /// Resume after the event with this `seq` (for clients that cannot
        /// send `Last-Event-ID`; the header wins when both are given).
        #[oai(name = "last_event_id", validator(minimum(value = "0")))]
        resume: Query<Option<i64>>,
        /// Resume after the event with this `seq`: the `id` of the last
        /// message received.
        #[oai(name = "Last-Event-ID", validator(minimum(value = "0")))]
        resume_header: Header<Option<i64>>,
    ) -> Result<WorkspaceEventStreamResponse, Problems<ListErrors>> {
        let filter = filter(resource_type, kind, actor_id, case_id);
        let resume = resume_header.0.or(resume.0);
        let events = self.activity.stream(caller.actor(), workspace_id.0.id(), filter, resume).await?;
        let views = events.map(WorkspaceEventView::from).boxed();
        let stream = EventStream::new(views).keep_alive(KEEP_ALIVE).to_event(|view: WorkspaceEventView| {
            let (seq, kind) = (view.seq, view.kind.clone());
            let json = serde_json::to_string(&view).unwrap_or_default();
            Event::message(json).id(seq.to_string()).event_type(kind)
        });
        Ok(WorkspaceEventStreamResponse::Ok(stream))
    }
}

/// The filters the feed and its stream share, in domain terms.
fn filter(
    resource_type: Query<Option<Vec<ResourceTypeWire>>>,
    kind: Query<Option<Vec<EventTypeWire>>>,
    actor_id: Query<Option<ActorId>>,
    case_id: Query<Option<WireId<CaseId>>>,
) -> FeedFilter {
    FeedFilter {
        resource_types: any_of(resource_type.0),
        kinds: any_of(kind.0),
        actor: actor_id.0.map(|actor| actor.actor().id),
        case: case_id.0.map(|id| id.id()),
        since: None,
        until: None,
    }
}
