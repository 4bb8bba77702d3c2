//! API keys: shown once, checked before any database work when mistyped,
//! acting with their service account's role in its workspace only, and
//! refused at once when revoked, expired, disabled or deleted.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use casebook::ids::ApiKeyId;
use casebook::services::identity::api_key_secret;

use crate::helpers::TestApp;
use crate::metrics::sample;
use crate::team::{ServiceKey, Team};

const QUERIES: &str = "casebook_db_query_duration_seconds_count";

fn keys_path(team: &Team, key: &ServiceKey) -> String {
    format!("/v1/workspaces/{}/service-accounts/{}/keys", team.id(), key.id)
}

async fn a_key_is_shown_once_and_listed_without_its_secret(app: TestApp) {
    let team = Team::create(&app).await;
    let bot = app.service_account_key(&team.admin, team.id(), "editor").await;
    let path = keys_path(&team, &bot);
    let issued = app.post(&path, Some(&team.admin), json!({"name": "  ci  "})).await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.body);
    assert_eq!(issued.header("location"), path);
    let secret = issued.body["secret"].as_str().expect("secret");
    assert!(secret.starts_with("cbk_") && secret.len() >= 50, "{secret}");
    let key = &issued.body["key"];
    assert!(key["id"].as_str().is_some_and(|id| id.starts_with("key_")));
    assert_eq!(key["name"], "ci");
    assert!(secret.starts_with(key["prefix"].as_str().expect("prefix")));
    assert_eq!(key["prefix"].as_str().map(str::len), Some(12));
    assert_eq!(
        (&key["revoked_at"], &key["expires_at"], &key["last_used_at"]),
        (&Value::Null, &Value::Null, &Value::Null)
    );
    assert_eq!(key["service_account_id"], bot.id.as_str());

    let listed = app.get(&path, Some(&team.admin)).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert!(!listed.body.to_string().contains(secret), "a listing reveals the secret");
    assert!(!listed.body.to_string().contains(&bot.key), "a listing reveals the secret");
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(listed.body["items"][0]["id"], key["id"], "newest first");

    // The new key works, and its use is recorded (off the request's path).
    assert_eq!(app.get(&format!("/v1/workspaces/{}", team.id()), Some(secret)).await.status, StatusCode::OK);
    let mut last_used = Value::Null;
    for _ in 0..100 {
        let items = app.get(&path, Some(&team.admin)).await.body["items"].clone();
        last_used = items.as_array().expect("items").iter().find(|k| k["id"] == key["id"]).expect("key")["last_used_at"].clone();
        if !last_used.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(last_used.is_string(), "last_used_at was not recorded");
}

async fn bad_key_requests_change_nothing(app: TestApp) {
    let team = Team::create(&app).await;
    let bot = app.service_account_key(&team.admin, team.id(), "editor").await;
    let path = keys_path(&team, &bot);
    for (body, field) in [
        (json!({"name": ""}), "name"),
        (json!({}), "name"),
        (json!({"name": "k", "expires_at": "2001-01-01T00:00:00Z"}), "expires_at"),
        (json!({"name": "k", "expires_at": "tomorrow"}), "expires_at"),
        (json!({"name": "k", "scopes": ["all"]}), "scopes"),
    ] {
        let refused = app.post(&path, Some(&team.admin), body.clone()).await;
        refused.assert_problem(422, "VALIDATION_FAILED");
        assert!(refused.error_fields().contains(&field.to_owned()), "{body}: {}", refused.body);
    }
    let missing =
        format!("/v1/workspaces/{}/service-accounts/svc_00000000000000000000000000000000/keys", team.id());
    app.post(&missing, Some(&team.admin), json!({"name": "k"})).await.assert_problem(404, "NOT_FOUND");
    app.delete(&format!("{path}/key_00000000000000000000000000000000"), Some(&team.admin))
        .await
        .assert_problem(404, "NOT_FOUND");
    assert_eq!(app.get(&path, Some(&team.admin)).await.body["items"].as_array().map(Vec::len), Some(1));
}

