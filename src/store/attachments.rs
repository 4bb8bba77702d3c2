//! Saving and loading attachment records and the evidence blobs they point at.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::schema::{attachments, evidence_blobs};
use crate::ids::{AccountId, AttachmentId, CaseId, ScanId, WorkspaceId};

use super::{DbConn, DbTime, StoreError, db_run};

/// An attachment as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = attachments)]
pub struct AttachmentRow {
    /// Attachment id (UUIDv7).
    pub id: AttachmentId,
    /// The workspace.
    pub workspace_id: WorkspaceId,
    /// The case it is attached to, if a case.
    pub case_id: Option<CaseId>,
    /// The scan it is attached to, if a scan.
    pub scan_id: Option<ScanId>,
    /// The file name given at upload (display only).
    pub file_name: String,
    /// The media type, as judged from the content.
    pub media_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the content, lowercase hex; names the blob.
    pub sha256: String,
    /// Optional description.
    pub description: Option<String>,
    /// Who uploaded it.
    pub uploaded_by: AccountId,
    /// Whether a `person` or a `service_account` acted.
    pub uploaded_by_kind: String,
    /// When.
    pub created_at: DbTime,
}

/// What an attachment hangs off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerKey {
    /// A case id.
    Case(CaseId),
    /// A scan id.
    Scan(ScanId),
}

/// The attachments of `owner` as a boxed query (expanded inside `db_run!`,
/// where the backend is known).
macro_rules! owned_by {
    ($owner:expr) => {
        match $owner {
            OwnerKey::Case(id) => attachments::table.filter(attachments::case_id.eq(id)).into_boxed(),
            OwnerKey::Scan(id) => attachments::table.filter(attachments::scan_id.eq(id)).into_boxed(),
        }
    };
}

/// Inserts an attachment.
pub async fn insert(conn: &mut DbConn<'_>, row: AttachmentRow) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::insert_into(attachments::table).values(row).execute(conn).await?;
        Ok(())
    })
}

/// Loads an attachment of `owner`.
pub async fn find(
    conn: &mut DbConn<'_>,
    owner: OwnerKey,
    id: AttachmentId,
) -> Result<Option<AttachmentRow>, StoreError> {
    db_run!(conn: {
        Ok(owned_by!(owner)
            .filter(attachments::id.eq(id))
            .select(AttachmentRow::as_select())
            .first(conn)
            .await
            .optional()?)
    })
}

/// The attachments of `owner`, newest first, after the id `after`.
pub async fn list(
    conn: &mut DbConn<'_>,
    owner: OwnerKey,
    after: Option<AttachmentId>,
    limit: i64,
) -> Result<Vec<AttachmentRow>, StoreError> {
    let after = after.unwrap_or(AttachmentId::MAX);
    db_run!(conn: {
        Ok(owned_by!(owner)
            .filter(attachments::id.lt(after))
            .order(attachments::id.desc())
            .limit(limit)
            .select(AttachmentRow::as_select())
            .load(conn)
            .await?)
    })
}

/// How many attachments `owner` has.
pub async fn count(conn: &mut DbConn<'_>, owner: OwnerKey) -> Result<i64, StoreError> {
    db_run!(conn: {
        Ok(owned_by!(owner).count().get_result(conn).await?)
    })
}

/// Deletes an attachment.
pub async fn delete(conn: &mut DbConn<'_>, id: AttachmentId) -> Result<bool, StoreError> {
    db_run!(conn: {
        Ok(diesel::delete(attachments::table.filter(attachments::id.eq(id))).execute(conn).await? > 0)
    })
}

/// Records that the blob of `sha256` is (about to be) stored, if not yet
/// recorded, and holds its row lock until the transaction ends: while it is
/// held, nobody else adds or removes that blob.
pub async fn lock_blob(conn: &mut DbConn<'_>, sha256: &str, size: i64, at: DbTime) -> Result<(), StoreError> {
    let row =
        (evidence_blobs::sha256.eq(sha256), evidence_blobs::size.eq(size), evidence_blobs::created_at.eq(at));
    db_run!(conn: {
        diesel::insert_into(evidence_blobs::table).values(row).on_conflict_do_nothing().execute(conn).await?;
        diesel::update(evidence_blobs::table.find(sha256))
            .set(evidence_blobs::size.eq(evidence_blobs::size))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// How many attachments point at the blob of `sha256`.
pub async fn blob_references(conn: &mut DbConn<'_>, sha256: &str) -> Result<i64, StoreError> {
    db_run!(conn: {
        Ok(attachments::table.filter(attachments::sha256.eq(sha256)).count().get_result(conn).await?)
    })
}

/// Forgets the blob of `sha256`.
pub async fn forget_blob(conn: &mut DbConn<'_>, sha256: &str) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::delete(evidence_blobs::table.find(sha256)).execute(conn).await?;
        Ok(())
    })
}

/// Up to `limit` recorded blobs that no attachment points at any more (their
/// attachments were deleted, or their case, scan or workspace was).
pub async fn unreferenced_blobs(conn: &mut DbConn<'_>, limit: i64) -> Result<Vec<String>, StoreError> {
    db_run!(conn: {
        Ok(evidence_blobs::table
            .filter(diesel::dsl::not(diesel::dsl::exists(
                attachments::table.filter(attachments::sha256.eq(evidence_blobs::sha256)),
            )))
            .select(evidence_blobs::sha256)
            .limit(limit)
            .load(conn)
            .await?)
    })
}
