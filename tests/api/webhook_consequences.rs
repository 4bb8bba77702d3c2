//! Changes that follow from another are published like any other: the
//! tasks a template gives a new case (`task.created` after its
//! `case.created`), the observables a finished scan adds to its case
//! (`observable.created` after `scan.completed`), and the cases whose
//! values an admin clears with a field's options (`case.updated`).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::custom_fields::define;
use crate::helpers::TestApp;
use crate::receiver::{Received, Receiver};
use crate::scan_support::{Ports, finished, scan_path};
use crate::team::Team;
use crate::webhook_deliveries::subscribe;

fn types(got: &[Received]) -> Vec<String> {
    got.iter().map(|r| r.json()["type"].as_str().expect("type").to_owned()).collect()
}

async fn a_template_s_tasks_are_published_after_their_case(app: TestApp) {
    let team = Team::create(&app).await;
    let receiver = Receiver::start().await;
    subscribe(&app, &team, &receiver.url, json!(["case.created", "task.created"])).await;
    let template = app
        .post(
            &format!("/v1/workspaces/{}/case-templates", team.id()),
            Some(&team.admin),
            json!({"name": "Phishing", "tasks": [{"title": "Collect headers"}, {"title": "Block the sender"}]}),
        )
        .await;
    assert_eq!(template.status, StatusCode::CREATED, "{}", template.body);
    let case = app
        .create_case(&team.editor, team.id(), json!({"template_id": template.body["id"], "summary": "Wave"}))
        .await;

    let got = receiver.wait_for(3).await;
    assert_eq!(types(&got), ["case.created", "task.created", "task.created"]);
    let titles: Vec<Value> = got[1..].iter().map(|r| r.json()["data"]["title"].clone()).collect();
    assert_eq!(titles, [json!("Collect headers"), json!("Block the sender")]);
    let tasks = format!("/v1/workspaces/{}/cases/{}/tasks", team.id(), case["id"].as_str().expect("id"));
    let listed = app.get(&tasks, Some(&team.viewer)).await;
    assert_eq!(got[1].json()["data"], listed.body["items"][0], "the task as the API shows it");
    assert_eq!(got[2].json()["actor"], json!({"id": team.editor_id, "kind": "person"}));
}

async fn a_scan_s_observables_are_published_after_it_completes(app: TestApp) {
    let team = Team::create(&app).await;
    let receiver = Receiver::start().await;
    subscribe(&app, &team, &receiver.url, json!(["scan.completed", "observable.created"])).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Exposed ports?"})).await;
    let ports = Ports::open().await;
    let body = json!({"target": "127.0.0.1", "ports": ports.spec(), "case_id": case["id"]});
    let scan = app.create_scan(&team.editor, team.id(), body.clone()).await;
    app.wait_for_scan(&team.viewer, &scan_path(&team, &scan), finished).await;

    let got = receiver.wait_for(4).await;
    assert_eq!(
        types(&got),
        ["scan.completed", "observable.created", "observable.created", "observable.created"]
    );
    let mut values: Vec<String> =
        got[1..].iter().map(|r| r.json()["data"]["value"].as_str().expect("value").to_owned()).collect();
    values.sort();
    let mut expected = vec![
        "127.0.0.1".to_owned(),
        format!("127.0.0.1:{}", ports.quiet()),
        format!("127.0.0.1:{}", ports.chatty.port()),
    ];
    expected.sort();
    assert_eq!(values, expected);
    for observable in got[1..].iter().map(Received::json) {
        assert_eq!(
            (&observable["data"]["source"], &observable["data"]["other_cases"]),
            (&json!("scan"), &json!(0))
        );
    }

    // The same scan again adds nothing new, so publishes no observable.
    let again = app.create_scan(&team.editor, team.id(), body).await;
    app.wait_for_scan(&team.viewer, &scan_path(&team, &again), finished).await;
    receiver.wait_for(5).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(types(&receiver.received())[4..], ["scan.completed"]);
}

async fn cases_cleared_of_a_removed_option_are_published(app: TestApp) {
    let team = Team::create(&app).await;
    let field = define(
        &app,
        &team,
        json!({"key": "tier", "label": "Tier", "type": "multi_select", "options": ["a", "b", "c"]}),
    )
    .await;
    let holds_a = json!({"summary": "Holds a", "custom_fields": {"tier": ["a", "b"]}});
    let holder = app.create_case(&team.editor, team.id(), holds_a).await;
    let holds_c = json!({"summary": "Holds c", "custom_fields": {"tier": ["c"]}});
    app.create_case(&team.editor, team.id(), holds_c).await;
    let receiver = Receiver::start().await;
    subscribe(&app, &team, &receiver.url, json!(["case.updated"])).await;
    let path = format!("/v1/workspaces/{}/custom-fields/{}", team.id(), field["id"].as_str().expect("id"));
    let body = json!({"version": 1, "options": ["b", "c"], "clear_values": true});
    let cleared = app.patch(&path, Some(&team.admin), body).await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.body);

    let got = receiver.wait_for(1).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 1, "only the case that held the option changed");
    let case_path = format!("/v1/workspaces/{}/cases/{}", team.id(), holder["id"].as_str().expect("id"));
    let now = app.get(&case_path, Some(&team.viewer)).await.body;
    assert_eq!(got[0].json()["data"], now, "the case as the API shows it after");
    assert_eq!((now["custom_fields"]["tier"].clone(), now["version"].as_i64()), (json!(["b"]), Some(2)));
    assert_eq!(got[0].json()["actor"], json!({"id": team.admin_id, "kind": "person"}));
}

crate::on_every_backend!(
    a_template_s_tasks_are_published_after_their_case,
    a_scan_s_observables_are_published_after_it_completes,
    cases_cleared_of_a_removed_option_are_published,
);
