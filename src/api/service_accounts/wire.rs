//! Wire types of service accounts and their API keys.

use poem_openapi::Object;
use poem_openapi::types::Example;
use serde::Deserialize;

use crate::api::workspaces::wire::RoleWire;
use crate::http::wire::{Timestamp, WireId, list_from_page};
use crate::ids::{AccountId, ApiKeyId, ServiceAccountId, WorkspaceId};
use crate::services::service_accounts::{ApiKey, IssuedKey, ServiceAccount};

/// A machine principal of one workspace: automation (a SIEM, a SOAR
/// playbook, a nightly job) that acts through API keys with a role like a
/// member's, never with a person's password.
#[derive(Debug, Object)]
#[oai(rename = "ServiceAccount")]
pub struct ServiceAccountView {
    /// The service account's id; records it acts on name it as their actor.
    pub id: WireId<ServiceAccountId>,
    /// The one workspace it acts in.
    pub workspace_id: WireId<WorkspaceId>,
    /// Its name.
    pub name: String,
    /// What it is for ("" when none).
    pub description: String,
    /// Its role in the workspace, as for members.
    pub role: RoleWire,
    /// A disabled service account's keys are refused (401 `SERVICE_ACCOUNT_DISABLED`).
    pub disabled: bool,
    /// Raised by one on every change; send it back with `PATCH`.
    pub version: i32,
    /// The person who created it.
    pub created_by: WireId<AccountId>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

impl From<ServiceAccount> for ServiceAccountView {
    fn from(account: ServiceAccount) -> Self {
        Self {
            id: WireId::new(account.id),
            workspace_id: WireId::new(account.workspace_id),
            name: account.name,
            description: account.description,
            role: account.role.into(),
            disabled: account.disabled,
            version: account.version,
            created_by: WireId::new(account.created_by),
            created_at: account.created_at.into(),
            updated_at: account.updated_at.into(),
        }
    }
}

/// A page of service accounts, newest first.
#[derive(Debug, Object)]
#[oai(rename = "ServiceAccountList")]
pub struct ServiceAccountList {
    /// The service accounts on this page.
    pub items: Vec<ServiceAccountView>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

list_from_page!(ServiceAccountList, ServiceAccount);

/// A new service account.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "CreateServiceAccountRequest", example)]
#[serde(deny_unknown_fields)]
pub struct CreateServiceAccountRequest {
    /// 1 to 100 characters after trimming.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: String,
    /// Up to 2,000 characters.
    #[oai(validator(max_length = 2000))]
    pub description: Option<String>,
    /// Its role in the workspace.
    pub role: RoleWire,
}

impl Example for CreateServiceAccountRequest {
    fn example() -> Self {
        Self {
            name: "SIEM bridge".into(),
            description: Some("Opens cases from SIEM alerts".into()),
            role: RoleWire::Editor,
        }
    }
}

/// A change to a service account: the fields to change and the `version`
/// it is based on.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "UpdateServiceAccountRequest", example, skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct UpdateServiceAccountRequest {
    /// The service account's `version` as last read.
    #[oai(validator(minimum(value = "1")))]
    pub version: i32,
    /// A new name: 1 to 100 characters after trimming.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: Option<String>,
    /// A new description: up to 2,000 characters.
    #[oai(validator(max_length = 2000))]
    pub description: Option<String>,
    /// A new role; takes effect at once on every instance.
    pub role: Option<RoleWire>,
    /// `true` refuses every key of the service account at once; `false` accepts them again.
    pub disabled: Option<bool>,
}

impl Example for UpdateServiceAccountRequest {
    fn example() -> Self {
        Self { version: 1, name: None, description: None, role: Some(RoleWire::Viewer), disabled: None }
    }
}

/// An API key as listed: never its secret.
#[derive(Debug, Object)]
#[oai(rename = "ApiKey")]
pub struct ApiKeyView {
    /// The key's id.
    pub id: WireId<ApiKeyId>,
    /// The service account it acts as.
    pub service_account_id: WireId<ServiceAccountId>,
    /// Its name.
    pub name: String,
    /// The first characters of its secret, to tell keys apart (`cbk_` and 8 more).
    pub prefix: String,
    /// The person who created it.
    pub created_by: WireId<AccountId>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it stops being accepted, or null for never.
    #[oai(nullable)]
    pub expires_at: Option<Timestamp>,
    /// When it was last used (recorded at most once a minute), or null.
    #[oai(nullable)]
    pub last_used_at: Option<Timestamp>,
    /// When it was revoked, or null while it is not.
    #[oai(nullable)]
    pub revoked_at: Option<Timestamp>,
}

impl From<ApiKey> for ApiKeyView {
    fn from(key: ApiKey) -> Self {
        Self {
            id: WireId::new(key.id),
            service_account_id: WireId::new(key.service_account_id),
            name: key.name,
            prefix: key.prefix,
            created_by: WireId::new(key.created_by),
            created_at: key.created_at.into(),
            expires_at: key.expires_at.map(Into::into),
            last_used_at: key.last_used_at.map(Into::into),
            revoked_at: key.revoked_at.map(Into::into),
        }
    }
}

/// A page of API keys, newest first, revoked ones included.
#[derive(Debug, Object)]
#[oai(rename = "ApiKeyList")]
pub struct ApiKeyList {
    /// The keys on this page.
    pub items: Vec<ApiKeyView>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

list_from_page!(ApiKeyList, ApiKey);

/// A new API key.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "CreateApiKeyRequest", example, skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyRequest {
    /// 1 to 100 characters after trimming.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: String,
    /// When the key stops being accepted (in the future); omit for never.
    pub expires_at: Option<Timestamp>,
}

impl Example for CreateApiKeyRequest {
    fn example() -> Self {
        Self { name: "production".into(), expires_at: None }
    }
}

/// A new API key with its secret, shown this once and never again.
#[derive(Debug, Object)]
#[oai(rename = "IssuedApiKey")]
pub struct IssuedApiKeyView {
    /// The whole key, `cbk_...`: send it as `Authorization: Bearer <secret>`.
    /// Store it now; it cannot be shown again (only a digest is kept).
    pub secret: String,
    /// The key as listings show it.
    pub key: ApiKeyView,
}

impl From<IssuedKey> for IssuedApiKeyView {
    fn from(issued: IssuedKey) -> Self {
        Self { secret: issued.secret, key: issued.key.into() }
    }
}
