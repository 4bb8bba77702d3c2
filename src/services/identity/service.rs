//! The identity service: sign-up, sign-in, authentication, sign-out and
//! changes to one's own account.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;

use super::model::PasswordChange;
use super::session_cache::SessionCache;
use super::{
    Account, AccountUpdate, Authenticated, IdentityError, KeyAuthenticator, PasswordHasher, Principal,
    Session, SignIn, SignUp, SignedIn, TokenSigner, api_key_secret,
};
use crate::ids::{AccountId, SessionId};
use crate::platform::clock;
use crate::platform::rate::{Limiter, Rate};
use crate::services::changes::{Change, Forgets};
use crate::services::kernel::Failure;
use crate::services::validation::ValidationErrors;
use crate::store::accounts::{self, AccountChanges, NewAccount};
use crate::store::sessions::{self, SessionRow};
use crate::store::{DbTime, Store, StoreError, db_transaction};

/// Tunables of the identity service.
#[derive(Debug, Clone)]
pub struct IdentitySettings {
    /// How long a session lasts from sign-in.
    pub session_lifetime: Duration,
    /// Most password hashes computed at once.
    pub max_hashes_in_flight: usize,
    /// Sign-ins and sign-ups allowed per email address.
    pub attempts_per_email: Option<Rate>,
    /// How long an authenticated session may be served from memory (zero:
    /// every request reads it from the database).
    pub session_cache_ttl: Duration,
}

/// Accounts, passwords and sessions.
pub struct IdentityService {
    store: Store,
    hasher: PasswordHasher,
    tokens: TokenSigner,
    session_lifetime: TimeDelta,
    attempts: Limiter<String>,
    sessions: Arc<SessionCache>,
    keys: KeyAuthenticator,
}

impl IdentityService {
    /// Builds the service (computes the dummy password hash once).
    pub fn new(
        store: Store,
        tokens: TokenSigner,
        settings: &IdentitySettings,
    ) -> Result<Self, IdentityError> {
        let keys = KeyAuthenticator::new(store.clone(), tokens.clone(), settings.session_cache_ttl);
        Ok(Self {
            hasher: PasswordHasher::new(settings.max_hashes_in_flight)?,
            tokens,
            session_lifetime: TimeDelta::from_std(settings.session_lifetime).unwrap_or(TimeDelta::MAX),
            attempts: Limiter::new(settings.attempts_per_email),
            sessions: Arc::new(SessionCache::new(settings.session_cache_ttl)),
            keys,
            store,
        })
    }

    /// Registers a new account. Two sign-ups racing for one email: the
    /// database's unique constraint lets one win; the other gets `EmailTaken`.
    #[tracing::instrument(skip_all)]
    pub async fn sign_up(&self, request: SignUp) -> Result<Account, IdentityError> {
        self.spend_attempt(request.email.as_str())?;
        let password_hash = self.hasher.hash(&request.password).await?;
        let now = clock::now();
        let new = NewAccount {
            id: AccountId::new(),
            email: request.email.as_str().to_owned(),
            display_name: request.display_name.into_inner(),
            password_hash,
            kind: accounts::PERSON.to_owned(),
            created_at: now,
            updated_at: now,
        };
        let mut pooled = self.store.conn().await?;
        match accounts::insert(&mut pooled.db(), new).await {
            Ok(row) => {
                tracing::info!(account_id = %row.id, "account created");
                Ok(row.into())
            }
            Err(StoreError::UniqueViolation(_)) => Err(IdentityError::EmailTaken),
            Err(err) => Err(err.into()),
        }
    }

