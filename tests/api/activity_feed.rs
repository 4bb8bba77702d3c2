//! The activity feed's filters, paging, validation and access.

use serde_json::{Value, json};

use crate::activity_events::{feed, types};
use crate::helpers::TestApp;
use crate::team::{Caller, EVERYONE, Team, assert_access};

fn events_path(team: &Team) -> String {
    format!("/v1/workspaces/{}/events", team.id())
}

async fn filters_narrow_the_feed_and_all_apply(app: TestApp) {
    let team = Team::create(&app).await;
    let ws = team.id().to_owned();
    let first = app.create_case(&team.editor, &ws, json!({"summary": "First"})).await;
    let comments = format!("/v1/workspaces/{ws}/cases/{}/comments", first["id"].as_str().expect("id"));
    let commented = app.post(&comments, Some(&team.admin), json!({"body": "On it"})).await;
    assert_eq!(commented.status.as_u16(), 201, "{}", commented.body);
    let between = chrono::Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    app.create_case(&team.editor_key, &ws, json!({"summary": "Second"})).await;

    let of = |query: &'static str| {
        let (app, token, ws) = (&app, team.admin.clone(), ws.clone());
        async move { types(&feed(app, &token, &ws, query).await) }
    };
    assert_eq!(of("&resource_type=comment").await, ["comment.created"]);
    assert_eq!(
        of("&resource_type=comment&resource_type=case").await,
        ["case.created", "comment.created", "case.created"]
    );
    assert_eq!(of("&type=case.created").await, ["case.created", "case.created"]);
    assert_eq!(
        of("&type=case.created&resource_type=comment").await,
        Vec::<String>::new(),
        "all filters apply"
    );
    let by_case = format!("&case_id={}", first["id"].as_str().expect("id"));
    assert_eq!(types(&feed(&app, &team.admin, &ws, &by_case).await), ["case.created", "comment.created"]);
    let by_editor = format!("&actor_id={}", team.editor_id);
    assert_eq!(types(&feed(&app, &team.admin, &ws, &by_editor).await), ["case.created"]);
    let by_key = feed(&app, &team.admin, &ws, "&type=case.created").await;
    assert_eq!(by_key[0]["actor_kind"], "service_account");
    let key_actor = by_key[0]["actor_id"].as_str().expect("actor").to_owned();
    assert!(key_actor.starts_with("svc_"), "{key_actor}");
    assert_eq!(
        types(&feed(&app, &team.admin, &ws, &format!("&actor_id={key_actor}")).await),
        ["case.created"]
    );
    let since = format!(
        "&after={}",
        between.to_rfc3339_opts(chrono::SecondsFormat::Micros, true).replace('+', "%2B")
    );
    assert_eq!(types(&feed(&app, &team.admin, &ws, &since).await), ["case.created"]);
    let until = since.replace("after", "before");
    let earlier = types(&feed(&app, &team.admin, &ws, &until).await);
    assert_eq!(earlier.last().map(String::as_str), Some("comment.created"));
    assert!(!earlier.is_empty() && earlier.len() == feed(&app, &team.admin, &ws, "").await.len() - 1);
    assert_eq!(of("&type=*").await.len(), feed(&app, &team.admin, &ws, "").await.len(), "`*`: any type");
}

async fn pages_visit_every_event_once_while_new_ones_arrive(app: TestApp) {
    let team = Team::create(&app).await;
    let ws = team.id().to_owned();
    for n in 0..7 {
        app.create_case(&team.editor, &ws, json!({"summary": format!("Case {n}")})).await;
    }
    let all = feed(&app, &team.viewer, &ws, "").await;
    let mut seen: Vec<Value> = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app.get(&format!("{}?limit=3{cursor}", events_path(&team)), Some(&team.viewer)).await;
        assert_eq!(page.status.as_u16(), 200, "{}", page.body);
        seen.extend(page.body["items"].as_array().expect("items").iter().cloned());
        // A change between pages does not shift the next one.
        app.create_case(&team.editor, &ws, json!({"summary": "Meanwhile"})).await;
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    let ids = |events: &[Value]| events.iter().map(|e| e["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&seen), ids(&all), "every event once, in order");
}

async fn bad_parameters_are_refused_and_change_nothing(app: TestApp) {
    let team = Team::create(&app).await;
    let base = events_path(&team);
    let cases = [
        ("?resource_type=planet", "resource_type"),
        ("?type=case.exploded", "type"),
        ("?actor_id=acct_nope", "actor_id"),
        ("?case_id=wsp_00000000000000000000000000000000", "case_id"),
        ("?after=yesterday", "after"),
        ("?after=2026-01-02T00:00:00Z&before=2026-01-01T00:00:00Z", "before"),
        ("?limit=0", "limit"),
        ("?limit=101", "limit"),
        ("?cursor=bm90IGEgY3Vyc29y", "cursor"),
    ];
    for (query, field) in cases {
        let response = app.get(&format!("{base}{query}"), Some(&team.viewer)).await;
        response.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(response.error_fields(), [field], "{query}");
    }
    let unknown = format!("/v1/workspaces/wsp_{}/events", "0".repeat(32));
    app.get(&unknown, Some(&team.admin)).await.assert_problem(404, "NOT_FOUND");
}

async fn members_and_their_keys_read_the_feed_and_no_one_else(app: TestApp) {
    let team = Team::create(&app).await;
    for caller in EVERYONE {
        let response = app.get(&events_path(&team), team.token(caller)).await;
        assert_access(caller, caller >= Caller::Viewer, &response, reqwest::StatusCode::OK);
        if response.status.is_success() {
            let kinds = types(response.body["items"].as_array().expect("items"));
            let admin_only =
                kinds.iter().any(|kind| kind.starts_with("service_account.") || kind.starts_with("api_key."));
            assert_eq!(admin_only, caller >= Caller::Admin, "{caller:?}: {kinds:?}");
        }
    }
}

crate::on_every_backend!(
    filters_narrow_the_feed_and_all_apply,
    pages_visit_every_event_once_while_new_ones_arrive,
    bad_parameters_are_refused_and_change_nothing,
    members_and_their_keys_read_the_feed_and_no_one_else,
);
