//! Wire types of workspace members.

use poem_openapi::Object;
use poem_openapi::types::Example;
use serde::Deserialize;

use crate::api::workspaces::wire::RoleWire;
use crate::http::wire::{Timestamp, WireId, list_from_page};
use crate::ids::AccountId;
use crate::services::workspaces::Member;

/// A member of a workspace.
#[derive(Debug, Object)]
#[oai(rename = "Member")]
pub struct MemberView {
    /// The member's account.
    pub account_id: WireId<AccountId>,
    /// Their email address.
    pub email: String,
    /// Their display name.
    pub display_name: String,
    /// Their role.
    pub role: RoleWire,
    /// Raised by one on every role change; send it back with `PATCH`.
    pub version: i32,
    /// When they joined.
    pub created_at: Timestamp,
    /// When their role last changed.
    pub updated_at: Timestamp,
}

impl From<Member> for MemberView {
    fn from(m: Member) -> Self {
        Self {
            account_id: WireId::new(m.account_id),
            email: m.email,
            display_name: m.display_name,
            role: m.role.into(),
            version: m.version,
            created_at: m.created_at.into(),
            updated_at: m.updated_at.into(),
        }
    }
}

/// A page of members, newest account first.
#[derive(Debug, Object)]
#[oai(rename = "MemberList")]
pub struct MemberList {
    /// The members on this page.
    pub items: Vec<MemberView>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// An existing account to add, by email, with a role.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "AddMemberRequest", example)]
#[serde(deny_unknown_fields)]
pub struct AddMemberRequest {
    /// The email address of an existing account.
    #[oai(validator(min_length = 3, max_length = 254))]
    pub email: String,
    /// The role to give.
    pub role: RoleWire,
}

impl Example for AddMemberRequest {
    fn example() -> Self {
        Self { email: "grace@example.com".into(), role: RoleWire::Editor }
    }
}

/// A new role for a member, with the membership `version` it is based on.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "UpdateMemberRequest", example)]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberRequest {
    /// The membership's `version` as last read.
    #[oai(validator(minimum(value = "1")))]
    pub version: i32,
    /// The new role.
    pub role: RoleWire,
}

impl Example for UpdateMemberRequest {
    fn example() -> Self {
        Self { version: 1, role: RoleWire::Admin }
    }
}

list_from_page!(MemberList, Member);
