//! Wire types of sessions.

use poem_openapi::Object;
use poem_openapi::types::Example;
use serde::Deserialize;

use crate::api::accounts::wire::AccountView;
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{AccountId, SessionId};
use crate::services::identity::{Session, SignedIn};

/// A signed-in session.
#[derive(Debug, Object)]
#[oai(rename = "Session")]
pub struct SessionView {
    /// The session's id.
    pub id: WireId<SessionId>,
    /// The account signed in.
    pub account_id: WireId<AccountId>,
    /// When the session began.
    pub created_at: Timestamp,
    /// When the session stops being accepted; sign in again after it.
    pub expires_at: Timestamp,
}

impl From<Session> for SessionView {
    fn from(session: Session) -> Self {
        Self {
            id: WireId::new(session.id),
            account_id: WireId::new(session.account_id),
            created_at: session.created_at.into(),
            expires_at: session.expires_at.into(),
        }
    }
}

/// A new session and its bearer token.
#[derive(Debug, Object)]
#[oai(rename = "SignedIn")]
pub struct SignedInView {
    /// The bearer token: send it as `Authorization: Bearer <token>`. It is
    /// shown only here; keep it secret.
    pub token: String,
    /// The session the token names.
    pub session: SessionView,
    /// The account signed in.
    pub account: AccountView,
}

impl From<SignedIn> for SignedInView {
    fn from(signed_in: SignedIn) -> Self {
        Self { token: signed_in.token, session: signed_in.session.into(), account: signed_in.account.into() }
    }
}

/// Credentials to sign in with.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "SignInRequest", example)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    /// The account's email address (case and surrounding spaces do not matter).
    #[oai(validator(min_length = 1, max_length = 254))]
    pub email: String,
    /// The account's password (at most 1024 bytes).
    #[oai(validator(min_length = 1, max_length = 1024))]
    pub password: String,
}

impl Example for SignInRequest {
    fn example() -> Self {
        Self { email: "ada@example.com".into(), password: "correct horse battery staple".into() }
    }
}
