//! Custom fields: definitions (who may write them, their rules), values on
//! cases of every type, their audit events, and changes to definitions that
//! cases use.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::team::{Caller, EVERYONE, Team, assert_access};

fn fields_path(team: &Team) -> String {
    format!("/v1/workspaces/{}/custom-fields", team.id())
}

/// Defines a field; returns it.
pub async fn define(app: &TestApp, team: &Team, body: Value) -> Value {
    let response = app.post(&fields_path(team), Some(&team.admin), body).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    response.body
}

/// One field of each type (the select kinds with options low, high, crown jewels).
pub async fn define_every_type(app: &TestApp, team: &Team) {
    for kind in [
        "string",
        "text",
        "integer",
        "number",
        "boolean",
        "date",
        "datetime",
        "url",
        "select",
        "multi_select",
        "member",
    ] {
        let mut body = json!({"key": format!("f_{kind}"), "label": kind, "type": kind});
        if kind.ends_with("select") {
            body["options"] = json!(["low", "high", "crown jewels"]);
        }
        define(app, team, body).await;
    }
}

fn field_path(team: &Team, field: &Value) -> String {
    format!("{}/{}", fields_path(team), field["id"].as_str().expect("id"))
}

async fn open_case(app: &TestApp, team: &Team, fields: Value) -> crate::helpers::TestResponse {
    let path = format!("/v1/workspaces/{}/cases", team.id());
    app.post(&path, Some(&team.editor), json!({"summary": "With fields", "custom_fields": fields})).await
}

async fn custom_fields_answer_each_role_as_documented(app: TestApp) {
    let team = Team::create(&app).await;
    let seed = define(&app, &team, json!({"key": "seed", "label": "Seed", "type": "string"})).await;
    let one = field_path(&team, &seed);
    for caller in EVERYONE {
        let token = team.token(caller);
        let key = format!("by_{}", format!("{caller:?}").to_lowercase());
        let create =
            app.post(&fields_path(&team), token, json!({"key": key, "label": "L", "type": "integer"})).await;
        assert_access(caller, caller >= Caller::Admin, &create, StatusCode::CREATED);
        assert_access(
            caller,
            caller >= Caller::Viewer,
            &app.get(&fields_path(&team), token).await,
            StatusCode::OK,
        );
        assert_access(caller, caller >= Caller::Viewer, &app.get(&one, token).await, StatusCode::OK);
        let version = app.get(&one, Some(&team.viewer)).await.body["version"].clone();
        let update =
            app.patch(&one, token, json!({"version": version, "label": format!("{caller:?}")})).await;
        assert_access(caller, caller >= Caller::Admin, &update, StatusCode::OK);
        let target = if caller >= Caller::Admin { field_path(&team, &create.body) } else { one.clone() };
        assert_access(
            caller,
            caller >= Caller::Admin,
            &app.delete(&target, token).await,
            StatusCode::NO_CONTENT,
        );
    }
    let listed = app.get(&fields_path(&team), Some(&team.viewer)).await.body;
    let keys: Vec<_> = listed["items"].as_array().expect("items").iter().map(|f| f["key"].clone()).collect();
    assert_eq!(keys, [json!("seed")]);
    assert_eq!(listed["items"][0]["label"], "AdminKey");
}

async fn definitions_are_validated_and_keys_are_unique(app: TestApp) {
    let team = Team::create(&app).await;
    for (body, fields) in [
        (json!({"key": "Business Unit", "label": "BU", "type": "string"}), vec!["key"]),
        (json!({"key": "bu", "label": " ", "type": "string"}), vec!["label"]),
        (json!({"key": "bu", "label": "BU", "type": "select"}), vec!["options"]),
        (json!({"key": "bu", "label": "BU", "type": "string", "options": ["a"]}), vec!["options"]),
        (json!({"key": "bu", "label": "BU", "type": "select", "options": ["a", "a"]}), vec!["options"]),
        (json!({"key": "bu", "label": "BU", "type": "colour"}), vec!["type"]),
    ] {
        let response = app.post(&fields_path(&team), Some(&team.admin), body.clone()).await;
        response.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(response.error_fields(), fields, "{body}");
    }
    let field =
        define(&app, &team, json!({"key": "bu", "label": "BU", "type": "select", "options": ["a"]})).await;
    assert!(field["id"].as_str().is_some_and(|id| id.starts_with("fld_")), "{field}");
    assert_eq!((field["type"].as_str(), field["required"].as_bool()), (Some("select"), Some(false)));
    let again = app
        .post(&fields_path(&team), Some(&team.admin), json!({"key": "bu", "label": "X", "type": "string"}))
        .await;
    again.assert_problem(409, "CUSTOM_FIELD_KEY_TAKEN");
    let one = field_path(&team, &field);
    let stale = app.patch(&one, Some(&team.admin), json!({"version": 2, "label": "Unit"})).await;
    stale.assert_problem(409, "VERSION_CONFLICT");
    let renamed = app.patch(&one, Some(&team.admin), json!({"version": 1, "key": "unit"})).await;
    renamed.assert_problem(422, "VALIDATION_FAILED");
    let empty = app.patch(&one, Some(&team.admin), json!({"version": 1})).await;
    assert_eq!(empty.error_fields(), ["body"]);
    let text = define(&app, &team, json!({"key": "notes", "label": "Notes", "type": "text"})).await;
    let options = app
        .patch(&field_path(&team, &text), Some(&team.admin), json!({"version": 1, "options": ["x"]}))
        .await;
    assert_eq!(options.error_fields(), ["options"]);
    let listed = app.get(&fields_path(&team), Some(&team.viewer)).await.body;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(2));
}

