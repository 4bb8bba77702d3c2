//! Scans: loopback scanning against listeners the test opens, scope,
//! validation, roles, cancellation, and restart recovery.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::scan_support::{Ports, finished, long_scan, scan_path};
use crate::team::{Caller, EVERYONE, Team, assert_access};

async fn scanning_loopback_finds_open_ports_and_reports_closed_ones(app: TestApp) {
    let team = Team::create(&app).await;
    let ports = Ports::open().await;

    let scan =
        app.create_scan(&team.editor, team.id(), json!({"target": "127.0.0.1", "ports": ports.spec()})).await;

    assert_eq!((scan["status"].as_str(), scan["total"].as_i64()), (Some("queued"), Some(3)));
    assert_eq!((scan["timeout_ms"].as_i64(), scan["concurrency"].as_i64()), (Some(500), Some(256)));
    let path = scan_path(&team, &scan);
    let done = app.wait_for_scan(&team.viewer, &path, finished).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(
        (done["open"].as_i64(), done["closed"].as_i64(), done["filtered"].as_i64()),
        (Some(2), Some(1), Some(0))
    );
    assert_eq!(done["done"], done["total"]);
    assert!(done["started_at"].is_string() && done["finished_at"].is_string());
    let results = app.get(&format!("{path}/results"), Some(&team.viewer)).await.body;
    let found: Vec<(i64, Value)> = results["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|r| (r["port"].as_i64().expect("port"), r["banner"].clone()))
        .collect();
    let mut expected = vec![
        (i64::from(ports.quiet()), Value::Null),
        (i64::from(ports.chatty.port()), json!("220 casebook-test ready")),
    ];
    expected.sort_by_key(|(port, _)| *port);
    assert_eq!(found, expected);
    assert!(results["items"][0]["latency_ms"].as_f64().is_some());
}

async fn targets_outside_the_scope_are_refused_and_nothing_is_queued(app: TestApp) {
    let team = Team::create(&app).await;
    for target in ["10.0.0.1", "192.168.1.0/28", "::2", "126.255.255.255"] {
        let response = app
            .post(
                &format!("/v1/workspaces/{}/scans", team.id()),
                Some(&team.editor),
                json!({"target": target, "ports": "22"}),
            )
            .await;

        response.assert_problem(422, "TARGET_OUT_OF_SCOPE");
        assert_eq!(response.error_fields(), ["target"]);
    }
    let listed = app.get(&format!("/v1/workspaces/{}/scans", team.id()), Some(&team.viewer)).await.body;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(0));
}

async fn scan_requests_are_validated(app: TestApp) {
    let team = Team::create(&app).await;
    let other = app.create_workspace(&team.outsider, "Other").await;
    let foreign_case =
        app.create_case(&team.outsider, other["id"].as_str().expect("id"), json!({"summary": "x"})).await;
    let path = format!("/v1/workspaces/{}/scans", team.id());
    let cases = [
        (json!({"target": "127.0.0.0/23", "ports": "22"}), vec!["target"]),
        (json!({"target": "localhost", "ports": "22"}), vec!["target"]),
        (json!({"target": "127.0.0.1", "ports": "0"}), vec!["ports"]),
        (json!({"target": "127.0.0.1", "ports": "65536"}), vec!["ports"]),
        (json!({"target": "127.0.0.1", "ports": "100-10"}), vec!["ports"]),
        (json!({"target": "127.0.0.0/24", "ports": "1-3907"}), vec!["ports"]),
        (json!({"target": "127.0.0.1", "ports": "22", "timeout_ms": 49}), vec!["timeout_ms"]),
        (json!({"target": "127.0.0.1", "ports": "22", "timeout_ms": 5001}), vec!["timeout_ms"]),
        (json!({"target": "127.0.0.1", "ports": "22", "concurrency": 0}), vec!["concurrency"]),
        (json!({"target": "127.0.0.1", "ports": "22", "concurrency": 2049}), vec!["concurrency"]),
        (json!({"target": "127.0.0.1", "ports": "22", "case_id": foreign_case["id"]}), vec!["case_id"]),
        (json!({"target": "nope", "ports": "nope", "timeout_ms": 1}), vec!["target", "ports", "timeout_ms"]),
    ];
    for (body, fields) in cases {
        let response = app.post(&path, Some(&team.editor), body.clone()).await;

        response.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(response.error_fields(), fields, "{body}");
    }
    for body in [
        json!({"target": "127.0.0.0/24", "ports": "1-3906", "timeout_ms": 50, "concurrency": 2048}),
        json!({"target": "127.0.0.1", "ports": "1-65535", "timeout_ms": 5000, "concurrency": 1}),
    ] {
        let scan = app.create_scan(&team.editor, team.id(), body).await;
        let cancelled = app
            .post(&format!("{}/cancellation", scan_path(&team, &scan)), Some(&team.editor), json!({}))
            .await;
        assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    }
}

