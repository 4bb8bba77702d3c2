//! Links between cases: who may do what, both ends' views, the refusals
//! (self links, second links, parent cycles, other workspaces), races,
//! the trash, the audit trails and the activity feed.

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::activity_events::{feed, types};
use crate::helpers::{TestApp, TestResponse};
use crate::team::{Caller, EVERYONE, Team, assert_access};

/// A new case of the team's workspace (made by its editor); its id.
async fn case(app: &TestApp, team: &Team, summary: &str) -> String {
    let case = app.create_case(&team.editor, team.id(), json!({"summary": summary})).await;
    case["id"].as_str().expect("id").to_owned()
}

fn links_of(team: &Team, case: &str) -> String {
    format!("/v1/workspaces/{}/cases/{case}/links", team.id())
}

async fn link(app: &TestApp, team: &Team, from: &str, kind: &str, to: &str) -> TestResponse {
    app.post(&links_of(team, from), Some(&team.editor), json!({"type": kind, "case_id": to})).await
}

/// Links `from` to `to`; the link as `from` sees it.
async fn linked(app: &TestApp, team: &Team, from: &str, kind: &str, to: &str) -> Value {
    let response = link(app, team, from, kind, to).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    response.body
}

/// The links `case` lists: (link id, type, other case id), newest first.
async fn listed(app: &TestApp, team: &Team, case: &str) -> Vec<(String, String, String)> {
    let response = app.get(&format!("{}?limit=100", links_of(team, case)), Some(&team.viewer)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let text = |v: &Value| v.as_str().expect("text").to_owned();
    let items = response.body["items"].as_array().expect("items").clone();
    items.iter().map(|l| (text(&l["id"]), text(&l["type"]), text(&l["linked_case"]["id"]))).collect()
}

async fn links_answer_each_role_as_documented(app: TestApp) {
    let team = Team::create(&app).await;
    let from = case(&app, &team, "Hub").await;
    let seed = linked(&app, &team, &from, "relates_to", &case(&app, &team, "Seed").await).await;
    let one = format!("{}/{}", links_of(&team, &from), seed["id"].as_str().expect("id"));
    for caller in EVERYONE {
        let token = team.token(caller);
        let to = case(&app, &team, &format!("For {caller:?}")).await;
        let create =
            app.post(&links_of(&team, &from), token, json!({"type": "parent_of", "case_id": to})).await;
        assert_access(caller, caller >= Caller::Editor, &create, StatusCode::CREATED);
        assert_access(
            caller,
            caller >= Caller::Viewer,
            &app.get(&links_of(&team, &from), token).await,
            StatusCode::OK,
        );
        assert_access(caller, caller >= Caller::Viewer, &app.get(&one, token).await, StatusCode::OK);
        if caller >= Caller::Editor {
            let made = create.body["id"].as_str().expect("id");
            let gone = app.delete(&format!("{}/{made}", links_of(&team, &to)), token).await;
            assert_eq!(gone.status, StatusCode::NO_CONTENT, "{caller:?}: {}", gone.body);
        } else {
            assert_access(caller, false, &app.delete(&one, token).await, StatusCode::NO_CONTENT);
        }
    }
    let by_key = app
        .post(
            &links_of(&team, &from),
            Some(&team.editor_key),
            json!({"type": "duplicates",
        "case_id": case(&app, &team, "Bot's").await}),
        )
        .await;
    assert_eq!(by_key.status, StatusCode::CREATED, "{}", by_key.body);
    assert_eq!(by_key.body["created_by_kind"], "service_account");
    assert_eq!(listed(&app, &team, &from).await.len(), 2, "the seed and the bot's link are left");
}

async fn a_link_is_seen_from_both_ends_with_the_inverse_type(app: TestApp) {
    let team = Team::create(&app).await;
    let (parent, child) = (case(&app, &team, "Phishing wave").await, case(&app, &team, "One mailbox").await);
    let response = link(&app, &team, &parent, "parent_of", &child).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    let made = &response.body;
    let id = made["id"].as_str().expect("id");
    assert!(id.starts_with("link_"), "{made}");
    assert_eq!((made["type"].as_str(), made["case_id"].as_str()), (Some("parent_of"), Some(parent.as_str())));
    assert_eq!(made["linked_case"]["id"].as_str(), Some(child.as_str()));
    assert_eq!(
        (made["linked_case"]["summary"].as_str(), &made["linked_case"]["status"]),
        (Some("One mailbox"), &json!("new"))
    );
    assert!(made["linked_case"]["number"].as_i64().is_some_and(|n| n >= 1), "{made}");
    assert_eq!(made["created_by"].as_str(), Some(team.editor_id.as_str()));
    assert_eq!(response.header("location"), format!("{}/{id}", links_of(&team, &parent)));
    assert_eq!(app.get(response.header("location"), Some(&team.viewer)).await.body, *made);

    let from_child = app.get(&format!("{}/{id}", links_of(&team, &child)), Some(&team.viewer)).await.body;
    assert_eq!(
        (from_child["type"].as_str(), from_child["case_id"].as_str()),
        (Some("child_of"), Some(child.as_str()))
    );
    assert_eq!(from_child["linked_case"]["id"].as_str(), Some(parent.as_str()));
    assert_eq!(from_child["linked_case"]["summary"], "Phishing wave");

    let (original, copy, other) = (
        case(&app, &team, "Original").await,
        case(&app, &team, "Copy").await,
        case(&app, &team, "Other").await,
    );
    let duplicate = linked(&app, &team, &copy, "duplicates", &original).await;
    let related = linked(&app, &team, &other, "relates_to", &parent).await;
    let text = |v: &Value| v.as_str().expect("text").to_owned();
    assert_eq!(
        listed(&app, &team, &original).await,
        [(text(&duplicate["id"]), "duplicated_by".into(), copy.clone())]
    );
    assert_eq!(
        listed(&app, &team, &parent).await,
        [
            (text(&related["id"]), "relates_to".into(), other.clone()),
            (id.to_owned(), "parent_of".into(), child.clone())
        ]
    );

    // Removed from the child's end, gone from both.
    assert_eq!(
        app.delete(&format!("{}/{id}", links_of(&team, &child)), Some(&team.editor)).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(listed(&app, &team, &parent).await.len(), 1);
    assert!(listed(&app, &team, &child).await.is_empty());
    app.get(&format!("{}/{id}", links_of(&team, &parent)), Some(&team.viewer))
        .await
        .assert_problem(404, "NOT_FOUND");
    app.delete(&format!("{}/{id}", links_of(&team, &parent)), Some(&team.editor))
        .await
        .assert_problem(404, "NOT_FOUND");
    // A link is only found under its own cases.
    let elsewhere = format!("{}/{}", links_of(&team, &other), duplicate["id"].as_str().expect("id"));
    app.get(&elsewhere, Some(&team.viewer)).await.assert_problem(404, "NOT_FOUND");
}

async fn links_are_in_both_trails_and_the_feed(app: TestApp) {
    let team = Team::create(&app).await;
    let (a, b) = (case(&app, &team, "A").await, case(&app, &team, "B").await);
    let made = linked(&app, &team, &a, "duplicated_by", &b).await;
    let id = made["id"].as_str().expect("id");
    app.delete(&format!("{}/{id}", links_of(&team, &a)), Some(&team.admin)).await;
    for (case, seen, other) in [(&a, "duplicated_by", &b), (&b, "duplicates", &a)] {
        let events = app
            .get(&format!("/v1/workspaces/{}/cases/{case}/events", team.id()), Some(&team.viewer))
            .await
            .body;
        let items = events["items"].as_array().expect("items");
        let kinds: Vec<_> = items.iter().map(|e| e["type"].as_str().expect("type")).collect();
        assert_eq!(kinds, ["link_removed", "link_added", "case_created"], "{events}");
        for event in &items[..2] {
            assert_eq!(
                (event["data"]["link_id"].as_str(), event["data"]["type"].as_str()),
                (Some(id), Some(seen))
            );
            assert_eq!(event["data"]["case_id"].as_str(), Some(other.as_str()), "{event}");
        }
        assert_eq!(
            (items[0]["actor_id"].as_str(), items[1]["actor_id"].as_str()),
            (Some(team.admin_id.as_str()), Some(team.editor_id.as_str()))
        );
    }
    let events = feed(&app, &team.viewer, team.id(), "&resource_type=case_link").await;
    assert_eq!(types(&events), ["case_link.created", "case_link.deleted"]);
    assert_eq!(events[1]["data"]["id"].as_str(), Some(id));
    assert_eq!(events[1]["data"]["type"], "duplicated_by");
}

async fn links_refuse_self_second_and_cyclic_links_and_change_nothing(app: TestApp) {
    let team = Team::create(&app).await;
    let (a, b, c) =
        (case(&app, &team, "A").await, case(&app, &team, "B").await, case(&app, &team, "C").await);
    let foreign_ws = app.create_workspace(&team.outsider, "Elsewhere").await;
    let foreign = app
        .create_case(&team.outsider, foreign_ws["id"].as_str().expect("id"), json!({"summary": "F"}))
        .await;
    let missing = "case_0000000000007000800000000000000a";
    for (body, field) in [
        (json!({"type": "relates_to", "case_id": a}), "case_id"),
        (json!({"type": "relates_to", "case_id": foreign["id"]}), "case_id"),
        (json!({"type": "relates_to", "case_id": missing}), "case_id"),
        (json!({"type": "relates_to", "case_id": "nope"}), "case_id"),
        (json!({"type": "sibling_of", "case_id": b}), "type"),
        (json!({"case_id": b}), "type"),
        (json!({"type": "relates_to"}), "case_id"),
    ] {
        let response = app.post(&links_of(&team, &a), Some(&team.editor), body.clone()).await;
        response.assert_problem(422, "VALIDATION_FAILED");
        assert_eq!(response.error_fields(), [field], "{body}: {}", response.body);
    }
    app.post(&links_of(&team, missing), Some(&team.editor), json!({"type": "relates_to", "case_id": b}))
        .await
        .assert_problem(404, "NOT_FOUND");

    linked(&app, &team, &a, "parent_of", &b).await;
    for (from, kind, to) in
        [(&a, "parent_of", &b), (&a, "relates_to", &b), (&b, "child_of", &a), (&b, "duplicates", &a)]
    {
        link(&app, &team, from, kind, to).await.assert_problem(409, "CASE_LINK_EXISTS");
    }
    linked(&app, &team, &b, "parent_of", &c).await;
    link(&app, &team, &c, "parent_of", &a).await.assert_problem(409, "CASE_LINK_CYCLE");
    link(&app, &team, &a, "child_of", &c).await.assert_problem(409, "CASE_LINK_CYCLE");
    // Not a cycle: a grandparent may also relate to, or be the parent of, its grandchild.
    linked(&app, &team, &a, "parent_of", &c).await;
    let kinds = |links: Vec<(String, String, String)>| links.into_iter().map(|l| l.1).collect::<Vec<_>>();
    assert_eq!(kinds(listed(&app, &team, &a).await), ["parent_of", "parent_of"]);
    assert_eq!(kinds(listed(&app, &team, &c).await), ["child_of", "child_of"]);
    let trail =
        app.get(&format!("/v1/workspaces/{}/cases/{a}/events", team.id()), Some(&team.viewer)).await.body;
    assert_eq!(trail["items"].as_array().expect("items").len(), 3, "two links and the creation: {trail}");
}

async fn racing_links_keep_one_link_per_pair_and_no_cycle(app: TestApp) {
    let team = Team::create(&app).await;
    let (a, b) = (case(&app, &team, "A").await, case(&app, &team, "B").await);
    let tries =
        ["relates_to", "duplicates", "parent_of", "child_of", "duplicated_by"].iter().cycle().take(10);
    let answers = join_all(tries.enumerate().map(|(i, kind)| {
        let (from, to) = if i % 2 == 0 { (&a, &b) } else { (&b, &a) };
        link(&app, &team, from, kind, to)
    }))
    .await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
    assert_eq!((listed(&app, &team, &a).await.len(), listed(&app, &team, &b).await.len()), (1, 1));

    for round in 0..4 {
        let (x, y, z) =
            (case(&app, &team, "X").await, case(&app, &team, "Y").await, case(&app, &team, "Z").await);
        linked(&app, &team, &x, "parent_of", &y).await;
        // Each alone is fine; both would make x its own ancestor.
        let (one, other) =
            tokio::join!(link(&app, &team, &y, "parent_of", &z), link(&app, &team, &z, "parent_of", &x));
        let mut statuses = [one.status.as_u16(), other.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [201, 409], "round {round}: {} / {}", one.body, other.body);
        let refused = if one.status == StatusCode::CONFLICT { &one } else { &other };
        refused.assert_problem(409, "CASE_LINK_CYCLE");
    }
}

async fn links_to_trashed_cases_hide_until_restored(app: TestApp) {
    let team = Team::create(&app).await;
    let (kept, trashed) = (case(&app, &team, "Kept").await, case(&app, &team, "Trashed").await);
    let made = linked(&app, &team, &kept, "relates_to", &trashed).await;
    let one = format!("{}/{}", links_of(&team, &kept), made["id"].as_str().expect("id"));
    let trashed_path = format!("/v1/workspaces/{}/cases/{trashed}", team.id());
    assert_eq!(app.delete(&trashed_path, Some(&team.editor)).await.status, StatusCode::NO_CONTENT);
    assert!(listed(&app, &team, &kept).await.is_empty());
    app.get(&one, Some(&team.viewer)).await.assert_problem(404, "NOT_FOUND");
    link(&app, &team, &kept, "duplicates", &trashed).await.assert_problem(422, "VALIDATION_FAILED");
    app.get(&links_of(&team, &trashed), Some(&team.viewer)).await.assert_problem(404, "NOT_FOUND");

    let restore = format!("/v1/workspaces/{}/trash/cases/{trashed}/restore", team.id());
    let restored = app.post(&restore, Some(&team.admin), json!({})).await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.body);
    assert_eq!(app.get(&one, Some(&team.viewer)).await.body, made);
}

async fn link_pages_follow_the_cursor_and_creates_replay(app: TestApp) {
    let team = Team::create(&app).await;
    let hub = case(&app, &team, "Hub").await;
    let mut made = Vec::new();
    for n in 0..3 {
        made.push(
            linked(&app, &team, &hub, "relates_to", &case(&app, &team, &format!("Spoke {n}")).await).await,
        );
    }
    let first = app.get(&format!("{}?limit=2", links_of(&team, &hub)), Some(&team.viewer)).await.body;
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let second =
        app.get(&format!("{}?limit=2&cursor={cursor}", links_of(&team, &hub)), Some(&team.viewer)).await.body;
    let ids: Vec<&Value> = first["items"]
        .as_array()
        .into_iter()
        .chain(second["items"].as_array())
        .flatten()
        .map(|l| &l["id"])
        .collect();
    let newest_first: Vec<&Value> = made.iter().rev().map(|l| &l["id"]).collect();
    assert_eq!((ids, &second["next_cursor"]), (newest_first, &Value::Null));
    app.get(&format!("{}?limit=0", links_of(&team, &hub)), Some(&team.viewer))
        .await
        .assert_problem(422, "VALIDATION_FAILED");

    let spoke = case(&app, &team, "Retried").await;
    let send = |kind: &'static str| {
        app.client
            .post(format!("{}{}", app.base_url, links_of(&team, &hub)))
            .bearer_auth(&team.editor)
            .header("Idempotency-Key", "link-key")
            .json(&json!({"type": kind, "case_id": spoke}))
            .send()
    };
    let once = TestApp::read(send("relates_to").await.expect("sent")).await;
    let again = TestApp::read(send("relates_to").await.expect("sent")).await;
    assert_eq!((once.status, again.status), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!((again.body.clone(), again.header("idempotent-replayed")), (once.body, "true"));
    TestApp::read(send("duplicates").await.expect("sent"))
        .await
        .assert_problem(422, "IDEMPOTENCY_KEY_REUSED");
    assert_eq!(listed(&app, &team, &spoke).await.len(), 1);
}

crate::on_every_backend!(
    links_answer_each_role_as_documented,
    a_link_is_seen_from_both_ends_with_the_inverse_type,
    links_are_in_both_trails_and_the_feed,
    links_refuse_self_second_and_cyclic_links_and_change_nothing,
    racing_links_keep_one_link_per_pair_and_no_cycle,
    links_to_trashed_cases_hide_until_restored,
    link_pages_follow_the_cursor_and_creates_replay,
);
