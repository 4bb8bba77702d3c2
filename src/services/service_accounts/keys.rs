//! API keys of a service account: issued with their secret shown once,
//! listed without it, revoked at once on every instance.

use super::service::load;
use super::{ApiKey, IssuedKey, NewApiKey, ServiceAccountService};
use crate::ids::{ApiKeyId, ServiceAccountId, WorkspaceId};
use crate::platform::clock;
use crate::services::changes::Change;
use crate::services::identity::api_key_secret;
use crate::services::kernel::{Actor, Failure};
use crate::services::outbox::{self, EventType};
use crate::services::pagination::{Page, PageRequest};
use crate::store::api_keys::{self, ApiKeyRow};
use crate::store::{DbTime, db_transaction};

impl ServiceAccountService {
    /// Issues a key; its secret is in the answer and nowhere else.
    #[tracing::instrument(skip_all)]
    pub async fn create_key(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        owner: ServiceAccountId,
        request: NewApiKey,
    ) -> Result<IssuedKey, Failure> {
        let mut scope = self.admin(caller, workspace).await?;
        let conn = &mut scope.db();
        let id = ApiKeyId::new();
        let secret = api_key_secret::generate(id).map_err(|err| Failure::Internal(Box::new(err)))?;
        let row = ApiKeyRow {
            id,
            service_account_id: owner,
            name: request.name,
            prefix: api_key_secret::shown_prefix(&secret),
            secret_hash: self.tokens.digest(secret.as_bytes()),
            created_by: caller.id,
            created_at: DbTime::from(clock::now()),
            expires_at: request.expires_at.map(DbTime::from),
            last_used_at: None,
            revoked_at: None,
        };
        let key = db_transaction!(conn, |tx| {
            load(tx, workspace, owner).await?;
            api_keys::insert(tx, row.clone()).await?;
            let key = api_keys::find(tx, owner, id).await?.ok_or(Failure::NotFound("API key"))?;
            let key = ApiKey::from(key);
            self.outbox
                .record(tx, workspace, caller, &[outbox::Change::new(EventType::ApiKeyCreated, &key)])
                .await?;
            Ok::<_, Failure>(key)
        })?;
        tracing::info!(api_key_id = %id, service_account_id = %owner, "API key issued");
        Ok(IssuedKey { key, secret })
    }

    /// A service account's keys, newest first, revoked ones included.
    pub async fn list_keys(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        owner: ServiceAccountId,
        page: PageRequest<ApiKeyId>,
    ) -> Result<Page<ApiKey>, Failure> {
        let mut scope = self.admin(caller, workspace).await?;
        let conn = &mut scope.db();
        load(conn, workspace, owner).await?;
        let rows = api_keys::list(conn, owner, page.after, page.fetch()).await?;
        let keys = rows.into_iter().map(ApiKey::from).collect();
        Ok(Page::from_rows(keys, page.limit, |key: &ApiKey| key.id))
    }

    /// Revokes a key; it is refused at once on every instance. Revoking a
    /// revoked key changes nothing.
    #[tracing::instrument(skip_all)]
    pub async fn revoke_key(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        owner: ServiceAccountId,
        id: ApiKeyId,
    ) -> Result<(), Failure> {
        let mut scope = self.admin(caller, workspace).await?;
        let conn = &mut scope.db();
        let change = Change::ApiKey(id);
        db_transaction!(conn, |tx| {
            load(tx, workspace, owner).await?;
            api_keys::find(tx, owner, id).await?.ok_or(Failure::NotFound("API key"))?;
            if api_keys::revoke(tx, id, DbTime::from(clock::now())).await? {
                change.publish(tx).await?;
                let key = api_keys::find(tx, owner, id).await?.ok_or(Failure::NotFound("API key"))?;
                let key = ApiKey::from(key);
                let event = outbox::Change::new(EventType::ApiKeyRevoked, &key);
                self.outbox.record(tx, workspace, caller, &[event]).await?;
            }
            Ok::<_, Failure>(())
        })?;
        self.forget([change]);
        tracing::info!(api_key_id = %id, service_account_id = %owner, "API key revoked");
        Ok(())
    }
}
