//! Authenticating with an API key. The key's text is checked (prefix and
//! checksum) before any database work; keys used lately are served from
//! memory until a change notice (revoked, service account disabled or
//! deleted, workspace deleted) says otherwise. When a key was last used is
//! written at most once a minute per key, off the request's path.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::api_key_secret;
use super::{IdentityError, KeyHolder, TokenSigner};
use crate::ids::ApiKeyId;
use crate::platform::clock;
use crate::services::changes::{Change, ChangeCache, Forgets};
use crate::store::{DbTime, Store, api_keys};

/// Most keys cached.
const CAPACITY: usize = 10_000;
/// `last_used_at` is written at most this often per key.
const TOUCH_EVERY: TimeDelta = TimeDelta::minutes(1);

/// A key that authenticated, as kept in memory.
struct KnownKey {
    holder: KeyHolder,
    digest: Vec<u8>,
    expires_at: Option<DateTime<Utc>>,
    /// When this instance last recorded the key's use (Unix seconds).
    touched: AtomicI64,
}

/// Checks API keys against the store, remembering the good ones.
pub struct KeyAuthenticator {
    store: Store,
    tokens: TokenSigner,
    known: Arc<KeyCache>,
}

/// Known keys by id, emptied by change notices.
pub struct KeyCache(ChangeCache<ApiKeyId, Arc<KnownKey>>);

impl KeyAuthenticator {
    /// Keys are kept in memory at most `ttl` (zero: never).
    pub fn new(store: Store, tokens: TokenSigner, ttl: Duration) -> Self {
        Self { store, tokens, known: Arc::new(KeyCache(ChangeCache::new(CAPACITY, ttl))) }
    }

    /// The cache, for the change feed and for the services that revoke keys.
    pub fn cache(&self) -> Arc<dyn Forgets> {
        self.known.clone()
    }

    /// The service account a key acts for. A key that is malformed or fails
    /// its checksum is refused before any database work.
    pub async fn authenticate(&self, text: &str) -> Result<KeyHolder, IdentityError> {
        let id = api_key_secret::parse(text).ok_or(IdentityError::ApiKeyInvalid)?;
        let known = match self.known.0.get(&id) {
            Some(known) => known,
            None => self.load(id).await?,
        };
        if !self.tokens.verify_digest(text.as_bytes(), &known.digest) {
            return Err(IdentityError::ApiKeyInvalid);
        }
        if known.expires_at.is_some_and(|at| at <= clock::now()) {
            return Err(IdentityError::ApiKeyExpired);
        }
        self.touch(&known);
        Ok(known.holder)
    }

    /// Reads a key and its service account; keeps it if it may be used.
    async fn load(&self, id: ApiKeyId) -> Result<Arc<KnownKey>, IdentityError> {
        let mark = self.known.0.mark();
        let mut reader = self.store.reader().await?;
        let (key, account) =
            api_keys::for_authentication(&mut reader.db(), id).await?.ok_or(IdentityError::ApiKeyInvalid)?;
        if key.revoked_at.is_some() {
            return Err(IdentityError::ApiKeyRevoked);
        }
        if account.disabled {
            return Err(IdentityError::ServiceAccountDisabled);
        }
        let holder = KeyHolder { key: id, service_account: account.id, workspace: account.workspace_id };
        let known = Arc::new(KnownKey {
            holder,
            digest: key.secret_hash,
            expires_at: key.expires_at.map(Into::into),
            touched: AtomicI64::new(key.last_used_at.map_or(0, |at| DateTime::<Utc>::from(at).timestamp())),
        });
        self.known.0.put(mark, id, known.clone());
        Ok(known)
    }

    /// Records the key's use, if this instance has not done so within the
    /// last minute; the write runs in the background and its failure only
    /// costs accuracy of `last_used_at`.
    fn touch(&self, known: &KnownKey) {
        let now = clock::now();
        let last = known.touched.load(Ordering::Relaxed);
        if now.timestamp() - last < TOUCH_EVERY.num_seconds()
            || known
                .touched
                .compare_exchange(last, now.timestamp(), Ordering::AcqRel, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        let (store, id) = (self.store.clone(), known.holder.key);
        tokio::spawn(async move {
            let stale_before = DbTime::from(now - TOUCH_EVERY);
            let written = async {
                let mut pooled = store.conn().await?;
                api_keys::touch(&mut pooled.db(), id, DbTime::from(now), stale_before).await
            };
            if let Err(err) = written.await {
                tracing::debug!(error = %err, key_id = %id, "could not record when an API key was used");
            }
        });
    }
}

impl Forgets for KeyCache {
    fn forget(&self, change: Change) {
        match change {
            Change::ApiKey(id) => self.0.forget(&id),
            Change::ServiceAccount(gone) => {
                self.0.forget_where(|_, known| known.holder.service_account == gone)
            }
            Change::Workspace(gone) => self.0.forget_where(|_, known| known.holder.workspace == gone),
            Change::Everything => self.0.forget_all(),
            Change::Session(_) | Change::Account(_) | Change::Membership { .. } => {}
        }
    }

    fn set_live(&self, live: bool) {
        self.0.set_live(live);
    }
}
