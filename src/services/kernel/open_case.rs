//! Adding to a case: a comment, an attachment, a task or an observable
//! goes onto a live case that has not been merged into another, and holds
//! the case's row until it commits, so a merge of that case waits for it
//! (and moves it) or it waits for the merge (and is refused).

use super::Failure;
use crate::ids::{CaseId, WorkspaceId};
use crate::store::{DbConn, cases};

/// Locks `case` of `workspace` for new content until the transaction
/// ends; fails with `NotFound` when it is not a live case of the
/// workspace, and with `CaseMerged` when it was merged into another.
pub async fn lock_open_case(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    case: CaseId,
) -> Result<(), Failure> {
    let row = cases::lock_many(conn, workspace, &[case]).await?.pop().ok_or(Failure::NotFound("case"))?;
    match row.merged_into {
        Some(into) => Err(Failure::CaseMerged { into }),
        None => Ok(()),
    }
}
