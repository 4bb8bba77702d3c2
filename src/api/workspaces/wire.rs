//! Wire types of workspaces and members.

use poem_openapi::types::Example;
use poem_openapi::{Enum, Object};
use serde::Deserialize;

use crate::http::wire::{Timestamp, WireId, list_from_page};
use crate::ids::{AccountId, WorkspaceId};
use crate::services::workspaces::{Role, Workspace};

/// A member's role: `viewer` reads; `editor` also writes cases, comments and
/// scans; `admin` also manages members and workspace settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Deserialize)]
#[oai(rename = "Role", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum RoleWire {
    /// Reads everything in the workspace.
    Viewer,
    /// Also writes cases, comments and scans.
    Editor,
    /// Also manages members and workspace settings.
    Admin,
}

impl From<RoleWire> for Role {
    fn from(role: RoleWire) -> Self {
        match role {
            RoleWire::Viewer => Self::Viewer,
            RoleWire::Editor => Self::Editor,
            RoleWire::Admin => Self::Admin,
        }
    }
}

impl From<Role> for RoleWire {
    fn from(role: Role) -> Self {
        match role {
            Role::Viewer => Self::Viewer,
            Role::Editor => Self::Editor,
            Role::Admin => Self::Admin,
        }
    }
}

/// A workspace, as the caller sees it.
#[derive(Debug, Object)]
#[oai(rename = "Workspace")]
pub struct WorkspaceView {
    /// The workspace's id.
    pub id: WireId<WorkspaceId>,
    /// Its name.
    pub name: String,
    /// Its description ("" when none).
    pub description: String,
    /// The caller's role in it.
    pub role: RoleWire,
    /// Raised by one on every change; send it back with `PATCH`.
    pub version: i32,
    /// Who created it.
    pub created_by: WireId<AccountId>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

impl From<Workspace> for WorkspaceView {
    fn from(w: Workspace) -> Self {
        Self {
            id: WireId::new(w.id),
            name: w.name,
            description: w.description,
            role: w.role.into(),
            version: w.version,
            created_by: WireId::new(w.created_by),
            created_at: w.created_at.into(),
            updated_at: w.updated_at.into(),
        }
    }
}

/// A page of workspaces, newest first.
#[derive(Debug, Object)]
#[oai(rename = "WorkspaceList")]
pub struct WorkspaceList {
    /// The workspaces on this page.
    pub items: Vec<WorkspaceView>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// A new workspace.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "CreateWorkspaceRequest", example)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkspaceRequest {
    /// 1 to 100 characters after trimming.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: String,
    /// Up to 2,000 characters.
    #[oai(validator(max_length = 2000))]
    pub description: Option<String>,
}

impl Example for CreateWorkspaceRequest {
    fn example() -> Self {
        Self { name: "Blue team".into(), description: Some("Incidents of the EU region".into()) }
    }
}

/// A change to a workspace: the fields to change and the `version` it is based on.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "UpdateWorkspaceRequest", example, skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct UpdateWorkspaceRequest {
    /// The workspace's `version` as last read.
    #[oai(validator(minimum(value = "1")))]
    pub version: i32,
    /// A new name: 1 to 100 characters after trimming.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: Option<String>,
    /// A new description: up to 2,000 characters.
    #[oai(validator(max_length = 2000))]
    pub description: Option<String>,
}

impl Example for UpdateWorkspaceRequest {
    fn example() -> Self {
        Self { version: 1, name: Some("Blue team (EU)".into()), description: None }
    }
}

list_from_page!(WorkspaceList, Workspace);
