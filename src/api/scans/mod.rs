//! `/v1/workspaces/{workspace_id}/scans`: network scans, their results, and
//! their live progress as Server-Sent Events or WebSocket messages.

pub mod wire;

use std::sync::Arc;

use futures::stream::BoxStream;
use futures::{SinkExt, StreamExt};
use poem::web::sse::Event;
use poem::web::websocket::{BoxWebSocketUpgraded, Message, WebSocket};
use poem_openapi::OpenApi;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::{EventStream, Json};
use poem_openapi::types::ToJSON;

use crate::api::common::any_of;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::idempotency::{claim, replayed};
use crate::http::json_body::JsonBody;
use crate::http::responses::{
    CreateErrors, GetErrors, ListErrors, Problems, error_statuses, idempotent_created, one_answer,
};
use crate::http::tags::ApiTags;
use crate::http::wire::WireId;
use crate::ids::{CaseId, ScanId, WorkspaceId};
use crate::services::pagination::PageRequest;
use crate::services::scans::{NewScan, ScanFilter, ScanService};
use crate::services::validation::ValidationErrors;
use wire::{CreateScanRequest, ScanEventView, ScanList, ScanResultList, ScanStatusWire, ScanView};

/// Scan operations.
pub struct ScansApi {
    /// Network scans.
    pub(in crate::api) scans: Arc<ScanService>,
}

error_statuses! {
    /// Errors of `cancelScan` and `deleteScan`.
    ChangeScanErrors: 401, 403, 404, 409;
}

idempotent_created!(
    /// Answer of `createScan`.
    CreateScanResponse(Json<ScanView>),
    "The scan is queued (or, with `Idempotent-Replayed: true`, an earlier request with the same key).",
    "The scan's address."
);

one_answer!(
    /// Answer of `listScans`.
    ScanListResponse: 200 Ok(Json<ScanList>),
    "A page of scans."
);

one_answer!(
    /// Answer of `getScan` and `cancelScan`.
    ScanResponse: 200 Ok(Json<ScanView>),
    "The scan."
);

one_answer!(
    /// Answer of `listScanResults`.
    ScanResultListResponse: 200 Ok(Json<ScanResultList>),
    "A page of open ports."
);

one_answer!(
    /// Answer of `deleteScan`.
    ScanDeletedResponse: 204 NoContent,
    "The scan and its results are gone."
);

one_answer!(
    /// Answer of `streamScanEvents`.
    ScanEventStreamResponse: 200 Ok(EventStream<BoxStream<'static, ScanEventView>>),
    "The scan's events as Server-Sent Events: each has the event number as `id`, its `type` as `event`, and the `ScanEvent` as JSON `data`. The stream ends after the `status` event."
);

/// `Last-Event-ID`: the number of the last event the client saw.
fn resume_point(raw: Option<&str>) -> Result<i32, ApiError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(0),
        Some(raw) => raw.parse::<i32>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            ValidationErrors::single("Last-Event-ID", "must be an event id from this stream").into()
        }),
    }
}

