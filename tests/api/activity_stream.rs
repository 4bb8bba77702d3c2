//! The live activity stream (Server-Sent Events): changes in commit order,
//! resumed from `Last-Event-ID` without gaps or repeats, across instances,
//! only what the listener may read, and a removed member disconnected.

use std::time::Duration;

use futures::StreamExt;
use futures::stream::BoxStream;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};
use crate::team::{Caller, EVERYONE, Team, assert_access};

/// Far longer than a change takes to reach a listener.
const PATIENCE: Duration = Duration::from_secs(10);

/// One listener's connection, read message by message.
struct Listener {
    body: BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    buffer: String,
}

impl Listener {
    async fn open(
        app: &TestApp,
        token: &str,
        workspace: &str,
        query: &str,
        last_event_id: Option<i64>,
    ) -> Self {
        let url = format!("{}/v1/workspaces/{workspace}/events/stream{query}", app.base_url);
        let mut request = app.client.get(url).bearer_auth(token);
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        let response = request.send().await.expect("connected");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Self { body: response.bytes_stream().boxed(), buffer: String::new() }
    }

    /// The next message's `id` and `data`; `None` when the server ended the stream.
    async fn next(&mut self) -> Option<(i64, Value)> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let message: String = self.buffer.drain(..end + 2).collect();
                let field =
                    |name: &str| message.lines().find_map(|line| line.strip_prefix(name)).map(str::trim);
                let (Some(id), Some(data)) = (field("id:"), field("data:")) else { continue }; // a keep-alive
                return Some((id.parse().expect("numeric id"), serde_json::from_str(data).expect("json")));
            }
            let chunk = tokio::time::timeout(PATIENCE, self.body.next()).await.expect("a message in time")?;
            self.buffer.push_str(std::str::from_utf8(&chunk.ok()?).expect("utf-8"));
        }
    }

    /// The types of the next `count` messages, checking ids equal `seq`.
    async fn types(&mut self, count: usize) -> Vec<String> {
        let mut types = Vec::new();
        for _ in 0..count {
            let (id, event) = self.next().await.expect("a message");
            assert_eq!(Some(id), event["seq"].as_i64(), "the id is the seq");
            types.push(event["type"].as_str().expect("type").to_owned());
        }
        types
    }
}

async fn summary_case(app: &TestApp, team: &Team, summary: &str) -> Value {
    app.create_case(&team.editor, team.id(), json!({"summary": summary})).await
}

async fn changes_arrive_in_commit_order_and_resume_without_gaps_or_repeats(app: TestApp) {
    let team = Team::create(&app).await;
    let mut listener = Listener::open(&app, &team.viewer, team.id(), "", None).await;
    for n in 0..3 {
        summary_case(&app, &team, &format!("Case {n}")).await;
    }
    let mut last = 0;
    let mut summaries = Vec::new();
    for _ in 0..3 {
        let (id, event) = listener.next().await.expect("an event");
        assert!(id > last, "in order: {id} after {last}");
        last = id;
        summaries.push(event["data"]["summary"].clone());
    }
    assert_eq!(summaries, [json!("Case 0"), json!("Case 1"), json!("Case 2")]);
    drop(listener);

    for n in 3..5 {
        summary_case(&app, &team, &format!("Case {n}")).await;
    }
    let mut resumed = Listener::open(&app, &team.viewer, team.id(), "", Some(last)).await;
    summary_case(&app, &team, "Case 5").await;
    let mut seen = Vec::new();
    for _ in 0..3 {
        let (_, event) = resumed.next().await.expect("an event");
        seen.push(event["data"]["summary"].as_str().expect("summary").to_owned());
    }
    assert_eq!(seen, ["Case 3", "Case 4", "Case 5"], "what was missed, then what follows, once each");
    let mut by_query =
        Listener::open(&app, &team.viewer, team.id(), &format!("?last_event_id={last}"), None).await;
    assert_eq!(by_query.types(3).await, ["case.created", "case.created", "case.created"]);
}

