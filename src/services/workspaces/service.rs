//! The workspace service: creating, listing, reading, changing and deleting
//! workspaces. Member management is in `members.rs`.

use super::model::stored_role;
use super::{NewWorkspace, Role, Workspace, WorkspaceError, WorkspaceUpdate};
use crate::ids::{RecordId, WorkspaceId};
use crate::platform::clock;
use crate::services::changes::Change;
use crate::services::idempotency::{self, Claim, Created};
use crate::services::kernel::Failure;
use crate::services::kernel::{Access, Actor, Corrupt};
use crate::services::outbox::{self, EventType, Outbox};
use crate::services::pagination::{Page, Paging};
use crate::store::memberships::{self, MembershipRow};
use crate::store::workspaces::{self, WorkspaceChanges, WorkspaceRow};
use crate::store::{DbTime, Store, db_transaction};

/// Workspaces and their members.
pub struct WorkspaceService {
    pub(super) store: Store,
    pub(super) access: Access,
    pub(super) outbox: Outbox,
}

impl WorkspaceService {
    /// A service over `store`, deciding access through `access` and
    /// reporting member changes through `outbox`.
    pub fn new(store: Store, access: Access, outbox: Outbox) -> Self {
        Self { store, access, outbox }
    }

    /// Creates a workspace; the creator becomes its admin (people only).
    #[tracing::instrument(skip_all)]
    pub async fn create(
        &self,
        caller: Actor,
        request: NewWorkspace,
        claim: Option<Claim>,
    ) -> Result<Created<Workspace>, WorkspaceError> {
        let caller = caller.require_person()?;
        let now = clock::now();
        let row = WorkspaceRow {
            id: WorkspaceId::new(),
            name: request.name,
            description: request.description,
            case_seq: 0,
            version: 1,
            created_by: caller,
            created_at: now,
            updated_at: now,
        };
        let membership = MembershipRow {
            workspace_id: row.id,
            account_id: caller,
            role: Role::Admin.as_str().to_owned(),
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let mut pooled = self.store.conn().await?;
        let conn = &mut pooled.db();
        db_transaction!(conn, |tx| {
            if let Some(earlier) = idempotency::begin::<Workspace>(tx, claim.as_ref()).await? {
                return Ok(Created { value: earlier, replayed: true });
            }
            let workspace = Workspace::from_row(row.clone(), Role::Admin);
            workspaces::insert(tx, row.clone()).await?;
            memberships::insert(tx, membership.clone()).await?;
            let event = outbox::Change::new(EventType::WorkspaceCreated, &workspace);
            self.outbox.record(tx, workspace.id, Actor::person(caller), &[event]).await?;
            idempotency::finish(tx, claim.as_ref(), &workspace).await?;
            Ok::<_, WorkspaceError>(Created::new(workspace))
        })
    }

    /// The caller's workspaces, newest first.
    pub async fn list(
        &self,
        caller: Actor,
        page: Paging<WorkspaceId>,
    ) -> Result<Page<Workspace>, WorkspaceError> {
        let mut pooled = self.store.conn().await?;
        let rows =
            workspaces::list_for_account(&mut pooled.db(), caller.id, page.reading(), page.fetch()).await?;
        let workspaces = rows
            .into_iter()
            .map(|(row, role)| Ok(Workspace::from_row(row, stored_role(&role)?)))
            .collect::<Result<_, Corrupt>>()?;
        Ok(page.page(workspaces, |w: &Workspace| w.id, |w: &Workspace| w.updated_at))
    }

    /// One workspace the caller belongs to.
    pub async fn get(&self, caller: Actor, id: WorkspaceId) -> Result<Workspace, WorkspaceError> {
        let mut scope = self.access.reading(caller, id, Role::Viewer).await?;
        let role = scope.role;
        let conn = &mut scope.db();
        let row = workspaces::find(conn, id).await?.ok_or(Failure::NoSuchWorkspace)?;
        Ok(Workspace::from_row(row, role))
    }

    /// Changes name or description (admins only), conditional on `version`.
    #[tracing::instrument(skip_all)]
    pub async fn update(
        &self,
        caller: Actor,
        id: WorkspaceId,
        update: WorkspaceUpdate,
    ) -> Result<Workspace, WorkspaceError> {
        let mut scope = self.access.writing(caller, id, Role::Admin).await?;
        let role = scope.role;
        let conn = &mut scope.db();
        db_transaction!(conn, |tx| {
            let current = workspaces::find(tx, id).await?.ok_or(Failure::NoSuchWorkspace)?;
            let changes = WorkspaceChanges {
                name: update.name.clone(),
                description: update.description.clone(),
                updated_at: DbTime::from(clock::now()),
            };
            let Some(row) = workspaces::update(tx, id, update.version, changes).await? else {
                // Read again: a concurrent change may have committed since.
                let latest = workspaces::find(tx, id).await?.ok_or(Failure::NoSuchWorkspace)?;
                let (what, current, given) = ("workspace", latest.version, update.version);
                return Err(Failure::VersionConflict { what, current, given }.into());
            };
            let (before, after) = (Workspace::from_row(current, role), Workspace::from_row(row, role));
            let event = outbox::Change::updated(EventType::WorkspaceUpdated, &before, &after);
            self.outbox.record(tx, id, caller, &[event]).await?;
            Ok::<_, WorkspaceError>(after)
        })
    }

    /// Deletes a workspace and everything in it (admins, and people only:
    /// a service account cannot delete the workspace it belongs to).
    #[tracing::instrument(skip_all)]
    pub async fn delete(&self, caller: Actor, id: WorkspaceId) -> Result<(), WorkspaceError> {
        let mut scope = self.access.writing(caller, id, Role::Admin).await?;
        caller.require_person()?;
        let conn = &mut scope.db();
        let change = Change::Workspace(id);
        db_transaction!(conn, |tx| {
            workspaces::delete(tx, id).await?;
            change.publish(tx).await?;
            Ok::<_, WorkspaceError>(())
        })?;
        self.access.forget(change);
        tracing::info!(workspace_id = %id.uuid(), "workspace deleted");
        Ok(())
    }
}
