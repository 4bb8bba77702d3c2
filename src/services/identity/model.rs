//! Identity's domain types: what the service takes and returns.

use chrono::{DateTime, Utc};

use super::{DisplayName, Email, Password};
use crate::ids::{AccountId, ApiKeyId, ServiceAccountId, SessionId, WorkspaceId};
use crate::services::kernel::{Actor, Failure};
use crate::services::validation::ValidationErrors;
use crate::store::accounts::AccountRow;
use crate::store::sessions::SessionRow;

/// An account as others may see it (never its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Account id.
    pub id: AccountId,
    /// Normalised email.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<AccountRow> for Account {
    fn from(row: AccountRow) -> Self {
        Self {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A signed-in session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Session id.
    pub id: SessionId,
    /// The account signed in.
    pub account_id: AccountId,
    /// When it began.
    pub created_at: DateTime<Utc>,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
}

impl From<SessionRow> for Session {
    fn from(row: SessionRow) -> Self {
        Self {
            id: row.id,
            account_id: row.account_id,
            created_at: row.created_at,
            expires_at: row.expires_at,
        }
    }
}

/// The caller of a request, once their token checked out.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// Their current session.
    pub session: Session,
    /// Their account.
    pub account: Account,
}

/// A service account acting through one of its API keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyHolder {
    /// The key used.
    pub key: ApiKeyId,
    /// The service account it belongs to.
    pub service_account: ServiceAccountId,
    /// The one workspace the service account acts in.
    pub workspace: WorkspaceId,
}

/// Whoever a bearer token names: a person with a session, or a service
/// account with an API key.
#[derive(Debug, Clone)]
pub enum Principal {
    /// A person signed in with a session token.
    Person(Authenticated),
    /// A service account using an API key.
    ServiceAccount(KeyHolder),
}

impl Principal {
    /// Who acts, for access checks and records.
    pub fn actor(&self) -> Actor {
        match self {
            Self::Person(caller) => Actor::person(caller.account.id),
            Self::ServiceAccount(holder) => Actor::service_account(holder.service_account),
        }
    }

    /// The person and their session; a service account is refused (for
    /// one's own account and sessions, which service accounts do not have).
    pub fn person(&self) -> Result<&Authenticated, Failure> {
        match self {
            Self::Person(caller) => Ok(caller),
            Self::ServiceAccount(_) => Err(Failure::PeopleOnly),
        }
    }
}

/// The outcome of signing in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The bearer token for the new session (shown once).
    pub token: String,
    /// The new session.
    pub session: Session,
    /// The account signed in.
    pub account: Account,
}

/// A valid sign-up request.
#[derive(Debug)]
pub struct SignUp {
    /// Email to register.
    pub email: Email,
    /// Initial password.
    pub password: Password,
    /// Display name.
    pub display_name: DisplayName,
}

impl SignUp {
    /// Parses every field, reporting all invalid ones together.
    pub fn parse(email: &str, password: String, display_name: &str) -> Result<Self, ValidationErrors> {
        match (Email::parse(email), Password::parse(password), DisplayName::parse(display_name)) {
            (Ok(email), Ok(password), Ok(display_name)) => Ok(Self { email, password, display_name }),
            (email, password, display_name) => Err(ValidationErrors::collect([
                ("email", email.err()),
                ("password", password.err()),
                ("display_name", display_name.err()),
            ])),
        }
    }
}

/// A sign-in attempt. The email is only normalised, never judged: a
/// malformed email is just an unknown one.
#[derive(Debug)]
pub struct SignIn {
    /// Trimmed, lowercased email as typed.
    pub email: String,
    /// Password as typed.
    pub password: Password,
}

impl SignIn {
    /// Normalises the email and bounds the password's length.
    pub fn parse(email: &str, password: String) -> Result<Self, ValidationErrors> {
        let email = email.trim().to_lowercase();
        let email_error = email.is_empty().then(|| "must not be empty".to_owned());
        match (email_error, Password::parse_attempt(password)) {
            (None, Ok(password)) => Ok(Self { email, password }),
            (email_error, password) => {
                Err(ValidationErrors::collect([("email", email_error), ("password", password.err())]))
            }
        }
    }
}

/// A valid change to one's own account.
#[derive(Debug)]
pub struct AccountUpdate {
    /// The version the change is based on.
    pub version: i32,
    /// A new display name.
    pub display_name: Option<DisplayName>,
    /// A new password, with the current one as proof.
    pub password_change: Option<PasswordChange>,
}

/// A new password and the current one that authorises the change.
#[derive(Debug)]
pub struct PasswordChange {
    /// The password the account has now.
    pub current: Password,
    /// The password it should have.
    pub new: Password,
}

impl AccountUpdate {
    /// Parses the fields of a partial update, reporting all invalid ones.
    pub fn parse(
        version: i32,
        display_name: Option<&str>,
        current_password: Option<String>,
        new_password: Option<String>,
    ) -> Result<Self, ValidationErrors> {
        let version_error = (version < 1).then(|| "must be at least 1".to_owned());
        let display_name = display_name.map(DisplayName::parse).transpose();
        let (current, new) = match (current_password, new_password) {
            (None, None) => (Ok(None), Ok(None)),
            (Some(current), Some(new)) => {
                (Password::parse_attempt(current).map(Some), Password::parse(new).map(Some))
            }
            (None, Some(_)) => (Err("is required to change the password".to_owned()), Ok(None)),
            (Some(_), None) => (Ok(None), Err("is required with current_password".to_owned())),
        };
        let nothing_to_do =
            matches!(display_name, Ok(None)) && matches!((&current, &new), (Ok(None), Ok(None)));
        let body_error = nothing_to_do.then(|| "set display_name or new_password".to_owned());
        match (version_error, body_error, display_name, current, new) {
            (None, None, Ok(display_name), Ok(current), Ok(new)) => Ok(Self {
                version,
                display_name,
                password_change: current.zip(new).map(|(current, new)| PasswordChange { current, new }),
            }),
            (version_error, body_error, display_name, current, new) => Err(ValidationErrors::collect([
                ("version", version_error),
                ("display_name", display_name.err()),
                ("current_password", current.err()),
                ("new_password", new.err()),
                ("body", body_error),
            ])),
        }
    }
}
