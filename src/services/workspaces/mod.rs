//! Workspaces and their members. Who may do what inside a workspace is
//! decided here, once, by [`Access::authorize`]; other services ask it.

pub mod access;
mod error;
mod members;
mod model;
mod role;
mod service;

pub use access::{Access, AccessDenied};
pub use error::WorkspaceError;
pub use model::{Member, MemberRoleUpdate, NewMember, NewWorkspace, Workspace, WorkspaceUpdate};
pub use role::Role;
pub use service::WorkspaceService;
