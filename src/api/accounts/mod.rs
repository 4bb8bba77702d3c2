//! `/v1/accounts`: sign up, and the caller's own account.

pub mod wire;

use std::sync::Arc;

use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};

use crate::http::auth::Caller;
use crate::http::json_body::JsonBody;
use crate::http::responses::{Problems, error_statuses, one_answer};
use crate::http::tags::ApiTags;
use crate::services::identity::IdentityService;
use crate::services::identity::{AccountUpdate, SignUp};
use wire::{AccountView, SignUpRequest, UpdateAccountRequest};

/// Where the caller's own account lives.
const MY_ACCOUNT: &str = "/v1/accounts/me";

/// Account operations.
pub struct AccountsApi {
    /// Accounts, passwords and sessions.
    pub(in crate::api) identity: Arc<IdentityService>,
}

error_statuses! {
    /// Errors of `createAccount`.
    CreateAccountErrors: 400, 409, 413, 415, 422, 429;
    /// Errors of `getMyAccount`.
    GetMyAccountErrors: 401, 403;
    /// Errors of `updateMyAccount`.
    UpdateMyAccountErrors: 400, 401, 403, 409, 413, 415, 422;
    /// Errors of `deleteMySessions`.
    DeleteMySessionsErrors: 401, 403;
}

/// Answer of `createAccount`.
#[derive(ApiResponse)]
enum CreateAccountResponse {
    /// The account was created; sign in with `POST /v1/sessions`.
    #[oai(status = 201)]
    Created(
        Json<AccountView>,
        /// Where the account can be read once signed in.
        #[oai(header = "Location")]
        String,
    ),
}

one_answer!(
    /// Answer of `getMyAccount` and `updateMyAccount`.
    AccountResponse: 200 Ok(Json<AccountView>),
    "The caller's account."
);

one_answer!(
    /// Answer of `deleteMySessions`.
    SessionsDeletedResponse: 204 NoContent,
    "Every session of the account has ended, this one included."
);

#[OpenApi(tag = "ApiTags::Accounts")]
impl AccountsApi {
    /// Sign up
    ///
    /// Creates an account. Emails are trimmed and lowercased; an email that is
    /// already registered answers 409 `EMAIL_TAKEN`.
    #[oai(path = "/v1/accounts", method = "post", operation_id = "createAccount")]
    async fn create_account(
        &self,
        body: JsonBody<SignUpRequest>,
    ) -> Result<CreateAccountResponse, Problems<CreateAccountErrors>> {
        let body = body.0;
        let request = SignUp::parse(&body.email, body.password, &body.display_name)?;
        let account = self.identity.sign_up(request).await?;
        Ok(CreateAccountResponse::Created(Json(account.into()), MY_ACCOUNT.into()))
    }

    /// Get my account
    ///
    /// The account of the signed-in caller.
    #[oai(path = "/v1/accounts/me", method = "get", operation_id = "getMyAccount")]
    async fn get_my_account(&self, caller: Caller) -> Result<AccountResponse, Problems<GetMyAccountErrors>> {
        let me = caller.principal().person()?;
        Ok(AccountResponse::Ok(Json(me.account.clone().into())))
    }

    /// Update my account
    ///
    /// Changes the display name and/or the password. A password change needs
    /// `current_password` and signs out every other session of the account.
    /// The body carries the `version` it is based on; a stale version answers
    /// 409 `VERSION_CONFLICT`.
    #[oai(path = "/v1/accounts/me", method = "patch", operation_id = "updateMyAccount")]
    async fn update_my_account(
        &self,
        caller: Caller,
        body: JsonBody<UpdateAccountRequest>,
    ) -> Result<AccountResponse, Problems<UpdateMyAccountErrors>> {
        let body = body.0;
        let update = AccountUpdate::parse(
            body.version,
            body.display_name.as_deref(),
            body.current_password,
            body.new_password,
        )?;
        let account = self.identity.update_account(caller.principal(), update).await?;
        Ok(AccountResponse::Ok(Json(account.into())))
    }

    /// Sign out everywhere
    ///
    /// Ends every session of the caller's account, including this one.
    #[oai(path = "/v1/accounts/me/sessions", method = "delete", operation_id = "deleteMySessions")]
    async fn delete_my_sessions(
        &self,
        caller: Caller,
    ) -> Result<SessionsDeletedResponse, Problems<DeleteMySessionsErrors>> {
        self.identity.sign_out_everywhere(caller.principal()).await?;
        Ok(SessionsDeletedResponse::NoContent)
    }
}
