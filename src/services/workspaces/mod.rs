//! Workspaces and their members. Who may do what inside a workspace is
//! decided once, by the kernel's [`Access`](crate::services::kernel::Access);
//! every area asks it.

mod error;
mod members;
mod model;
mod service;

pub use crate::services::kernel::Role;
pub use error::WorkspaceError;
pub use model::{Member, MemberRoleUpdate, NewMember, NewWorkspace, Workspace, WorkspaceUpdate};
pub use service::WorkspaceService;
