//! The one place that decides whether an account may act in a workspace.

use super::Role;
use crate::services::ids::{AccountId, WorkspaceId};
use crate::store::{DbConn, StoreError, memberships};

/// Why access was refused.
#[derive(Debug, thiserror::Error)]
pub enum AccessDenied {
    /// Not a member, or no such workspace: the two are indistinguishable so a
    /// workspace's existence is never revealed to outsiders.
    #[error("no such workspace")]
    NotFound,
    /// A member whose role is too weak.
    #[error("the role {have:?} does not allow this; {need:?} is needed")]
    Forbidden {
        /// The member's role.
        have: Role,
        /// The role the action needs.
        need: Role,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The caller's role in `workspace` if it is at least `need`.
pub async fn authorize(
    conn: &mut DbConn<'_>,
    caller: AccountId,
    workspace: WorkspaceId,
    need: Role,
) -> Result<Role, AccessDenied> {
    let stored = memberships::role_of(conn, workspace.uuid(), caller.uuid()).await?;
    let have = stored.as_deref().and_then(Role::from_stored).ok_or(AccessDenied::NotFound)?;
    if have < need {
        return Err(AccessDenied::Forbidden { have, need });
    }
    Ok(have)
}
