//! Who acts: a person signed in with a session, or a service account using
//! an API key. Both are accounts (a service account has an account row of
//! its own), so access checks and every record's "who did it" name an
//! [`AccountId`]; the kind says which of the two it was.

use crate::ids::{AccountId, ServiceAccountId};

use super::Failure;

/// The principal behind a request or a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Actor {
    /// The account that acted (for a service account, its own account).
    pub id: AccountId,
    /// A person or a service account.
    pub kind: ActorKind,
}

/// The two kinds of principal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// A person, signed in with a session token.
    #[default]
    Person,
    /// A service account, using an API key.
    ServiceAccount,
}

impl ActorKind {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::ServiceAccount => "service_account",
        }
    }

    /// Reads a stored name. Rows written before service accounts existed
    /// say `person`; anything but `service_account` is a person.
    pub fn from_stored(name: &str) -> Self {
        if name == "service_account" { Self::ServiceAccount } else { Self::Person }
    }
}

impl Actor {
    /// A person.
    pub fn person(id: AccountId) -> Self {
        Self { id, kind: ActorKind::Person }
    }

    /// A service account.
    pub fn service_account(id: ServiceAccountId) -> Self {
        Self { id: id.account(), kind: ActorKind::ServiceAccount }
    }

    /// An actor as a row stores it: an account id and a kind name.
    pub fn stored(id: AccountId, kind: &str) -> Self {
        Self { id, kind: ActorKind::from_stored(kind) }
    }

    /// The stored kind name.
    pub fn kind_name(self) -> String {
        self.kind.as_str().to_owned()
    }

    /// Refuses service accounts: for what only a person may do (their own
    /// account and sessions, creating workspaces, managing API keys).
    pub fn require_person(self) -> Result<AccountId, Failure> {
        match self.kind {
            ActorKind::Person => Ok(self.id),
            ActorKind::ServiceAccount => Err(Failure::PeopleOnly),
        }
    }
}
