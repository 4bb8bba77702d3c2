//! On PostgreSQL, reads by id share a few pipelined connections besides the
//! pool. Losing one never stops reads: they use the pool until it is back.

use std::time::{Duration, Instant};

use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, TestApp};
use crate::team::Team;
use casebook::store::DatabaseUrl;
use casebook::store::readers::APPLICATION_NAME;

/// How long a lost shared connection may take to come back (it retries every second).
const DEADLINE: Duration = Duration::from_secs(10);

/// The shared read connections open on the app's database.
async fn shared_readers(admin: &mut AsyncPgConnection, database: &str) -> i64 {
    diesel::select(diesel::dsl::sql::<BigInt>(&format!(
        "(SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}' \
         AND application_name = '{APPLICATION_NAME}')"
    )))
    .get_result(admin)
    .await
    .expect("count the shared readers")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_go_on_while_the_shared_connections_are_lost_and_they_come_back() {
    let Some(app) = TestApp::spawn(Backend::Postgres).await else { return };
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Beacon"})).await;
    let path = format!("/v1/workspaces/{}/cases/{}", team.id(), case["id"].as_str().expect("id"));
    let DatabaseUrl::Postgres(url) = &app.settings.database_url else { unreachable!() };
    let (base, name) = url.rsplit_once('/').expect("database name");
    let mut admin = AsyncPgConnection::establish(&format!("{base}/postgres")).await.expect("admin");
    let expected = i64::from(app.settings.read_connections);
    assert_eq!(shared_readers(&mut admin, name).await, expected);

    // Cut only the shared connections (the pool stays) and keep them from coming back.
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {name} ALLOW_CONNECTIONS false; \
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{name}' AND application_name = '{APPLICATION_NAME}';"
        ))
        .await
        .expect("cut the shared connections");
    let mut answers = Vec::new();
    let started = Instant::now();
    while answers.iter().filter(|status| **status == StatusCode::OK).count() < 20
        && started.elapsed() < DEADLINE
    {
        answers.push(app.get(&path, Some(&team.viewer)).await.status);
    }
    let while_cut = shared_readers(&mut admin, name).await;
    admin.batch_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true;")).await.expect("restore");
    let started = Instant::now();
    let mut back = 0;
    while started.elapsed() < DEADLINE {
        back = shared_readers(&mut admin, name).await;
        if back == expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    assert_eq!(while_cut, 0, "the shared connections were cut");
    // A read sent on a connection as it closed may fail, and then only as
    // "unavailable, try again": at most one per shared connection.
    let failed: Vec<_> = answers.iter().filter(|status| **status != StatusCode::OK).collect();
    assert_eq!(answers.len() - failed.len(), 20, "reads did not recover: {answers:?}");
    assert!(failed.len() <= usize::try_from(expected).expect("small"), "{answers:?}");
    assert!(failed.iter().all(|status| **status == StatusCode::SERVICE_UNAVAILABLE), "{answers:?}");
    assert_eq!(back, expected, "the shared connections did not come back");
    let after = app.get(&path, Some(&team.viewer)).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(after.body, case);
}
