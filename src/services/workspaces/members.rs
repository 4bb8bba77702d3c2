//! Member management: listing, adding, changing roles and removing, with the
//! rule that a workspace always keeps at least one admin.

use super::{Member, MemberRoleUpdate, NewMember, Role, WorkspaceError, WorkspaceService};
use crate::ids::{AccountId, WorkspaceId};
use crate::platform::clock;
use crate::services::changes::Change;
use crate::services::idempotency::{self, Claim, Created};
use crate::services::kernel::{Actor, Failure};
use crate::services::outbox::{self, EventType};
use crate::services::pagination::{Page, Paging};
use crate::services::validation::ValidationErrors;
use crate::store::memberships::{self, MembershipRow};
use crate::store::{DbConn, StoreError, accounts, db_transaction, workspaces};

impl WorkspaceService {
    /// The members of a workspace the caller belongs to.
    pub async fn list_members(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        page: Paging<AccountId>,
    ) -> Result<Page<Member>, WorkspaceError> {
        let mut scope = self.access.writing(caller, workspace, Role::Viewer).await?;
        let conn = &mut scope.db();
        let rows = memberships::list(conn, workspace, page.reading(), page.fetch()).await?;
        let members = rows.into_iter().map(|(m, a)| Member::from_rows(m, a)).collect::<Result<_, _>>()?;
        Ok(page.page(members, |m: &Member| m.account_id, |m: &Member| m.updated_at))
    }

    /// One member of a workspace the caller belongs to.
    pub async fn get_member(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        member: AccountId,
    ) -> Result<Member, WorkspaceError> {
        let mut scope = self.access.reading(caller, workspace, Role::Viewer).await?;
        let conn = &mut scope.db();
        load_member(conn, workspace, member).await
    }

    /// Adds an existing account, by email (admins only).
    #[tracing::instrument(skip_all)]
    pub async fn add_member(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        request: NewMember,
        claim: Option<Claim>,
    ) -> Result<Created<Member>, WorkspaceError> {
        let mut scope = self.access.writing(caller, workspace, Role::Admin).await?;
        let conn = &mut scope.db();
        let account = accounts::find_by_email(conn, request.email.as_str())
            .await?
            .ok_or_else(|| ValidationErrors::single("email", "no account has this email address"))?;
        let now = clock::now();
        let row = MembershipRow {
            workspace_id: workspace,
            account_id: account.id,
            role: request.role.as_str().to_owned(),
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let change = Change::Membership { workspace, account: account.id };
        let created = db_transaction!(conn, |tx| {
            if let Some(earlier) = idempotency::begin::<Member>(tx, claim.as_ref()).await? {
                return Ok(Created { value: earlier, replayed: true });
            }
            let member = Member::from_rows(row.clone(), account.clone())?;
            match memberships::insert(tx, row.clone()).await {
                Err(StoreError::UniqueViolation(_)) => return Err(WorkspaceError::AlreadyMember),
                other => other?,
            }
            idempotency::finish(tx, claim.as_ref(), &member).await?;
            change.publish(tx).await?;
            let added = outbox::Change::new(EventType::MemberAdded, &member);
            self.outbox.record(tx, workspace, caller, &[added]).await?;
            Ok::<_, WorkspaceError>(Created::new(member))
        })?;
        self.access.forget(change);
        Ok(created)
    }

    /// Changes a member's role (admins only). The last admin cannot be demoted.
    #[tracing::instrument(skip_all)]
    pub async fn update_member(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        member: AccountId,
        update: MemberRoleUpdate,
    ) -> Result<Member, WorkspaceError> {
        let mut scope = self.access.writing(caller, workspace, Role::Admin).await?;
        let conn = &mut scope.db();
        let change = Change::Membership { workspace, account: member };
        let updated = db_transaction!(conn, |tx| {
            workspaces::lock(tx, workspace).await?;
            let current = load_member(tx, workspace, member).await?;
            if current.version != update.version {
                return Err(Failure::VersionConflict {
                    what: "membership",
                    current: current.version,
                    given: update.version,
                }
                .into());
            }
            if current.role == Role::Admin && update.role != Role::Admin {
                ensure_another_admin(tx, workspace).await?;
            }
            let now = clock::now();
            memberships::update_role(tx, workspace, member, update.version, update.role.as_str(), now)
                .await?;
            change.publish(tx).await?;
            let updated = load_member(tx, workspace, member).await?;
            let event = outbox::Change::updated(EventType::MemberUpdated, &current, &updated);
            self.outbox.record(tx, workspace, caller, &[event]).await?;
            Ok::<_, WorkspaceError>(updated)
        })?;
        self.access.forget(change);
        Ok(updated)
    }

    /// Removes a member. Admins may remove anyone; any member may leave. The
    /// last admin can do neither to themselves.
    #[tracing::instrument(skip_all)]
    pub async fn remove_member(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        member: AccountId,
    ) -> Result<(), WorkspaceError> {
        let need = if member == caller.id { Role::Viewer } else { Role::Admin };
        let mut scope = self.access.writing(caller, workspace, need).await?;
        let conn = &mut scope.db();
        let change = Change::Membership { workspace, account: member };
        db_transaction!(conn, |tx| {
            workspaces::lock(tx, workspace).await?;
            let current = load_member(tx, workspace, member).await?;
            if current.role == Role::Admin {
                ensure_another_admin(tx, workspace).await?;
            }
            memberships::delete(tx, workspace, member).await?;
            change.publish(tx).await?;
            let removed = outbox::Change::new(EventType::MemberRemoved, &current);
            self.outbox.record(tx, workspace, caller, &[removed]).await?;
            Ok::<_, WorkspaceError>(())
        })?;
        self.access.forget(change);
        Ok(())
    }
}

async fn load_member(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    member: AccountId,
) -> Result<Member, WorkspaceError> {
    let (membership, account) =
        memberships::find(conn, workspace, member).await?.ok_or(WorkspaceError::MemberNotFound)?;
    Ok(Member::from_rows(membership, account)?)
}

/// Fails with `LastAdmin` unless the workspace has more than one admin. Call
/// it with the workspace locked.
async fn ensure_another_admin(conn: &mut DbConn<'_>, workspace: WorkspaceId) -> Result<(), WorkspaceError> {
    if memberships::count_admins(conn, workspace).await? <= 1 {
        return Err(WorkspaceError::LastAdmin);
    }
    Ok(())
}