async fn scans_answer_each_role_as_documented(app: TestApp) {
    let team = Team::create(&app).await;
    let list = format!("/v1/workspaces/{}/scans", team.id());
    let scan = app.create_scan(&team.admin, team.id(), json!({"target": "127.0.0.1", "ports": "1"})).await;
    let path = scan_path(&team, &scan);
    app.wait_for_scan(&team.admin, &path, finished).await;
    for caller in EVERYONE {
        let create = app.post(&list, team.token(caller), json!({"target": "127.0.0.1", "ports": "1"})).await;
        assert_access(caller, caller >= Caller::Editor, &create, StatusCode::CREATED);
        for read in [list.clone(), path.clone(), format!("{path}/results")] {
            assert_access(
                caller,
                caller >= Caller::Viewer,
                &app.get(&read, team.token(caller)).await,
                StatusCode::OK,
            );
        }
        let cancel = app.post(&format!("{path}/cancellation"), team.token(caller), json!({})).await;
        if caller >= Caller::Editor {
            cancel.assert_problem(409, "SCAN_FINISHED");
        } else {
            assert_access(caller, false, &cancel, StatusCode::OK);
        }
    }
    for caller in [Caller::SignedOut, Caller::Outsider, Caller::Viewer] {
        assert_access(caller, false, &app.delete(&path, team.token(caller)).await, StatusCode::NO_CONTENT);
    }
    assert_eq!(app.delete(&path, Some(&team.editor)).await.status, StatusCode::NO_CONTENT);
    app.get(&path, Some(&team.admin)).await.assert_problem(404, "NOT_FOUND");
}

async fn a_running_scan_stops_promptly_when_cancelled(app: TestApp) {
    let team = Team::create(&app).await;
    let scan = app.create_scan(&team.editor, team.id(), long_scan()).await;
    let path = scan_path(&team, &scan);
    app.wait_for_scan(&team.viewer, &path, |s| s["status"] == "running").await;
    app.delete(&path, Some(&team.editor)).await.assert_problem(409, "SCAN_NOT_FINISHED");

    let cancelled = app.post(&format!("{path}/cancellation"), Some(&team.editor), json!({})).await;

    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    let started = std::time::Instant::now();
    let stopped = app.wait_for_scan(&team.viewer, &path, finished).await;
    assert_eq!(stopped["status"], "cancelled", "{stopped}");
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    assert!(stopped["done"].as_i64() < stopped["total"].as_i64());
    app.post(&format!("{path}/cancellation"), Some(&team.editor), json!({}))
        .await
        .assert_problem(409, "SCAN_FINISHED");
    assert_eq!(app.delete(&path, Some(&team.editor)).await.status, StatusCode::NO_CONTENT);
}

async fn a_scan_linked_to_a_case_reports_on_the_case(app: TestApp) {
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Exposed ports?"})).await;
    let ports = Ports::open().await;
    let body = json!({"target": "127.0.0.1", "ports": ports.spec(), "case_id": case["id"]});
    let scan = app.create_scan(&team.editor, team.id(), body.clone()).await;
    app.wait_for_scan(&team.viewer, &scan_path(&team, &scan), finished).await;

    let events = app
        .get(
            &format!("/v1/workspaces/{}/cases/{}/events", team.id(), case["id"].as_str().expect("id")),
            Some(&team.viewer),
        )
        .await
        .body;

    let kinds: Vec<_> =
        events["items"].as_array().expect("items").iter().map(|e| e["type"].clone()).collect();
    assert_eq!(
        kinds,
        ["observable_added", "observable_added", "observable_added", "scan_finished", "case_created"]
    );
    let finished_event = &events["items"][3];
    assert_eq!(finished_event["data"]["scan_id"], scan["id"]);
    assert_eq!(
        (finished_event["data"]["open"].as_i64(), finished_event["data"]["status"].as_str()),
        (Some(2), Some("completed"))
    );

    let facts = case_observables(&app, &team, &case).await;
    let quiet = format!("127.0.0.1:{}", ports.quiet());
    let chatty = format!("127.0.0.1:{}", ports.chatty.port());
    let mut values: Vec<&str> = facts.iter().map(|o| o["value"].as_str().expect("value")).collect();
    values.sort_unstable();
    let mut expected = vec!["127.0.0.1", quiet.as_str(), chatty.as_str()];
    expected.sort_unstable();
    assert_eq!(values, expected, "each open port and its host, once");
    assert!(facts.iter().all(|o| o["source"] == "scan" && o["sighted"] == true), "{facts:?}");
    let greeted = facts.iter().find(|o| o["value"] == chatty.as_str()).expect("chatty");
    assert!(
        greeted["description"].as_str().is_some_and(|d| d.contains("220 casebook-test ready")),
        "{greeted}"
    );

    let again = app.create_scan(&team.editor, team.id(), body.clone()).await;
    app.wait_for_scan(&team.viewer, &scan_path(&team, &again), finished).await;
    let rerun = case_observables(&app, &team, &case).await;
    assert_eq!(rerun.len(), 3, "a rerun adds nothing twice");
    assert!(rerun.iter().all(|o| o["last_seen_at"].as_str() > o["first_seen_at"].as_str()), "{rerun:?}");
    let linked = format!(
        "/v1/workspaces/{}/scans?case_id={}&status=completed",
        team.id(),
        case["id"].as_str().expect("id")
    );
    let listed = app.get(&linked, Some(&team.viewer)).await.body;
    let ids: Vec<_> = listed["items"].as_array().expect("items").iter().map(|s| s["id"].clone()).collect();
    assert_eq!(ids, [again["id"].clone(), scan["id"].clone()]);
    let queued = format!("/v1/workspaces/{}/scans?status=queued&status=running", team.id());
    assert_eq!(app.get(&queued, Some(&team.viewer)).await.body["items"], json!([]));
}

