//! On PostgreSQL, reads by id share a few pipelined connections besides the
//! pool. Losing one never stops reads: they use the pool until it is back;
//! a read stuck on one never holds up reads that can use another.

use std::time::{Duration, Instant};

use diesel_async::SimpleAsyncConnection;
use reqwest::StatusCode;
use serde_json::json;

use crate::metrics::{CONNECTED_READERS, LOST_READERS, sample};
use crate::postgres_admin::{PostgresAdmin, a_case_on_postgres};
use casebook::store::readers::APPLICATION_NAME;

/// How long a lost shared connection may take to come back (it retries every second).
const DEADLINE: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_go_on_while_the_shared_connections_are_lost_and_they_come_back() {
    let Some((app, team, case, path)) = a_case_on_postgres().await else { return };
    let mut admin = PostgresAdmin::beside(&app).await;
    let expected = i64::from(app.settings.database.read_connections);
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
    // The server sees a connection before this instance counts it as back:
    // wait for both.
    let (mut back, mut counted) = (0, 0.0);
    while started.elapsed() < DEADLINE {
        back = admin.count(APPLICATION_NAME).await;
        counted = sample(&app, CONNECTED_READERS).await;
        if back == expected && counted == expected as f64 {
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
    assert_eq!(counted, expected as f64, "the metrics show them back");
    let after = app.get(&path, Some(&team.viewer)).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(after.body, case);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_whose_connection_is_ended_under_it_answers_unavailable() {
    let Some((app, team, _, path)) = a_case_on_postgres().await else { return };
    assert_eq!(app.get(&path, Some(&team.viewer)).await.status, StatusCode::OK);
    let mut admin = PostgresAdmin::beside(&app).await;

    let read = app.get(&path, Some(&team.viewer));
    let answer = admin.end_under_a_lock("cases", APPLICATION_NAME, read).await;

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
        admin.until_one_waits(APPLICATION_NAME).await;
        let mut answers = Vec::new();
        for _ in 0..3 * app.settings.database.read_connections {
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
