//! Moving what one case holds onto another, for a merge: comments,
//! attachments, tasks (after the other case's own) and observables (those
//! the other case lacks; its own copies absorb the rest).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::observables::ObservableRow;
use super::schema::{attachments, comments, observables, tasks};
use super::{DbConn, DbTime, StoreError, db_run};
use crate::ids::{CaseId, ObservableId};

/// Moves every comment of `from` to `to`, authors and times unchanged;
/// answers how many moved.
pub async fn move_comments(conn: &mut DbConn<'_>, from: CaseId, to: CaseId) -> Result<usize, StoreError> {
    db_run!(conn: {
        let moved = comments::table.filter(comments::case_id.eq(from));
        Ok(diesel::update(moved).set(comments::case_id.eq(to)).execute(conn).await?)
    })
}

/// Moves every attachment of `from` to `to`; answers how many moved.
pub async fn move_attachments(conn: &mut DbConn<'_>, from: CaseId, to: CaseId) -> Result<usize, StoreError> {
    db_run!(conn: {
        let moved = attachments::table.filter(attachments::case_id.eq(from));
        Ok(diesel::update(moved).set(attachments::case_id.eq(to)).execute(conn).await?)
    })
}

/// Moves every task of `from` to the end of `to`'s checklist, whose last
/// position is `after`, in their order; answers how many moved.
pub async fn move_tasks(
    conn: &mut DbConn<'_>,
    from: CaseId,
    to: CaseId,
    after: i32,
) -> Result<usize, StoreError> {
    db_run!(conn: {
        let moved = tasks::table.filter(tasks::case_id.eq(from));
        Ok(diesel::update(moved)
            .set((tasks::case_id.eq(to), tasks::position.eq(tasks::position + after)))
            .execute(conn)
            .await?)
    })
}

/// Every observable of a case.
pub async fn observables_of(
    conn: &mut DbConn<'_>,
    case_id: CaseId,
) -> Result<Vec<ObservableRow>, StoreError> {
    db_run!(conn: {
        Ok(observables::table
            .filter(observables::case_id.eq(case_id))
            .select(ObservableRow::as_select())
            .order(observables::id)
            .load(conn)
            .await?)
    })
}

/// What an observable takes in from its duplicate on a merged case.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = observables)]
pub struct Absorbed {
    /// The earlier of the two first sightings.
    pub first_seen_at: DbTime,
    /// The later of the two last sightings.
    pub last_seen_at: DbTime,
    /// Either one marked as an indicator of compromise.
    pub is_ioc: bool,
    /// Either one sighted.
    pub sighted: bool,
    /// Tags of both (JSON array).
    pub tags: String,
    /// Time of the change.
    pub updated_at: DbTime,
}

/// Writes `absorbed` into an observable and raises its version.
pub async fn absorb(conn: &mut DbConn<'_>, id: ObservableId, absorbed: Absorbed) -> Result<(), StoreError> {
    db_run!(conn: {
        diesel::update(observables::table.find(id))
            .set((absorbed.clone(), observables::version.eq(observables::version + 1)))
            .execute(conn)
            .await?;
        Ok(())
    })
}

/// Moves the observables of `from` to `to`, after those in `dropped`
/// (duplicates of values `to` holds) are deleted; answers how many moved.
pub async fn move_observables(
    conn: &mut DbConn<'_>,
    from: CaseId,
    to: CaseId,
    dropped: &[ObservableId],
) -> Result<usize, StoreError> {
    for chunk in dropped.chunks(500) {
        let chunk = chunk.to_vec();
        db_run!(conn: {
            diesel::delete(observables::table.filter(observables::id.eq_any(chunk.clone()))).execute(conn).await?;
            Ok::<_, StoreError>(())
        })?;
    }
    db_run!(conn: {
        let moved = observables::table.filter(observables::case_id.eq(from));
        Ok(diesel::update(moved).set(observables::case_id.eq(to)).execute(conn).await?)
    })
}