async fn a_key_acts_in_its_workspace_only_and_never_as_a_person(app: TestApp) {
    let team = Team::create(&app).await;
    let key = Some(team.editor_key.as_str());
    let listed = app.get("/v1/workspaces", key).await.body;
    let ids: Vec<_> = listed["items"].as_array().expect("items").iter().map(|w| w["id"].clone()).collect();
    assert_eq!(ids, [json!(team.id())]);
    assert_eq!(listed["items"][0]["role"], "editor");
    let elsewhere = app.get("/v1/workspaces", Some(&team.foreign_key)).await.body;
    assert_ne!(elsewhere["items"][0]["id"], json!(team.id()));

    for response in [
        app.get("/v1/accounts/me", key).await,
        app.patch("/v1/accounts/me", key, json!({"version": 1, "display_name": "x"})).await,
        app.delete("/v1/accounts/me/sessions", key).await,
        app.get("/v1/sessions/current", key).await,
        app.delete("/v1/sessions/current", key).await,
        app.post("/v1/workspaces", key, json!({"name": "x"})).await,
    ] {
        response.assert_problem(403, "SERVICE_ACCOUNT_NOT_ALLOWED");
    }
    // It acts as itself: a case it opens, its comment and the audit trail name it.
    let cases = format!("/v1/workspaces/{}/cases", team.id());
    let case = app.post(&cases, key, json!({"summary": "Alert from the SIEM"})).await;
    assert_eq!(case.status, StatusCode::CREATED, "{}", case.body);
    assert_eq!(case.body["created_by_kind"], "service_account");
    let bot = case.body["created_by"].as_str().expect("svc id").to_owned();
    assert!(bot.starts_with("svc_"), "{bot}");
    let case_path = format!("{cases}/{}", case.body["id"].as_str().expect("id"));
    let comment = app.post(&format!("{case_path}/comments"), key, json!({"body": "enriched"})).await;
    assert_eq!(
        (&comment.body["author_id"], &comment.body["author_kind"]),
        (&json!(bot), &json!("service_account"))
    );
    let events = app.get(&format!("{case_path}/events"), Some(&team.viewer)).await.body;
    for event in events["items"].as_array().expect("items") {
        assert_eq!(
            (&event["actor_id"], &event["actor_kind"]),
            (&json!(bot), &json!("service_account")),
            "{event}"
        );
    }
    // A service account is no assignee: only people are members.
    let bot_account = bot.replace("svc_", "acct_");
    let assign =
        app.post(&cases, Some(&team.editor), json!({"summary": "x", "assignee_id": bot_account})).await;
    assign.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(assign.error_fields(), ["assignee_id"]);
    let by_person = app.post(&cases, Some(&team.editor), json!({"summary": "by hand"})).await.body;
    assert_eq!(
        (&by_person["created_by"], &by_person["created_by_kind"]),
        (&json!(team.editor_id), &json!("person"))
    );
}

async fn idempotency_keys_are_scoped_per_principal(app: TestApp) {
    let team = Team::create(&app).await;
    let cases = format!("{}/v1/workspaces/{}/cases", app.base_url, team.id());
    let mut ids = Vec::new();
    for token in [&team.editor, &team.editor_key, &team.editor_key] {
        let request = app.client.post(&cases).bearer_auth(token).header("Idempotency-Key", "alert-42");
        let response =
            TestApp::read(request.json(&json!({"summary": "one alert"})).send().await.expect("sent")).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
        ids.push(response.body["id"].clone());
    }
    assert_ne!(ids[0], ids[1], "a person's key replayed a service account's request");
    assert_eq!(ids[1], ids[2]);
}

async fn mistyped_keys_are_refused_before_any_query(app: TestApp) {
    let team = Team::create(&app).await;
    let path = format!("/v1/workspaces/{}", team.id());
    let good = team.editor_key.clone();
    let mut typo = good.clone().into_bytes();
    let at = typo.len() - 3;
    typo[at] = if typo[at] == b'a' { b'b' } else { b'a' };
    let typo = String::from_utf8(typo).expect("ascii");
    let truncated = &good[..good.len() - 1];
    let malformed = [typo.as_str(), truncated, "cbk_", "cbk_notbase58!!", &format!("{good}x")];
    // A scrape itself queries, and background work (the scan queue's poll)
    // now and then: of three bursts of 25 refusals, one at least must cost
    // no more queries than two scrapes with nothing between them.
    let refused = r#"casebook_authentications_total{outcome="refused",principal="service_account"}"#;
    let refused_before = sample(&app, refused).await;
    let idle = -sample(&app, QUERIES).await + sample(&app, QUERIES).await;
    let mut fewest = f64::MAX;
    for _ in 0..3 {
        let before = sample(&app, QUERIES).await;
        for bad in malformed.iter().cycle().take(25) {
            app.get(&path, Some(bad)).await.assert_problem(401, "API_KEY_INVALID");
        }
        fewest = fewest.min(sample(&app, QUERIES).await - before);
    }
    assert!(fewest <= idle, "malformed keys cost queries: {fewest} in a burst, {idle} idle");
    assert_eq!(sample(&app, refused).await - refused_before, 75.0, "refusals counted by principal");
    // Well-formed, checksummed, but unknown: one lookup, then the same answer.
    let other = api_key_secret::generate(ApiKeyId::new()).expect("random");
    app.get(&path, Some(&other)).await.assert_problem(401, "API_KEY_INVALID");
    assert_eq!(app.get(&path, Some(&good)).await.status, StatusCode::OK);
}

