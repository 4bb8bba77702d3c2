//! On PostgreSQL, reads by id share a few pipelined connections besides the
//! pool. Losing one never stops reads: they use the pool until it is back;
//! a read stuck on one never holds up reads that can use another.

use std::time::{Duration, Instant};

use diesel_async::SimpleAsyncConnection;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};
use crate::metrics::{CONNECTED_READERS, LOST_READERS, sample};
use crate::postgres_admin::PostgresAdmin;
use crate::team::Team;
use casebook::store::readers::APPLICATION_NAME;

/// How long a lost shared connection may take to come back (it retries every second).
const DEADLINE: Duration = Duration::from_secs(10);

/// An app on PostgreSQL with a team, one case, and that case's path.
async fn a_case_on_postgres() -> Option<(TestApp, Team, Value, String)> {
    let app = TestApp::spawn(Backend::Postgres).await?;
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Beacon"})).await;
    let path = format!("/v1/workspaces/{}/cases/{}", team.id(), case["id"].as_str().expect("id"));
    Some((app, team, case, path))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_go_on_while_the_shared_connections_are_lost_and_they_come_back() {
    let Some((app, team, case, path)) = a_case_on_postgres().await else { return };
    let mut admin = PostgresAdmin::beside(&app).await;
    let expected = i64::from(app.settings.read_connections);
    assert_eq!(admin.count(APPLICATION_NAME).await, expected);

    // Cut only the shared connections (the pool stays) and keep them from coming back.
    admin.cut(APPLICATION_NAME).await;
    let mut answers = Vec::new();
    let started = Instant::now();
    while answers.iter().filter(|status| **status == StatusCode::OK).count() < 20
        && started.elapsed() < DEADLINE
    {
        answers.push(app.get(&path, Some(&team.viewer)).await.status);
    }
    let while_cut = admin.count(APPLICATION_NAME).await;
    let lost_while_cut = sample(&app, LOST_READERS).await;
    admin.allow().await;
    let started = Instant::now();
    let mut back = 0;
    while started.elapsed() < DEADLINE {
        back = admin.count(APPLICATION_NAME).await;
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
    assert_eq!(lost_while_cut, expected as f64, "the metrics show the shared connections lost");
    assert_eq!(back, expected, "the shared connections did not come back");
    assert_eq!(sample(&app, CONNECTED_READERS).await, expected as f64, "the metrics show them back");
    let after = app.get(&path, Some(&team.viewer)).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(after.body, case);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_whose_connection_is_ended_under_it_answers_unavailable() {
    let Some((app, team, _, path)) = a_case_on_postgres().await else { return };
    assert_eq!(app.get(&path, Some(&team.viewer)).await.status, StatusCode::OK);
    let mut admin = PostgresAdmin::beside(&app).await;

    // Hold the read up on a lock, then end its connection under it, as an
    // administrator (or a server shutting down) would.
    let mut locked = admin.lock("cases").await;
    let read = app.get(&path, Some(&team.viewer));
    let end_it = async {
        let started = Instant::now();
        while admin.waiting_for_locks(APPLICATION_NAME).await == 0 {
            assert!(started.elapsed() < DEADLINE, "the read never reached the lock");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        admin.end_those_waiting(APPLICATION_NAME).await;
    };
    let (answer, ()) = tokio::join!(read, end_it);
    locked.batch_execute("ROLLBACK").await.expect("unlock");

    answer.assert_problem(503, "UNAVAILABLE");
    assert_eq!(app.get(&path, Some(&team.viewer)).await.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_stuck_on_one_shared_connection_does_not_hold_up_the_others() {
    let Some((app, team, case, path)) = a_case_on_postgres().await else { return };
    let comment = app.post(&format!("{path}/comments"), Some(&team.editor), json!({"body": "Seen"})).await;
    assert_eq!(comment.status, StatusCode::CREATED);
    let comment_path = format!("{path}/comments/{}", comment.body["id"].as_str().expect("id"));
    let mut admin = PostgresAdmin::beside(&app).await;

    // One read waits on a lock, holding its shared connection; reads of
    // other rows meanwhile must go to the free connections, not queue
    // behind it (with round-robin, every fourth one did).
    let mut locked = admin.lock("comments").await;
    let stuck = app.get(&comment_path, Some(&team.viewer));
    let others = async {
        let started = Instant::now();
        while admin.waiting_for_locks(APPLICATION_NAME).await == 0 {
            assert!(started.elapsed() < DEADLINE, "the comment read never reached the lock");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let mut answers = Vec::new();
        for _ in 0..3 * app.settings.read_connections {
            let answer =
                tokio::time::timeout(Duration::from_secs(5), app.get(&path, Some(&team.viewer))).await;
            answers.push(answer.map(|answer| (answer.status, answer.body == case)));
        }
        locked.batch_execute("ROLLBACK").await.expect("unlock");
        answers
    };
    let (stuck, answers) = tokio::join!(stuck, others);

    assert!(answers.iter().all(|answer| *answer == Ok((StatusCode::OK, true))), "{answers:?}");
    assert_eq!(stuck.status, StatusCode::OK, "{:?}", stuck.body);
    assert_eq!(stuck.body, comment.body);
}
