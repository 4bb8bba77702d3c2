//! Authentication is cached in each instance; a sign-out, an account change
//! or a role change made on one instance reaches the others through
//! PostgreSQL's LISTEN/NOTIFY or MySQL/MariaDB's polled change log, and
//! while that feed is down nothing is served from the cache. (On one
//! instance every change is seen at once: the sessions, accounts and members
//! tests check that on every backend.)

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use casebook::store::DatabaseUrl;
use diesel_async::{AsyncConnection, AsyncMysqlConnection, SimpleAsyncConnection};

use crate::helpers::{Backend, TestApp, TestResponse};
use crate::postgres_admin::PostgresAdmin;
use casebook::store::change_feed::APPLICATION_NAME;

/// Far longer than any wait below: what the other instance sees comes from
/// the change feed, never from an entry expiring.
const LONG_TTL: Duration = Duration::from_secs(600);
/// How long a notice may take to reach the other instance.
const DEADLINE: Duration = Duration::from_secs(5);

/// Two instances on one fresh database of `backend`, both caching for long.
async fn two_instances(backend: Backend) -> Option<(TestApp, TestApp)> {
    let first = TestApp::spawn(backend).await?;
    let first = first.restart_with(|settings| settings.auth.auth_cache_ttl = LONG_TTL).await;
    let second = first.sibling(|_| {}).await;
    Some((first, second))
}

