//! Pieces the resources' wire types and handlers share: wire enums that
//! mirror domain enums, nullable fields of partial updates, and the
//! assignee filter of lists.

use poem_openapi::types::MaybeUndefined;

use crate::http::error::ApiError;
use crate::http::wire::WireId;
use crate::ids::AccountId;
use crate::services::cases::{AssigneeFilter, Nullable};
use crate::services::validation::ValidationErrors;

/// Declares a wire enum mirroring a domain enum, with conversions both ways.
macro_rules! wire_enum {
    ($(#[$doc:meta])* $wire:ident ($name:literal) <=> $domain:ty { $($(#[$vdoc:meta])* $variant:ident,)* }) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, poem_openapi::Enum, serde::Deserialize, serde::Serialize,
        )]
        #[oai(rename = $name, rename_all = "snake_case")]
        #[serde(rename_all = "snake_case")]
        // The variants are the wire names (`due_at`, `created_at`...).
        #[allow(clippy::enum_variant_names)]
        pub enum $wire {
            $($(#[$vdoc])* $variant,)*
        }

        impl From<$wire> for $domain {
            fn from(value: $wire) -> Self {
                match value { $($wire::$variant => Self::$variant,)* }
            }
        }

        impl From<$domain> for $wire {
            fn from(value: $domain) -> Self {
                match value { $(<$domain>::$variant => Self::$variant,)* }
            }
        }
    };
}
pub(crate) use wire_enum;

/// A nullable field of a partial update in domain terms.
pub(crate) fn nullable<W: poem_openapi::types::Type, D>(
    value: MaybeUndefined<W>,
    f: impl FnOnce(W) -> D,
) -> Nullable<D> {
    match value {
        MaybeUndefined::Undefined => Nullable::Absent,
        MaybeUndefined::Null => Nullable::Null,
        MaybeUndefined::Value(value) => Nullable::Value(f(value)),
    }
}

/// `none`, `me` (the caller), or an account id.
pub(crate) fn assignee_filters(raw: &[String], me: AccountId) -> Result<Vec<AssigneeFilter>, ApiError> {
    raw.iter()
        .map(|value| match value.as_str() {
            "none" => Ok(AssigneeFilter::Nobody),
            "me" => Ok(AssigneeFilter::Account(me)),
            other => WireId::<AccountId>::parse(other).map(|id| AssigneeFilter::Account(id.id())).ok_or_else(
                || ValidationErrors::single("assignee_id", "must be an account id, `me` or `none`").into(),
            ),
        })
        .collect()
}

/// A repeated filter parameter in domain terms (absent: no restriction).
pub(crate) fn any_of<W, D: From<W>>(values: Option<Vec<W>>) -> Vec<D> {
    values.unwrap_or_default().into_iter().map(Into::into).collect()
}