/// Every observable of a case (up to 100).
async fn case_observables(app: &TestApp, team: &Team, case: &Value) -> Vec<Value> {
    let path = format!(
        "/v1/workspaces/{}/cases/{}/observables?limit=100",
        team.id(),
        case["id"].as_str().expect("id")
    );
    app.get(&path, Some(&team.viewer)).await.body["items"].as_array().expect("items").clone()
}

async fn a_scan_survives_the_death_of_its_server(app: TestApp) {
    let app = app.restart_with(|s| s.scans.lease = Duration::from_secs(1)).await;
    let team = Team::create(&app).await;
    let ports = Ports::open().await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Loopback exposure"})).await;
    let body = json!({
        "target": "127.0.0.0/26", "ports": format!("1-1500,{},{}", ports.quiet(), ports.chatty.port()),
        "concurrency": 2, "case_id": case["id"],
    });
    let scan = app.create_scan(&team.editor, team.id(), body).await;
    let path = scan_path(&team, &scan);
    let partway = app.wait_for_scan(&team.viewer, &path, |s| s["done"].as_i64() > Some(0)).await;
    assert_eq!(partway["status"], "running");

    let app = app.crash_and_restart_with(|_| {}).await;

    let done = app.wait_for_scan(&team.viewer, &path, finished).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["done"], done["total"]);
    let mut results = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}/results?limit=100&cursor={c}"),
            None => format!("{path}/results?limit=100"),
        };
        let page = app.get(&url, Some(&team.viewer)).await.body;
        results.extend(
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|r| (r["address"].as_str().expect("a").to_owned(), r["port"].as_i64().expect("p"))),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let mut unique = results.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), results.len(), "an open port was recorded twice");
    assert_eq!(done["open"].as_i64(), Some(results.len() as i64), "counts match the results");
    for port in [ports.quiet(), ports.chatty.port()] {
        assert!(results.contains(&("127.0.0.1".to_owned(), i64::from(port))), "port {port} missing");
    }
    let facts = case_observables(&app, &team, &case).await;
    let open_ports = facts.iter().filter(|o| o["type"] == "port").count();
    let mut hosts: Vec<&str> = results.iter().map(|(address, _)| address.as_str()).collect();
    hosts.dedup();
    assert_eq!(
        open_ports,
        results.len(),
        "each open port became one observable, though the scan ran on two servers"
    );
    assert_eq!(facts.len() - open_ports, hosts.len(), "and each host one");
}

async fn instances_sharing_a_database_take_different_scans(app: TestApp) {
    let app = app.restart_with(|s| s.scans.workers = 1).await;
    let sibling = app.sibling(|_| {}).await;
    let team = Team::create(&app).await;
    let first = app.create_scan(&team.editor, team.id(), long_scan()).await;
    let second = app.create_scan(&team.editor, team.id(), long_scan()).await;

    let both_running = |s: &Value| s["status"] == "running" && s["done"].as_i64() > Some(0);
    app.wait_for_scan(&team.viewer, &scan_path(&team, &first), both_running).await;
    sibling.wait_for_scan(&team.viewer, &scan_path(&team, &second), both_running).await;

    // One worker per instance: both running at once means each instance took one.
    for scan in [&first, &second] {
        let running = app.get(&scan_path(&team, scan), Some(&team.viewer)).await.body;
        assert_eq!(running["status"], "running", "{running}");
        app.post(&format!("{}/cancellation", scan_path(&team, scan)), Some(&team.editor), json!({})).await;
    }
    for scan in [&first, &second] {
        let stopped = app.wait_for_scan(&team.viewer, &scan_path(&team, scan), finished).await;
        assert_eq!(stopped["status"], "cancelled");
    }
}

crate::on_every_backend!(
    instances_sharing_a_database_take_different_scans,
    scanning_loopback_finds_open_ports_and_reports_closed_ones,
    targets_outside_the_scope_are_refused_and_nothing_is_queued,
    scan_requests_are_validated,
    scans_answer_each_role_as_documented,
    a_running_scan_stops_promptly_when_cancelled,
    a_scan_linked_to_a_case_reports_on_the_case,
    a_scan_survives_the_death_of_its_server,
);
