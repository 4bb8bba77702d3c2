//! The bearer security scheme: who is calling, a person with a session
//! token or a service account with an API key. Either is checked before any
//! database work (by the identity service).

use poem::Request;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::Bearer;

use std::sync::Arc;

use super::error::ApiError;
use super::limits::RateLimits;
use crate::ids::RecordId;
use crate::platform::metrics;
use crate::services::Services;
use crate::services::identity::{Principal, api_key_secret};
use crate::services::kernel::{Actor, ActorKind};

// As a handler parameter this is the caller. (The doc comment below is the
// security scheme's description, shown by Swagger UI's "Authorize".)
/// `Authorization: Bearer <token>`, where the token is either
///
/// - a **session token**, from `POST /v1/sessions` (a person signing in), or
/// - an **API key** of a service account, `cbk_...`, from
///   `POST /v1/workspaces/{workspace_id}/service-accounts/{service_account_id}/keys`
///   (automation). A key acts with its service account's role in that one
///   workspace; account and session endpoints refuse it with 403
///   `SERVICE_ACCOUNT_NOT_ALLOWED`.
///
/// Paste either into "Authorize" as it is, without the word `Bearer`.
#[derive(SecurityScheme)]
#[oai(rename = "bearerAuth", ty = "bearer", bearer_format = "opaque", checker = "authenticate")]
pub struct Caller(Principal);

impl Caller {
    /// Who acts, for the services.
    pub fn actor(&self) -> Actor {
        self.0.actor()
    }

    /// The person or service account, for the identity service.
    pub fn principal(&self) -> &Principal {
        &self.0
    }
}

async fn authenticate(request: &Request, bearer: Bearer) -> poem::Result<Principal> {
    let services = request.data::<Services>().ok_or_else(|| ApiError::internal(MissingServices))?;
    let checked = services.identity.authenticate(&bearer.token).await;
    let kind = match &checked {
        Ok(caller) => caller.actor().kind,
        Err(_) if api_key_secret::looks_like_key(&bearer.token) => ActorKind::ServiceAccount,
        Err(_) => ActorKind::Person,
    };
    metrics::observe_authentication(kind.as_str(), checked.is_ok());
    let caller = checked.map_err(ApiError::from)?;
    let actor = caller.actor();
    let span = tracing::Span::current();
    span.record("account_id", tracing::field::display(actor.id.uuid()));
    span.record("principal", actor.kind.as_str());
    let limits = request.data::<Arc<RateLimits>>();
    match (&caller, limits) {
        (Principal::ServiceAccount(holder), Some(limits)) => {
            span.record("api_key_id", tracing::field::display(holder.key.uuid()));
            limits.check_api_key(holder.key)?;
        }
        (Principal::Person(_), Some(limits)) => limits.check_account(actor.id)?,
        (_, None) => {}
    }
    Ok(caller)
}

/// The services were not attached to the request (a wiring bug).
#[derive(Debug, thiserror::Error)]
#[error("services are not attached to the request")]
struct MissingServices;