#[OpenApi(tag = "ApiTags::Scans")]
impl ScansApi {
    /// Scan a network
    ///
    /// Queues a TCP connect scan of the team's own hosts (editors and
    /// admins). Targets outside the server's allowed networks answer 422
    /// `TARGET_OUT_OF_SCOPE` and nothing is sent. Watch it with
    /// `streamScanEvents`.
    #[oai(path = "/v1/workspaces/:workspace_id/scans", method = "post", operation_id = "createScan")]
    async fn create_scan(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// A client-chosen key (1 to 255 visible ASCII characters) that makes
        /// retries of this request safe for 24 hours.
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255))]
        idempotency_key: Header<Option<String>>,
        body: JsonBody<CreateScanRequest>,
    ) -> Result<CreateScanResponse, Problems<CreateErrors>> {
        let caller = caller.actor();
        let body = body.0;
        let case_id = body.case_id.map(|id| id.id());
        let request = NewScan::parse(&body.target, &body.ports, body.timeout_ms, body.concurrency, case_id)?;
        let workspace = workspace_id.0.id();
        let operation = format!("createScan:{}", workspace_id.0);
        let claim = claim(caller, idempotency_key.0.as_deref(), &operation, &request)?;
        let created = self.scans.create(caller, workspace, request, claim).await?;
        let location =
            format!("/v1/workspaces/{}/scans/{}", workspace_id.0, WireId::<ScanId>::new(created.value.id));
        Ok(CreateScanResponse::Created(Json(created.value.into()), location, replayed(created.replayed)))
    }

    /// List scans
    ///
    /// The workspace's scans, newest first; filtered by the case they are
    /// linked to and by status.
    #[oai(path = "/v1/workspaces/:workspace_id/scans", method = "get", operation_id = "listScans")]
    async fn list_scans(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// Only scans linked to this case.
        case_id: Query<Option<WireId<CaseId>>>,
        /// Only scans with any of these statuses.
        status: Query<Option<Vec<ScanStatusWire>>>,
        /// Items per page, 1 to 100 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<ScanListResponse, Problems<ListErrors>> {
        let page = PageRequest::parse(limit.0, cursor.0.as_deref())?;
        let workspace = workspace_id.0.id();
        let filter = ScanFilter { case_id: case_id.0.map(|id| id.id()), statuses: any_of(status.0) };
        let page = self.scans.list(caller.actor(), workspace, filter, page).await?;
        Ok(ScanListResponse::Ok(Json(page.into())))
    }

    /// Get a scan
    ///
    /// Status, progress and counts of one scan.
    #[oai(path = "/v1/workspaces/:workspace_id/scans/:scan_id", method = "get", operation_id = "getScan")]
    async fn get_scan(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The scan.
        scan_id: Path<WireId<ScanId>>,
    ) -> Result<ScanResponse, Problems<GetErrors>> {
        let (workspace, scan) = (workspace_id.0.id(), scan_id.0.id());
        let scan = self.scans.get(caller.actor(), workspace, scan).await?;
        Ok(ScanResponse::Ok(Json(scan.into())))
    }

    /// List a scan's open ports
    ///
    /// The open ports found so far, by address then port.
    #[oai(
        path = "/v1/workspaces/:workspace_id/scans/:scan_id/results",
        method = "get",
        operation_id = "listScanResults"
    )]
    async fn list_scan_results(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The scan.
        scan_id: Path<WireId<ScanId>>,
        /// Items per page, 1 to 100 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<ScanResultListResponse, Problems<ListErrors>> {
        let page = PageRequest::parse(limit.0, cursor.0.as_deref())?;
        let (workspace, scan) = (workspace_id.0.id(), scan_id.0.id());
        let page = self.scans.results(caller.actor(), workspace, scan, page).await?;
        Ok(ScanResultListResponse::Ok(Json(page.into())))
    }

    /// Cancel a scan
    ///
    /// Stops a queued scan at once and a running one promptly (editors and
    /// admins); a finished scan answers 409 `SCAN_FINISHED`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/scans/:scan_id/cancellation",
        method = "post",
        operation_id = "cancelScan"
    )]
    async fn cancel_scan(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The scan.
        scan_id: Path<WireId<ScanId>>,
    ) -> Result<ScanResponse, Problems<ChangeScanErrors>> {
        let (workspace, scan) = (workspace_id.0.id(), scan_id.0.id());
        let scan = self.scans.cancel(caller.actor(), workspace, scan).await?;
        Ok(ScanResponse::Ok(Json(scan.into())))
    }

    /// Delete a scan
    ///
    /// Deletes a finished scan and its results (editors and admins); an
    /// unfinished one answers 409 `SCAN_NOT_FINISHED`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/scans/:scan_id",
        method = "delete",
        operation_id = "deleteScan"
    )]
    async fn delete_scan(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The scan.
        scan_id: Path<WireId<ScanId>>,
    ) -> Result<ScanDeletedResponse, Problems<ChangeScanErrors>> {
        let (workspace, scan) = (workspace_id.0.id(), scan_id.0.id());
        self.scans.delete(caller.actor(), workspace, scan).await?;
        Ok(ScanDeletedResponse::NoContent)
    }

    /// Stream a scan's events
    ///
    /// Server-Sent Events: `progress`, `port_open`, and a final `status`,
    /// then the stream ends. Reconnect with `Last-Event-ID` to continue
    /// where the stream left off, without gaps. The same events are also
    /// served over WebSocket at `.../scans/{scan_id}/ws` (one JSON event per
    /// text message; `?after=` resumes), which OpenAPI cannot describe.
    #[oai(
        path = "/v1/workspaces/:workspace_id/scans/:scan_id/events",
        method = "get",
        operation_id = "streamScanEvents"
    )]
    async fn stream_scan_events(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The scan.
        scan_id: Path<WireId<ScanId>>,
        /// The id of the last event received; the stream continues after it.
        #[oai(name = "Last-Event-ID")]
        last_event_id: Header<Option<String>>,
    ) -> Result<ScanEventStreamResponse, Problems<ListErrors>> {
        let after = resume_point(last_event_id.0.as_deref())?;
        let (workspace, scan) = (workspace_id.0.id(), scan_id.0.id());
        self.scans.authorize_watch(caller.actor(), workspace, scan).await?;
        let events = self.scans.watch(scan, after).map(ScanEventView::from).boxed();
        let stream =
            EventStream::new(events).keep_alive(std::time::Duration::from_secs(15)).to_event(|event| {
                let json = event.to_json().map(|v| v.to_string()).unwrap_or_default();
                Event::message(json).id(event.id.to_string()).event_type(event.kind)
            });
        Ok(ScanEventStreamResponse::Ok(stream))
    }

    /// Watch a scan over WebSocket
    ///
    /// The same events as `streamScanEvents`, one JSON `ScanEvent` per text
    /// message; the server closes the socket after the `status` event. Pass
    /// `after` to continue after a given event id.
    #[oai(
        path = "/v1/workspaces/:workspace_id/scans/:scan_id/ws",
        method = "get",
        operation_id = "watchScan",
        hidden
    )]
    async fn watch_scan(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The scan.
        scan_id: Path<WireId<ScanId>>,
        /// The id of the last event received; the stream continues after it.
        #[oai(validator(minimum(value = "0")))]
        after: Query<Option<i32>>,
        socket: WebSocket,
    ) -> Result<BoxWebSocketUpgraded, Problems<ListErrors>> {
        let (workspace, scan) = (workspace_id.0.id(), scan_id.0.id());
        self.scans.authorize_watch(caller.actor(), workspace, scan).await?;
        let (scans, after) = (self.scans.clone(), after.0.unwrap_or(0));
        Ok(socket
            .on_upgrade(move |mut socket| async move {
                let mut events = scans.watch(scan, after);
                while let Some(event) = events.next().await {
                    let json =
                        ScanEventView::from(event).to_json().map(|v| v.to_string()).unwrap_or_default();
                    if socket.send(Message::Text(json)).await.is_err() {
                        return;
                    }
                }
                let _ = socket.close().await;
            })
            .boxed())
    }
}
