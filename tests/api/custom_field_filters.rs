//! `listCases` filtered by custom field values: equality for every type,
//! ranges for numbers and dates, several filters together, and cursor
//! paging both where a filter drives the list and where it does not.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::custom_fields::{define, define_every_type};
use crate::helpers::TestApp;
use crate::team::Team;

async fn summaries(app: &TestApp, team: &Team, query: &str) -> Vec<String> {
    let path = format!("/v1/workspaces/{}/cases?limit=100&{query}", team.id());
    let response = app.get(&path, Some(&team.viewer)).await;
    assert_eq!(response.status, StatusCode::OK, "{query}: {}", response.body);
    let items = response.body["items"].as_array().expect("items");
    let mut names: Vec<String> =
        items.iter().map(|c| c["summary"].as_str().expect("summary").to_owned()).collect();
    names.sort();
    names
}

async fn open(app: &TestApp, team: &Team, summary: &str, fields: Value) {
    let body = json!({"summary": summary, "custom_fields": fields});
    let response = app.post(&format!("/v1/workspaces/{}/cases", team.id()), Some(&team.editor), body).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
}

fn encode(text: &str) -> String {
    text.replace('+', "%2B").replace(' ', "%20").replace('\n', "%0A")
}

async fn every_type_filters_by_equality_and_numbers_and_dates_by_range(app: TestApp) {
    let team = Team::create(&app).await;
    define_every_type(&app, &team).await;
    let long = "z".repeat(300);
    open(
        &app,
        &team,
        "one",
        json!({
            "f_string": "Finance", "f_text": long, "f_integer": 5, "f_number": 1.5, "f_boolean": true,
            "f_date": "2026-01-10", "f_datetime": "2026-01-10T12:00:00Z", "f_url": "https://a.example/1",
            "f_select": "low", "f_multi_select": ["low", "high"], "f_member": team.viewer_id,
        }),
    )
    .await;
    open(
        &app,
        &team,
        "two",
        json!({
            "f_string": "Sales", "f_text": "short", "f_integer": 50, "f_number": -3, "f_boolean": false,
            "f_date": "2026-03-01", "f_datetime": "2026-03-01T00:00:00+01:00", "f_url": "https://b.example/2",
            "f_select": "high", "f_multi_select": ["high"], "f_member": team.editor_id,
        }),
    )
    .await;
    open(&app, &team, "three", json!({})).await;

    for (filter, expected) in [
        ("f_string=Finance", vec!["one"]),
        (&*format!("f_text={long}"), vec!["one"]),
        ("f_text=short", vec!["two"]),
        ("f_integer=50", vec!["two"]),
        ("f_number=1.5", vec!["one"]),
        ("f_number=-3", vec!["two"]),
        ("f_boolean=false", vec!["two"]),
        ("f_date=2026-01-10", vec!["one"]),
        ("f_datetime=2026-02-27T23:00:00Z", vec![]),
        ("f_datetime=2026-02-28T23:00:00Z", vec!["two"]),
        ("f_url=https://b.example/2", vec!["two"]),
        ("f_select=high", vec!["two"]),
        ("f_multi_select=high", vec!["one", "two"]),
        ("f_multi_select=low", vec!["one"]),
        (&*format!("f_member={}", team.viewer_id), vec!["one"]),
        ("f_integer>=5", vec!["one", "two"]),
        ("f_integer>5", vec!["two"]),
        ("f_integer<50", vec!["one"]),
        ("f_number<=1.5", vec!["one", "two"]),
        ("f_number<0", vec!["two"]),
        ("f_date>2026-01-10", vec!["two"]),
        ("f_date<2026-12-31", vec!["one", "two"]),
        ("f_datetime>=2026-01-10T13:00:00+01:00", vec!["one", "two"]),
        ("f_datetime<2026-01-10T12:00:00Z", vec![]),
    ] {
        let got = summaries(&app, &team, &format!("custom_field={}", encode(filter))).await;
        assert_eq!(got, expected, "{filter}");
    }
    let both = summaries(&app, &team, "custom_field=f_multi_select%3Dhigh&custom_field=f_integer%3C10").await;
    assert_eq!(both, ["one"]);
    let sorted = summaries(&app, &team, "custom_field=f_multi_select%3Dhigh&sort=priority").await;
    assert_eq!(sorted, ["one", "two"]);

    for bad in [
        "nokey",
        "f_select>=low",
        "f_string<x",
        "unknown=1",
        "f_integer=1.5",
        "f_select=medium",
        "f_date=tomorrow",
    ] {
        let path = format!("/v1/workspaces/{}/cases?custom_field={}", team.id(), encode(bad));
        let response = app.get(&path, Some(&team.viewer)).await;
        response.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(response.error_fields(), ["custom_field"], "{bad}");
    }
}

async fn a_driving_filter_pages_without_skips_or_repeats(app: TestApp) {
    let team = Team::create(&app).await;
    define(&app, &team, json!({"key": "bu", "label": "BU", "type": "select", "options": ["fin", "eng"]}))
        .await;
    for i in 0..9 {
        let bu = if i % 3 == 0 { "eng" } else { "fin" };
        open(&app, &team, &format!("c{i}"), json!({"bu": bu})).await;
    }
    for order in ["desc", "asc"] {
        let base = format!("/v1/workspaces/{}/cases?custom_field=bu%3Dfin&limit=2&order={order}", team.id());
        let (mut seen, mut cursor) = (Vec::new(), None::<String>);
        loop {
            let url = cursor.as_ref().map_or(base.clone(), |c| format!("{base}&cursor={c}"));
            let page = app.get(&url, Some(&team.viewer)).await.body;
            seen.extend(
                page["items"]
                    .as_array()
                    .expect("items")
                    .iter()
                    .map(|c| c["summary"].as_str().expect("s").to_owned()),
            );
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        let mut expected: Vec<String> = (0..9).filter(|i| i % 3 != 0).map(|i| format!("c{i}")).collect();
        if order == "desc" {
            expected.reverse();
        }
        assert_eq!(seen, expected, "{order}");
    }
    let filtered = "custom_field=bu%3Deng&status=new&q=c3";
    assert_eq!(summaries(&app, &team, filtered).await, ["c3"]);
}

crate::on_every_backend!(
    every_type_filters_by_equality_and_numbers_and_dates_by_range,
    a_driving_filter_pages_without_skips_or_repeats,
);