async fn revoked_expired_disabled_and_deleted_keys_are_refused(app: TestApp) {
    let team = Team::create(&app).await;
    let path = format!("/v1/workspaces/{}", team.id());
    let bot = app.service_account_key(&team.admin, team.id(), "editor").await;
    let keys = keys_path(&team, &bot);
    let account = format!("/v1/workspaces/{}/service-accounts/{}", team.id(), bot.id);
    assert_eq!(app.get(&path, Some(&bot.key)).await.status, StatusCode::OK);

    let soon = (chrono::Utc::now() + chrono::TimeDelta::milliseconds(1500)).to_rfc3339();
    let expiring = app.post(&keys, Some(&team.admin), json!({"name": "short", "expires_at": soon})).await;
    assert_eq!(expiring.status, StatusCode::CREATED, "{}", expiring.body);
    let expiring = expiring.body["secret"].as_str().expect("secret").to_owned();
    assert_eq!(app.get(&path, Some(&expiring)).await.status, StatusCode::OK);

    let key_id = app.get(&keys, Some(&team.admin)).await.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|k| k["name"] == "test")
        .expect("the first key")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(
        app.delete(&format!("{keys}/{key_id}"), Some(&team.admin)).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.delete(&format!("{keys}/{key_id}"), Some(&team.admin)).await.status,
        StatusCode::NO_CONTENT
    );
    app.get(&path, Some(&bot.key)).await.assert_problem(401, "API_KEY_REVOKED");
    let listed = app.get(&keys, Some(&team.admin)).await.body;
    let revoked = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|k| k["id"] == key_id.as_str())
        .expect("listed");
    assert!(revoked["revoked_at"].is_string());

    tokio::time::sleep(Duration::from_millis(1600)).await;
    app.get(&path, Some(&expiring)).await.assert_problem(401, "API_KEY_EXPIRED");

    let fresh = app.post(&keys, Some(&team.admin), json!({"name": "fresh"})).await.body;
    let fresh = fresh["secret"].as_str().expect("secret").to_owned();
    assert_eq!(app.get(&path, Some(&fresh)).await.status, StatusCode::OK);
    let disable = app.patch(&account, Some(&team.admin), json!({"version": 1, "disabled": true})).await;
    assert_eq!(disable.status, StatusCode::OK, "{}", disable.body);
    app.get(&path, Some(&fresh)).await.assert_problem(401, "SERVICE_ACCOUNT_DISABLED");
    let enable = app.patch(&account, Some(&team.admin), json!({"version": 2, "disabled": false})).await;
    assert_eq!(enable.status, StatusCode::OK, "{}", enable.body);
    assert_eq!(app.get(&path, Some(&fresh)).await.status, StatusCode::OK);

    let cases = format!("{path}/cases");
    let demote = app.patch(&account, Some(&team.admin), json!({"version": 3, "role": "viewer"})).await;
    assert_eq!(demote.status, StatusCode::OK, "{}", demote.body);
    app.post(&cases, Some(&fresh), json!({"summary": "no"})).await.assert_problem(403, "FORBIDDEN");
    assert_eq!(app.get(&cases, Some(&fresh)).await.status, StatusCode::OK);

    assert_eq!(app.delete(&account, Some(&team.admin)).await.status, StatusCode::NO_CONTENT);
    app.get(&path, Some(&fresh)).await.assert_problem(401, "API_KEY_INVALID");
}

async fn each_key_has_its_own_rate_bucket(app: TestApp) {
    let team = Team::create(&app).await;
    let per_second = |count| {
        casebook::config::RateSetting(Some(casebook::platform::rate::Rate {
            count,
            period: Duration::from_secs(1),
        }))
    };
    let app = app.restart_with(|s| s.auth.rate_limit_per_api_key = per_second(3)).await;
    let path = format!("/v1/workspaces/{}", team.id());
    for _ in 0..3 {
        assert_eq!(app.get(&path, Some(&team.editor_key)).await.status, StatusCode::OK);
    }
    let limited = app.get(&path, Some(&team.editor_key)).await;
    limited.assert_problem(429, "RATE_LIMITED");
    assert!(!limited.header("retry-after").is_empty());
    assert_eq!(
        app.get(&path, Some(&team.viewer_key)).await.status,
        StatusCode::OK,
        "another key shares the bucket"
    );
    assert_eq!(app.get(&path, Some(&team.editor)).await.status, StatusCode::OK, "a person shares the bucket");
}

crate::on_every_backend!(
    a_key_is_shown_once_and_listed_without_its_secret,
    bad_key_requests_change_nothing,
    a_key_acts_in_its_workspace_only_and_never_as_a_person,
    idempotency_keys_are_scoped_per_principal,
    mistyped_keys_are_refused_before_any_query,
    revoked_expired_disabled_and_deleted_keys_are_refused,
    each_key_has_its_own_rate_bucket,
);
