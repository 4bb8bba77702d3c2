//! On PostgreSQL, a pooled connection ended under a statement (an
//! administrator's `pg_terminate_backend`, a server shutting down) makes that
//! request answer "unavailable, try again", changes nothing, and leaves the
//! pool serving the next request: whether the statement ran on its own or
//! inside a transaction.

use std::future::Future;
use std::time::{Duration, Instant};

use diesel_async::SimpleAsyncConnection;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, TestResponse};
use crate::postgres_admin::PostgresAdmin;
use crate::team::Team;
use casebook::store::POOL_APPLICATION_NAME;

/// How long a request may take to reach the lock it is held on.
const DEADLINE: Duration = Duration::from_secs(10);

/// An app on PostgreSQL with a team, one case, and that case's path.
async fn a_case_on_postgres() -> Option<(TestApp, Team, Value, String)> {
    let app = TestApp::spawn(Backend::Postgres).await?;
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Beacon"})).await;
    let path = format!("/v1/workspaces/{}/cases/{}", team.id(), case["id"].as_str().expect("id"));
    Some((app, team, case, path))
}

/// Holds `request` up on a lock of the cases table, ends its pooled
/// connection under it, as an administrator would, and returns its answer.
async fn ended_under_a_lock(app: &TestApp, request: impl Future<Output = TestResponse>) -> TestResponse {
    let mut admin = PostgresAdmin::beside(app).await;
    let mut locked = admin.lock("cases").await;
    let end_it = async {
        let started = Instant::now();
        while admin.waiting_for_locks(POOL_APPLICATION_NAME).await == 0 {
            assert!(started.elapsed() < DEADLINE, "the request never reached the lock");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        admin.end_those_waiting(POOL_APPLICATION_NAME).await;
    };
    let (answer, ()) = tokio::join!(request, end_it);
    locked.batch_execute("ROLLBACK").await.expect("unlock");
    answer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_whose_connection_is_ended_under_it_answers_unavailable() {
    let Some((app, team, case, _)) = a_case_on_postgres().await else { return };
    let list = format!("/v1/workspaces/{}/cases", team.id());

    let answer = ended_under_a_lock(&app, app.get(&list, Some(&team.viewer))).await;

    answer.assert_problem(503, "UNAVAILABLE");
    let again = app.get(&list, Some(&team.viewer)).await;
    assert_eq!(again.status, StatusCode::OK, "{:?}", again.body);
    assert_eq!(again.body["items"], json!([case]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_whose_connection_is_ended_under_it_answers_unavailable_and_changes_nothing() {
    let Some((app, team, case, path)) = a_case_on_postgres().await else { return };

    let update = app.patch(&path, Some(&team.editor), json!({"version": 1, "summary": "Lost"}));
    let answer = ended_under_a_lock(&app, update).await;

    answer.assert_problem(503, "UNAVAILABLE");
    let after = app.get(&path, Some(&team.viewer)).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(after.body, case, "the ended update changed the case");
    let retried = app.patch(&path, Some(&team.editor), json!({"version": 1, "summary": "Kept"})).await;
    assert_eq!(retried.status, StatusCode::OK, "{:?}", retried.body);
    assert_eq!(retried.body["summary"], "Kept");
}
