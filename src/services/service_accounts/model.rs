//! Service accounts and API keys as the service takes and returns them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, ApiKeyId, ServiceAccountId, WorkspaceId};
use crate::platform::clock;
use crate::services::kernel::{Corrupt, Role};
use crate::services::validation::{self, ValidationErrors};
use crate::store::api_keys::ApiKeyRow;
use crate::store::service_accounts::ServiceAccountRow;

const NAME_MAX_CHARS: usize = 100;
const DESCRIPTION_MAX_CHARS: usize = 2_000;

/// A machine principal of one workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceAccount {
    /// Id.
    pub id: ServiceAccountId,
    /// The workspace it acts in.
    pub workspace_id: WorkspaceId,
    /// Name.
    pub name: String,
    /// What it is for ("" when none).
    pub description: String,
    /// Its role in the workspace.
    pub role: Role,
    /// Whether its keys are refused.
    pub disabled: bool,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// The person who created it.
    pub created_by: AccountId,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl ServiceAccount {
    /// From its row and its membership's role; an unknown role is corrupt.
    pub(super) fn from_row(row: ServiceAccountRow, role: &str) -> Result<Self, Corrupt> {
        let role = Role::from_stored(role).ok_or_else(|| Corrupt(format!("unknown stored role {role:?}")))?;
        Ok(Self {
            id: row.id,
            workspace_id: row.workspace_id,
            name: row.name,
            description: row.description,
            role,
            disabled: row.disabled,
            version: row.version,
            created_by: row.created_by,
            created_at: row.created_at.into(),
            updated_at: row.updated_at.into(),
        })
    }
}

/// A valid new service account.
#[derive(Debug, Clone, Serialize)]
pub struct NewServiceAccount {
    /// Trimmed name, 1 to 100 characters.
    pub name: String,
    /// Trimmed description, up to 2,000 characters.
    pub description: String,
    /// Its role.
    pub role: Role,
}

impl NewServiceAccount {
    /// Parses name and description, reporting both if both are invalid.
    pub fn parse(name: &str, description: Option<&str>, role: Role) -> Result<Self, ValidationErrors> {
        let description = description.unwrap_or_default();
        match (
            validation::name(name, NAME_MAX_CHARS),
            validation::free_text(description, DESCRIPTION_MAX_CHARS),
        ) {
            (Ok(name), Ok(description)) => Ok(Self { name, description, role }),
            (name, description) => {
                Err(ValidationErrors::collect([("name", name.err()), ("description", description.err())]))
            }
        }
    }
}

/// A valid change to a service account.
#[derive(Debug, Clone)]
pub struct ServiceAccountUpdate {
    /// The version the change is based on.
    pub version: i32,
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New role.
    pub role: Option<Role>,
    /// Disable (`true`) or enable (`false`).
    pub disabled: Option<bool>,
}

impl ServiceAccountUpdate {
    /// Parses a partial update; at least one field must change.
    pub fn parse(
        version: i32,
        name: Option<&str>,
        description: Option<&str>,
        role: Option<Role>,
        disabled: Option<bool>,
    ) -> Result<Self, ValidationErrors> {
        let version_error = (version < 1).then(|| "must be at least 1".to_owned());
        let empty = (name.is_none() && description.is_none() && role.is_none() && disabled.is_none())
            .then(|| "set name, description, role or disabled".to_owned());
        let name = name.map(|name| validation::name(name, NAME_MAX_CHARS)).transpose();
        let description =
            description.map(|text| validation::free_text(text, DESCRIPTION_MAX_CHARS)).transpose();
        match (version_error, empty, name, description) {
            (None, None, Ok(name), Ok(description)) => {
                Ok(Self { version, name, description, role, disabled })
            }
            (version_error, empty, name, description) => Err(ValidationErrors::collect([
                ("version", version_error),
                ("name", name.err()),
                ("description", description.err()),
                ("body", empty),
            ])),
        }
    }
}

/// An API key as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// Id.
    pub id: ApiKeyId,
    /// The service account it acts as.
    pub service_account_id: ServiceAccountId,
    /// Name.
    pub name: String,
    /// The secret's first characters.
    pub prefix: String,
    /// The person who created it.
    pub created_by: AccountId,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// When it stops being accepted, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was last used, to the minute.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiKeyRow> for ApiKey {
    fn from(row: ApiKeyRow) -> Self {
        Self {
            id: row.id,
            service_account_id: row.service_account_id,
            name: row.name,
            prefix: row.prefix,
            created_by: row.created_by,
            created_at: row.created_at.into(),
            expires_at: row.expires_at.map(Into::into),
            last_used_at: row.last_used_at.map(Into::into),
            revoked_at: row.revoked_at.map(Into::into),
        }
    }
}

/// A new key and its secret, which is shown this once.
#[derive(Debug, Clone)]
pub struct IssuedKey {
    /// The key.
    pub key: ApiKey,
    /// The whole secret, `cbk_...`.
    pub secret: String,
}

/// A valid request for a key.
#[derive(Debug, Clone)]
pub struct NewApiKey {
    /// Trimmed name, 1 to 100 characters.
    pub name: String,
    /// When it stops being accepted (in the future), if ever.
    pub expires_at: Option<DateTime<Utc>>,
}

impl NewApiKey {
    /// Parses the name and checks that an expiry lies in the future.
    pub fn parse(name: &str, expires_at: Option<DateTime<Utc>>) -> Result<Self, ValidationErrors> {
        let expiry = match expires_at {
            Some(at) if at <= clock::now() => Some("must be in the future".to_owned()),
            _ => None,
        };
        match (validation::name(name, NAME_MAX_CHARS), expiry) {
            (Ok(name), None) => Ok(Self { name, expires_at }),
            (name, expiry) => Err(ValidationErrors::collect([("name", name.err()), ("expires_at", expiry)])),
        }
    }
}

impl crate::services::outbox::Subject for ServiceAccount {}

impl crate::services::outbox::Subject for ApiKey {}
