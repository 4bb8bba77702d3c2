//! The service-account service: creating, listing, reading, changing and
//! deleting a workspace's service accounts (admins, and people only: a key
//! never manages keys). Their keys are in `keys.rs`.
//!
//! A service account is written as three rows in one transaction: an
//! account of kind `service_account` (so records keep naming it after it is
//! deleted), its membership (so access checks treat it as any member), and
//! the service account itself.

use std::sync::Arc;

use super::{NewServiceAccount, ServiceAccount, ServiceAccountUpdate};
use crate::ids::{ServiceAccountId, WorkspaceId};
use crate::platform::clock;
use crate::services::changes::{Change, Forgets};
use crate::services::idempotency::{self, Claim, Created};
use crate::services::identity::TokenSigner;
use crate::services::kernel::{Access, Actor, Failure, InWorkspace, Role};
use crate::services::outbox::{self, EventType, Outbox};
use crate::services::pagination::{Page, Paging};
use crate::store::accounts::{self, NewAccount};
use crate::store::memberships::{self, MembershipRow};
use crate::store::service_accounts::{self, ServiceAccountChanges, ServiceAccountRow};
use crate::store::{DbConn, DbTime, PooledConn, db_transaction};

/// The stored `kind` of a service account's account.
const SERVICE_ACCOUNT_KIND: &str = "service_account";

/// Service accounts and their API keys.
pub struct ServiceAccountService {
    pub(super) access: Access,
    pub(super) tokens: TokenSigner,
    /// The API key cache of the identity service, told of revocations here.
    pub(super) keys: Arc<dyn Forgets>,
    /// Where changes are reported.
    pub(super) outbox: Outbox,
}

impl ServiceAccountService {
    /// A service deciding access through `access`, digesting key secrets
    /// with `tokens`, telling `keys` what it revokes and `outbox` what it
    /// changes.
    pub fn new(access: Access, tokens: TokenSigner, keys: Arc<dyn Forgets>, outbox: Outbox) -> Self {
        Self { access, tokens, keys, outbox }
    }

    /// The caller's admin work in `workspace`, if they are a person.
    pub(super) async fn admin(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
    ) -> Result<InWorkspace<PooledConn>, Failure> {
        let scope = self.access.writing(caller, workspace, Role::Admin).await?;
        caller.require_person()?;
        Ok(scope)
    }

    /// Creates a service account with no keys yet.
    #[tracing::instrument(skip_all)]
    pub async fn create(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        request: NewServiceAccount,
        claim: Option<Claim>,
    ) -> Result<Created<ServiceAccount>, Failure> {
        let mut scope = self.admin(caller, workspace).await?;
        let conn = &mut scope.db();
        let now = clock::now();
        let id = ServiceAccountId::new();
        let account = NewAccount {
            id: id.account(),
            // Unique, and never an address anyone can sign in with.
            email: format!("{SERVICE_ACCOUNT_KIND}:{id}"),
            display_name: String::new(),
            password_hash: String::new(),
            kind: SERVICE_ACCOUNT_KIND.to_owned(),
            created_at: now,
            updated_at: now,
        };
        let row = ServiceAccountRow {
            id,
            workspace_id: workspace,
            name: request.name.clone(),
            description: request.description.clone(),
            disabled: false,
            version: 1,
            created_by: caller.id,
            created_at: now.into(),
            updated_at: now.into(),
        };
        let membership = MembershipRow {
            workspace_id: workspace,
            account_id: id.account(),
            role: request.role.as_str().to_owned(),
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let created = db_transaction!(conn, |tx| {
            if let Some(earlier) = idempotency::begin::<ServiceAccount>(tx, claim.as_ref()).await? {
                return Ok(Created { value: earlier, replayed: true });
            }
            accounts::insert(tx, account.clone()).await?;
            service_accounts::insert(tx, row.clone()).await?;
            memberships::insert(tx, membership.clone()).await?;
            let created = ServiceAccount::from_row(row.clone(), &membership.role)?;
            let event = outbox::Change::new(EventType::ServiceAccountCreated, &created);
            self.outbox.record(tx, workspace, caller, &[event]).await?;
            idempotency::finish(tx, claim.as_ref(), &created).await?;
            Ok::<_, Failure>(Created::new(created))
        })?;
        if !created.replayed {
            tracing::info!(service_account_id = %id, workspace_id = %workspace, "service account created");
        }
        Ok(created)
    }

    /// A workspace's service accounts, newest first.
    pub async fn list(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        page: Paging<ServiceAccountId>,
    ) -> Result<Page<ServiceAccount>, Failure> {
        let mut scope = self.admin(caller, workspace).await?;
        let rows = service_accounts::list(&mut scope.db(), workspace, page.reading(), page.fetch()).await?;
        let items = rows
            .into_iter()
            .map(|(row, role)| ServiceAccount::from_row(row, &role))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.page(items, |account: &ServiceAccount| account.id, |account| account.updated_at))
    }

