//! Changes that make cached authentication stale (a session ended, an
//! account changed, a role changed, a workspace deleted, a service account
//! disabled or deleted, an API key revoked), told to every
//! instance. A service that makes such a change publishes it inside its
//! transaction (other instances hear of it when it commits) and forgets it
//! in its own caches right after the commit (so its next request already
//! sees it).

mod cache;
mod follow;

use std::fmt;

use uuid::Uuid;

pub use cache::{ChangeCache, Mark};
pub use follow::{Forgets, follow};

use crate::ids::{AccountId, ApiKeyId, RecordId, ServiceAccountId, SessionId, WorkspaceId};
use crate::store::change_feed;
use crate::store::{DbConn, StoreError};

/// One change that cached authentication must forget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A session ended.
    Session(SessionId),
    /// An account changed, or all or some of its sessions ended.
    Account(AccountId),
    /// A membership was added, changed or removed.
    Membership {
        /// Its workspace.
        workspace: WorkspaceId,
        /// Its account.
        account: AccountId,
    },
    /// A workspace was deleted with all its memberships.
    Workspace(WorkspaceId),
    /// A service account was disabled, enabled or deleted.
    ServiceAccount(ServiceAccountId),
    /// An API key was revoked.
    ApiKey(ApiKeyId),
    /// Anything may have changed (a notice that could not be read).
    Everything,
}

impl Change {
    /// Reads a notice; one that cannot be read means [`Change::Everything`].
    pub fn parse(notice: &str) -> Self {
        let parsed = || -> Option<Self> {
            let (kind, rest) = notice.split_once(':')?;
            Some(match kind {
                "session" => Self::Session(id(rest)?),
                "account" => Self::Account(id(rest)?),
                "workspace" => Self::Workspace(id(rest)?),
                "service_account" => Self::ServiceAccount(id(rest)?),
                "api_key" => Self::ApiKey(id(rest)?),
                "membership" => {
                    let (workspace, account) = rest.split_once(':')?;
                    Self::Membership { workspace: id(workspace)?, account: id(account)? }
                }
                _ => return None,
            })
        };
        parsed().unwrap_or(Self::Everything)
    }

    /// Tells every instance, when the surrounding transaction commits.
    pub async fn publish(self, conn: &mut DbConn<'_>) -> Result<(), StoreError> {
        change_feed::publish(conn, &self.to_string()).await
    }
}

/// An id as a notice writes it (the bare UUID).
fn id<I: RecordId>(text: &str) -> Option<I> {
    text.parse::<Uuid>().ok().map(I::from_uuid)
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Session(id) => write!(f, "session:{id}"),
            Self::Account(id) => write!(f, "account:{id}"),
            Self::Membership { workspace, account } => write!(f, "membership:{workspace}:{account}"),
            Self::Workspace(id) => write!(f, "workspace:{id}"),
            Self::ServiceAccount(id) => write!(f, "service_account:{id}"),
            Self::ApiKey(id) => write!(f, "api_key:{id}"),
            Self::Everything => f.write_str("everything"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_read_back_as_the_change_they_tell() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        for change in [
            Change::Session(SessionId::from_uuid(a)),
            Change::Account(AccountId::from_uuid(a)),
            Change::Membership { workspace: WorkspaceId::from_uuid(a), account: AccountId::from_uuid(b) },
            Change::Workspace(WorkspaceId::from_uuid(b)),
            Change::ServiceAccount(ServiceAccountId::from_uuid(a)),
            Change::ApiKey(ApiKeyId::from_uuid(b)),
            Change::Everything,
        ] {
            assert_eq!(Change::parse(&change.to_string()), change);
        }
    }

    #[test]
    fn an_unreadable_notice_forgets_everything() {
        for notice in ["", "session", "session:nope", "membership:x", "other:1", "membership:1:2"] {
            assert_eq!(Change::parse(notice), Change::Everything, "{notice:?}");
        }
    }
}
