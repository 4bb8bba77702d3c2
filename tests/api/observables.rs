//! Observables: who may add and read them, canonical values and their
//! refusals over HTTP, one row per fact under concurrent adds, and
//! correlation across the workspace's cases.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::team::{Caller, EVERYONE, Team, assert_access};

fn observables_path(team: &Team, case: &Value) -> String {
    format!("/v1/workspaces/{}/cases/{}/observables", team.id(), case["id"].as_str().expect("case id"))
}

fn observable_path(team: &Team, case: &Value, observable: &Value) -> String {
    format!("{}/{}", observables_path(team, case), observable["id"].as_str().expect("id"))
}

fn search_path(team: &Team, query: &str) -> String {
    format!("/v1/workspaces/{}/observables?{query}", team.id())
}

async fn open_case(app: &TestApp, team: &Team, summary: &str) -> Value {
    app.create_case(&team.editor, team.id(), json!({"summary": summary})).await
}

/// Adds an observable as the editor; returns the response.
async fn add(app: &TestApp, team: &Team, case: &Value, body: Value) -> crate::helpers::TestResponse {
    app.post(&observables_path(team, case), Some(&team.editor), body).await
}

fn ids(page: &Value) -> Vec<Value> {
    page["items"].as_array().expect("items").iter().map(|o| o["id"].clone()).collect()
}

async fn observables_answer_each_role_as_documented(app: TestApp) {
    let team = Team::create(&app).await;
    let case = open_case(&app, &team, "Matrix").await;
    let seed = add(&app, &team, &case, json!({"type": "ipv4", "value": "192.0.2.1"})).await.body;
    let one = observable_path(&team, &case, &seed);
    for (n, caller) in EVERYONE.into_iter().enumerate() {
        let token = team.token(caller);
        let body = json!({"type": "ipv4", "value": format!("198.51.100.{n}")});
        let create = app.post(&observables_path(&team, &case), token, body).await;
        assert_access(caller, caller >= Caller::Editor, &create, StatusCode::CREATED);
        let list = app.get(&observables_path(&team, &case), token).await;
        assert_access(caller, caller >= Caller::Viewer, &list, StatusCode::OK);
        let search = app.get(&search_path(&team, "type=ipv4"), token).await;
        assert_access(caller, caller >= Caller::Viewer, &search, StatusCode::OK);
        assert_access(caller, caller >= Caller::Viewer, &app.get(&one, token).await, StatusCode::OK);
        let version = app.get(&one, Some(&team.viewer)).await.body["version"].clone();
        let update =
            app.patch(&one, token, json!({"version": version, "description": format!("{caller:?}")})).await;
        assert_access(caller, caller >= Caller::Editor, &update, StatusCode::OK);
        let target =
            if caller >= Caller::Editor { observable_path(&team, &case, &create.body) } else { one.clone() };
        let delete = app.delete(&target, token).await;
        assert_access(caller, caller >= Caller::Editor, &delete, StatusCode::NO_CONTENT);
    }
    let listed = app.get(&observables_path(&team, &case), Some(&team.viewer)).await.body;
    assert_eq!(ids(&listed), [seed["id"].clone()]);
    assert_eq!(listed["items"][0]["description"], "AdminKey");
}

