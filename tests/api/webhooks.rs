//! Webhook subscriptions: admins subscribe URLs, see them without their
//! secrets, change them, rotate secrets and delete them; destinations in
//! denied networks are refused before anything is saved.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::team::{Caller, EVERYONE, Team, assert_access};

fn hooks_path(team: &Team) -> String {
    format!("/v1/workspaces/{}/webhooks", team.id())
}

fn hook_path(team: &Team, hook: &Value) -> String {
    format!("{}/{}", hooks_path(team), hook["id"].as_str().expect("webhook id"))
}

fn subscription(url: &str) -> Value {
    json!({"url": url, "events": ["case.updated", "case.created", "case.created"], "description": "Pager"})
}

async fn count(app: &TestApp, team: &Team) -> usize {
    app.get(&hooks_path(team), Some(&team.admin)).await.body["items"].as_array().map_or(0, Vec::len)
}

async fn a_subscription_shows_its_secret_once(app: TestApp) {
    let team = Team::create(&app).await;
    let made =
        app.post(&hooks_path(&team), Some(&team.admin), subscription("https://203.0.113.7/hooks")).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let secret = made.body["secret"].as_str().expect("secret");
    let raw = STANDARD.decode(secret.strip_prefix("whsec_").expect("whsec_ prefix")).expect("base64");
    assert_eq!(raw.len(), 32);
    let hook = &made.body["webhook"];
    assert!(hook["id"].as_str().expect("id").starts_with("whk_"));
    assert_eq!(made.header("location"), hook_path(&team, hook));
    assert_eq!(
        (&hook["url"], &hook["events"], &hook["active"], &hook["consecutive_failures"], &hook["version"]),
        (
            &json!("https://203.0.113.7/hooks"),
            &json!(["case.created", "case.updated"]),
            &json!(true),
            &json!(0),
            &json!(1)
        )
    );
    let read = app.get(&hook_path(&team, hook), Some(&team.admin)).await;
    assert_eq!(read.body, *hook);
    let listed = app.get(&hooks_path(&team), Some(&team.admin_key)).await.body;
    assert_eq!(listed["items"], json!([hook]));
    let everything = [read.body.to_string(), listed.to_string()].concat();
    assert!(!everything.contains(&secret[6..]), "the secret is never shown again");
    let stored = app.query_texts("SELECT secret AS text FROM webhooks").await;
    assert!(stored.len() == 1 && !stored[0].contains(&secret[6..]), "the secret is stored sealed");

    let rotated =
        app.post(&format!("{}/secret-rotations", hook_path(&team, hook)), Some(&team.admin), json!({})).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    assert_ne!(rotated.body["secret"], made.body["secret"]);
    let overlap = rotated.body["webhook"]["previous_secret_expires_at"].as_str().expect("overlap end");
    let ends = chrono::DateTime::parse_from_rfc3339(overlap).expect("time");
    let hours = (ends.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_minutes();
    assert!((23 * 60..=24 * 60).contains(&hours), "the old secret signs for 24 hours ({hours} min)");
}

async fn subscriptions_change_with_their_version(app: TestApp) {
    let team = Team::create(&app).await;
    let made =
        app.post(&hooks_path(&team), Some(&team.admin), subscription("https://203.0.113.7/a")).await.body;
    let path = hook_path(&team, &made["webhook"]);
    let changed = app
        .patch(
            &path,
            Some(&team.admin),
            json!({"version": 1, "events": ["*"], "active": false, "url": "https://198.51.100.9/b"}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(
        (&changed.body["events"], &changed.body["active"], &changed.body["url"], &changed.body["version"]),
        (&json!(["*"]), &json!(false), &json!("https://198.51.100.9/b"), &json!(2))
    );
    app.patch(&path, Some(&team.admin), json!({"version": 1, "active": true}))
        .await
        .assert_problem(409, "VERSION_CONFLICT");
    app.patch(&path, Some(&team.admin), json!({"version": 2})).await.assert_problem(422, "VALIDATION_FAILED");
    let denied = app.patch(&path, Some(&team.admin), json!({"version": 2, "url": "https://10.1.2.3/"})).await;
    assert_eq!(denied.error_fields(), ["url"]);
    assert_eq!(
        app.get(&path, Some(&team.admin)).await.body["version"],
        2,
        "a refused change changes nothing"
    );
    assert_eq!(app.delete(&path, Some(&team.admin)).await.status, StatusCode::NO_CONTENT);
    app.get(&path, Some(&team.admin)).await.assert_problem(404, "NOT_FOUND");
    app.delete(&path, Some(&team.admin)).await.assert_problem(404, "NOT_FOUND");
}

async fn unsafe_or_malformed_destinations_are_refused(app: TestApp) {
    let team = Team::create(&app).await;
    let refused = [
        ("https://10.0.0.1/hook", "url"),
        ("https://169.254.169.254/latest/meta-data", "url"),
        ("https://[fd00::1]/hook", "url"),
        ("https://[::ffff:192.168.1.1]/hook", "url"),
        ("http://203.0.113.7/hook", "url"),
        ("ftp://203.0.113.7/hook", "url"),
        ("https://user:pass@203.0.113.7/hook", "url"),
        ("hooks.example.com/in", "url"),
    ];
    for (url, field) in refused {
        let answer = app.post(&hooks_path(&team), Some(&team.admin), subscription(url)).await;
        answer.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(answer.error_fields(), [field], "{url}: {}", answer.body);
    }
    for body in [
        json!({"url": "https://203.0.113.7/", "events": []}),
        json!({"url": "https://203.0.113.7/", "events": ["case.exploded"]}),
        json!({"url": "https://203.0.113.7/", "events": ["*"], "description": "d".repeat(1001)}),
        json!({"url": "https://203.0.113.7/", "events": ["*"], "secret": "mine"}),
    ] {
        app.post(&hooks_path(&team), Some(&team.admin), body).await.assert_problem(422, "VALIDATION_FAILED");
    }
    assert_eq!(count(&app, &team).await, 0, "nothing refused was saved");
    let loopback =
        app.post(&hooks_path(&team), Some(&team.admin), subscription("http://127.0.0.1:9/hook")).await;
    assert_eq!(loopback.status, StatusCode::CREATED, "allowed networks take plain http: {}", loopback.body);
}

async fn only_admins_manage_subscriptions(app: TestApp) {
    let team = Team::create(&app).await;
    for caller in EVERYONE {
        let answer =
            app.post(&hooks_path(&team), team.token(caller), subscription("https://203.0.113.7/h")).await;
        assert_access(caller, caller >= Caller::Admin, &answer, StatusCode::CREATED);
        let listed = app.get(&hooks_path(&team), team.token(caller)).await;
        assert_access(caller, caller >= Caller::Admin, &listed, StatusCode::OK);
    }
    let made =
        app.post(&hooks_path(&team), Some(&team.admin), subscription("https://203.0.113.7/h")).await.body;
    let path = hook_path(&team, &made["webhook"]);
    for caller in EVERYONE {
        let read = app.get(&path, team.token(caller)).await;
        assert_access(caller, caller >= Caller::Admin, &read, StatusCode::OK);
        let rotated = app.post(&format!("{path}/secret-rotations"), team.token(caller), json!({})).await;
        assert_access(caller, caller >= Caller::Admin, &rotated, StatusCode::OK);
    }
    assert_eq!(count(&app, &team).await, 3);
}

crate::on_every_backend!(
    a_subscription_shows_its_secret_once,
    subscriptions_change_with_their_version,
    unsafe_or_malformed_destinations_are_refused,
    only_admins_manage_subscriptions,
);