    /// One service account.
    pub async fn get(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: ServiceAccountId,
    ) -> Result<ServiceAccount, Failure> {
        let mut scope = self.admin(caller, workspace).await?;
        load(&mut scope.db(), workspace, id).await
    }

    /// Renames, describes, changes the role of, disables or enables a
    /// service account, if it is at the version the change is based on.
    /// A role change or disabling takes effect at once on every instance.
    #[tracing::instrument(skip_all)]
    pub async fn update(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: ServiceAccountId,
        update: ServiceAccountUpdate,
    ) -> Result<ServiceAccount, Failure> {
        let mut scope = self.admin(caller, workspace).await?;
        let conn = &mut scope.db();
        let now = clock::now();
        let changes = ServiceAccountChanges {
            name: update.name.clone(),
            description: update.description.clone(),
            disabled: update.disabled,
            updated_at: DbTime::from(now),
        };
        let role_change = Change::Membership { workspace, account: id.account() };
        let updated = db_transaction!(conn, |tx| {
            let current = load(tx, workspace, id).await?;
            if !service_accounts::update(tx, id, update.version, &changes).await? {
                let (current, given) = (current.version, update.version);
                return Err(Failure::VersionConflict { what: "service account", current, given });
            }
            if let Some(role) = update.role.filter(|role| *role != current.role) {
                memberships::set_role(tx, workspace, id.account(), role.as_str(), now).await?;
                role_change.publish(tx).await?;
            }
            if update.disabled.is_some_and(|disabled| disabled != current.disabled) {
                Change::ServiceAccount(id).publish(tx).await?;
            }
            let updated = load(tx, workspace, id).await?;
            let event = outbox::Change::updated(EventType::ServiceAccountUpdated, &current, &updated);
            self.outbox.record(tx, workspace, caller, &[event]).await?;
            Ok(updated)
        })?;
        self.forget([role_change, Change::ServiceAccount(id)]);
        Ok(updated)
    }

    /// Deletes a service account and its keys; records it acted on keep
    /// naming it. Its keys stop working at once on every instance.
    #[tracing::instrument(skip_all)]
    pub async fn delete(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: ServiceAccountId,
    ) -> Result<(), Failure> {
        let mut scope = self.admin(caller, workspace).await?;
        let conn = &mut scope.db();
        let changes = [Change::Membership { workspace, account: id.account() }, Change::ServiceAccount(id)];
        db_transaction!(conn, |tx| {
            let gone = load(tx, workspace, id).await?;
            service_accounts::delete(tx, id).await?;
            memberships::delete(tx, workspace, id.account()).await?;
            for change in changes {
                change.publish(tx).await?;
            }
            let event = outbox::Change::new(EventType::ServiceAccountDeleted, &gone);
            self.outbox.record(tx, workspace, caller, &[event]).await?;
            Ok::<_, Failure>(())
        })?;
        self.forget(changes);
        tracing::info!(service_account_id = %id, workspace_id = %workspace, "service account deleted");
        Ok(())
    }

    /// Forgets, on this instance, what committed changes made stale.
    pub(super) fn forget(&self, changes: impl IntoIterator<Item = Change>) {
        for change in changes {
            self.access.forget(change);
            self.keys.forget(change);
        }
    }
}

/// One service account of the workspace, or `NotFound`.
pub(super) async fn load(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    id: ServiceAccountId,
) -> Result<ServiceAccount, Failure> {
    let (row, role) =
        service_accounts::find(conn, workspace, id).await?.ok_or(Failure::NotFound("service account"))?;
    Ok(ServiceAccount::from_row(row, &role)?)
}
