//! `/v1/sessions`: sign in, look at and end the current session.

pub mod wire;

use std::sync::Arc;

use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};

use crate::http::auth::Caller;
use crate::http::json_body::JsonBody;
use crate::http::responses::{Problems, error_statuses, one_answer};
use crate::http::tags::ApiTags;
use crate::services::identity::IdentityService;
use crate::services::identity::SignIn;
use wire::{SessionView, SignInRequest, SignedInView};

/// Session operations.
pub struct SessionsApi {
    /// Accounts, passwords and sessions.
    pub(in crate::api) identity: Arc<IdentityService>,
}

error_statuses! {
    /// Errors of `createSession`.
    CreateSessionErrors: 400, 401, 413, 415, 422;
    /// Errors of `getCurrentSession`.
    GetCurrentSessionErrors: 401, 403;
    /// Errors of `deleteCurrentSession`.
    DeleteCurrentSessionErrors: 401, 403;
}

/// Answer of `createSession`.
#[derive(ApiResponse)]
enum CreateSessionResponse {
    /// Signed in: the body holds the bearer token.
    #[oai(status = 201)]
    Created(
        Json<SignedInView>,
        /// The session's address.
        #[oai(header = "Location")]
        String,
    ),
}

one_answer!(
    /// Answer of `getCurrentSession`.
    SessionResponse: 200 Ok(Json<SessionView>),
    "The session the token names."
);

one_answer!(
    /// Answer of `deleteCurrentSession`.
    SessionDeletedResponse: 204 NoContent,
    "Signed out: the token no longer works."
);

#[OpenApi(tag = "ApiTags::Sessions")]
impl SessionsApi {
    /// Sign in
    ///
    /// Checks an email and password and opens a session. A wrong email and a
    /// wrong password get the same answer, 401 `INVALID_CREDENTIALS`, in the
    /// same time.
    #[oai(path = "/v1/sessions", method = "post", operation_id = "createSession")]
    async fn create_session(
        &self,
        body: JsonBody<SignInRequest>,
    ) -> Result<CreateSessionResponse, Problems<CreateSessionErrors>> {
        let body = body.0;
        let request = SignIn::parse(&body.email, body.password)?;
        let signed_in = self.identity.sign_in(request).await?;
        Ok(CreateSessionResponse::Created(Json(signed_in.into()), "/v1/sessions/current".into()))
    }

    /// Get the current session
    ///
    /// The session the bearer token names.
    #[oai(path = "/v1/sessions/current", method = "get", operation_id = "getCurrentSession")]
    async fn get_current_session(
        &self,
        caller: Caller,
    ) -> Result<SessionResponse, Problems<GetCurrentSessionErrors>> {
        let me = caller.principal().person()?;
        Ok(SessionResponse::Ok(Json(me.session.clone().into())))
    }

    /// Sign out
    ///
    /// Ends the session the bearer token names.
    #[oai(path = "/v1/sessions/current", method = "delete", operation_id = "deleteCurrentSession")]
    async fn delete_current_session(
        &self,
        caller: Caller,
    ) -> Result<SessionDeletedResponse, Problems<DeleteCurrentSessionErrors>> {
        self.identity.sign_out(caller.principal()).await?;
        Ok(SessionDeletedResponse::NoContent)
    }
}
