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

#[derive(diesel::QueryableByName)]
struct JitSetting {
    #[diesel(sql_type = diesel::sql_types::Text)]
    jit: String,
}

/// Every PostgreSQL session of the server runs with JIT compilation off
/// (`store::postgres_session_url` says why): the pool's connections and
/// the connections shared by reads alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_sessions_run_without_jit_compilation() {
    use casebook::store::{DbConn, Store};
    use diesel_async::RunQueryDsl;

    let Some(db) = crate::test_db::TestDb::create(crate::test_db::Backend::Postgres).await else { return };
    let store = Store::connect(db.url(), 1, 1).await.expect("store");
    let show = || diesel::sql_query("SHOW jit");
    let mut pooled = store.conn().await.expect("pooled connection");
    let DbConn::Postgres(conn) = pooled.db() else { panic!("not on PostgreSQL") };
    let setting: JitSetting = show().get_result(conn).await.expect("SHOW jit");
    assert_eq!(setting.jit, "off", "a pooled connection");
    let mut read = store.reader().await.expect("shared reader");
    let DbConn::SharedPostgres(shared) = read.db() else { panic!("not a shared reader") };
    let setting: JitSetting = show().get_result(&mut shared.conn()).await.expect("SHOW jit");
    assert_eq!(setting.jit, "off", "a connection shared by reads");
}
