//! The one place that decides whether an account may act in a workspace.
//! Roles are cached briefly in-process (see [`crate::services::changes`]):
//! a request by a known member needs no membership query.

use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use super::Role;
use crate::services::changes::{Change, ChangeCache, Forgets};
use crate::services::ids::{AccountId, WorkspaceId};
use crate::store::{DbConn, StoreError, memberships};

/// Most (workspace, account) roles cached.
const ROLE_CACHE_CAPACITY: usize = 10_000;

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

/// Decides access, with the roles it has read lately.
#[derive(Clone)]
pub struct Access {
    roles: Arc<RoleCache>,
}

impl Access {
    /// Access checks whose roles are cached for at most `ttl` (zero: never).
    pub fn new(ttl: Duration) -> Self {
        Self { roles: Arc::new(RoleCache(ChangeCache::new(ROLE_CACHE_CAPACITY, ttl))) }
    }

    /// The caller's role in `workspace` if it is at least `need`.
    pub async fn authorize(
        &self,
        conn: &mut DbConn<'_>,
        caller: AccountId,
        workspace: WorkspaceId,
        need: Role,
    ) -> Result<Role, AccessDenied> {
        let have = self.role_of(conn, caller, workspace).await?.ok_or(AccessDenied::NotFound)?;
        if have < need {
            return Err(AccessDenied::Forbidden { have, need });
        }
        Ok(have)
    }

    /// The account's role in the workspace; `None` for a non-member.
    async fn role_of(
        &self,
        conn: &mut DbConn<'_>,
        account: AccountId,
        workspace: WorkspaceId,
    ) -> Result<Option<Role>, StoreError> {
        let key = (workspace.uuid(), account.uuid());
        if let Some(role) = self.roles.0.get(&key) {
            return Ok(Some(role));
        }
        let mark = self.roles.0.mark();
        let stored = memberships::role_of(conn, key.0, key.1).await?;
        let role = stored.as_deref().and_then(Role::from_stored);
        if let Some(role) = role {
            self.roles.0.put(mark, key, role);
        }
        Ok(role)
    }

    /// Forgets what a committed `change` made stale, on this instance.
    pub fn forget(&self, change: Change) {
        self.roles.forget(change);
    }

    /// The role cache, for the change feed.
    pub fn cache(&self) -> Arc<dyn Forgets> {
        self.roles.clone()
    }
}

/// Roles by (workspace, account). Non-members are not cached.
struct RoleCache(ChangeCache<(Uuid, Uuid), Role>);

impl Forgets for RoleCache {
    fn forget(&self, change: Change) {
        match change {
            Change::Membership { workspace, account } => self.0.forget(&(workspace, account)),
            Change::Workspace(gone) => self.0.forget_where(|(workspace, _), _| *workspace == gone),
            Change::Everything => self.0.forget_all(),
            Change::Session(_) | Change::Account(_) => {}
        }
    }

    fn set_live(&self, live: bool) {
        self.0.set_live(live);
    }
}
