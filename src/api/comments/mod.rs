//! `/v1/workspaces/{workspace_id}/cases/{case_id}/comments`: discussion on a case.

pub mod wire;

use std::sync::Arc;

use poem_openapi::OpenApi;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;

use crate::http::auth::Caller;
use crate::http::idempotency::{claim, replayed};
use crate::http::json_body::JsonBody;
use crate::http::responses::{
    DeleteErrors, GetErrors, ListErrors, Problems, UpdateErrors, idempotent_created, one_answer,
};
use crate::http::tags::ApiTags;
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{CaseId, CommentId, WorkspaceId};
use crate::services::cases::CaseService;
use crate::services::cases::{CommentBody, CommentEdit};
use crate::services::pagination::Paging;
use wire::{CommentList, CommentView, CreateCommentRequest, UpdateCommentRequest};

/// Comment operations.
pub struct CommentsApi {
    /// Cases, their comments and audit trail.
    pub(in crate::api) cases: Arc<CaseService>,
}

idempotent_created!(
    /// Answer of `createComment`.
    CreateCommentResponse(Json<CommentView>),
    "The comment was added (or, with `Idempotent-Replayed: true`, an earlier create with the same key).",
    "The comment's address."
);

one_answer!(
    /// Answer of `listComments`.
    CommentListResponse: 200 Ok(Json<CommentList>),
    "A page of comments."
);

one_answer!(
    /// Answer of `getComment` and `updateComment`.
    CommentResponse: 200 Ok(Json<CommentView>),
    "The comment."
);

one_answer!(
    /// Answer of `deleteComment`.
    CommentDeletedResponse: 204 NoContent,
    "The comment is gone (the audit trail records that it was deleted)."
);

#[OpenApi(tag = "ApiTags::Comments")]
impl CommentsApi {
    /// Comment on a case
    ///
    /// Adds a comment (editors and admins).
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/comments",
        method = "post",
        operation_id = "createComment"
    )]
    async fn create_comment(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        /// A client-chosen key (1 to 255 visible ASCII characters) that makes
        /// retries of this request safe for 24 hours.
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255))]
        idempotency_key: Header<Option<String>>,
        body: JsonBody<CreateCommentRequest>,
    ) -> Result<CreateCommentResponse, Problems<UpdateErrors>> {
        let caller = caller.actor();
        let text = CommentBody::parse(&body.0.body)?;
        let (workspace, case) = (workspace_id.0.id(), case_id.0.id());
        let operation = format!("createComment:{}", case_id.0);
        let claim = claim(caller, idempotency_key.0.as_deref(), &operation, &text)?;
        let created = self.cases.add_comment(caller, workspace, case, text, claim).await?;
        let location = format!(
            "/v1/workspaces/{}/cases/{}/comments/{}",
            workspace_id.0,
            case_id.0,
            WireId::<CommentId>::new(created.value.id)
        );
        Ok(CreateCommentResponse::Created(Json(created.value.into()), location, replayed(created.replayed)))
    }

    /// List comments
    ///
    /// A case's comments, newest first; with `updated_after`, those changed
    /// since, oldest change first.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/comments",
        method = "get",
        operation_id = "listComments"
    )]
    async fn list_comments(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        /// Only comments changed (or created) at or after this time, oldest
        /// change first (for incremental sync: pass the `updated_at` of the
        /// last comment seen; deletions are in the activity feed,
        /// `comment.deleted`).
        updated_after: Query<Option<Timestamp>>,
        /// Items per page, 1 to 100 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page (same `updated_after`).
        cursor: Query<Option<String>>,
    ) -> Result<CommentListResponse, Problems<ListErrors>> {
        let page = Paging::parse(limit.0, cursor.0.as_deref(), updated_after.0.map(|t| t.0))?;
        let (workspace, case) = (workspace_id.0.id(), case_id.0.id());
        let page = self.cases.comments(caller.actor(), workspace, case, page).await?;
        Ok(CommentListResponse::Ok(Json(page.into())))
    }

    /// Get a comment
    ///
    /// One comment of a case.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/comments/:comment_id",
        method = "get",
        operation_id = "getComment"
    )]
    async fn get_comment(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        /// The comment.
        comment_id: Path<WireId<CommentId>>,
    ) -> Result<CommentResponse, Problems<GetErrors>> {
        let (workspace, case) = (workspace_id.0.id(), case_id.0.id());
        let id = comment_id.0.id();
        let comment = self.cases.comment(caller.actor(), workspace, case, id).await?;
        Ok(CommentResponse::Ok(Json(comment.into())))
    }

    /// Edit a comment
    ///
    /// Replaces the text of one's own comment. The body carries the `version`
    /// it is based on; a stale one answers 409 `VERSION_CONFLICT`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/comments/:comment_id",
        method = "patch",
        operation_id = "updateComment"
    )]
    async fn update_comment(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        /// The comment.
        comment_id: Path<WireId<CommentId>>,
        body: JsonBody<UpdateCommentRequest>,
    ) -> Result<CommentResponse, Problems<UpdateErrors>> {
        let edit = CommentEdit::parse(body.0.version, &body.0.body)?;
        let (workspace, case) = (workspace_id.0.id(), case_id.0.id());
        let id = comment_id.0.id();
        let comment = self.cases.edit_comment(caller.actor(), workspace, case, id, edit).await?;
        Ok(CommentResponse::Ok(Json(comment.into())))
    }

    /// Delete a comment
    ///
    /// Authors delete their own comments; admins delete any.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/comments/:comment_id",
        method = "delete",
        operation_id = "deleteComment"
    )]
    async fn delete_comment(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        /// The comment.
        comment_id: Path<WireId<CommentId>>,
    ) -> Result<CommentDeletedResponse, Problems<DeleteErrors>> {
        let (workspace, case) = (workspace_id.0.id(), case_id.0.id());
        let id = comment_id.0.id();
        self.cases.delete_comment(caller.actor(), workspace, case, id).await?;
        Ok(CommentDeletedResponse::NoContent)
    }
}
