//! Saving and loading comments on cases.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::schema::comments;
use crate::ids::{AccountId, CaseId, CommentId};

use super::{DbConn, DbTime, Reading, StoreError, changed_since, db_run, update_returning};

/// A comment as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = comments)]
pub struct CommentRow {
    /// Comment id (UUIDv7).
    pub id: CommentId,
    /// The case.
    pub case_id: CaseId,
    /// Who wrote it.
    pub author_id: AccountId,
    /// Whether a `person` or a `service_account` acted.
    pub author_kind: String,
    /// Markdown text.
    pub body: String,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// When it was written.
    pub created_at: DbTime,
    /// When it was last edited.
    pub updated_at: DbTime,
}

/// Inserts a comment.
pub async fn insert(conn: &mut DbConn<'_>, row: CommentRow) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::insert_into(comments::table).values(row).execute(conn).await?;
        Ok(())
    })
}

/// Loads a comment of a case.
pub async fn find(
    conn: &mut DbConn<'_>,
    case_id: CaseId,
    id: CommentId,
) -> Result<Option<CommentRow>, StoreError> {
    db_run!(conn: {
        Ok(comments::table
            .filter(comments::id.eq(id))
            .filter(comments::case_id.eq(case_id))
            .select(CommentRow::as_select())
            .first(conn)
            .await
            .optional()?)
    })
}

/// Up to `limit` comments of a case, read as `reading` says.
pub async fn list(
    conn: &mut DbConn<'_>,
    case_id: CaseId,
    reading: Reading<CommentId>,
    limit: i64,
) -> Result<Vec<CommentRow>, StoreError> {
    let after = match reading {
        Reading::Newest { before } => before.unwrap_or(CommentId::MAX),
        Reading::ChangedSince { since, after } => {
            return db_run!(conn: {
                let query = comments::table
                    .filter(comments::case_id.eq(case_id))
                    .select(CommentRow::as_select())
                    .into_boxed();
                let query = changed_since!(query, comments::updated_at, comments::id, since, after);
                Ok(query.limit(limit).load(conn).await?)
            });
        }
    };
    db_run!(conn: {
        Ok(comments::table
            .filter(comments::case_id.eq(case_id))
            .filter(comments::id.lt(after))
            .order(comments::id.desc())
            .limit(limit)
            .select(CommentRow::as_select())
            .load(conn)
            .await?)
    })
}

/// Replaces the text if the comment is at `expected_version`.
pub async fn update(
    conn: &mut DbConn<'_>,
    id: CommentId,
    expected_version: i32,
    body: &str,
    at: DbTime,
) -> Result<Option<CommentRow>, StoreError> {
    let update = diesel::update(comments::table)
        .filter(comments::id.eq(id))
        .filter(comments::version.eq(expected_version))
        .set((
            comments::body.eq(body),
            comments::updated_at.eq(at),
            comments::version.eq(comments::version + 1),
        ));
    update_returning!(conn, update, CommentRow::as_returning(), comments::table.find(id))
}

/// Deletes a comment.
pub async fn delete(conn: &mut DbConn<'_>, id: CommentId) -> Result<bool, StoreError> {
    db_run!(conn: {
        Ok(diesel::delete(comments::table.filter(comments::id.eq(id))).execute(conn).await? > 0)
    })
}
