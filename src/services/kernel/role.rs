//! Roles inside a workspace, in increasing power.

use serde::{Deserialize, Serialize};

/// What a member may do. Ordered: `Viewer < Editor < Admin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads everything in the workspace.
    Viewer,
    /// Also writes cases, comments and scans.
    Editor,
    /// Also manages members and workspace settings.
    Admin,
}

impl Role {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Editor => "editor",
            Self::Admin => "admin",
        }
    }

    /// Reads a stored name; unknown names are `None`.
    pub fn from_stored(name: &str) -> Option<Self> {
        match name {
            "viewer" => Some(Self::Viewer),
            "editor" => Some(Self::Editor),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}
