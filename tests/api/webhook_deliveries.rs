//! Webhook deliveries against a real receiver on loopback: changes arrive
//! signed and in commit order, only the types asked for, retried with
//! growing delays, taken over after a crash, refused where denied, and a
//! subscription failing for good is turned off with an event saying so; a
//! subscription takes only the events committed while it exists and is on.

use casebook::platform::clock;
use casebook::platform::networks::Networks;
use chrono::{DateTime, TimeDelta, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::metrics::sample;
use crate::receiver::{Receiver, readme_snippet_verifies};
use crate::team::{Caller, EVERYONE, Team, assert_access};

/// Subscribes `url` to `events`; answers the subscription and its secret.
pub async fn subscribe(app: &TestApp, team: &Team, url: &str, events: Value) -> (String, String) {
    let path = format!("/v1/workspaces/{}/webhooks", team.id());
    let made = app.post(&path, Some(&team.admin), json!({"url": url, "events": events})).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id = made.body["webhook"]["id"].as_str().expect("id");
    (format!("{path}/{id}"), made.body["secret"].as_str().expect("secret").to_owned())
}

fn cases_path(team: &Team) -> String {
    format!("/v1/workspaces/{}/cases", team.id())
}

/// A subscription's deliveries, newest first, as an admin key sees them
/// (keys outlive sessions when a test moves the clock a day on).
async fn deliveries(app: &TestApp, team: &Team, hook: &str) -> Vec<Value> {
    let listed = app.get(&format!("{hook}/deliveries"), Some(&team.admin_key)).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    listed.body["items"].as_array().expect("items").clone()
}

/// Waits until `check` holds for the subscription's deliveries (20 s at most).
async fn deliveries_until(
    app: &TestApp,
    team: &Team,
    hook: &str,
    check: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    for _ in 0..200 {
        let items = deliveries(app, team, hook).await;
        if check(&items) {
            return items;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("deliveries never reached the expected state: {:?}", deliveries(app, team, hook).await);
}

/// Whether the newest delivery has `tries` attempts and, if pending, its
/// next attempt set after the last (the list reads deliveries and their
/// attempts in two statements, so one may be a moment ahead).
fn tried(items: &[Value], tries: usize) -> bool {
    let Some(newest) = items.first() else { return false };
    let attempts = newest["attempts"].as_array().map_or(&[][..], Vec::as_slice);
    attempts.len() == tries
        && (newest["status"] != "pending"
            || at(&newest["next_attempt_at"]) > at(&attempts[tries - 1]["started_at"]))
}

fn at(value: &Value) -> DateTime<Utc> {
    value.as_str().expect("a time").parse().expect("RFC 3339")
}

async fn a_case_created_and_updated_arrives_signed_and_in_order(app: TestApp) {
    let team = Team::create(&app).await;
    let receiver = Receiver::start().await;
    let (hook, secret) = subscribe(&app, &team, &receiver.url, json!(["case.created", "case.updated"])).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Phishing wave"})).await;
    let case_path = format!("{}/{}", cases_path(&team), case["id"].as_str().expect("id"));
    let updated =
        app.patch(&case_path, Some(&team.editor_key), json!({"version": 1, "status": "in_progress"})).await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);

    let got = receiver.wait_for(2).await;
    let (first, second) = (got[0].json(), got[1].json());
    assert_eq!(
        (first["type"].as_str(), second["type"].as_str()),
        (Some("case.created"), Some("case.updated"))
    );
    assert_eq!(first["data"], case, "the resource as the API returned it");
    assert_eq!(second["data"], updated.body);
    assert_eq!(first["workspace_id"], json!(team.id()));
    assert_eq!(first["actor"], json!({"id": team.editor_id, "kind": "person"}));
    assert_eq!(second["actor"]["kind"], "service_account");
    assert!(first["id"].as_str().expect("event id").starts_with("evt_"));
    for request in &got {
        assert!(request.signed_by(&secret), "the signature verifies: {:?}", request.headers);
        assert!(readme_snippet_verifies(request, &secret), "the README's snippet verifies it too");
        assert!(!readme_snippet_verifies(request, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        assert!(!request.signed_by("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
        assert!(request.header("webhook-id").starts_with("dlv_"));
        let sent: i64 = request.header("webhook-timestamp").parse().expect("unix seconds");
        assert!((sent - Utc::now().timestamp()).abs() < 60, "a fresh timestamp");
        assert_eq!(request.header("content-type"), "application/json");
    }
    assert_eq!(got[1].header("casebook-event"), "case.updated");

    let listed = deliveries_until(&app, &team, &hook, |d| d.iter().all(|d| d["status"] == "delivered")).await;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["event_type"], "case.updated", "newest first");
    assert_eq!(listed[1]["id"], json!(got[0].header("webhook-id")));
    assert_eq!(listed[1]["attempts"][0]["status_code"], 200);
    assert_eq!(listed[1]["attempts"][0]["error"], Value::Null);
    assert_eq!(listed[1]["next_attempt_at"], Value::Null);
}

async fn a_subscription_gets_only_the_types_it_asked_for(app: TestApp) {
    let team = Team::create(&app).await;
    let (only_created, everything) = (Receiver::start().await, Receiver::start().await);
    let (hook, _) = subscribe(&app, &team, &only_created.url, json!(["case.created"])).await;
    subscribe(&app, &team, &everything.url, json!(["*"])).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Beacon"})).await;
    let case_path = format!("{}/{}", cases_path(&team), case["id"].as_str().expect("id"));
    app.patch(&case_path, Some(&team.editor), json!({"version": 1, "priority": "high"})).await;
    let comment =
        app.post(&format!("{case_path}/comments"), Some(&team.editor), json!({"body": "seen"})).await;
    assert_eq!(comment.status, StatusCode::CREATED);
    app.post(&format!("{case_path}/tasks"), Some(&team.editor), json!({"title": "Block the domain"})).await;
    // A ping is queued behind everything before it: once it arrives, nothing
    // else is on its way.
    assert_eq!(
        app.post(&format!("{hook}/pings"), Some(&team.admin_key), json!({})).await.status,
        StatusCode::ACCEPTED
    );
    let got = only_created.wait_for(2).await;
    let types: Vec<Value> = got.iter().map(|r| r.json()["type"].clone()).collect();
    assert_eq!(types, [json!("case.created"), json!("ping")]);
    let all = everything.wait_for(4).await;
    let types: Vec<Value> = all.iter().map(|r| r.json()["type"].clone()).collect();
    assert_eq!(
        types,
        [json!("case.created"), json!("case.updated"), json!("comment.created"), json!("task.created")]
    );
    assert_eq!(all[2].json()["data"]["body"], "seen");
}

async fn a_failing_receiver_is_retried_with_growing_delays(app: TestApp) {
    let team = Team::create(&app).await;
    let receiver = Receiver::start().await;
    receiver.answer_with(&[500, 500]);
    let (hook, _) = subscribe(&app, &team, &receiver.url, json!(["case.created"])).await;
    app.create_case(&team.editor, team.id(), json!({"summary": "Retry me"})).await;

    let mut delays = Vec::new();
    for tries in 1..=2 {
        let items = deliveries_until(&app, &team, &hook, |d| tried(d, tries)).await;
        let attempt = &items[0]["attempts"][tries - 1];
        assert_eq!((&items[0]["status"], &attempt["status_code"]), (&json!("pending"), &json!(500)));
        assert_eq!(attempt["error"], "answered 500");
        delays.push(at(&items[0]["next_attempt_at"]) - at(&attempt["started_at"]));
        // Nothing is sent before the retry is due...
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        assert_eq!(receiver.received().len(), tries);
        assert_eq!(sample(&app, "casebook_webhook_queue_depth").await, 1.0);
        assert!(sample(&app, "casebook_webhook_oldest_pending_seconds").await >= (tries as f64 - 1.0) * 4.0);
        // ...and it is sent once the (controlled) clock reaches it.
        clock::advance(delays[tries - 1] + TimeDelta::seconds(1));
    }
    let items = deliveries_until(&app, &team, &hook, |d| d[0]["status"] == "delivered").await;
    let codes: Vec<&Value> =
        items[0]["attempts"].as_array().expect("attempts").iter().map(|a| &a["status_code"]).collect();
    assert_eq!(codes, [&json!(500), &json!(500), &json!(200)]);
    assert_eq!(receiver.received().len(), 3);
    let outcome = |name: &str| format!("casebook_webhook_deliveries_total{{outcome=\"{name}\"}}");
    assert_eq!(sample(&app, &outcome("retrying")).await, 2.0);
    assert_eq!(sample(&app, &outcome("delivered")).await, 1.0);
    assert_eq!(sample(&app, "casebook_webhook_delivery_latency_seconds_count").await, 1.0);
    assert_eq!(sample(&app, "casebook_webhook_queue_depth").await, 0.0);
    let received = receiver.received();
    let id = received[0].header("webhook-id");
    assert!(
        received.iter().all(|r| r.header("webhook-id") == id),
        "every attempt carries the same delivery id"
    );
    assert!(delays[0] >= TimeDelta::seconds(4) && delays[0] <= TimeDelta::milliseconds(6500), "{delays:?}");
    assert!(delays[1] >= TimeDelta::seconds(8) && delays[1] <= TimeDelta::milliseconds(12500), "{delays:?}");
}

async fn a_crashed_instance_is_taken_over_and_delivers_again(app: TestApp) {
    let team = Team::create(&app).await;
    let receiver = Receiver::start().await;
    receiver.hold_next();
    subscribe(&app, &team, &receiver.url, json!(["case.created"])).await;
    app.create_case(&team.editor, team.id(), json!({"summary": "Crash during delivery"})).await;
    let first = receiver.wait_for(1).await;
    // The instance dies while the receiver holds the request.
    let app = app.crash_and_restart_with(|_| {}).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(receiver.received().len(), 1, "the dead worker's lease holds the subscription");
    clock::advance(TimeDelta::seconds(61));
    let got = receiver.wait_for(2).await;
    assert_eq!(got[1].header("webhook-id"), first[0].header("webhook-id"), "the same delivery, again");
    assert_eq!(got[1].body, first[0].body);
    drop(app);
}

async fn a_denied_destination_is_refused_at_delivery(app: TestApp) {
    let team = Team::create(&app).await;
    let receiver = Receiver::start().await;
    let (hook, _) = subscribe(&app, &team, &receiver.url, json!(["case.created"])).await;
    // Loopback is no longer allowed: the subscription stays, deliveries are refused.
    let app = app.restart_with(|settings| settings.webhooks.allowed_networks = Networks::default()).await;
    let path = format!("/v1/workspaces/{}/webhooks", team.id());
    let refused = app.post(&path, Some(&team.admin), json!({"url": receiver.url, "events": ["*"]})).await;
    refused.assert_problem(422, "VALIDATION_FAILED");
    app.create_case(&team.editor, team.id(), json!({"summary": "Not to loopback"})).await;
    let items = deliveries_until(&app, &team, &hook, |d| tried(d, 1)).await;
    let error = items[0]["attempts"][0]["error"].as_str().expect("error");
    assert!(error.contains("127.0.0.1") && error.contains("DENIED_NETWORKS"), "{error}");
    assert_eq!(items[0]["status"], "pending");
    assert!(receiver.received().is_empty(), "nothing reached the denied address");
}

async fn failing_for_good_turns_a_subscription_off_and_says_so(app: TestApp) {
    let team = Team::create(&app).await;
    let (down, watcher) = (Receiver::start().await, Receiver::start().await);
    down.answer_with(&[503; 20]);
    let (hook, _) = subscribe(&app, &team, &down.url, json!(["case.created"])).await;
    subscribe(&app, &team, &watcher.url, json!(["webhook.disabled"])).await;
    for n in 0..5 {
        app.create_case(&team.editor, team.id(), json!({"summary": format!("Case {n}")})).await;
    }
    down.wait_for(1).await;
    deliveries_until(&app, &team, &hook, |d| {
        d.last().is_some_and(|d| d["next_attempt_at"] != d["created_at"])
    })
    .await;
    // A day later, the first retry finds the window closed; the four
    // behind it get one try each, and fail too.
    clock::advance(TimeDelta::hours(25));
    let disabled = watcher.wait_for(1).await[0].json();
    assert_eq!(disabled["type"], "webhook.disabled");
    assert_eq!(disabled["actor"], Value::Null, "the server did it");
    assert_eq!(disabled["data"]["id"], json!(hook.rsplit('/').next()));
    assert_eq!(disabled["data"]["active"], false);
    assert!(disabled["data"]["disabled_reason"].as_str().is_some_and(|r| r.contains("5 deliveries")));
    let read = app.get(&hook, Some(&team.admin_key)).await.body;
    assert_eq!((&read["active"], &read["consecutive_failures"]), (&json!(false), &json!(5)), "{read}");
    let items = deliveries(&app, &team, &hook).await;
    assert!(items.iter().all(|d| d["status"] == "failed"), "{items:?}");
    app.post(&format!("{hook}/pings"), Some(&team.admin_key), json!({}))
        .await
        .assert_problem(409, "WEBHOOK_INACTIVE");
    assert_eq!(down.received().len(), 6, "one try each after the window, none after deactivation");
    let failed = sample(&app, r#"casebook_webhook_deliveries_total{outcome="failed"}"#).await;
    assert_eq!(failed, 5.0, "deliveries failed for good are counted");
}

async fn redelivery_and_ping_send_now_for_admins_only(app: TestApp) {
    let team = Team::create(&app).await;
    let receiver = Receiver::start().await;
    let (hook, secret) = subscribe(&app, &team, &receiver.url, json!(["case.created"])).await;
    app.create_case(&team.editor, team.id(), json!({"summary": "Send twice"})).await;
    let first = receiver.wait_for(1).await.remove(0);
    let items =
        deliveries_until(&app, &team, &hook, |d| d.first().is_some_and(|d| d["status"] == "delivered")).await;
    let delivery = items[0]["id"].as_str().expect("id").to_owned();
    let again = format!("{hook}/deliveries/{delivery}/redeliveries");
    let mut expected = 1;
    for caller in EVERYONE {
        let answer = app.post(&again, team.token(caller), json!({})).await;
        assert_access(caller, caller >= Caller::Admin, &answer, StatusCode::ACCEPTED);
        let ping = app.post(&format!("{hook}/pings"), team.token(caller), json!({})).await;
        assert_access(caller, caller >= Caller::Admin, &ping, StatusCode::ACCEPTED);
        let listed = app.get(&format!("{hook}/deliveries"), team.token(caller)).await;
        assert_access(caller, caller >= Caller::Admin, &listed, StatusCode::OK);
        if caller >= Caller::Admin {
            expected += 2;
            receiver.wait_for(expected).await;
        }
    }
    // Two admins (a person and a key) each redelivered and pinged.
    let got = receiver.wait_for(5).await;
    let repeats = got.iter().filter(|r| r.header("webhook-id") == delivery).count();
    assert_eq!(repeats, 3, "the first delivery and two redeliveries, one id");
    assert!(got.iter().all(|r| r.signed_by(&secret)));
    let pings: Vec<Value> = got.iter().map(|r| r.json()).filter(|e| e["type"] == "ping").collect();
    assert_eq!(pings.len(), 2);
    assert_eq!(pings[0]["data"]["id"], json!(hook.rsplit('/').next()));
    assert_eq!(first.json()["type"], "case.created");
    let missing = format!("{hook}/deliveries/dlv_{}/redeliveries", "0".repeat(32));
    app.post(&missing, Some(&team.admin), json!({})).await.assert_problem(404, "NOT_FOUND");
    for bad in ["limit=0", "limit=101", "cursor=not-a-cursor"] {
        let listed = app.get(&format!("{hook}/deliveries?{bad}"), Some(&team.admin)).await;
        listed.assert_problem(422, "VALIDATION_FAILED");
    }
    let page = app.get(&format!("{hook}/deliveries?limit=2"), Some(&team.admin)).await.body;
    let cursor = page["next_cursor"].as_str().expect("more than one page");
    let next = app.get(&format!("{hook}/deliveries?limit=2&cursor={cursor}"), Some(&team.admin)).await.body;
    assert_eq!(next["items"].as_array().map(Vec::len), Some(1), "three deliveries: the first and two pings");
}

async fn a_subscription_takes_the_events_after_it_was_made_or_turned_on(app: TestApp) {
    let team = Team::create(&app).await;
    let receiver = Receiver::start().await;
    app.create_case(&team.editor, team.id(), json!({"summary": "Before"})).await;
    let (hook, _) = subscribe(&app, &team, &receiver.url, json!(["case.created"])).await;
    app.create_case(&team.editor, team.id(), json!({"summary": "After"})).await;
    assert_eq!(receiver.wait_for(1).await[0].json()["data"]["summary"], "After");
    let off = app.patch(&hook, Some(&team.admin), json!({"version": 1, "active": false})).await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    app.create_case(&team.editor, team.id(), json!({"summary": "While off"})).await;
    let on = app.patch(&hook, Some(&team.admin), json!({"version": 2, "active": true})).await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.body);
    app.create_case(&team.editor, team.id(), json!({"summary": "Back on"})).await;
    let got = receiver.wait_for(2).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let summaries: Vec<Value> =
        receiver.received().iter().map(|r| r.json()["data"]["summary"].clone()).collect();
    assert_eq!(summaries, [json!("After"), json!("Back on")], "nothing from before, nothing from while off");
    let listed =
        deliveries_until(&app, &team, &hook, |d| d.len() == 2 && d[0]["status"] == "delivered").await;
    assert_eq!(listed[0]["id"], json!(got[1].header("webhook-id")));
}

crate::on_every_backend!(
    a_case_created_and_updated_arrives_signed_and_in_order,
    a_subscription_gets_only_the_types_it_asked_for,
    a_failing_receiver_is_retried_with_growing_delays,
    a_crashed_instance_is_taken_over_and_delivers_again,
    a_denied_destination_is_refused_at_delivery,
    failing_for_good_turns_a_subscription_off_and_says_so,
    redelivery_and_ping_send_now_for_admins_only,
    a_subscription_takes_the_events_after_it_was_made_or_turned_on,
);
