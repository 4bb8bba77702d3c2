//! On PostgreSQL, a pooled connection ended under a statement (an
//! administrator's `pg_terminate_backend`, a server shutting down) makes that
//! request answer "unavailable, try again", changes nothing, and leaves the
//! pool serving the next request: whether the statement ran on its own or
//! inside a transaction.

use reqwest::StatusCode;
use serde_json::json;

use crate::postgres_admin::{PostgresAdmin, a_case_on_postgres};
use casebook::store::POOL_APPLICATION_NAME;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_whose_connection_is_ended_under_it_answers_unavailable() {
    let Some((app, team, case, _)) = a_case_on_postgres().await else { return };
    let list = format!("/v1/workspaces/{}/cases", team.id());

    let mut admin = PostgresAdmin::beside(&app).await;
    let answer =
        admin.end_under_a_lock("cases", POOL_APPLICATION_NAME, app.get(&list, Some(&team.viewer))).await;

    answer.assert_problem(503, "UNAVAILABLE");
    let again = app.get(&list, Some(&team.viewer)).await;
    assert_eq!(again.status, StatusCode::OK, "{:?}", again.body);
    assert_eq!(again.body["items"], json!([case]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_whose_connection_is_ended_under_it_answers_unavailable_and_changes_nothing() {
    let Some((app, team, case, path)) = a_case_on_postgres().await else { return };

    let update = app.patch(&path, Some(&team.editor), json!({"version": 1, "summary": "Lost"}));
    let mut admin = PostgresAdmin::beside(&app).await;
    let answer = admin.end_under_a_lock("cases", POOL_APPLICATION_NAME, update).await;

    answer.assert_problem(503, "UNAVAILABLE");
    let after = app.get(&path, Some(&team.viewer)).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(after.body, case, "the ended update changed the case");
    let retried = app.patch(&path, Some(&team.editor), json!({"version": 1, "summary": "Kept"})).await;
    assert_eq!(retried.status, StatusCode::OK, "{:?}", retried.body);
    assert_eq!(retried.body["summary"], "Kept");
}
