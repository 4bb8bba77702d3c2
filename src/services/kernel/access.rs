//! The one place that decides whether an account may act in a workspace,
//! and the workspace scope every area's work starts from: a connection and
//! the caller's role there, checked together. Roles are cached briefly
//! in-process (see [`crate::services::changes`]): a request by a known
//! member needs no membership query.

use std::sync::Arc;
use std::time::Duration;

use super::{Actor, Failure, Role};
use crate::ids::{AccountId, WorkspaceId};
use crate::services::changes::{Change, ChangeCache, Forgets};
use crate::store::{DbConn, PooledConn, ReadConn, Store, StoreError, memberships};

/// Most (workspace, account) roles cached.
const ROLE_CACHE_CAPACITY: usize = 10_000;

/// Decides access, with the roles it has read lately.
#[derive(Clone)]
pub struct Access {
    store: Store,
    roles: Arc<RoleCache>,
}

/// A caller's work inside one workspace: the connection it goes on and the
/// role the caller holds there (already checked against what the work needs).
pub struct InWorkspace<C> {
    conn: C,
    /// The caller's role in the workspace.
    pub role: Role,
}

impl InWorkspace<PooledConn> {
    /// The connection, for queries and transactions.
    pub fn db(&mut self) -> DbConn<'_> {
        self.conn.db()
    }
}

impl InWorkspace<ReadConn> {
    /// The connection, for single-statement reads.
    pub fn db(&mut self) -> DbConn<'_> {
        self.conn.db()
    }
}

impl Access {
    /// Access checks over `store` whose roles are cached for at most `ttl`
    /// (zero: never).
    pub fn new(store: Store, ttl: Duration) -> Self {
        Self { store, roles: Arc::new(RoleCache(ChangeCache::new(ROLE_CACHE_CAPACITY, ttl))) }
    }

    /// A pooled connection (for writes, lists and transactions) for
    /// `caller`'s work in `workspace`, if their role there is at least `need`.
    pub async fn writing(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        need: Role,
    ) -> Result<InWorkspace<PooledConn>, Failure> {
        let mut conn = self.store.conn().await?;
        let role = self.authorize(&mut conn.db(), caller, workspace, need).await?;
        Ok(InWorkspace { conn, role })
    }

    /// A read connection (for single-statement reads) for `caller`'s work in
    /// `workspace`, if their role there is at least `need`.
    pub async fn reading(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        need: Role,
    ) -> Result<InWorkspace<ReadConn>, Failure> {
        let mut conn = self.store.reader().await?;
        let role = self.authorize(&mut conn.db(), caller, workspace, need).await?;
        Ok(InWorkspace { conn, role })
    }

    /// The caller's role in `workspace` if it is at least `need`, on a
    /// connection the caller already holds.
    pub async fn authorize(
        &self,
        conn: &mut DbConn<'_>,
        caller: Actor,
        workspace: WorkspaceId,
        need: Role,
    ) -> Result<Role, Failure> {
        let have = self.role_of(conn, caller.id, workspace).await?.ok_or(Failure::NoSuchWorkspace)?;
        if have < need {
            return Err(Failure::Forbidden { have, need });
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
        let key = (workspace, account);
        if let Some(role) = self.roles.0.get(&key) {
            return Ok(Some(role));
        }
        let mark = self.roles.0.mark();
        let stored = memberships::role_of(conn, workspace, account).await?;
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
struct RoleCache(ChangeCache<(WorkspaceId, AccountId), Role>);

impl Forgets for RoleCache {
    fn forget(&self, change: Change) {
        match change {
            Change::Membership { workspace, account } => self.0.forget(&(workspace, account)),
            Change::Workspace(gone) => self.0.forget_where(|(workspace, _), _| *workspace == gone),
            Change::Everything => self.0.forget_all(),
            Change::Session(_) | Change::Account(_) | Change::ServiceAccount(_) | Change::ApiKey(_) => {}
        }
    }

    fn set_live(&self, live: bool) {
        self.0.set_live(live);
    }
}
