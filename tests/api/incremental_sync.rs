//! Incremental sync: a client fetches only the cases changed since its last
//! run (`updated_after`, sorted by `updated_at`), and learns of deletions
//! from the activity feed.

use std::time::Duration;

use serde_json::{Value, json};

use crate::activity_events::{feed, types};
use crate::helpers::TestApp;
use crate::team::Team;

fn wire_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

async fn only_what_changed_since_the_last_run_is_fetched(app: TestApp) {
    let team = Team::create(&app).await;
    let ws = team.id().to_owned();
    let mut cases = Vec::new();
    for n in 0..3 {
        cases.push(app.create_case(&team.editor, &ws, json!({"summary": format!("Case {n}")})).await);
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    let last_run = chrono::Utc::now();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let path = |case: &Value| format!("/v1/workspaces/{ws}/cases/{}", case["id"].as_str().expect("id"));
    let patched =
        app.patch(&path(&cases[0]), Some(&team.editor), json!({"version": 1, "priority": "high"})).await;
    assert_eq!(patched.status.as_u16(), 200, "{}", patched.body);
    let newer = app.create_case(&team.editor, &ws, json!({"summary": "Case 3"})).await;
    assert_eq!(app.delete(&path(&cases[1]), Some(&team.editor)).await.status.as_u16(), 204);

    let since = wire_time(last_run);
    let query = format!("/v1/workspaces/{ws}/cases?updated_after={since}&sort=updated_at&order=asc");
    let changed = app.get(&query, Some(&team.viewer)).await;
    assert_eq!(changed.status.as_u16(), 200, "{}", changed.body);
    let ids: Vec<&Value> =
        changed.body["items"].as_array().expect("items").iter().map(|c| &c["id"]).collect();
    assert_eq!(ids, [&cases[0]["id"], &newer["id"]], "the changed case, then the new one");

    let deletions = feed(&app, &team.viewer, &ws, &format!("&type=case.deleted&after={since}")).await;
    assert_eq!(types(&deletions), ["case.deleted"]);
    assert_eq!(deletions[0]["data"]["id"], cases[1]["id"]);

    let garbage =
        app.get(&format!("/v1/workspaces/{ws}/cases?updated_after=lately"), Some(&team.viewer)).await;
    garbage.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(garbage.error_fields(), ["updated_after"]);
}

crate::on_every_backend!(only_what_changed_since_the_last_run_is_fetched);
