//! The bearer security scheme: who is calling. The token's signature is
//! checked before any database work (by the identity service).

use poem::Request;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::Bearer;

use std::sync::Arc;

use super::error::ApiError;
use super::limits::RateLimits;
use crate::services::Services;
use crate::services::identity::Authenticated;

/// A bearer token from `POST /v1/sessions`, sent as `Authorization: Bearer <token>`.
#[derive(SecurityScheme)]
#[oai(rename = "bearerAuth", ty = "bearer", bearer_format = "opaque", checker = "authenticate")]
pub struct BearerAuth(pub Authenticated);

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
