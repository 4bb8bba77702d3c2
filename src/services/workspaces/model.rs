//! Workspace domain types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Role;
use crate::ids::{AccountId, WorkspaceId};
use crate::services::identity::Email;
use crate::services::kernel::Corrupt;
use crate::services::validation::{self, ValidationErrors};
use crate::store::accounts::AccountRow;
use crate::store::memberships::MembershipRow;
use crate::store::workspaces::WorkspaceRow;

const NAME_MAX_CHARS: usize = 100;
const DESCRIPTION_MAX_CHARS: usize = 2_000;

/// A workspace, as seen by one member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    /// Id.
    pub id: WorkspaceId,
    /// Name.
    pub name: String,
    /// Description ("" when none).
    pub description: String,
    /// The viewing member's role.
    pub role: Role,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Creator.
    pub created_by: AccountId,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Workspace {
    pub(super) fn from_row(row: WorkspaceRow, role: Role) -> Self {
        Self {
            id: row.id,
            name: row.name,
            description: row.description,
            role,
            version: row.version,
            created_by: row.created_by,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A member of a workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The member's account.
    pub account_id: AccountId,
    /// Their email.
    pub email: String,
    /// Their display name.
    pub display_name: String,
    /// Their role.
    pub role: Role,
    /// Optimistic-concurrency version of the membership.
    pub version: i32,
    /// When they joined.
    pub created_at: DateTime<Utc>,
    /// Last role change.
    pub updated_at: DateTime<Utc>,
}

impl Member {
    /// A member from its stored rows; an unknown role is a corrupt record.
    pub(super) fn from_rows(membership: MembershipRow, account: AccountRow) -> Result<Self, Corrupt> {
        let role = stored_role(&membership.role)?;
        Ok(Self {
            account_id: account.id,
            email: account.email,
            display_name: account.display_name,
            role,
            version: membership.version,
            created_at: membership.created_at,
            updated_at: membership.updated_at,
        })
    }
}

/// A valid new workspace.
#[derive(Debug, Clone, Serialize)]
pub struct NewWorkspace {
    /// Trimmed name, 1 to 100 characters.
    pub name: String,
    /// Trimmed description, up to 2,000 characters.
    pub description: String,
}

impl NewWorkspace {
    /// Parses name and description, reporting both if both are invalid.
    pub fn parse(name: &str, description: Option<&str>) -> Result<Self, ValidationErrors> {
        match (parse_name(name), parse_description(description.unwrap_or_default())) {
            (Ok(name), Ok(description)) => Ok(Self { name, description }),
            (name, description) => {
                Err(ValidationErrors::collect([("name", name.err()), ("description", description.err())]))
            }
        }
    }
}

/// A valid change to a workspace.
#[derive(Debug, Clone)]
pub struct WorkspaceUpdate {
    /// The version the change is based on.
    pub version: i32,
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
}

impl WorkspaceUpdate {
    /// Parses a partial update; at least one field must change.
    pub fn parse(
        version: i32,
        name: Option<&str>,
        description: Option<&str>,
    ) -> Result<Self, ValidationErrors> {
        let version_error = (version < 1).then(|| "must be at least 1".to_owned());
        let empty = (name.is_none() && description.is_none()).then(|| "set name or description".to_owned());
        match (
            version_error,
            empty,
            name.map(parse_name).transpose(),
            description.map(parse_description).transpose(),
        ) {
            (None, None, Ok(name), Ok(description)) => Ok(Self { version, name, description }),
            (version_error, empty, name, description) => Err(ValidationErrors::collect([
                ("version", version_error),
                ("name", name.err()),
                ("description", description.err()),
                ("body", empty),
            ])),
        }
    }
}

/// A valid request to add a member.
#[derive(Debug, Clone, Serialize)]
pub struct NewMember {
    /// The email of an existing account.
    #[serde(serialize_with = "serialize_email")]
    pub email: Email,
    /// The role to give.
    pub role: Role,
}

fn serialize_email<S: serde::Serializer>(email: &Email, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(email.as_str())
}

impl NewMember {
    /// Parses the email.
    pub fn parse(email: &str, role: Role) -> Result<Self, ValidationErrors> {
        Email::parse(email)
            .map(|email| Self { email, role })
            .map_err(|message| ValidationErrors::single("email", message))
    }
}

/// A valid role change.
#[derive(Debug, Clone)]
pub struct MemberRoleUpdate {
    /// The membership version the change is based on.
    pub version: i32,
    /// The new role.
    pub role: Role,
}

impl MemberRoleUpdate {
    /// Checks the version.
    pub fn parse(version: i32, role: Role) -> Result<Self, ValidationErrors> {
        if version < 1 {
            return Err(ValidationErrors::single("version", "must be at least 1"));
        }
        Ok(Self { version, role })
    }
}

fn parse_name(raw: &str) -> Result<String, String> {
    validation::name(raw, NAME_MAX_CHARS)
}

fn parse_description(raw: &str) -> Result<String, String> {
    validation::free_text(raw, DESCRIPTION_MAX_CHARS)
}

/// A stored role name; an unknown one is a corrupt record.
pub(super) fn stored_role(name: &str) -> Result<Role, Corrupt> {
    Role::from_stored(name).ok_or_else(|| Corrupt(format!("unknown stored role {name:?}")))
}

impl crate::services::outbox::Subject for Member {}

impl crate::services::outbox::Subject for Workspace {}