async fn every_type_is_set_and_read_in_canonical_form(app: TestApp) {
    let team = Team::create(&app).await;
    define_every_type(&app, &team).await;
    let values = json!({
        "f_string": "Finance", "f_text": "Long\nnotes", "f_integer": 42, "f_number": 2.5,
        "f_boolean": true, "f_date": "2026-02-28", "f_datetime": "2026-02-28T10:00:00+02:00",
        "f_url": "https://Tickets.example.com/T-1", "f_select": "high",
        "f_multi_select": ["crown jewels", "low"], "f_member": team.viewer_id,
    });
    let created = open_case(&app, &team, values).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let stored = &created.body["custom_fields"];
    assert_eq!(stored["f_datetime"], "2026-02-28T08:00:00.000000Z");
    assert_eq!(stored["f_url"], "https://tickets.example.com/T-1");
    assert_eq!(stored["f_multi_select"], json!(["low", "crown jewels"]));
    assert_eq!((stored["f_integer"].as_i64(), stored["f_number"].as_f64()), (Some(42), Some(2.5)));
    assert_eq!(stored["f_member"].as_str(), Some(team.viewer_id.as_str()));
    assert_eq!(stored.as_object().map(|o| o.len()), Some(11));
    let path = format!("/v1/workspaces/{}/cases/{}", team.id(), created.body["id"].as_str().expect("id"));
    assert_eq!(app.get(&path, Some(&team.viewer)).await.body["custom_fields"], *stored);
}

async fn each_invalid_value_is_refused_with_its_field_path(app: TestApp) {
    let team = Team::create(&app).await;
    define_every_type(&app, &team).await;
    define(&app, &team, json!({"key": "ticket", "label": "Ticket", "type": "string", "required": true}))
        .await;
    let outsider = app.get("/v1/accounts/me", Some(&team.outsider)).await.body["id"].clone();
    for (key, bad) in [
        ("f_string", json!(7)),
        ("f_string", json!("")),
        ("f_text", json!("x".repeat(10_001))),
        ("f_integer", json!(1.5)),
        ("f_integer", json!("3")),
        ("f_number", json!("2.5")),
        ("f_boolean", json!("yes")),
        ("f_date", json!("2026-02-30")),
        ("f_datetime", json!("yesterday")),
        ("f_url", json!("javascript:alert(1)")),
        ("f_select", json!("medium")),
        ("f_multi_select", json!(["low", "low"])),
        ("f_multi_select", json!("low")),
        ("f_member", json!("acct_nothex")),
        ("f_member", outsider.clone()),
        ("no_such_field", json!("x")),
    ] {
        let response = open_case(&app, &team, json!({"ticket": "T-1", key: bad})).await;
        response.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(response.error_fields(), [format!("custom_fields.{key}")], "{key}: {bad}");
    }
    let missing = open_case(&app, &team, json!({"f_string": "x"})).await;
    assert_eq!(missing.error_fields(), ["custom_fields.ticket"]);
    let list = app.get(&format!("/v1/workspaces/{}/cases", team.id()), Some(&team.viewer)).await.body;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0), "a refused case is not created");
}

