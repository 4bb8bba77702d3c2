//! The attachment rules: who may upload, read and delete; limits; storing
//! identical contents once; and removing contents no attachment needs.
//!
//! Blob lifecycle. An upload streams into staging first; only then, in one
//! transaction, is the blob recorded and locked, the staged object moved to
//! `blobs/<sha256>` (or dropped when that blob is already stored), and the
//! attachment row written. Removing a blob takes the same row lock, checks
//! that nothing points at it, and deletes object and record together. So a
//! blob is never removed under an upload that is about to point at it.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::json;

use super::error::AttachmentError;
use super::file_name::FileName;
use super::form::{FormPart, UploadForm};
use super::model::{Attachment, AttachmentSettings, Download, Owner, check_description};
use super::range::RequestedRange;
use super::staging::{self, Staged};
use crate::ids::{AttachmentId, CaseId, RecordId, WorkspaceId};
use crate::platform::clock;
use crate::services::cases::{CaseEvent, EventKind};
use crate::services::idempotency::{self, Claim, Created, IdempotencyKey};
use crate::services::kernel::Failure;
use crate::services::kernel::{Access, Actor, Role, lock_open_case};
use crate::services::outbox::{Change, EventType, Outbox};
use crate::services::pagination::{Page, PageRequest};
use crate::services::validation::ValidationErrors;
use crate::store::evidence::EvidenceStore;
use crate::store::{
    DbConn, DbTime, Store, attachments, case_events, cases, db_transaction, scans, workspaces,
};

/// Staged uploads older than this belong to a server that died mid-upload.
const STAGING_MAX_AGE: Duration = Duration::from_secs(60 * 60);
/// Unreferenced blobs removed per sweep.
const SWEEP_BATCH: i64 = 100;

/// Attachments on cases and scans.
pub struct AttachmentService {
    store: Store,
    access: Access,
    evidence: EvidenceStore,
    settings: AttachmentSettings,
    outbox: Outbox,
}

/// A form whose bytes are staged, with what else the client sent.
struct StagedUpload<'a> {
    staged: &'a Staged,
    file_name: FileName,
    description: Option<String>,
    key: Option<IdempotencyKey>,
}

impl AttachmentService {
    /// A service over `store` (records) and `evidence` (bytes), deciding
    /// access through `access`, reporting changes through `outbox`.
    pub fn new(
        store: Store,
        access: Access,
        outbox: Outbox,
        evidence: EvidenceStore,
        settings: AttachmentSettings,
    ) -> Self {
        Self { store, access, evidence, settings, outbox }
    }

    /// Uploads a file (editors and admins). The form's bytes are streamed
    /// to the evidence store; the record is written only once they are
    /// stored. A retry with the same idempotency key returns the first
    /// attachment and stores nothing new.
    #[tracing::instrument(skip_all)]
    pub async fn upload(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        owner: Owner,
        mut form: impl UploadForm,
        key: Option<IdempotencyKey>,
    ) -> Result<Created<Attachment>, AttachmentError> {
        {
            let mut scope = self.access.writing(caller, workspace, Role::Editor).await?;
            let conn = &mut scope.db();
            owning_case(conn, workspace, owner).await?;
            self.check_room(conn, owner).await?;
        }
        let (staged, file_name, description) = self.read_form(&mut form).await?;
        let upload = StagedUpload { staged: &staged, file_name, description, key };
        let result = self.record(caller, workspace, owner, upload).await;
        // Moved into place, or not needed (a replay, stored already, failed).
        self.discard(&staged).await;
        if result.is_err() {
            // The blob may have been moved in before the transaction failed.
            self.release_blob(&staged.sha256).await.ok();
        }
        result
    }

    /// A page of the attachments of a case or scan, newest first (any member).
    pub async fn list(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        owner: Owner,
        page: PageRequest<AttachmentId>,
    ) -> Result<Page<Attachment>, AttachmentError> {
        let mut scope = self.access.writing(caller, workspace, Role::Viewer).await?;
        let conn = &mut scope.db();
        owning_case(conn, workspace, owner).await?;
        let rows = attachments::list(conn, owner.key(), page.after, page.fetch()).await?;
        let items = rows.into_iter().map(Attachment::try_from).collect::<Result<Vec<_>, _>>();
        let items = items.map_err(Failure::corrupt)?;
        Ok(Page::from_rows(items, page.limit, |a: &Attachment| a.id))
    }

    /// One attachment's record (any member).
    pub async fn get(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        owner: Owner,
        id: AttachmentId,
    ) -> Result<Attachment, AttachmentError> {
        let mut scope = self.access.reading(caller, workspace, Role::Viewer).await?;
        let conn = &mut scope.db();
        owning_case(conn, workspace, owner).await?;
        load(conn, owner, id).await
    }