    /// Checks an email and password and opens a session. Unknown emails cost
    /// a hash verification too, so timing does not reveal which emails exist.
    #[tracing::instrument(skip_all)]
    pub async fn sign_in(&self, request: SignIn) -> Result<SignedIn, IdentityError> {
        self.spend_attempt(&request.email)?;
        let mut pooled = self.store.conn().await?;
        let found = accounts::find_by_email(&mut pooled.db(), &request.email).await?;
        // Hold no connection during the (slow) hash.
        drop(pooled);
        let stored_hash = found.as_ref().map(|row| row.password_hash.as_str());
        let matches = self.hasher.verify(&request.password, stored_hash).await?;
        let Some(row) = found.filter(|_| matches) else {
            return Err(IdentityError::InvalidCredentials);
        };
        let now = clock::now();
        let session = SessionRow {
            id: SessionId::new(),
            account_id: row.id,
            created_at: now,
            expires_at: now
                .checked_add_signed(self.session_lifetime)
                .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC),
        };
        let mut pooled = self.store.conn().await?;
        let conn = &mut pooled.db();
        sessions::delete_expired_for_account(conn, row.id, now).await?;
        sessions::insert(conn, session.clone()).await?;
        let session = Session::from(session);
        tracing::info!(account_id = %row.id, "signed in");
        Ok(SignedIn { token: self.tokens.issue(session.id), session, account: row.into() })
    }

    /// Spends one of the email's sign-in/sign-up attempts, before any
    /// password work: a flood against one account is refused cheaply.
    fn spend_attempt(&self, email: &str) -> Result<(), IdentityError> {
        self.attempts
            .check(&email.to_owned())
            .map_err(|retry_after| IdentityError::RateLimited { retry_after })
    }

    /// Password hashes running and waiting right now.
    pub fn hashing_load(&self) -> (usize, usize) {
        self.hasher.load()
    }

    /// Forgets idle attempt counters (call now and then).
    pub fn forget_idle_attempts(&self) {
        self.attempts.forget_idle();
    }

    /// The session cache, for the change feed.
    pub fn session_cache(&self) -> Arc<dyn Forgets> {
        self.sessions.clone()
    }

    /// The API key cache, for the change feed and the service accounts.
    pub fn key_cache(&self) -> Arc<dyn Forgets> {
        self.keys.cache()
    }

    /// Resolves a bearer token, a session token or an API key, to whoever
    /// it names. Neither costs database work when it is malformed or
    /// forged, nor when it was used lately.
    pub async fn authenticate(&self, token: &str) -> Result<Principal, IdentityError> {
        if api_key_secret::looks_like_key(token) {
            return self.keys.authenticate(token).await.map(Principal::ServiceAccount);
        }
        self.authenticate_session(token).await.map(Principal::Person)
    }

    /// Resolves a session token: the signature is checked first, and a
    /// session used lately is served from memory.
    async fn authenticate_session(&self, token: &str) -> Result<Authenticated, IdentityError> {
        let session_id = self.tokens.verify(token).ok_or(IdentityError::InvalidToken)?;
        if let Some(caller) = self.sessions.get(session_id)
            && caller.session.expires_at > clock::now()
        {
            return Ok(caller);
        }
        let mark = self.sessions.mark();
        let mut reader = self.store.reader().await?;
        let conn = &mut reader.db();
        let (session, account) =
            sessions::find_with_account(conn, session_id).await?.ok_or(IdentityError::SessionExpired)?;
        if session.expires_at <= clock::now() {
            sessions::delete(conn, session.id).await?;
            return Err(IdentityError::SessionExpired);
        }
        let caller = Authenticated { session: session.into(), account: account.into() };
        self.sessions.put(mark, caller.clone());
        Ok(caller)
    }

    /// Ends the caller's session (people only).
    #[tracing::instrument(skip_all)]
    pub async fn sign_out(&self, caller: &Principal) -> Result<(), IdentityError> {
        let session = caller.person()?.session.id;
        let change = Change::Session(session);
        let mut pooled = self.store.conn().await?;
        let conn = &mut pooled.db();
        db_transaction!(conn, |tx| {
            sessions::delete(tx, session).await?;
            change.publish(tx).await?;
            Ok::<_, IdentityError>(())
        })?;
        self.sessions.forget(change);
        Ok(())
    }

    /// Ends every session of the caller's account (people only); returns
    /// how many there were.
    #[tracing::instrument(skip_all)]
    pub async fn sign_out_everywhere(&self, caller: &Principal) -> Result<usize, IdentityError> {
        let account = caller.person()?.account.id;
        let change = Change::Account(account);
        let mut pooled = self.store.conn().await?;
        let conn = &mut pooled.db();
        let ended = db_transaction!(conn, |tx| {
            let ended = sessions::delete_for_account(tx, account, None).await?;
            change.publish(tx).await?;
            Ok::<_, IdentityError>(ended)
        })?;
        self.sessions.forget(change);
        Ok(ended)
    }

    /// Changes the caller's own account. A password change needs the current
    /// password and ends every other session of the account, in the same
    /// transaction as the change.
    #[tracing::instrument(skip_all)]
    pub async fn update_account(
        &self,
        caller: &Principal,
        update: AccountUpdate,
    ) -> Result<Account, IdentityError> {
        let caller = caller.person()?;
        let account_id = caller.account.id;
        let password_hash = match &update.password_change {
            Some(change) => Some(self.new_password_hash(account_id, change).await?),
            None => None,
        };
        let password_changed = password_hash.is_some();
        let changes = AccountChanges {
            display_name: update.display_name.map(|name| name.into_inner()),
            password_hash,
            updated_at: DbTime::from(clock::now()),
        };
        let keep_session = caller.session.id;
        let given = update.version;
        let mut pooled = self.store.conn().await?;
        let conn = &mut pooled.db();
        let updated = db_transaction!(conn, |tx| {
            let Some(row) = accounts::update(tx, account_id, given, &changes).await? else {
                return Ok::<_, IdentityError>(None);
            };
            if password_changed {
                sessions::delete_for_account(tx, account_id, Some(keep_session)).await?;
            }
            Change::Account(account_id).publish(tx).await?;
            Ok(Some(row))
        })?;
        if updated.is_some() {
            self.sessions.forget(Change::Account(account_id));
        }
        match updated {
            Some(row) => Ok(row.into()),
            None => {
                let current = accounts::find(conn, account_id).await?.map_or(0, |row| row.version);
                Err(Failure::VersionConflict { what: "account", current, given }.into())
            }
        }
    }

    /// Verifies the current password, then hashes the new one.
    async fn new_password_hash(
        &self,
        account_id: AccountId,
        change: &PasswordChange,
    ) -> Result<String, IdentityError> {
        let mut pooled = self.store.conn().await?;
        let stored = accounts::find(&mut pooled.db(), account_id).await?;
        drop(pooled);
        let stored_hash = stored.as_ref().map(|row| row.password_hash.as_str());
        if !self.hasher.verify(&change.current, stored_hash).await? {
            return Err(ValidationErrors::single("current_password", "does not match").into());
        }
        self.hasher.hash(&change.new).await
    }
}