async fn a_patch_changes_only_the_keys_it_names_and_is_audited(app: TestApp) {
    let team = Team::create(&app).await;
    define_every_type(&app, &team).await;
    define(&app, &team, json!({"key": "ticket", "label": "Ticket", "type": "string", "required": true}))
        .await;
    let created = open_case(&app, &team, json!({"ticket": "T-1", "f_integer": 1, "f_select": "low"})).await;
    let path = format!("/v1/workspaces/{}/cases/{}", team.id(), created.body["id"].as_str().expect("id"));
    let patch =
        json!({"version": 1, "custom_fields": {"f_integer": 2, "f_select": null, "f_boolean": false}});
    let changed = app.patch(&path, Some(&team.editor), patch).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(changed.body["custom_fields"], json!({"ticket": "T-1", "f_integer": 2, "f_boolean": false}));
    let required =
        app.patch(&path, Some(&team.editor), json!({"version": 2, "custom_fields": {"ticket": null}})).await;
    assert_eq!(required.error_fields(), ["custom_fields.ticket"]);
    let bad = app
        .patch(&path, Some(&team.editor), json!({"version": 2, "custom_fields": {"f_integer": "two"}}))
        .await;
    assert_eq!(bad.error_fields(), ["custom_fields.f_integer"]);
    assert_eq!(app.get(&path, Some(&team.viewer)).await.body["version"], 2);

    let events = app.get(&format!("{path}/events"), Some(&team.viewer)).await.body;
    let mut changes: Vec<_> = events["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["type"] == "field_changed")
        .map(|e| {
            (
                e["data"]["field"].as_str().expect("field").to_owned(),
                e["data"]["old"].clone(),
                e["data"]["new"].clone(),
            )
        })
        .collect();
    changes.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        changes,
        [
            ("custom_fields.f_boolean".to_owned(), Value::Null, json!(false)),
            ("custom_fields.f_integer".to_owned(), json!(1), json!(2)),
            ("custom_fields.f_select".to_owned(), json!("low"), Value::Null),
        ]
    );
}

async fn removing_what_cases_use_needs_clear_values(app: TestApp) {
    let team = Team::create(&app).await;
    let select = define(
        &app,
        &team,
        json!({"key": "tier", "label": "Tier", "type": "multi_select", "options": ["a", "b", "c"]}),
    )
    .await;
    let bu = define(&app, &team, json!({"key": "bu", "label": "BU", "type": "string"})).await;
    let case = open_case(&app, &team, json!({"tier": ["a", "b"], "bu": "finance"})).await.body;
    let case_path = format!("/v1/workspaces/{}/cases/{}", team.id(), case["id"].as_str().expect("id"));
    let tier = field_path(&team, &select);

    let relabel = app
        .patch(
            &tier,
            Some(&team.admin),
            json!({"version": 1, "label": "Tiers", "options": ["a", "b", "c", "d"]}),
        )
        .await;
    assert_eq!(relabel.status, StatusCode::OK, "{}", relabel.body);
    assert_eq!(
        app.get(&case_path, Some(&team.viewer)).await.body["version"],
        1,
        "relabelling touches no case"
    );
    let refused = app.patch(&tier, Some(&team.admin), json!({"version": 2, "options": ["b", "c"]})).await;
    refused.assert_problem(409, "CUSTOM_FIELD_IN_USE");
    let unused = app.patch(&tier, Some(&team.admin), json!({"version": 2, "options": ["a", "b", "c"]})).await;
    assert_eq!(unused.status, StatusCode::OK, "an option no case holds goes freely: {}", unused.body);
    let cleared = app
        .patch(&tier, Some(&team.admin), json!({"version": 3, "options": ["b", "c"], "clear_values": true}))
        .await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.body);
    let after = app.get(&case_path, Some(&team.viewer)).await.body;
    assert_eq!((after["custom_fields"]["tier"].clone(), after["version"].as_i64()), (json!(["b"]), Some(2)));
    let filtered =
        app.get(&format!("/v1/workspaces/{}/cases?custom_field=tier=a", team.id()), Some(&team.viewer)).await;
    filtered.assert_problem(422, "VALIDATION_FAILED");

    let bu_path = field_path(&team, &bu);
    app.delete(&bu_path, Some(&team.admin)).await.assert_problem(409, "CUSTOM_FIELD_IN_USE");
    assert_eq!(
        app.delete(&format!("{bu_path}?clear_values=true"), Some(&team.admin)).await.status,
        StatusCode::NO_CONTENT
    );
    let after = app.get(&case_path, Some(&team.viewer)).await.body;
    assert_eq!(
        (after["custom_fields"].clone(), after["version"].as_i64()),
        (json!({"tier": ["b"]}), Some(3))
    );
    let events = app.get(&format!("{case_path}/events"), Some(&team.viewer)).await.body;
    assert_eq!(
        events["items"][0]["data"],
        json!({"field": "custom_fields.bu", "old": "finance", "new": null})
    );
    app.get(&bu_path, Some(&team.viewer)).await.assert_problem(404, "NOT_FOUND");
}

crate::on_every_backend!(
    custom_fields_answer_each_role_as_documented,
    definitions_are_validated_and_keys_are_unique,
    every_type_is_set_and_read_in_canonical_form,
    each_invalid_value_is_refused_with_its_field_path,
    a_patch_changes_only_the_keys_it_names_and_is_audited,
    removing_what_cases_use_needs_clear_values,
);