    /// Opens an attachment's content (any member), whole or the requested
    /// byte range.
    pub async fn open(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        owner: Owner,
        id: AttachmentId,
        range: Option<RequestedRange>,
    ) -> Result<Download, AttachmentError> {
        let attachment = self.get(caller, workspace, owner, id).await?;
        let range = match range {
            None => None,
            Some(requested) => requested
                .resolve(attachment.size, &attachment.sha256)
                .map_err(|_| AttachmentError::RangeNotSatisfiable { size: attachment.size })?,
        };
        let body = self.evidence.read(&attachment.sha256, range.clone()).await?;
        Ok(Download { attachment, range, body })
    }

    /// Deletes an attachment: its uploader (editor or admin) or any admin.
    /// Its content goes too, unless another attachment has the same.
    #[tracing::instrument(skip_all)]
    pub async fn delete(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        owner: Owner,
        id: AttachmentId,
    ) -> Result<(), AttachmentError> {
        let mut scope = self.access.writing(caller, workspace, Role::Viewer).await?;
        let role = scope.role;
        let conn = &mut scope.db();
        let attachment = db_transaction!(conn, |tx| {
            let case = owning_case(tx, workspace, owner).await?;
            let attachment = load(tx, owner, id).await?;
            let own = attachment.uploaded_by == caller.id && role >= Role::Editor;
            if !own && role < Role::Admin {
                return Err(AttachmentError::NotUploader);
            }
            attachments::delete(tx, id).await?;
            if let Some(case) = case {
                record_event(tx, case, caller, EventKind::AttachmentDeleted, &attachment, clock::now())
                    .await?;
            }
            let change = Change::new(EventType::AttachmentDeleted, &attachment);
            self.outbox.record(tx, workspace, caller, &[change]).await?;
            Ok::<_, AttachmentError>(attachment)
        })?;
        drop(scope);
        if let Err(err) = self.release_blob(&attachment.sha256).await {
            // The sweeper retries; the attachment itself is gone.
            tracing::warn!(error = %err, "could not remove an unreferenced evidence blob yet");
        }
        Ok(())
    }

    /// Removes contents that no attachment points at any more (after a case,
    /// scan or workspace was deleted) and uploads abandoned mid-way by a
    /// server that died. Returns how many objects were removed.
    pub async fn sweep(&self) -> Result<usize, AttachmentError> {
        let unreferenced = {
            let mut pooled = self.store.conn().await?;
            attachments::unreferenced_blobs(&mut pooled.db(), SWEEP_BATCH).await?
        };
        let mut removed = 0;
        for sha256 in unreferenced {
            removed += usize::from(self.release_blob(&sha256).await?);
        }
        Ok(removed + self.evidence.sweep_staging(STAGING_MAX_AGE).await?)
    }

    /// Every key in the evidence store (for operational checks and tests).
    pub async fn stored_keys(&self) -> Result<Vec<String>, AttachmentError> {
        Ok(self.evidence.keys().await?)
    }

    async fn check_room(&self, conn: &mut DbConn<'_>, owner: Owner) -> Result<(), AttachmentError> {
        let count = attachments::count(conn, owner.key()).await?;
        let limit = self.settings.max_per_owner;
        if count >= i64::from(limit) {
            return Err(AttachmentError::TooMany { limit, owner: owner.noun() });
        }
        Ok(())
    }

    /// Reads the form: the file into staging, the description as text.
    async fn read_form(
        &self,
        form: &mut impl UploadForm,
    ) -> Result<(Staged, FileName, Option<String>), AttachmentError> {
        let mut staged: Option<(Staged, FileName)> = None;
        let mut description = None;
        let outcome = async {
            while let Some(part) = form.next_part().await.map_err(AttachmentError::UnreadableForm)? {
                match part {
                    FormPart::Description(text) => description = Some(text),
                    FormPart::File(_) if staged.is_some() => {
                        return Err(ValidationErrors::single("file", "send exactly one file").into());
                    }
                    FormPart::File(file) => {
                        let name = FileName::clean(file.file_name.as_deref());
                        staged = Some((staging::stage(&self.evidence, file, &self.settings).await?, name));
                    }
                    FormPart::Other(name) => {
                        return Err(ValidationErrors::single(&name, "is not a field of this form").into());
                    }
                }
            }
            Ok(())
        }
        .await;
        let checked = outcome.and_then(|()| check_description(description.as_deref()));
        match (checked, staged) {
            (Ok(()), Some((staged, name))) => Ok((staged, name, description)),
            (Ok(()), None) => Err(ValidationErrors::single("file", "is required").into()),
            (Err(err), staged) => {
                if let Some((staged, _)) = staged {
                    self.discard(&staged).await;
                }
                Err(err)
            }
        }
    }

