//! What every area of the services shares: the common failures and the one
//! workspace-scope check, which hands back the caller's role together with
//! the connection the work goes on.

mod access;
mod actor;
mod assignee;
mod failure;
mod open_case;
mod role;

pub use access::{Access, InWorkspace};
pub use actor::{Actor, ActorKind};
pub use assignee::ensure_assignable;
pub(crate) use failure::area_error;
pub use failure::{Cause, Corrupt, Failure};
pub use open_case::lock_open_case;
pub use role::Role;
