//! Wire types of accounts and sessions.

use poem_openapi::Object;
use poem_openapi::types::Example;
use serde::Deserialize;

use crate::http::wire::{Timestamp, WireId};
use crate::ids::AccountId;
use crate::services::identity::Account;

/// An account.
#[derive(Debug, Object)]
#[oai(rename = "Account")]
pub struct AccountView {
    /// The account's id.
    pub id: WireId<AccountId>,
    /// The email address, trimmed and lowercased.
    pub email: String,
    /// The name shown to others.
    pub display_name: String,
    /// Raised by one on every change; send it back with `PATCH`.
    pub version: i32,
    /// When the account was created.
    pub created_at: Timestamp,
    /// When the account last changed.
    pub updated_at: Timestamp,
}

impl From<Account> for AccountView {
    fn from(account: Account) -> Self {
        Self {
            id: WireId::new(account.id),
            email: account.email,
            display_name: account.display_name,
            version: account.version,
            created_at: account.created_at.into(),
            updated_at: account.updated_at.into(),
        }
    }
}

/// What it takes to sign up.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "SignUpRequest", example)]
#[serde(deny_unknown_fields)]
pub struct SignUpRequest {
    /// An email address; it is trimmed and lowercased, and must not be
    /// registered already.
    #[oai(validator(min_length = 3, max_length = 254))]
    pub email: String,
    /// A password of 8 to 1024 bytes (UTF-8).
    #[oai(validator(min_length = 8, max_length = 1024))]
    pub password: String,
    /// The name shown to others: 1 to 100 characters after trimming, no
    /// control characters.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub display_name: String,
}

impl Example for SignUpRequest {
    fn example() -> Self {
        Self {
            email: "ada@example.com".into(),
            password: "correct horse battery staple".into(),
            display_name: "Ada Lovelace".into(),
        }
    }
}

/// A change to one's own account. Send only the fields to change, with the
/// `version` the change is based on.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "UpdateAccountRequest", example, skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct UpdateAccountRequest {
    /// The account's `version` as last read; a stale one answers 409
    /// `VERSION_CONFLICT`.
    #[oai(validator(minimum(value = "1")))]
    pub version: i32,
    /// A new display name: 1 to 100 characters after trimming.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub display_name: Option<String>,
    /// The current password; required with `new_password`.
    #[oai(validator(min_length = 1, max_length = 1024))]
    pub current_password: Option<String>,
    /// A new password of 8 to 1024 bytes. Changing it signs out every other
    /// session of the account.
    #[oai(validator(min_length = 8, max_length = 1024))]
    pub new_password: Option<String>,
}

impl Example for UpdateAccountRequest {
    fn example() -> Self {
        Self { version: 1, display_name: Some("Ada King".into()), current_password: None, new_password: None }
    }
}