    /// Writes the record of a staged upload, moving its bytes into place.
    async fn record(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        owner: Owner,
        upload: StagedUpload<'_>,
    ) -> Result<Created<Attachment>, AttachmentError> {
        let StagedUpload { staged, file_name, description, key } = upload;
        let claim = key.map(|key| {
            let request = json!({
                "owner": owner, "file_name": file_name.as_str(), "sha256": staged.sha256,
                "media_type": staged.media_type.as_str(), "description": description,
            });
            Claim::new(caller.id, key, &format!("uploadAttachment:{}", owner.noun()), &request)
        });
        let mut pooled = self.store.conn().await?;
        let conn = &mut pooled.db();
        db_transaction!(conn, |tx| {
            if let Some(earlier) = idempotency::begin::<Attachment>(tx, claim.as_ref()).await? {
                return Ok(Created { value: earlier, replayed: true });
            }
            let case = match owner {
                Owner::Case(case) => lock_open_case(tx, workspace, case).await.map(|()| Some(case))?,
                Owner::Scan(_) => owning_case(tx, workspace, owner).await?,
            };
            // Serialises uploads to one workspace, so the count is exact.
            workspaces::lock(tx, workspace).await?;
            self.check_room(tx, owner).await?;
            let now = clock::now();
            let size = i64::try_from(staged.size).unwrap_or(i64::MAX);
            attachments::lock_blob(tx, &staged.sha256, size, DbTime::from(now)).await?;
            if !self.evidence.has_blob(&staged.sha256).await? {
                self.evidence.promote(&staged.key, &staged.sha256).await?;
            }
            let attachment = Attachment {
                id: AttachmentId::new(),
                workspace_id: workspace,
                owner,
                file_name: file_name.as_str().to_owned(),
                media_type: staged.media_type.as_str().to_owned(),
                size: staged.size,
                sha256: staged.sha256.clone(),
                description: description.clone(),
                uploaded_by: caller.id,
                uploaded_by_kind: caller.kind,
                created_at: now,
            };
            attachments::insert(tx, attachment.to_row()).await?;
            if let Some(case) = case {
                record_event(tx, case, caller, EventKind::AttachmentAdded, &attachment, now).await?;
            }
            let change = Change::new(EventType::AttachmentCreated, &attachment);
            self.outbox.record(tx, workspace, caller, &[change]).await?;
            idempotency::finish(tx, claim.as_ref(), &attachment).await?;
            Ok::<_, AttachmentError>(Created::new(attachment))
        })
    }

    /// Removes the blob of `sha256` if no attachment points at it. Returns
    /// whether it was removed.
    async fn release_blob(&self, sha256: &str) -> Result<bool, AttachmentError> {
        let mut pooled = self.store.conn().await?;
        let conn = &mut pooled.db();
        db_transaction!(conn, |tx| {
            attachments::lock_blob(tx, sha256, 0, DbTime::from(clock::now())).await?;
            if attachments::blob_references(tx, sha256).await? > 0 {
                return Ok(false);
            }
            self.evidence.delete_blob(sha256).await?;
            attachments::forget_blob(tx, sha256).await?;
            Ok::<_, AttachmentError>(true)
        })
    }

    async fn discard(&self, staged: &Staged) {
        if let Err(err) = self.evidence.discard(&staged.key).await {
            tracing::warn!(error = %err, "could not remove a staged upload; the sweeper will");
        }
    }
}

/// Checks that the owner exists in the workspace; returns the case whose
/// audit trail records changes (the case itself, or the scan's linked case).
async fn owning_case(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    owner: Owner,
) -> Result<Option<CaseId>, AttachmentError> {
    match owner {
        Owner::Case(case) => {
            cases::find(conn, workspace, case).await?.ok_or(Failure::NotFound("case"))?;
            Ok(Some(case))
        }
        Owner::Scan(scan) => {
            let row = scans::find(conn, workspace, scan).await?.ok_or(Failure::NotFound("scan"))?;
            Ok(row.case_id)
        }
    }
}

async fn load(conn: &mut DbConn<'_>, owner: Owner, id: AttachmentId) -> Result<Attachment, AttachmentError> {
    let row = attachments::find(conn, owner.key(), id).await?.ok_or(Failure::NotFound("attachment"))?;
    Ok(Attachment::try_from(row).map_err(Failure::corrupt)?)
}

async fn record_event(
    tx: &mut DbConn<'_>,
    case: CaseId,
    actor: Actor,
    kind: EventKind,
    attachment: &Attachment,
    at: DateTime<Utc>,
) -> Result<(), AttachmentError> {
    let data = json!({
        "attachment_id": attachment.id.uuid().to_string(),
        "file_name": attachment.file_name,
        "media_type": attachment.media_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "scan_id": match attachment.owner {
            Owner::Scan(scan) => Some(scan.uuid().to_string()),
            Owner::Case(_) => None,
        },
    });
    let event = CaseEvent::new(case, actor, kind, data, at);
    case_events::insert(tx, vec![event.to_row()]).await?;
    Ok(())
}
