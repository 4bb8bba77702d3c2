//! Request rate limits at the edge: sign-in and sign-up per client address,
//! and every authenticated call per account or API key. (The per-email limit on sign-in
//! and sign-up is the identity service's.)

use std::net::IpAddr;

use poem::Request;
use poem::http::Method;

use super::error::ApiError;
use crate::ids::{AccountId, ApiKeyId};
use crate::platform::rate::{Limiter, Rate};

/// The limiters of one server instance.
pub struct RateLimits {
    auth_by_address: Limiter<IpAddr>,
    by_account: Limiter<AccountId>,
    by_api_key: Limiter<ApiKeyId>,
}

impl RateLimits {
    /// Limiters for the given rates (`None` disables one).
    pub fn new(auth_per_address: Option<Rate>, per_account: Option<Rate>, per_api_key: Option<Rate>) -> Self {
        Self {
            auth_by_address: Limiter::new(auth_per_address),
            by_account: Limiter::new(per_account),
            by_api_key: Limiter::new(per_api_key),
        }
    }

    /// Spends one sign-in or sign-up attempt of the client's address, for
    /// requests that are such attempts.
    pub fn check_auth_attempt(&self, request: &Request) -> Result<(), ApiError> {
        let is_attempt = request.method() == Method::POST
            && matches!(request.uri().path(), "/v1/sessions" | "/v1/accounts");
        let address = request.remote_addr().as_socket_addr().map(|addr| addr.ip());
        match address {
            Some(address) if is_attempt => self.auth_by_address.check(&address).map_err(ApiError::too_many),
            _ => Ok(()),
        }
    }

    /// Spends one call of an account's quota.
    pub fn check_account(&self, account: AccountId) -> Result<(), ApiError> {
        self.by_account.check(&account).map_err(ApiError::too_many)
    }

    /// Spends one call of an API key's quota.
    pub fn check_api_key(&self, key: ApiKeyId) -> Result<(), ApiError> {
        self.by_api_key.check(&key).map_err(ApiError::too_many)
    }

    /// Forgets idle keys (call now and then).
    pub fn forget_idle(&self) {
        self.auth_by_address.forget_idle();
        self.by_account.forget_idle();
        self.by_api_key.forget_idle();
    }
}
