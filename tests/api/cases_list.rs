//! Listing cases: every filter, text search, every sort, and cursor paging.

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::team::Team;

/// Every case of a listing, following the cursor; each page holds `limit`.
async fn all_pages(app: &TestApp, token: &str, path_and_query: &str, limit: u32) -> Vec<Value> {
    let sep = if path_and_query.contains('?') { '&' } else { '?' };
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path_and_query}{sep}limit={limit}&cursor={c}"),
            None => format!("{path_and_query}{sep}limit={limit}"),
        };
        let page = app.get(&url, Some(token)).await;
        assert_eq!(page.status, StatusCode::OK, "{url}: {}", page.body);
        let batch = page.body["items"].as_array().expect("items").clone();
        assert!(batch.len() <= limit as usize);
        items.extend(batch);
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}

fn numbers(items: &[Value]) -> Vec<i64> {
    items.iter().map(|c| c["number"].as_i64().expect("number")).collect()
}

async fn every_filter_narrows_the_list(app: TestApp) {
    let team = Team::create(&app).await;
    let ws = team.id().to_owned();
    let specs = [
        json!({"summary": "Phishing wave", "status": "new", "priority": "high", "severity": "low", "tags": ["phishing"]}),
        json!({"summary": "Ransomware note", "status": "in_progress", "priority": "critical", "severity": "critical", "assignee_id": team.editor_id, "tags": ["ransomware", "edr"]}),
        json!({"summary": "Odd login", "description": "MFA fatigue from 100% of devices", "status": "resolved", "priority": "low", "severity": "medium", "assignee_id": team.viewer_id}),
        json!({"summary": "Scanner noise", "status": "closed", "priority": "medium", "severity": "informational", "tags": ["noise"]}),
    ];
    for spec in specs {
        app.create_case(&team.editor, &ws, spec).await;
    }
    let base = format!("/v1/workspaces/{ws}/cases");
    let cases = [
        ("", vec![4, 3, 2, 1]),
        ("?status=new", vec![1]),
        ("?status=new&status=closed", vec![4, 1]),
        ("?priority=critical&priority=high", vec![2, 1]),
        ("?severity=informational", vec![4]),
        ("?status=new&priority=critical", vec![]),
        (&format!("?assignee_id={}", team.editor_id), vec![2]),
        ("?assignee_id=none", vec![4, 1]),
        (&format!("?assignee_id=none&assignee_id={}", team.viewer_id), vec![4, 3, 1]),
        ("?tag=edr", vec![2]),
        ("?tag=noise&tag=PHISHING", vec![4, 1]),
        ("?q=RANSOMWARE", vec![2]),
        ("?q=mfa%20fatigue", vec![3]),
        ("?q=100%25", vec![3]),
        ("?q=fatigued", vec![3]),
    ];
    for (query, expected) in cases {
        let listed = app.get(&format!("{base}{query}"), Some(&team.viewer)).await;

        assert_eq!(listed.status, StatusCode::OK, "{query}: {}", listed.body);
        assert_eq!(numbers(listed.body["items"].as_array().expect("items")), expected, "{query}");
    }
}

async fn created_time_bounds_filter_the_list(app: TestApp) {
    let team = Team::create(&app).await;
    let ws = team.id().to_owned();
    let first = app.create_case(&team.editor, &ws, json!({"summary": "first"})).await;
    let second = app.create_case(&team.editor, &ws, json!({"summary": "second"})).await;
    let at = second["created_at"].as_str().expect("time");
    let base = format!("/v1/workspaces/{ws}/cases");

    let after = app.get(&format!("{base}?created_after={at}"), Some(&team.viewer)).await;
    let before = app.get(&format!("{base}?created_before={at}"), Some(&team.viewer)).await;
    let backwards = app
        .get(
            &format!("{base}?created_after={at}&created_before={}", first["created_at"].as_str().expect("t")),
            Some(&team.viewer),
        )
        .await;
    let garbage = app.get(&format!("{base}?created_after=yesterday"), Some(&team.viewer)).await;

    assert_eq!(numbers(after.body["items"].as_array().expect("items")), [2]);
    assert_eq!(numbers(before.body["items"].as_array().expect("items")), [1]);
    backwards.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(backwards.error_fields(), ["created_before"]);
    garbage.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(garbage.error_fields(), ["created_after"]);
}