async fn values_are_stored_in_canonical_form_once_per_case(app: TestApp) {
    let team = Team::create(&app).await;
    let case = open_case(&app, &team, "Phish").await;
    let first = add(
        &app,
        &team,
        &case,
        json!({"type": "domain", "value": "Login.Example.COM.", "is_ioc": true, "tags": ["Phish"]}),
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let made = &first.body;
    assert!(made["id"].as_str().is_some_and(|id| id.starts_with("obs_")), "{made}");
    assert!(first.header("location").ends_with(made["id"].as_str().expect("id")));
    assert_eq!(
        (
            &made["value"],
            &made["tlp"],
            &made["source"],
            &made["tags"],
            &made["other_cases"],
            &made["value_note"]
        ),
        (
            &json!("login.example.com"),
            &json!("amber"),
            &json!("manual"),
            &json!(["phish"]),
            &json!(0),
            &Value::Null
        )
    );
    let again =
        add(&app, &team, &case, json!({"type": "domain", "value": "login.example.com", "tlp": "red"})).await;
    assert_eq!(
        (again.status, again.body["id"].clone()),
        (StatusCode::OK, made["id"].clone()),
        "{}",
        again.body
    );
    assert_eq!(again.body["tlp"], "amber", "an add of an existing value changes nothing but last_seen_at");
    assert!(again.body["last_seen_at"].as_str() > made["last_seen_at"].as_str(), "{}", again.body);
    assert_eq!(again.body["first_seen_at"], made["first_seen_at"]);
    let mapped = add(&app, &team, &case, json!({"type": "ipv6", "value": "::FFFF:192.0.2.1"})).await.body;
    assert_eq!(
        (mapped["value"].as_str(), mapped["value_note"].as_str()),
        (Some("::ffff:192.0.2.1"), Some("IPv4-mapped address of 192.0.2.1"))
    );
    for (body, field) in [
        (json!({"type": "ipv4", "value": "192.0.2.300"}), "value"),
        (json!({"type": "sha256", "value": "abc"}), "value"),
        (json!({"type": "url", "value": "/relative"}), "value"),
        (json!({"type": "ipv4", "value": "192.0.2.9", "source": "scan"}), "source"),
        (json!({"type": "ipv4", "value": "192.0.2.9", "tags": ["a", "A"]}), "tags"),
        (json!({"type": "colour", "value": "red"}), "type"),
    ] {
        let refused = add(&app, &team, &case, body.clone()).await;
        refused.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(refused.error_fields(), [field], "{body}");
    }
    let one = observable_path(&team, &case, made);
    let stale = app.patch(&one, Some(&team.editor), json!({"version": 2, "is_ioc": false})).await;
    stale.assert_problem(409, "VERSION_CONFLICT");
    let changed =
        app.patch(&one, Some(&team.editor), json!({"version": 1, "tlp": "red", "sighted": true})).await;
    assert_eq!((changed.body["tlp"].as_str(), changed.body["version"].as_i64()), (Some("red"), Some(2)));
    app.patch(&one, Some(&team.editor), json!({"version": 2})).await.assert_problem(422, "VALIDATION_FAILED");
    let case_path = format!("/v1/workspaces/{}/cases/{}", team.id(), case["id"].as_str().expect("id"));
    let events = app.get(&format!("{case_path}/events"), Some(&team.viewer)).await.body;
    let kinds: Vec<_> =
        events["items"].as_array().expect("items").iter().map(|e| e["type"].clone()).collect();
    assert_eq!(
        kinds[..5],
        [
            json!("observable_changed"),
            json!("observable_changed"),
            json!("observable_added"),
            json!("observable_seen"),
            json!("observable_added")
        ]
    );
    assert_eq!(events["items"][3]["data"]["observable_id"], made["id"]);
}

async fn twenty_concurrent_adds_of_one_value_make_one_observable(app: TestApp) {
    let team = Team::create(&app).await;
    let case = open_case(&app, &team, "Race").await;
    let adds = (0..20).map(|i| {
        let value = if i % 2 == 0 { "2001:DB8::1" } else { "2001:db8:0:0:0:0:0:1" };
        add(&app, &team, &case, json!({"type": "ipv6", "value": value}))
    });
    let answers = futures::future::join_all(adds).await;
    let created = answers.iter().filter(|a| a.status == StatusCode::CREATED).count();
    let existing = answers.iter().filter(|a| a.status == StatusCode::OK).count();
    assert_eq!((created, existing), (1, 19), "{:?}", answers.iter().map(|a| a.status).collect::<Vec<_>>());
    let listed = app.get(&observables_path(&team, &case), Some(&team.viewer)).await.body;
    assert_eq!(ids(&listed).len(), 1);
    assert!(answers.iter().all(|a| a.body["id"] == listed["items"][0]["id"]));
}

async fn observables_correlate_across_the_workspace(app: TestApp) {
    let team = Team::create(&app).await;
    let (a, b, c) = (
        open_case(&app, &team, "A").await,
        open_case(&app, &team, "B").await,
        open_case(&app, &team, "C").await,
    );
    let ip = json!({"type": "ipv4", "value": "203.0.113.7", "is_ioc": true, "tags": ["c2"]});
    let on_a = add(&app, &team, &a, ip.clone()).await.body;
    let on_b = add(&app, &team, &b, ip.clone()).await.body;
    assert_eq!((on_a["other_cases"].as_i64(), on_b["other_cases"].as_i64()), (Some(0), Some(1)));
    add(&app, &team, &c, json!({"type": "ipv4", "value": "203.0.113.7", "tlp": "red"})).await;
    add(&app, &team, &c, json!({"type": "domain", "value": "Evil.Example"})).await;
    let read = |case: Value, o: Value| {
        let path = observable_path(&team, &case, &o);
        let app = &app;
        let token = team.viewer.clone();
        async move { app.get(&path, Some(&token)).await.body["other_cases"].clone() }
    };
    assert_eq!(read(a.clone(), on_a.clone()).await, 2);
    assert_eq!(
        app.delete(&observable_path(&team, &b, &on_b), Some(&team.editor)).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(read(a.clone(), on_a.clone()).await, 1);

    let found = app.get(&search_path(&team, "type=ipv4&value=203.0.113.7"), Some(&team.viewer)).await.body;
    let cases: Vec<_> =
        found["items"].as_array().expect("items").iter().map(|o| o["case_id"].clone()).collect();
    assert_eq!(cases, [c["id"].clone(), a["id"].clone()], "newest first, each with its case");
    assert!(found["items"].as_array().expect("items").iter().all(|o| o["other_cases"] == 1));
    // A page short of every holder, or a narrower filter, counts the holders in the database.
    let first = app.get(&search_path(&team, "type=ipv4&value=203.0.113.7&limit=1"), Some(&team.viewer)).await;
    assert_eq!(first.body["items"][0]["other_cases"], 1, "{}", first.body);
    let narrowed =
        app.get(&search_path(&team, "type=ipv4&value=203.0.113.7&is_ioc=true"), Some(&team.viewer)).await;
    let narrowed = narrowed.body["items"].as_array().expect("items").clone();
    assert!(!narrowed.is_empty() && narrowed.iter().all(|o| o["other_cases"] == 1), "{narrowed:?}");
    let any_type = app.get(&search_path(&team, "value=EVIL.example."), Some(&team.viewer)).await.body;
    assert_eq!(any_type["items"].as_array().map(Vec::len), Some(1), "{any_type}");
    let prefix = app.get(&search_path(&team, "value_prefix=203.0.113."), Some(&team.viewer)).await.body;
    assert_eq!(ids(&prefix).len(), 2);
    let iocs = app.get(&search_path(&team, "is_ioc=true"), Some(&team.viewer)).await.body;
    assert_eq!(ids(&iocs), [on_a["id"].clone()]);
    let red = app.get(&search_path(&team, "tlp=red&tlp=clear"), Some(&team.viewer)).await.body;
    assert_eq!(ids(&red).len(), 1);
    let tagged = app.get(&search_path(&team, "tag=C2"), Some(&team.viewer)).await.body;
    assert_eq!(ids(&tagged), [on_a["id"].clone()]);
    let paged = app.get(&search_path(&team, "limit=2"), Some(&team.viewer)).await.body;
    let rest = app
        .get(
            &search_path(
                &team,
                &format!("limit=2&cursor={}", paged["next_cursor"].as_str().expect("cursor")),
            ),
            Some(&team.viewer),
        )
        .await
        .body;
    assert_eq!((ids(&paged).len(), ids(&rest).len(), rest["next_cursor"].clone()), (2, 1, Value::Null));
    app.get(&search_path(&team, "type=ipv4&value=not-an-ip"), Some(&team.viewer))
        .await
        .assert_problem(422, "VALIDATION_FAILED");
    let elsewhere = app.create_workspace(&team.outsider, "Elsewhere").await;
    let theirs =
        format!("/v1/workspaces/{}/observables?value=203.0.113.7", elsewhere["id"].as_str().expect("id"));
    assert_eq!(
        app.get(&theirs, Some(&team.outsider)).await.body["items"],
        json!([]),
        "workspaces do not see each other's facts"
    );
}

async fn related_cases_are_ranked_by_shared_observables(app: TestApp) {
    let team = Team::create(&app).await;
    let mut cases = Vec::new();
    for summary in ["A", "B", "C", "D"] {
        cases.push(open_case(&app, &team, summary).await);
    }
    let (ip1, ip2) =
        (json!({"type": "ipv4", "value": "198.51.100.1"}), json!({"type": "ipv4", "value": "198.51.100.2"}));
    let domain = json!({"type": "domain", "value": "shared.example"});
    for (case, bodies) in [
        (0, vec![ip1.clone(), ip2.clone(), domain.clone()]),
        (1, vec![ip1.clone(), ip2.clone()]),
        (2, vec![json!({"type": "domain", "value": "SHARED.example."})]),
        (3, vec![json!({"type": "other", "value": "198.51.100.1"})]),
    ] {
        for body in bodies {
            assert!(add(&app, &team, &cases[case], body).await.status.is_success());
        }
    }
    let related_path =
        format!("/v1/workspaces/{}/cases/{}/related", team.id(), cases[0]["id"].as_str().expect("id"));
    let ranked = |body: &Value| -> Vec<(Value, Value)> {
        body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|r| (r["other_case"]["summary"].clone(), r["shared_observables"].clone()))
            .collect()
    };
    let related = app.get(&related_path, Some(&team.viewer)).await.body;
    assert_eq!(
        ranked(&related),
        [(json!("B"), json!(2)), (json!("C"), json!(1))],
        "D's value is of another type"
    );
    let top = app.get(&format!("{related_path}?limit=1"), Some(&team.viewer)).await.body;
    assert_eq!(ranked(&top), [(json!("B"), json!(2))]);
    let b_ip2 =
        app.get(&format!("{}?type=ipv4", observables_path(&team, &cases[1])), Some(&team.viewer)).await.body;
    let b_ip2 = b_ip2["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|o| o["value"] == "198.51.100.2")
        .expect("ip2")
        .clone();
    assert_eq!(
        app.delete(&observable_path(&team, &cases[1], &b_ip2), Some(&team.editor)).await.status,
        StatusCode::NO_CONTENT
    );
    let after = app.get(&related_path, Some(&team.viewer)).await.body;
    assert_eq!(ranked(&after), [(json!("C"), json!(1)), (json!("B"), json!(1))], "ties: newest case first");
    app.get(&related_path, Some(&team.outsider)).await.assert_problem(404, "NOT_FOUND");
    app.get(&format!("{related_path}?limit=0"), Some(&team.viewer))
        .await
        .assert_problem(422, "VALIDATION_FAILED");
}

crate::on_every_backend!(
    related_cases_are_ranked_by_shared_observables,
    observables_answer_each_role_as_documented,
    values_are_stored_in_canonical_form_once_per_case,
    twenty_concurrent_adds_of_one_value_make_one_observable,
    observables_correlate_across_the_workspace,
);
