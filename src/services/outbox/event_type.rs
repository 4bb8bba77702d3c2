//! The types of workspace events a subscription can ask for.

use serde::{Deserialize, Serialize};

use crate::services::cases::ranked_enum;

ranked_enum!(
    /// What a subscription can ask for: a type of event, or all of them.
    EventType {
        /// Every event type, present and future.
        All = (0, "*"),
        /// A case was opened.
        CaseCreated = (1, "case.created"),
        /// A case's fields changed (status, assignee, tags...).
        CaseUpdated = (2, "case.updated"),
        /// A case was deleted.
        CaseDeleted = (3, "case.deleted"),
        /// A comment was added to a case.
        CommentCreated = (4, "comment.created"),
        /// A comment was edited.
        CommentUpdated = (5, "comment.updated"),
        /// A comment was deleted.
        CommentDeleted = (6, "comment.deleted"),
        /// Evidence was attached to a case or a scan.
        AttachmentCreated = (7, "attachment.created"),
        /// An attachment was deleted.
        AttachmentDeleted = (8, "attachment.deleted"),
        /// A task was added to a case.
        TaskCreated = (9, "task.created"),
        /// A task changed.
        TaskUpdated = (10, "task.updated"),
        /// A task was deleted.
        TaskDeleted = (11, "task.deleted"),
        /// An observable was added to a case.
        ObservableCreated = (12, "observable.created"),
        /// An observable changed.
        ObservableUpdated = (13, "observable.updated"),
        /// An observable was deleted.
        ObservableDeleted = (14, "observable.deleted"),
        /// A scan was queued.
        ScanCreated = (15, "scan.created"),
        /// A scan ended (succeeded, failed or cancelled).
        ScanCompleted = (16, "scan.completed"),
        /// A member joined the workspace.
        MemberAdded = (17, "member.added"),
        /// A member's role changed.
        MemberUpdated = (18, "member.updated"),
        /// A member left the workspace.
        MemberRemoved = (19, "member.removed"),
        /// A subscription was deactivated after failing deliveries in a row.
        WebhookDisabled = (20, "webhook.disabled"),
    }
);