async fn list_parameters_are_validated(app: TestApp) {
    let team = Team::create(&app).await;
    let base = format!("/v1/workspaces/{}/cases", team.id());
    let cases = [
        ("?status=open", "status"),
        ("?priority=urgent", "priority"),
        ("?sort=name", "sort"),
        ("?order=sideways", "order"),
        ("?assignee_id=bob", "assignee_id"),
        ("?limit=0", "limit"),
        ("?limit=101", "limit"),
        ("?cursor=bm90IGEgY3Vyc29y", "cursor"),
        ("?tag=", "tag"),
    ];
    for (query, field) in cases {
        let response = app.get(&format!("{base}{query}"), Some(&team.viewer)).await;

        response.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(response.error_fields(), [field], "{query}");
    }
}

async fn paging_through_500_cases_visits_each_once_in_every_sort(app: TestApp) {
    let team = Team::create(&app).await;
    let ws = team.id().to_owned();
    let priorities = ["low", "medium", "high", "critical"];
    let severities = ["informational", "low", "medium", "high", "critical"];
    for i in 0..500 {
        let body = json!({"summary": format!("Case {i}"), "priority": priorities[i % 4], "severity": severities[i % 5]});
        app.create_case(&team.editor, &ws, body).await;
    }
    let base = format!("/v1/workspaces/{ws}/cases");
    let rank = |list: &[&str], v: &Value| list.iter().position(|p| v.as_str() == Some(*p)).expect("known");
    for sort in ["created_at", "updated_at", "priority", "severity"] {
        for order in ["asc", "desc"] {
            let items = all_pages(&app, &team.viewer, &format!("{base}?sort={sort}&order={order}"), 37).await;

            let ids: HashSet<_> = items.iter().map(|c| c["id"].as_str().expect("id").to_owned()).collect();
            assert_eq!((items.len(), ids.len()), (500, 500), "{sort} {order}");
            let keys: Vec<(usize, String)> = items
                .iter()
                .map(|c| {
                    let key = match sort {
                        "priority" => rank(&priorities, &c["priority"]),
                        "severity" => rank(&severities, &c["severity"]),
                        _ => 0,
                    };
                    let tie = if sort == "updated_at" {
                        c["updated_at"].as_str()
                    } else {
                        c["created_at"].as_str()
                    };
                    (key, format!("{}{}", tie.expect("time"), c["id"].as_str().expect("id")))
                })
                .collect();
            let mut sorted = keys.clone();
            sorted.sort();
            if order == "desc" {
                sorted.reverse();
            }
            let (keys_primary, sorted_primary): (Vec<_>, Vec<_>) =
                (keys.iter().map(|k| k.0).collect(), sorted.iter().map(|k| k.0).collect());
            assert_eq!(keys_primary, sorted_primary, "{sort} {order}");
            if matches!(sort, "created_at" | "updated_at") {
                assert_eq!(keys, sorted, "{sort} {order}");
            }
        }
    }
}

async fn paging_while_others_write_neither_skips_nor_repeats(app: TestApp) {
    let team = Team::create(&app).await;
    let ws = team.id().to_owned();
    for i in 0..30 {
        app.create_case(&team.editor, &ws, json!({"summary": format!("Old {i}")})).await;
    }
    let base = format!("/v1/workspaces/{ws}/cases");
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{base}?limit=7&cursor={c}"),
            None => format!("{base}?limit=7"),
        };
        let page = app.get(&url, Some(&team.viewer)).await.body;
        seen.extend(numbers(page["items"].as_array().expect("items")));
        app.create_case(&team.editor, &ws, json!({"summary": "Written meanwhile"})).await;
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, (1..=30).rev().collect::<Vec<_>>());
}

crate::on_every_backend!(
    every_filter_narrows_the_list,
    created_time_bounds_filter_the_list,
    list_parameters_are_validated,
    paging_through_500_cases_visits_each_once_in_every_sort,
    paging_while_others_write_neither_skips_nor_repeats,
);
