//! The trash: deleted cases wait here, whole, for an admin to restore them
//! or for the retention period to end. Purging deletes a case for good
//! with everything it holds; the workspace's activity feed keeps its
//! history, ending with a `case.purged` tombstone.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;

use crate::ids::{CaseId, RecordId, WorkspaceId};
use crate::platform::clock;
use crate::services::cases::{Case, CaseEvent, EventKind};
use crate::services::kernel::{Access, Actor, Failure, Role};
use crate::services::outbox::{Change, EventType, Outbox};
use crate::services::pagination::{Page, PageRequest};
use crate::store::trash::{self, TrashedRow};
use crate::store::{DbConn, DbTime, Store, case_events, cases, db_transaction};

/// Trashed cases purged in one transaction of the purge job.
const PURGE_BATCH: i64 = 100;

/// Where a trashed case stands in the trash's order: deletion time in
/// microseconds, and id.
pub type TrashPosition = (i64, CaseId);

/// A case in the trash.
#[derive(Debug, Clone)]
pub struct TrashedCase {
    /// The case as it was when deleted.
    pub case: Case,
    /// When it was deleted.
    pub deleted_at: DateTime<Utc>,
    /// Who deleted it.
    pub deleted_by: Actor,
    /// When the purge job deletes it for good.
    pub purge_after: DateTime<Utc>,
}

/// The workspaces' trash.
pub struct TrashService {
    access: Access,
    store: Store,
    outbox: Outbox,
    retention: TimeDelta,
}

impl TrashService {
    /// A trash whose cases are purged `retention` after their deletion.
    pub fn new(access: Access, store: Store, outbox: Outbox, retention: std::time::Duration) -> Self {
        let retention = TimeDelta::from_std(retention).unwrap_or(TimeDelta::MAX);
        Self { access, store, outbox, retention }
    }

    /// A page of the workspace's trash, most recently deleted first (admins).
    pub async fn list(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        page: PageRequest<TrashPosition>,
    ) -> Result<Page<TrashedCase>, Failure> {
        let mut scope = self.access.writing(caller, workspace, Role::Admin).await?;
        let after = page.after.map(|(micros, id)| (DbTime::from_micros(micros), id));
        let rows = trash::list(&mut scope.db(), workspace, after, page.fetch()).await?;
        let items = rows.into_iter().map(|row| self.trashed(row)).collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(items, page.limit, |item| (item.deleted_at.timestamp_micros(), item.case.id)))
    }

    /// One case in the trash (admins).
    pub async fn get(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: CaseId,
    ) -> Result<TrashedCase, Failure> {
        let mut scope = self.access.writing(caller, workspace, Role::Admin).await?;
        let row = trash::find(&mut scope.db(), workspace, id).await?.ok_or(Failure::NotFound("case"))?;
        self.trashed(row)
    }

    /// Takes a case out of the trash with everything it had (admins); its
    /// version rises and its trail records the restore.
    #[tracing::instrument(skip_all)]
    pub async fn restore(&self, caller: Actor, workspace: WorkspaceId, id: CaseId) -> Result<Case, Failure> {
        let mut scope = self.access.writing(caller, workspace, Role::Admin).await?;
        let conn = &mut scope.db();
        let case = db_transaction!(conn, |tx| {
            let now = clock::now();
            if !trash::restore(tx, workspace, id, now.into()).await? {
                return Err(Failure::NotFound("case"));
            }
            let row = cases::find(tx, workspace, id).await?.ok_or(Failure::NotFound("case"))?;
            let case = Case::try_from(row)?;
            let event = CaseEvent::new(id, caller, EventKind::CaseRestored, json!({}), now);
            case_events::insert(tx, vec![event.to_row()]).await?;
            self.outbox.record(tx, workspace, caller, &[Change::new(EventType::CaseRestored, &case)]).await?;
            Ok::<_, Failure>(case)
        })?;
        tracing::info!(case_id = %id.uuid(), "case restored from the trash");
        Ok(case)
    }

    /// Deletes a trashed case for good now, with everything it holds
    /// (admins): for what must not wait for the retention period.
    #[tracing::instrument(skip_all)]
    pub async fn purge(&self, caller: Actor, workspace: WorkspaceId, id: CaseId) -> Result<(), Failure> {
        let mut scope = self.access.writing(caller, workspace, Role::Admin).await?;
        // Whenever it was deleted (all deletions are in the past).
        let any_deletion = DbTime::from(clock::now() + TimeDelta::days(1));
        if !self.purge_one(&mut scope.db(), Some(caller), workspace, id, any_deletion).await? {
            return Err(Failure::NotFound("case"));
        }
        Ok(())
    }

    /// Purges every case deleted longer than the retention period ago, in
    /// every workspace, as the server; answers how many. Instances may run
    /// this at the same time: each case is purged (and its tombstone
    /// written) once.
    pub async fn purge_expired(&self) -> Result<usize, Failure> {
        let cutoff = DbTime::from(clock::now() - self.retention);
        let mut conn = self.store.conn().await?;
        let mut purged = 0;
        loop {
            let due = trash::due(&mut conn.db(), cutoff, PURGE_BATCH).await?;
            let mut progressed = false;
            for (workspace, id) in &due {
                if self.purge_one(&mut conn.db(), None, *workspace, *id, cutoff).await? {
                    purged += 1;
                    progressed = true;
                }
            }
            if (due.len() as i64) < PURGE_BATCH || !progressed {
                return Ok(purged);
            }
        }
    }

    /// Purges one trashed case deleted before `cutoff`, writing its
    /// tombstone in the same transaction; false when it is not so trashed.
    async fn purge_one(
        &self,
        conn: &mut DbConn<'_>,
        actor: Option<Actor>,
        workspace: WorkspaceId,
        id: CaseId,
        cutoff: DbTime,
    ) -> Result<bool, Failure> {
        let purged = db_transaction!(conn, |tx| {
            let Some(row) = trash::find(tx, workspace, id).await? else { return Ok(false) };
            if !trash::purge(tx, workspace, id, cutoff).await? {
                return Ok(false);
            }
            let case = Case::try_from(row.case)?;
            self.outbox.record(tx, workspace, actor, &[Change::new(EventType::CasePurged, &case)]).await?;
            Ok::<_, Failure>(true)
        })?;
        if purged {
            tracing::info!(case_id = %id.uuid(), "case purged from the trash");
        }
        Ok(purged)
    }

    fn trashed(&self, row: TrashedRow) -> Result<TrashedCase, Failure> {
        let deleted_at = DateTime::<Utc>::from(row.deleted_at);
        Ok(TrashedCase {
            case: Case::try_from(row.case)?,
            deleted_at,
            deleted_by: Actor::stored(row.deleted_by, &row.deleted_by_kind),
            purge_after: deleted_at.checked_add_signed(self.retention).unwrap_or(DateTime::<Utc>::MAX_UTC),
        })
    }
}
