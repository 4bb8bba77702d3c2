//! Wire types of comments.

use poem_openapi::Object;
use poem_openapi::types::Example;
use serde::Deserialize;

use crate::http::actor::{ActorId, ActorKindWire};
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{CaseId, CommentId};
use crate::services::cases::Comment;

/// A comment on a case.
#[derive(Debug, Object)]
#[oai(rename = "Comment")]
pub struct CommentView {
    /// The comment's id.
    pub id: WireId<CommentId>,
    /// The case.
    pub case_id: WireId<CaseId>,
    /// Who wrote it.
    pub author_id: ActorId,
    /// Whether `author_id` is a person or a service account.
    pub author_kind: ActorKindWire,
    /// The text, in Markdown.
    pub body: String,
    /// Raised by one on every edit; send it back with `PATCH`.
    pub version: i32,
    /// When it was written.
    pub created_at: Timestamp,
    /// When it was last edited.
    pub updated_at: Timestamp,
}

impl From<Comment> for CommentView {
    fn from(c: Comment) -> Self {
        Self {
            id: WireId::new(c.id),
            case_id: WireId::new(c.case_id),
            author_id: ActorId::new(c.author_id, c.author_kind),
            author_kind: c.author_kind.into(),
            body: c.body,
            version: c.version,
            created_at: c.created_at.into(),
            updated_at: c.updated_at.into(),
        }
    }
}

/// A page of comments, newest first.
#[derive(Debug, Object)]
#[oai(rename = "CommentList")]
pub struct CommentList {
    /// The comments on this page.
    pub items: Vec<CommentView>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// A new comment.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "CreateCommentRequest", example)]
#[serde(deny_unknown_fields)]
pub struct CreateCommentRequest {
    /// Markdown, 1 to 10,000 characters, not only spaces.
    #[oai(validator(min_length = 1, max_length = 10000))]
    pub body: String,
}

impl Example for CreateCommentRequest {
    fn example() -> Self {
        Self { body: "Blocked the sender domain at the mail gateway.".into() }
    }
}

/// New text for a comment, with the `version` it is based on.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "UpdateCommentRequest", example)]
#[serde(deny_unknown_fields)]
pub struct UpdateCommentRequest {
    /// The comment's `version` as last read.
    #[oai(validator(minimum(value = "1")))]
    pub version: i32,
    /// Markdown, 1 to 10,000 characters, not only spaces.
    #[oai(validator(min_length = 1, max_length = 10000))]
    pub body: String,
}

impl Example for UpdateCommentRequest {
    fn example() -> Self {
        Self { version: 1, body: "Blocked the sender domain and purged the mails.".into() }
    }
}

crate::http::wire::list_from_page!(CommentList, Comment);
