//! Sessions read lately, by id, so an authenticated request needs no session
//! query. Emptied by sign-outs and account changes (see
//! [`crate::services::changes`]).

use std::time::Duration;

use super::Authenticated;
use crate::ids::SessionId;
use crate::services::changes::{Change, ChangeCache, Forgets, Mark};

/// Most sessions cached.
const CAPACITY: usize = 10_000;

/// Authenticated callers by session id.
pub struct SessionCache(ChangeCache<SessionId, Authenticated>);

impl SessionCache {
    /// A cache keeping each session at most `ttl` (zero: never).
    pub fn new(ttl: Duration) -> Self {
        Self(ChangeCache::new(CAPACITY, ttl))
    }

    /// The caller of `session`, if cached and fresh.
    pub fn get(&self, session: SessionId) -> Option<Authenticated> {
        self.0.get(&session)
    }

    /// Take before reading a session from the database.
    pub fn mark(&self) -> Mark {
        self.0.mark()
    }

    /// Keeps a caller read after `mark`.
    pub fn put(&self, mark: Mark, caller: Authenticated) {
        self.0.put(mark, caller.session.id, caller);
    }
}

impl Forgets for SessionCache {
    fn forget(&self, change: Change) {
        match change {
            Change::Session(id) => self.0.forget(&id),
            Change::Account(account) => {
                self.0.forget_where(|_, caller| caller.account.id == account);
            }
            Change::Everything => self.0.forget_all(),
            Change::Membership { .. }
            | Change::Workspace(_)
            | Change::ServiceAccount(_)
            | Change::ApiKey(_) => {}
        }
    }

    fn set_live(&self, live: bool) {
        self.0.set_live(live);
    }
}
