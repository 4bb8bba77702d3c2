//! The bearer security scheme: who is calling. The token's signature is
//! checked before any database work (by the identity service).

use poem::Request;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::Bearer;

use std::sync::Arc;

use super::error::ApiError;
use super::limits::RateLimits;
use crate::ids::{AccountId, RecordId, SessionId};
use crate::services::Services;
use crate::services::identity::{Account, Authenticated, Session};

// As a handler parameter this is the caller: who is signed in, with which
// session. (The doc comment below is the security scheme's description.)
/// A bearer token from `POST /v1/sessions`, sent as `Authorization: Bearer <token>`.
#[derive(SecurityScheme)]
#[oai(rename = "bearerAuth", ty = "bearer", bearer_format = "opaque", checker = "authenticate")]
pub struct Caller(Authenticated);

impl Caller {
    /// The signed-in account's id.
    pub fn id(&self) -> AccountId {
        self.0.account.id
    }

    /// The session the request came with.
    pub fn session_id(&self) -> SessionId {
        self.0.session.id
    }

    /// The account and session together.
    pub fn authenticated(&self) -> &Authenticated {
        &self.0
    }

    /// The signed-in account.
    pub fn into_account(self) -> Account {
        self.0.account
    }

    /// The session the request came with.
    pub fn into_session(self) -> Session {
        self.0.session
    }
}

async fn authenticate(request: &Request, bearer: Bearer) -> poem::Result<Authenticated> {
    let services = request.data::<Services>().ok_or_else(|| ApiError::internal(MissingServices))?;
    let caller = services.identity.authenticate(&bearer.token).await.map_err(ApiError::from)?;
    let account_id = caller.account.id;
    tracing::Span::current().record("account_id", tracing::field::display(account_id.uuid()));
    if let Some(limits) = request.data::<Arc<RateLimits>>() {
        limits.check_account(account_id)?;
    }
    Ok(caller)
}

/// The services were not attached to the request (a wiring bug).
#[derive(Debug, thiserror::Error)]
#[error("services are not attached to the request")]
struct MissingServices;