/// Repeats `request` until its answer is `done`; fails after [`DEADLINE`].
async fn eventually<F, Fut>(what: &str, request: F, done: impl Fn(&TestResponse) -> bool) -> TestResponse
where
    F: Fn() -> Fut,
    Fut: Future<Output = TestResponse>,
{
    let started = std::time::Instant::now();
    loop {
        let response = request().await;
        if done(&response) {
            return response;
        }
        assert!(
            started.elapsed() < DEADLINE,
            "{what}: still {} {} after {DEADLINE:?}",
            response.status,
            response.body
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn status(code: u16) -> impl Fn(&TestResponse) -> bool {
    move |response| response.status.as_u16() == code
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_on_one_instance_reach_the_other_on_postgres() {
    changes_on_one_instance_reach_the_other(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_on_one_instance_reach_the_other_on_mysql() {
    changes_on_one_instance_reach_the_other(Backend::Mysql).await;
}

async fn changes_on_one_instance_reach_the_other(backend: Backend) {
    let Some((a, b)) = two_instances(backend).await else { return };
    let admin = a.signed_in_user("admin@example.com").await;
    let editor = a.signed_in_user("editor@example.com").await;
    let ws = a.create_workspace(&admin, "Blue team").await["id"].as_str().expect("id").to_owned();
    let editor_id = a.add_member(&admin, &ws, "editor@example.com", "editor").await["account_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (workspace, cases) = (format!("/v1/workspaces/{ws}"), format!("/v1/workspaces/{ws}/cases"));
    // b now has the editor's session, account and role in memory.
    for _ in 0..2 {
        assert_eq!(b.get(&format!("/v1/workspaces/{ws}"), Some(&editor)).await.status, StatusCode::OK);
        assert_eq!(b.get("/v1/accounts/me", Some(&editor)).await.body["display_name"], "Test User");
    }

    let me = a.get("/v1/accounts/me", Some(&editor)).await.body;
    let renamed = a
        .patch("/v1/accounts/me", Some(&editor), json!({"version": me["version"], "display_name": "Renamed"}))
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    let seen = eventually(
        "the new name on b",
        || b.get("/v1/accounts/me", Some(&editor)),
        |response| response.body["display_name"] == "Renamed",
    )
    .await;
    assert_eq!(seen.body["version"], renamed.body["version"]);

    let demoted = a.get(&format!("/v1/workspaces/{ws}/members/{editor_id}"), Some(&admin)).await.body;
    let change = a
        .patch(
            &format!("/v1/workspaces/{ws}/members/{editor_id}"),
            Some(&admin),
            json!({"version": demoted["version"], "role": "viewer"}),
        )
        .await;
    assert_eq!(change.status, StatusCode::OK, "{}", change.body);
    let refused = eventually(
        "the demotion on b",
        || b.post(&cases, Some(&editor), json!({"summary": "not allowed"})),
        status(403),
    )
    .await;
    refused.assert_problem(403, "FORBIDDEN");

    let removed = a.delete(&format!("/v1/workspaces/{ws}/members/{editor_id}"), Some(&admin)).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    eventually("the removal on b", || b.get(&workspace, Some(&editor)), status(404)).await;

    assert_eq!(a.delete("/v1/sessions/current", Some(&editor)).await.status, StatusCode::NO_CONTENT);
    eventually("the sign-out on b", || b.get("/v1/sessions/current", Some(&editor)), status(401))
        .await
        .assert_problem(401, "SESSION_EXPIRED");

    assert_eq!(b.get("/v1/sessions/current", Some(&admin)).await.status, StatusCode::OK);
    assert_eq!(a.delete("/v1/accounts/me/sessions", Some(&admin)).await.status, StatusCode::NO_CONTENT);
    eventually("signing out everywhere, on b", || b.get("/v1/sessions/current", Some(&admin)), status(401))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_served_from_memory_while_the_feed_is_down() {
    let Some((a, b)) = two_instances(Backend::Postgres).await else { return };
    let token = a.signed_in_user("someone@example.com").await;
    assert_eq!(b.get("/v1/sessions/current", Some(&token)).await.status, StatusCode::OK);
    let mut admin = PostgresAdmin::beside(&a).await;

    // Cut only the feeds (the pools stay connected) and keep them from coming back.
    admin.cut(APPLICATION_NAME).await;
    let signed_out = a.delete("/v1/sessions/current", Some(&token)).await;
    let on_b = eventually(
        "the sign-out on b, whose feed is down",
        || b.get("/v1/sessions/current", Some(&token)),
        status(401),
    )
    .await;
    admin.allow().await;

    assert_eq!(signed_out.status, StatusCode::NO_CONTENT);
    on_b.assert_problem(401, "SESSION_EXPIRED");
    let fresh = b.sign_in("someone@example.com").await;
    assert_eq!(b.get("/v1/sessions/current", Some(&fresh)).await.status, StatusCode::OK);
    assert_eq!(a.get("/v1/sessions/current", Some(&fresh)).await.status, StatusCode::OK);
}

/// MySQL/MariaDB: while polls of the change log fail, an instance serves
/// nothing from memory, so a change whose notice it cannot read (here a
/// session deleted behind every instance's back) is seen at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_served_from_memory_while_the_change_log_cannot_be_read() {
    let Some((a, b)) = two_instances(Backend::Mysql).await else { return };
    let token = a.signed_in_user("someone@example.com").await;
    assert_eq!(b.get("/v1/sessions/current", Some(&token)).await.status, StatusCode::OK);
    let DatabaseUrl::Mysql(url) = &a.settings.database.url else { unreachable!() };
    let mut admin = AsyncMysqlConnection::establish(url).await.expect("connect");

    admin.batch_execute("RENAME TABLE change_log TO change_log_parked").await.expect("park the log");
    // Give both instances' polls time to fail and stop their caches.
    tokio::time::sleep(Duration::from_millis(500)).await;
    admin.batch_execute("DELETE FROM sessions").await.expect("end sessions behind the servers' backs");
    let on_b = b.get("/v1/sessions/current", Some(&token)).await;
    admin.batch_execute("RENAME TABLE change_log_parked TO change_log").await.expect("restore the log");

    on_b.assert_problem(401, "SESSION_EXPIRED");
    let fresh = b.sign_in("someone@example.com").await;
    assert_eq!(a.get("/v1/sessions/current", Some(&fresh)).await.status, StatusCode::OK);
    assert_eq!(b.delete("/v1/sessions/current", Some(&fresh)).await.status, StatusCode::NO_CONTENT);
    eventually(
        "the sign-out on a, once the log is back",
        || a.get("/v1/sessions/current", Some(&fresh)),
        status(401),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_changes_on_one_instance_reach_the_other_within_a_second_on_postgres() {
    key_changes_reach_the_other_instance(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_changes_on_one_instance_reach_the_other_within_a_second_on_mysql() {
    key_changes_reach_the_other_instance(Backend::Mysql).await;
}

/// Revoking a key, demoting or disabling its service account on `a` is
/// obeyed by `b` (which holds the key in memory) within a second.
async fn key_changes_reach_the_other_instance(backend: Backend) {
    let Some((a, b)) = two_instances(backend).await else { return };
    let admin = a.signed_in_user("admin@example.com").await;
    let ws = a.create_workspace(&admin, "Blue team").await["id"].as_str().expect("id").to_owned();
    let bot = a.service_account_key(&admin, &ws, "editor").await;
    let account = format!("/v1/workspaces/{ws}/service-accounts/{}", bot.id);
    let cases = format!("/v1/workspaces/{ws}/cases");
    let within_a_second = |what: &'static str, started: std::time::Instant| {
        assert!(started.elapsed() < Duration::from_secs(1), "{what} took {:?}", started.elapsed());
    };
    for _ in 0..2 {
        assert_eq!(b.get(&cases, Some(&bot.key)).await.status, StatusCode::OK);
    }

    let started = std::time::Instant::now();
    let demote = a.patch(&account, Some(&admin), json!({"version": 1, "role": "viewer"})).await;
    assert_eq!(demote.status, StatusCode::OK, "{}", demote.body);
    eventually("the demotion on b", || b.post(&cases, Some(&bot.key), json!({"summary": "x"})), status(403))
        .await;
    within_a_second("the demotion", started);

    let started = std::time::Instant::now();
    let disable = a.patch(&account, Some(&admin), json!({"version": 2, "disabled": true})).await;
    assert_eq!(disable.status, StatusCode::OK, "{}", disable.body);
    eventually("disabling on b", || b.get(&cases, Some(&bot.key)), status(401))
        .await
        .assert_problem(401, "SERVICE_ACCOUNT_DISABLED");
    within_a_second("disabling", started);
    let enable = a.patch(&account, Some(&admin), json!({"version": 3, "disabled": false})).await;
    assert_eq!(enable.status, StatusCode::OK, "{}", enable.body);
    eventually("enabling on b", || b.get(&cases, Some(&bot.key)), status(200)).await;

    let keys = a.get(&format!("{account}/keys"), Some(&admin)).await.body;
    let key_id = keys["items"][0]["id"].as_str().expect("id").to_owned();
    let started = std::time::Instant::now();
    let revoke = a.delete(&format!("{account}/keys/{key_id}"), Some(&admin)).await;
    assert_eq!(revoke.status, StatusCode::NO_CONTENT);
    eventually("the revocation on b", || b.get(&cases, Some(&bot.key)), status(401))
        .await
        .assert_problem(401, "API_KEY_REVOKED");
    within_a_second("the revocation", started);
}
