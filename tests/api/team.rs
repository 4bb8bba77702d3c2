//! A workspace with one member of each role, an API key of each role, an
//! outsider and an API key of another workspace: the fixture for
//! authorization matrices.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// Who calls. Ordered by role (`caller >= Caller::Editor` holds for an
/// editor's key too); a key sorts just above the person of its role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    SignedOut,
    Outsider,
    /// An admin key of another workspace.
    ForeignKey,
    Viewer,
    ViewerKey,
    Editor,
    EditorKey,
    Admin,
    AdminKey,
}

impl Caller {
    fn rank(self) -> (u8, bool) {
        match self {
            Self::SignedOut => (0, false),
            Self::Outsider => (1, false),
            Self::ForeignKey => (1, true),
            Self::Viewer => (2, false),
            Self::ViewerKey => (2, true),
            Self::Editor => (3, false),
            Self::EditorKey => (3, true),
            Self::Admin => (4, false),
            Self::AdminKey => (4, true),
        }
    }

    /// The role's name, for members and keys of the workspace.
    pub fn role(self) -> Option<&'static str> {
        match self.rank().0 {
            2 => Some("viewer"),
            3 => Some("editor"),
            4 => Some("admin"),
            _ => None,
        }
    }
}

impl PartialOrd for Caller {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Caller {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

pub const EVERYONE: [Caller; 9] = [
    Caller::SignedOut,
    Caller::Outsider,
    Caller::ForeignKey,
    Caller::Viewer,
    Caller::ViewerKey,
    Caller::Editor,
    Caller::EditorKey,
    Caller::Admin,
    Caller::AdminKey,
];

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
    /// API keys of service accounts of the workspace, by role.
    pub viewer_key: String,
    pub editor_key: String,
    pub admin_key: String,
    /// An admin API key of the outsider's own workspace.
    pub foreign_key: String,
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
        let viewer_key = app.service_account_key(&admin, &ws, "viewer").await.key;
        let editor_key = app.service_account_key(&admin, &ws, "editor").await.key;
        let admin_key = app.service_account_key(&admin, &ws, "admin").await.key;
        let elsewhere = app.create_workspace(&outsider, "Red team").await;
        let elsewhere = elsewhere["id"].as_str().expect("id");
        let foreign_key = app.service_account_key(&outsider, elsewhere, "admin").await.key;
        Self {
            workspace,
            admin,
            editor,
            viewer,
            outsider,
            admin_id,
            editor_id,
            viewer_id,
            viewer_key,
            editor_key,
            admin_key,
            foreign_key,
        }
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
            Caller::ForeignKey => Some(&self.foreign_key),
            Caller::ViewerKey => Some(&self.viewer_key),
            Caller::EditorKey => Some(&self.editor_key),
            Caller::AdminKey => Some(&self.admin_key),
        }
    }
}

/// A service account with one key.
pub struct ServiceKey {
    /// The service account's id (`svc_...`).
    pub id: String,
    /// The key's secret.
    pub key: String,
}

impl TestApp {
    /// Creates a service account of `role` with one key.
    pub async fn service_account_key(&self, admin: &str, workspace: &str, role: &str) -> ServiceKey {
        let path = format!("/v1/workspaces/{workspace}/service-accounts");
        let body = json!({"name": format!("{role} bot"), "role": role});
        let created = self.post(&path, Some(admin), body).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let id = created.body["id"].as_str().expect("id").to_owned();
        let issued = self.post(&format!("{path}/{id}/keys"), Some(admin), json!({"name": "test"})).await;
        assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.body);
        ServiceKey { id, key: issued.body["secret"].as_str().expect("secret").to_owned() }
    }

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
/// `success`: signed out 401, outsiders and other workspaces' keys 404,
/// members and keys below the role 403.
#[track_caller]
pub fn assert_access(
    caller: Caller,
    allowed: bool,
    response: &crate::helpers::TestResponse,
    success: StatusCode,
) {
    match caller {
        Caller::SignedOut => response.assert_problem(401, "NEED_LOGIN"),
        Caller::Outsider | Caller::ForeignKey => response.assert_problem(404, "NOT_FOUND"),
        _ if allowed => assert_eq!(response.status, success, "{caller:?}: {}", response.body),
        _ => response.assert_problem(403, "FORBIDDEN"),
    }
}
