//! Adding many observables at once: one answer per item, one transaction,
//! idempotent retries.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::team::{Caller, EVERYONE, Team, assert_access};

fn batches_path(team: &Team, case: &Value) -> String {
    format!("/v1/workspaces/{}/cases/{}/observable-batches", team.id(), case["id"].as_str().expect("case id"))
}

fn observables_path(team: &Team, case: &Value) -> String {
    format!("/v1/workspaces/{}/cases/{}/observables", team.id(), case["id"].as_str().expect("case id"))
}

fn outcomes(answer: &Value) -> Vec<Value> {
    answer["items"].as_array().expect("items").iter().map(|i| i["outcome"].clone()).collect()
}

async fn count_observables(app: &TestApp, team: &Team, case: &Value) -> usize {
    let listed = app.get(&observables_path(team, case), Some(&team.viewer)).await.body;
    listed["items"].as_array().map_or(0, Vec::len)
}

async fn a_batch_answers_each_item(app: TestApp) {
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Wave"})).await;
    let known = json!({"type": "ipv4", "value": "203.0.113.7"});
    let first = app.post(&observables_path(&team, &case), Some(&team.editor), known.clone()).await.body;
    let items = json!([
        known,
        {"type": "domain", "value": "Evil.Example", "is_ioc": true},
        {"type": "domain", "value": "evil.example."},
        {"type": "ipv4", "value": "999.1.1.1"},
        {"type": "sha256", "value": "abc", "tags": ["a", "A"]},
        {"type": "md5", "value": "D41D8CD98F00B204E9800998ECF8427E"}
    ]);
    let body = json!({"items": items});
    let answer = app.post_with_key(&batches_path(&team, &case), &team.editor, "wave-1", body.clone()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let a = &answer.body;
    assert_eq!(outcomes(a), ["existing", "created", "existing", "invalid", "invalid", "created"]);
    assert_eq!(
        (a["created"].as_u64(), a["existing"].as_u64(), a["invalid"].as_u64()),
        (Some(2), Some(2), Some(2))
    );
    assert_eq!(a["items"][0]["observable"]["id"], first["id"]);
    assert_eq!(a["items"][1]["observable"]["id"], a["items"][2]["observable"]["id"]);
    assert_eq!(a["items"][2]["observable"]["value"], "evil.example");
    assert_eq!(a["items"][3]["errors"][0]["field"], "value");
    let fields: Vec<_> =
        a["items"][4]["errors"].as_array().expect("errors").iter().map(|e| e["field"].clone()).collect();
    assert_eq!(fields, ["value", "tags"]);
    assert_eq!(
        (a["items"][3]["observable"].clone(), a["items"][5]["errors"].clone()),
        (Value::Null, json!([]))
    );
    assert_eq!(count_observables(&app, &team, &case).await, 3);

    let replay = app.post_with_key(&batches_path(&team, &case), &team.editor, "wave-1", body).await;
    assert_eq!((replay.header("idempotent-replayed"), outcomes(&replay.body)), ("true", outcomes(a)));
    let case_path = format!("/v1/workspaces/{}/cases/{}", team.id(), case["id"].as_str().expect("id"));
    let events = app.get(&format!("{case_path}/events?limit=100"), Some(&team.viewer)).await.body;
    let kinds: Vec<_> =
        events["items"].as_array().expect("items").iter().map(|e| e["type"].clone()).collect();
    let count = |kind: &str| kinds.iter().filter(|k| *k == kind).count();
    assert_eq!((count("observable_added"), count("observable_seen")), (3, 1), "{kinds:?}");

    let too_many: Vec<Value> =
        (0..1001).map(|i| json!({"type": "other", "value": format!("v{i}")})).collect();
    let refused = app.post(&batches_path(&team, &case), Some(&team.editor), json!({"items": too_many})).await;
    refused.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(refused.error_fields(), ["items"]);
    let empty = app.post(&batches_path(&team, &case), Some(&team.editor), json!({"items": []})).await;
    assert_eq!(empty.error_fields(), ["items"]);
    let nulled =
        json!({"items": [{"type": "other", "value": "x"}, {"type": "other", "value": "y", "source": null}]});
    let nulled = app.post(&batches_path(&team, &case), Some(&team.editor), nulled).await;
    assert_eq!(nulled.error_fields(), ["items[1].source"], "a null is refused at any depth");
    let long = json!({"items": [{"type": "other", "value": "x", "description": "d".repeat(10_001)}]});
    let long = app.post(&batches_path(&team, &case), Some(&team.editor), long).await;
    assert_eq!(long.error_fields(), ["items[0].description"], "limits the document states fail the request");
    let malformed = json!({"items": [{"type": "colour", "value": "red"}]});
    app.post(&batches_path(&team, &case), Some(&team.editor), malformed)
        .await
        .assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(count_observables(&app, &team, &case).await, 3);
}

async fn a_batch_is_added_whole_or_not_at_all(app: TestApp) {
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Atomic"})).await;
    app.refuse_inserts("observables", "value", "explode.example").await;
    let items: Vec<Value> = ["one.example", "two.example", "explode.example"]
        .iter()
        .map(|name| json!({"type": "domain", "value": name}))
        .collect();
    let body = json!({"items": items});
    app.post(&batches_path(&team, &case), Some(&team.editor), body.clone())
        .await
        .assert_problem(500, "INTERNAL");
    assert_eq!(count_observables(&app, &team, &case).await, 0, "no item of a failed batch stays");
    app.allow_inserts("observables").await;
    let answer = app.post(&batches_path(&team, &case), Some(&team.editor), body).await.body;
    assert_eq!(outcomes(&answer), ["created", "created", "created"]);
}

async fn batches_answer_each_role_as_documented(app: TestApp) {
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Roles"})).await;
    for (n, caller) in EVERYONE.into_iter().enumerate() {
        let body = json!({"items": [{"type": "other", "value": format!("by {n}")}]});
        let answer = app.post(&batches_path(&team, &case), team.token(caller), body).await;
        assert_access(caller, caller >= Caller::Editor, &answer, StatusCode::OK);
    }
    assert_eq!(count_observables(&app, &team, &case).await, 4);
}

crate::on_every_backend!(
    a_batch_answers_each_item,
    a_batch_is_added_whole_or_not_at_all,
    batches_answer_each_role_as_documented,
);
