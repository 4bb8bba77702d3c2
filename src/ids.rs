//! Typed record ids, one per kind of record, shared by every layer: the API
//! parses a path segment into one ([`crate::http::wire::WireId`] adds the
//! prefix), services pass it on, and the store binds it to a query and reads
//! it back from a row (a 16-byte `BYTEA` / `BLOB`). One shape from the path
//! to the query, so two ids of different kinds cannot be swapped.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Binary;
use uuid::Uuid;

/// What every record id can do (the one place its UUID goes in and out).
pub trait RecordId: Copy + Send + Sync + 'static {
    /// Wraps an existing UUID (as parsed from the wire or a notice).
    fn from_uuid(id: Uuid) -> Self;
    /// The bare UUID.
    fn uuid(self) -> Uuid;
}

macro_rules! record_id {
    ($(#[$doc:meta])* $name:ident, $new:expr) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = Binary)]
        pub struct $name(Uuid);

        impl $name {
            /// The greatest id: the position before the first item of a
            /// newest-first page.
            pub const MAX: Self = Self(Uuid::max());

            /// The least id, which names nothing.
            pub const NIL: Self = Self(Uuid::nil());

            /// A fresh id.
            #[allow(clippy::new_without_default)]
            pub fn new() -> Self {
                Self($new)
            }

        }

        /// The bare UUID, hyphenated, for logs and messages (the API adds its prefix).
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl RecordId for $name {
            fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl<DB: Backend> ToSql<Binary, DB> for $name
        where
            [u8]: ToSql<Binary, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <[u8] as ToSql<Binary, DB>>::to_sql(self.0.as_bytes().as_slice(), out)
            }
        }

        impl<DB: Backend> FromSql<Binary, DB> for $name
        where
            Vec<u8>: FromSql<Binary, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let raw = <Vec<u8> as FromSql<Binary, DB>>::from_sql(bytes)?;
                Ok(Self(Uuid::from_slice(&raw)?))
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
    /// A task's id (UUIDv7).
    TaskId,
    Uuid::now_v7()
);
record_id!(
    /// A custom field definition's id (UUIDv7).
    FieldId,
    Uuid::now_v7()
);
record_id!(
    /// An observable's id (UUIDv7).
    ObservableId,
    Uuid::now_v7()
);
record_id!(
    /// A case template's id (UUIDv7).
    TemplateId,
    Uuid::now_v7()
);
record_id!(
    /// A link's id (UUIDv7): one link between two cases.
    LinkId,
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
record_id!(
    /// A service account's id (UUIDv7). A service account is also an
    /// account (the same UUID), which is what records name as their actor.
    ServiceAccountId,
    Uuid::now_v7()
);
record_id!(
    /// An API key's id (UUIDv7, so keys list newest first). It is part of
    /// the key's text, after the random part.
    ApiKeyId,
    Uuid::now_v7()
);
record_id!(
    /// A webhook subscription's id (UUIDv7).
    WebhookId,
    Uuid::now_v7()
);
record_id!(
    /// A webhook delivery's id (UUIDv7): one event to one subscription,
    /// sent as the `webhook-id` header so receivers can drop repeats.
    DeliveryId,
    Uuid::now_v7()
);

impl ServiceAccountId {
    /// The account that stands for this service account (the same UUID).
    pub fn account(self) -> AccountId {
        AccountId(self.0)
    }
}

impl AccountId {
    /// This account as a service account id (meaningful when it is one).
    pub fn as_service_account(self) -> ServiceAccountId {
        ServiceAccountId(self.0)
    }
}
