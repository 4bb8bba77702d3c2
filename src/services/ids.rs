//! Typed record ids. Storage holds the bare UUID; the API adds a prefix.

use uuid::Uuid;

macro_rules! record_id {
    ($(#[$doc:meta])* $name:ident, $new:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh id.
            #[allow(clippy::new_without_default)]
            pub fn new() -> Self {
                Self($new)
            }

            /// Wraps an existing UUID (as loaded from storage or parsed from a path).
            pub fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            /// The bare UUID.
            pub fn uuid(self) -> Uuid {
                self.0
            }
        }
    };
}

record_id!(
    /// An account's id: UUIDv7, so ids sort by creation time.
    AccountId,
    Uuid::now_v7()
);
record_id!(
    /// A session's id: UUIDv4, so it reveals nothing about when it was made.
    SessionId,
    Uuid::new_v4()
);
record_id!(
    /// A workspace's id (UUIDv7).
    WorkspaceId,
    Uuid::now_v7()
);
record_id!(
    /// A case's id (UUIDv7).
    CaseId,
    Uuid::now_v7()
);
record_id!(
    /// A comment's id (UUIDv7).
    CommentId,
    Uuid::now_v7()
);
record_id!(
    /// An audit event's id (UUIDv7).
    EventId,
    Uuid::now_v7()
);
record_id!(
    /// A scan's id (UUIDv7).
    ScanId,
    Uuid::now_v7()
);
record_id!(
    /// An attachment's id (UUIDv7).
    AttachmentId,
    Uuid::now_v7()
);
