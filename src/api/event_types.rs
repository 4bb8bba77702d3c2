//! The wire form of event types: what a webhook subscribes to, and what
//! the activity feed filters by.

use crate::api::common::wire_enum;
use crate::services::outbox::EventType;

wire_enum!(
    /// A type of workspace event (`*`: all of them, and any added later,
    /// for a subscription).
    EventTypeWire("WebhookEventType") <=> EventType {
        /// Every event type, present and future.
        #[oai(rename = "*")]
        #[serde(rename = "*")]
        All,
        /// A case was opened.
        #[oai(rename = "case.created")]
        #[serde(rename = "case.created")]
        CaseCreated,
        /// A case's fields changed (status, assignee, tags...).
        #[oai(rename = "case.updated")]
        #[serde(rename = "case.updated")]
        CaseUpdated,
        /// A case was deleted: moved to the trash, where admins can
        /// restore it until it is purged.
        #[oai(rename = "case.deleted")]
        #[serde(rename = "case.deleted")]
        CaseDeleted,
        /// A comment was added to a case.
        #[oai(rename = "comment.created")]
        #[serde(rename = "comment.created")]
        CommentCreated,
        /// A comment was edited.
        #[oai(rename = "comment.updated")]
        #[serde(rename = "comment.updated")]
        CommentUpdated,
        /// A comment was deleted.
        #[oai(rename = "comment.deleted")]
        #[serde(rename = "comment.deleted")]
        CommentDeleted,
        /// Evidence was attached to a case or a scan.
        #[oai(rename = "attachment.created")]
        #[serde(rename = "attachment.created")]
        AttachmentCreated,
        /// An attachment was deleted.
        #[oai(rename = "attachment.deleted")]
        #[serde(rename = "attachment.deleted")]
        AttachmentDeleted,
        /// A task was added to a case.
        #[oai(rename = "task.created")]
        #[serde(rename = "task.created")]
        TaskCreated,
        /// A task changed.
        #[oai(rename = "task.updated")]
        #[serde(rename = "task.updated")]
        TaskUpdated,
        /// A task was deleted.
        #[oai(rename = "task.deleted")]
        #[serde(rename = "task.deleted")]
        TaskDeleted,
        /// An observable was added to a case.
        #[oai(rename = "observable.created")]
        #[serde(rename = "observable.created")]
        ObservableCreated,
        /// An observable changed.
        #[oai(rename = "observable.updated")]
        #[serde(rename = "observable.updated")]
        ObservableUpdated,
        /// An observable was deleted.
        #[oai(rename = "observable.deleted")]
        #[serde(rename = "observable.deleted")]
        ObservableDeleted,
        /// A scan was queued.
        #[oai(rename = "scan.created")]
        #[serde(rename = "scan.created")]
        ScanCreated,
        /// A scan ended (succeeded, failed or cancelled).
        #[oai(rename = "scan.completed")]
        #[serde(rename = "scan.completed")]
        ScanCompleted,
        /// A member joined the workspace.
        #[oai(rename = "member.added")]
        #[serde(rename = "member.added")]
        MemberAdded,
        /// A member's role changed.
        #[oai(rename = "member.updated")]
        #[serde(rename = "member.updated")]
        MemberUpdated,
        /// A member left the workspace.
        #[oai(rename = "member.removed")]
        #[serde(rename = "member.removed")]
        MemberRemoved,
        /// A subscription was deactivated after failing deliveries in a row.
        #[oai(rename = "webhook.disabled")]
        #[serde(rename = "webhook.disabled")]
        WebhookDisabled,
        /// The workspace's name or description changed.
        #[oai(rename = "workspace.updated")]
        #[serde(rename = "workspace.updated")]
        WorkspaceUpdated,
        /// A scan was deleted with its results.
        #[oai(rename = "scan.deleted")]
        #[serde(rename = "scan.deleted")]
        ScanDeleted,
        /// A service account was made.
        #[oai(rename = "service_account.created")]
        #[serde(rename = "service_account.created")]
        ServiceAccountCreated,
        /// A service account's name, role or state changed.
        #[oai(rename = "service_account.updated")]
        #[serde(rename = "service_account.updated")]
        ServiceAccountUpdated,
        /// A service account was deleted.
        #[oai(rename = "service_account.deleted")]
        #[serde(rename = "service_account.deleted")]
        ServiceAccountDeleted,
        /// An API key was issued to a service account.
        #[oai(rename = "api_key.created")]
        #[serde(rename = "api_key.created")]
        ApiKeyCreated,
        /// An API key was revoked.
        #[oai(rename = "api_key.revoked")]
        #[serde(rename = "api_key.revoked")]
        ApiKeyRevoked,
        /// A webhook subscription was made.
        #[oai(rename = "webhook.created")]
        #[serde(rename = "webhook.created")]
        WebhookCreated,
        /// A subscription's URL, events, description or state changed.
        #[oai(rename = "webhook.updated")]
        #[serde(rename = "webhook.updated")]
        WebhookUpdated,
        /// A subscription was deleted.
        #[oai(rename = "webhook.deleted")]
        #[serde(rename = "webhook.deleted")]
        WebhookDeleted,
        /// A subscription's signing secret was rotated.
        #[oai(rename = "webhook.secret_rotated")]
        #[serde(rename = "webhook.secret_rotated")]
        WebhookSecretRotated,
        /// A custom field was defined.
        #[oai(rename = "custom_field.created")]
        #[serde(rename = "custom_field.created")]
        CustomFieldCreated,
        /// A custom field's definition changed.
        #[oai(rename = "custom_field.updated")]
        #[serde(rename = "custom_field.updated")]
        CustomFieldUpdated,
        /// A custom field was deleted.
        #[oai(rename = "custom_field.deleted")]
        #[serde(rename = "custom_field.deleted")]
        CustomFieldDeleted,
        /// A case template was made.
        #[oai(rename = "template.created")]
        #[serde(rename = "template.created")]
        TemplateCreated,
        /// A case template changed.
        #[oai(rename = "template.updated")]
        #[serde(rename = "template.updated")]
        TemplateUpdated,
        /// A case template was deleted.
        #[oai(rename = "template.deleted")]
        #[serde(rename = "template.deleted")]
        TemplateDeleted,
        /// The workspace was made (its maker became its admin).
        #[oai(rename = "workspace.created")]
        #[serde(rename = "workspace.created")]
        WorkspaceCreated,
        /// A case was restored from the trash, with everything it had.
        #[oai(rename = "case.restored")]
        #[serde(rename = "case.restored")]
        CaseRestored,
        /// A trashed case was deleted for good (after the retention period,
        /// or by an admin): the last event about it.
        #[oai(rename = "case.purged")]
        #[serde(rename = "case.purged")]
        CasePurged,
        /// Two cases were linked (the event carries the link as seen from
        /// the case it was made on).
        #[oai(rename = "case_link.created")]
        #[serde(rename = "case_link.created")]
        CaseLinkCreated,
        /// A link between two cases was removed.
        #[oai(rename = "case_link.deleted")]
        #[serde(rename = "case_link.deleted")]
        CaseLinkDeleted,
        /// A case was merged into another (the event carries the merged
        /// case, now closed, with `merged_into`; what moved is not
        /// announced item by item).
        #[oai(rename = "case.merged")]
        #[serde(rename = "case.merged")]
        CaseMerged,
    }
);