async fn only_what_the_listener_may_read_and_a_removed_member_is_cut_off(app: TestApp) {
    let team = Team::create(&app).await;
    let ws = team.id().to_owned();
    let mut viewer = Listener::open(&app, &team.viewer, &ws, "", None).await;
    let mut admin = Listener::open(&app, &team.admin, &ws, "", None).await;
    let mut comments_only = Listener::open(&app, &team.admin, &ws, "?resource_type=comment", None).await;
    app.service_account_key(&team.admin, &ws, "viewer").await;
    let case = summary_case(&app, &team, "Visible").await;
    let comments = format!("/v1/workspaces/{ws}/cases/{}/comments", case["id"].as_str().expect("id"));
    assert_eq!(
        app.post(&comments, Some(&team.editor), json!({"body": "Hi"})).await.status,
        StatusCode::CREATED
    );

    assert_eq!(
        admin.types(4).await,
        ["service_account.created", "api_key.created", "case.created", "comment.created"]
    );
    assert_eq!(
        viewer.types(2).await,
        ["case.created", "comment.created"],
        "admin-only resources are not streamed"
    );
    assert_eq!(comments_only.types(1).await, ["comment.created"]);

    let member = format!("/v1/workspaces/{ws}/members/{}", team.viewer_id);
    assert_eq!(app.delete(&member, Some(&team.admin)).await.status, StatusCode::NO_CONTENT);
    assert!(viewer.next().await.is_none(), "a removed member's stream ends");
    assert_eq!(admin.types(1).await, ["member.removed"]);
}

async fn listeners_need_membership_and_bad_parameters_are_refused(app: TestApp) {
    let team = Team::create(&app).await;
    let path = format!("/v1/workspaces/{}/events/stream", team.id());
    for caller in EVERYONE {
        let mut request = app.client.get(format!("{}{path}", app.base_url));
        if let Some(token) = team.token(caller) {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("sent");
        if caller >= Caller::Viewer {
            assert_eq!(response.status(), StatusCode::OK, "{caller:?}");
            continue;
        }
        assert_access(caller, false, &TestApp::read(response).await, StatusCode::OK);
    }
    for query in ["?last_event_id=-1", "?resource_type=planet", "?actor_id=bob", "?type=case.exploded"] {
        let response = app.get(&format!("{path}{query}"), Some(&team.viewer)).await;
        response.assert_problem(422, "VALIDATION_FAILED");
    }
    let header = app
        .client
        .get(format!("{}{path}", app.base_url))
        .bearer_auth(&team.viewer)
        .header("Last-Event-ID", "soon");
    TestApp::read(header.send().await.expect("sent")).await.assert_problem(422, "VALIDATION_FAILED");
}

async fn a_shutdown_ends_streams_instead_of_waiting_for_them(app: TestApp) {
    let team = Team::create(&app).await;
    let mut listener = Listener::open(&app, &team.viewer, team.id(), "", None).await;
    let started = std::time::Instant::now();
    let app = app.restart_with(|settings| settings.server.shutdown_grace = Duration::from_secs(30)).await;
    assert!(listener.next().await.is_none(), "the stream ended");
    assert!(started.elapsed() < Duration::from_secs(10), "the shutdown took {:?}", started.elapsed());
    assert_eq!(app.get("/v1/sessions/current", Some(&team.viewer)).await.status, StatusCode::OK);
}

crate::on_every_backend!(
    a_shutdown_ends_streams_instead_of_waiting_for_them,
    changes_arrive_in_commit_order_and_resume_without_gaps_or_repeats,
    only_what_the_listener_may_read_and_a_removed_member_is_cut_off,
    listeners_need_membership_and_bad_parameters_are_refused,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_on_one_instance_reaches_listeners_of_another_on_postgres() {
    across_instances(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_on_one_instance_reaches_listeners_of_another_on_mysql() {
    across_instances(Backend::Mysql).await;
}

/// Changes made on `a` stream from `b`, and a listener that reconnects to
/// the other instance misses nothing.
async fn across_instances(backend: Backend) {
    let Some(a) = TestApp::spawn(backend).await else { return };
    let b = a.sibling(|_| {}).await;
    let team = Team::create(&a).await;
    let mut on_b = Listener::open(&b, &team.viewer, team.id(), "", None).await;
    summary_case(&a, &team, "From a").await;
    let (last, event) = on_b.next().await.expect("an event");
    assert_eq!(event["data"]["summary"], "From a");
    drop(on_b);
    summary_case(&b, &team, "From b").await;
    summary_case(&a, &team, "From a again").await;
    let mut on_a = Listener::open(&a, &team.viewer, team.id(), "", Some(last)).await;
    let mut seen = Vec::new();
    for _ in 0..2 {
        seen.push(
            on_a.next().await.expect("an event").1["data"]["summary"].as_str().expect("summary").to_owned(),
        );
    }
    assert_eq!(seen, ["From b", "From a again"]);
}
