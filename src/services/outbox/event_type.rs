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
        /// A case was deleted: moved to the trash, where admins can
        /// restore it until it is purged.
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
        /// The workspace's name or description changed.
        WorkspaceUpdated = (21, "workspace.updated"),
        /// A scan was deleted with its results.
        ScanDeleted = (22, "scan.deleted"),
        /// A service account was made.
        ServiceAccountCreated = (23, "service_account.created"),
        /// A service account's name, role or state changed.
        ServiceAccountUpdated = (24, "service_account.updated"),
        /// A service account was deleted.
        ServiceAccountDeleted = (25, "service_account.deleted"),
        /// An API key was issued to a service account.
        ApiKeyCreated = (26, "api_key.created"),
        /// An API key was revoked.
        ApiKeyRevoked = (27, "api_key.revoked"),
        /// A webhook subscription was made.
        WebhookCreated = (28, "webhook.created"),
        /// A subscription's URL, events, description or state changed.
        WebhookUpdated = (29, "webhook.updated"),
        /// A subscription was deleted.
        WebhookDeleted = (30, "webhook.deleted"),
        /// A subscription's signing secret was rotated.
        WebhookSecretRotated = (31, "webhook.secret_rotated"),
        /// A custom field was defined.
        CustomFieldCreated = (32, "custom_field.created"),
        /// A custom field's definition changed.
        CustomFieldUpdated = (33, "custom_field.updated"),
        /// A custom field was deleted.
        CustomFieldDeleted = (34, "custom_field.deleted"),
        /// A case template was made.
        TemplateCreated = (35, "template.created"),
        /// A case template changed.
        TemplateUpdated = (36, "template.updated"),
        /// A case template was deleted.
        TemplateDeleted = (37, "template.deleted"),
        /// The workspace was made (its maker became its admin).
        WorkspaceCreated = (38, "workspace.created"),
        /// A case was restored from the trash, with everything it had.
        CaseRestored = (39, "case.restored"),
        /// A trashed case was deleted for good (after the retention period,
        /// or by an admin): the last event about it.
        CasePurged = (40, "case.purged"),
        /// Two cases were linked (the event carries the link as seen from
        /// the case it was made on).
        CaseLinkCreated = (41, "case_link.created"),
        /// A link between two cases was removed.
        CaseLinkDeleted = (42, "case_link.deleted"),
        /// A case was merged into another (the event carries the merged
        /// case, now closed, with `merged_into`); the case merged into has
        /// its own `case.updated`, and what moved between them is
        /// announced by this event, not item by item.
        CaseMerged = (43, "case.merged"),
    }
);

ranked_enum!(
    /// The kinds of resource workspace events concern.
    ResourceType {
        /// The workspace itself.
        Workspace = (1, "workspace"),
        /// A member and their role.
        Member = (2, "member"),
        /// A case.
        Case = (3, "case"),
        /// A comment on a case.
        Comment = (4, "comment"),
        /// A task of a case.
        Task = (5, "task"),
        /// An observable of a case.
        Observable = (6, "observable"),
        /// An evidence file on a case or a scan.
        Attachment = (7, "attachment"),
        /// A network scan.
        Scan = (8, "scan"),
        /// A custom field definition.
        CustomField = (9, "custom_field"),
        /// A case template.
        Template = (10, "template"),
        /// A service account (admins only).
        ServiceAccount = (11, "service_account"),
        /// An API key of a service account (admins only).
        ApiKey = (12, "api_key"),
        /// A webhook subscription (admins only).
        Webhook = (13, "webhook"),
        /// A link between two cases.
        CaseLink = (14, "case_link"),
    }
);

impl ResourceType {
    /// Whether only admins may read events about this kind of resource (as
    /// only they may read the resources).
    pub fn admins_only(self) -> bool {
        matches!(self, Self::ServiceAccount | Self::ApiKey | Self::Webhook)
    }
}

impl EventType {
    /// The type of resource events of this type concern: the part of the
    /// name before the dot (`case` for `case.created`); empty for `*`.
    pub fn resource_type(self) -> &'static str {
        self.as_str().split_once('.').map_or("", |(resource, _)| resource)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_type_names_a_resource_type_and_every_resource_type_has_events() {
        for kind in EventType::ALL.iter().filter(|kind| **kind != EventType::All) {
            assert!(ResourceType::from_name(kind.resource_type()).is_some(), "{}", kind.as_str());
        }
        for resource in ResourceType::ALL {
            assert!(
                EventType::ALL.iter().any(|kind| kind.resource_type() == resource.as_str()),
                "{resource:?}"
            );
        }
    }
}
