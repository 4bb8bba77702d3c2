//! Members: adding by email, roles, the last-admin rule, leaving.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;
use crate::team::{Caller, EVERYONE, Team, assert_access};

async fn members_answer_each_role_as_documented(app: TestApp) {
    let team = Team::create(&app).await;
    let ws = team.id().to_owned();
    app.signed_in_user("new@example.com").await;
    for caller in EVERYONE {
        let list = app.get(&format!("/v1/workspaces/{ws}/members"), team.token(caller)).await;
        assert_access(caller, caller >= Caller::Viewer, &list, StatusCode::OK);
        let one =
            app.get(&format!("/v1/workspaces/{ws}/members/{}", team.editor_id), team.token(caller)).await;
        assert_access(caller, caller >= Caller::Viewer, &one, StatusCode::OK);
        let add = app
            .post(
                &format!("/v1/workspaces/{ws}/members"),
                team.token(caller),
                json!({"email": "new@example.com", "role": "viewer"}),
            )
            .await;
        if caller == Caller::AdminKey {
            // Past the access check: the admin added the account just before.
            add.assert_problem(409, "ALREADY_MEMBER");
        } else {
            assert_access(caller, caller == Caller::Admin, &add, StatusCode::CREATED);
        }
        let version =
            app.get(&format!("/v1/workspaces/{ws}/members/{}", team.viewer_id), Some(&team.admin)).await.body
                ["version"]
                .clone();
        let change = app
            .patch(
                &format!("/v1/workspaces/{ws}/members/{}", team.viewer_id),
                team.token(caller),
                json!({"version": version, "role": "viewer"}),
            )
            .await;
        assert_access(caller, caller >= Caller::Admin, &change, StatusCode::OK);
    }
    let listed = app.get(&format!("/v1/workspaces/{ws}/members"), Some(&team.viewer)).await.body;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(4));
    for caller in [Caller::SignedOut, Caller::Outsider, Caller::Viewer] {
        let remove =
            app.delete(&format!("/v1/workspaces/{ws}/members/{}", team.editor_id), team.token(caller)).await;
        assert_access(caller, false, &remove, StatusCode::NO_CONTENT);
    }
    let removed =
        app.delete(&format!("/v1/workspaces/{ws}/members/{}", team.editor_id), Some(&team.admin)).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    app.get(&format!("/v1/workspaces/{ws}"), Some(&team.editor)).await.assert_problem(404, "NOT_FOUND");
}

async fn adding_members_checks_the_email_and_duplicates(app: TestApp) {
    let team = Team::create(&app).await;
    let path = format!("/v1/workspaces/{}/members", team.id());

    let unknown =
        app.post(&path, Some(&team.admin), json!({"email": "ghost@example.com", "role": "viewer"})).await;
    let malformed = app.post(&path, Some(&team.admin), json!({"email": "nope", "role": "viewer"})).await;
    let bad_role =
        app.post(&path, Some(&team.admin), json!({"email": "viewer@example.com", "role": "owner"})).await;
    let again =
        app.post(&path, Some(&team.admin), json!({"email": " VIEWER@example.com", "role": "editor"})).await;

    unknown.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(unknown.error_fields(), ["email"]);
    malformed.assert_problem(422, "VALIDATION_FAILED");
    bad_role.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(bad_role.error_fields(), ["role"]);
    again.assert_problem(409, "ALREADY_MEMBER");
}

async fn the_last_admin_cannot_leave_or_be_demoted(app: TestApp) {
    let team = Team::create(&app).await;
    let ws = team.id().to_owned();
    let admin_path = format!("/v1/workspaces/{ws}/members/{}", team.admin_id);

    app.patch(&admin_path, Some(&team.admin), json!({"version": 1, "role": "editor"}))
        .await
        .assert_problem(409, "LAST_ADMIN");
    app.delete(&admin_path, Some(&team.admin)).await.assert_problem(409, "LAST_ADMIN");

    let editor_path = format!("/v1/workspaces/{ws}/members/{}", team.editor_id);
    let promoted = app.patch(&editor_path, Some(&team.admin), json!({"version": 1, "role": "admin"})).await;
    assert_eq!((promoted.status, promoted.body["version"].as_i64()), (StatusCode::OK, Some(2)));
    let stale = app.patch(&editor_path, Some(&team.admin), json!({"version": 1, "role": "viewer"})).await;
    stale.assert_problem(409, "VERSION_CONFLICT");
    assert_eq!(app.delete(&admin_path, Some(&team.admin)).await.status, StatusCode::NO_CONTENT);
    app.get(&format!("/v1/workspaces/{ws}"), Some(&team.admin)).await.assert_problem(404, "NOT_FOUND");
    let last = format!("/v1/workspaces/{ws}/members/{}", team.editor_id);
    app.patch(&last, Some(&team.editor), json!({"version": 2, "role": "viewer"}))
        .await
        .assert_problem(409, "LAST_ADMIN");
}

async fn two_admins_demoting_each_other_at_once_leave_one_admin(app: TestApp) {
    let team = Team::create(&app).await;
    let ws = team.id().to_owned();
    let promote = app
        .patch(
            &format!("/v1/workspaces/{ws}/members/{}", team.editor_id),
            Some(&team.admin),
            json!({"version": 1, "role": "admin"}),
        )
        .await;
    assert_eq!(promote.status, StatusCode::OK);

    let (editor_path, admin_path) = (
        format!("/v1/workspaces/{ws}/members/{}", team.editor_id),
        format!("/v1/workspaces/{ws}/members/{}", team.admin_id),
    );
    let (a, b) = tokio::join!(
        app.patch(&editor_path, Some(&team.admin), json!({"version": 2, "role": "viewer"})),
        app.patch(&admin_path, Some(&team.editor), json!({"version": 1, "role": "viewer"})),
    );

    let statuses = [a.status.as_u16(), b.status.as_u16()];
    assert!(statuses.contains(&200), "{a:?} {b:?}");
    let members = app.get(&format!("/v1/workspaces/{ws}/members"), Some(&team.viewer)).await.body;
    let admins = members["items"].as_array().expect("items").iter().filter(|m| m["role"] == "admin").count();
    assert_eq!(admins, 1);
}

async fn any_member_may_leave(app: TestApp) {
    let team = Team::create(&app).await;
    let path = format!("/v1/workspaces/{}/members/{}", team.id(), team.viewer_id);

    let left = app.delete(&path, Some(&team.viewer)).await;

    assert_eq!(left.status, StatusCode::NO_CONTENT);
    app.get(&format!("/v1/workspaces/{}", team.id()), Some(&team.viewer))
        .await
        .assert_problem(404, "NOT_FOUND");
    app.get(&path, Some(&team.admin)).await.assert_problem(404, "NOT_FOUND");
}

crate::on_every_backend!(
    members_answer_each_role_as_documented,
    adding_members_checks_the_email_and_duplicates,
    the_last_admin_cannot_leave_or_be_demoted,
    two_admins_demoting_each_other_at_once_leave_one_admin,
    any_member_may_leave,
);
