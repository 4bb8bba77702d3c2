//! Who work can be assigned to: people who are members of the workspace
//! (never service accounts, which are not listed among members).

use super::Failure;
use crate::ids::{AccountId, WorkspaceId};
use crate::services::validation::ValidationErrors;
use crate::store::{DbConn, memberships};

/// Fails with a validation error on `field` unless `account` is a person
/// who is a member of `workspace`.
pub async fn ensure_assignable(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    account: AccountId,
    field: &str,
) -> Result<(), Failure> {
    if memberships::find(conn, workspace, account).await?.is_none() {
        return Err(ValidationErrors::single(field, "must be a member of the workspace").into());
    }
    Ok(())
}
