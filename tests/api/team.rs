//! A workspace with one member of each role and an outsider: the fixture for
//! authorization matrices.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Caller {
    SignedOut,
    Outsider,
    Viewer,
    Editor,
    Admin,
}

pub const EVERYONE: [Caller; 5] =
    [Caller::SignedOut, Caller::Outsider, Caller::Viewer, Caller::Editor, Caller::Admin];

/// A workspace and a signed-in account for each role.
pub struct Team {
    pub workspace: Value,
    pub admin: String,
    pub editor: String,
    pub viewer: String,
    pub outsider: String,
    pub admin_id: String,
    pub editor_id: String,
    pub viewer_id: String,
}

impl Team {
    pub async fn create(app: &TestApp) -> Self {
        let admin = app.signed_in_user("admin@example.com").await;
        let editor = app.signed_in_user("editor@example.com").await;
        let viewer = app.signed_in_user("viewer@example.com").await;
        let outsider = app.signed_in_user("outsider@example.com").await;
        let workspace = app.create_workspace(&admin, "Blue team").await;
        let ws = workspace["id"].as_str().expect("id").to_owned();
        let editor_id = app.add_member(&admin, &ws, "editor@example.com", "editor").await["account_id"]
            .as_str()
            .expect("id")
            .to_owned();
        let viewer_id = app.add_member(&admin, &ws, "viewer@example.com", "viewer").await["account_id"]
            .as_str()
            .expect("id")
            .to_owned();
        let admin_id =
            app.get("/v1/accounts/me", Some(&admin)).await.body["id"].as_str().expect("id").to_owned();
        Self { workspace, admin, editor, viewer, outsider, admin_id, editor_id, viewer_id }
    }

    pub fn id(&self) -> &str {
        self.workspace["id"].as_str().expect("id")
    }

    pub fn token(&self, caller: Caller) -> Option<&str> {
        match caller {
            Caller::SignedOut => None,
            Caller::Outsider => Some(&self.outsider),
            Caller::Viewer => Some(&self.viewer),
            Caller::Editor => Some(&self.editor),
            Caller::Admin => Some(&self.admin),
        }
    }
}

impl TestApp {
    /// Creates a workspace; returns it.
    pub async fn create_workspace(&self, token: &str, name: &str) -> Value {
        let response = self.post("/v1/workspaces", Some(token), json!({"name": name})).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
        response.body
    }

    /// Adds an account to a workspace; returns the member.
    pub async fn add_member(&self, token: &str, workspace: &str, email: &str, role: &str) -> Value {
        let response = self
            .post(
                &format!("/v1/workspaces/{workspace}/members"),
                Some(token),
                json!({"email": email, "role": role}),
            )
            .await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
        response.body
    }
}

/// Asserts the answer a caller gets when `allowed` callers succeed with
/// `success`: signed out 401, outsiders 404, members below the role 403.
#[track_caller]
pub fn assert_access(
    caller: Caller,
    allowed: bool,
    response: &crate::helpers::TestResponse,
    success: StatusCode,
) {
    match caller {
        Caller::SignedOut => response.assert_problem(401, "NEED_LOGIN"),
        Caller::Outsider => response.assert_problem(404, "NOT_FOUND"),
        _ if allowed => assert_eq!(response.status, success, "{caller:?}: {}", response.body),
        _ => response.assert_problem(403, "FORBIDDEN"),
    }
}
