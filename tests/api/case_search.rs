//! Full-text search of cases (`q` on `listCases`): every part of a case is
//! found, with English stemming, phrases and exclusions; the index follows
//! every edit in the writing transaction; odd input is never an error
//! beyond a 422; `sort=relevance` ranks; and all engines agree on one corpus.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::team::Team;

/// The numbers of the cases `q` finds (newest first), read by a viewer.
async fn found(app: &TestApp, team: &Team, q: &str) -> Vec<i64> {
    found_with(app, team, q, "").await
}

async fn found_with(app: &TestApp, team: &Team, q: &str, more: &str) -> Vec<i64> {
    let q = percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC);
    let page = app.get(&format!("/v1/workspaces/{}/cases?q={q}{more}", team.id()), Some(&team.viewer)).await;
    assert_eq!(page.status, StatusCode::OK, "{q}: {}", page.body);
    page.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["number"].as_i64().expect("number"))
        .collect()
}

fn case_path(team: &Team, case: &Value) -> String {
    format!("/v1/workspaces/{}/cases/{}", team.id(), case["id"].as_str().expect("id"))
}

async fn add(app: &TestApp, team: &Team, path: String, body: Value) -> String {
    let made = app.post(&path, Some(&team.editor), body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{path}: {}", made.body);
    format!("{path}/{}", made.body["id"].as_str().expect("id"))
}

async fn every_part_of_a_case_is_found_with_stemming(app: TestApp) {
    let team = Team::create(&app).await;
    let a = app
        .create_case(
            &team.editor,
            team.id(),
            json!({"summary": "Phishing wave", "description": "Users clicked a link"}),
        )
        .await;
    let b = app.create_case(&team.editor, team.id(), json!({"summary": "Password spray"})).await;
    let c = app.create_case(&team.editor, team.id(), json!({"summary": "Odd DNS"})).await;
    add(
        &app,
        &team,
        format!("{}/comments", case_path(&team, &a)),
        json!({"body": "The attacker exfiltrated payroll data"}),
    )
    .await;
    add(&app, &team, format!("{}/tasks", case_path(&team, &b)), json!({"title": "Rotate the credentials"}))
        .await;
    add(
        &app,
        &team,
        format!("{}/observables", case_path(&team, &c)),
        json!({"type": "domain", "value": "evil.example.com"}),
    )
    .await;

    assert_eq!(found(&app, &team, "exfiltrating").await, [1], "a comment's word, stemmed");
    assert_eq!(found(&app, &team, "PAYROLL").await, [1], "case does not matter");
    assert_eq!(found(&app, &team, "clicking").await, [1], "the description");
    assert_eq!(found(&app, &team, "credential").await, [2], "a task title");
    assert_eq!(found(&app, &team, "evil.example.com").await, [3], "an observable value");
    assert_eq!(found(&app, &team, "phished users").await, [1], "every word, anywhere in the case");
    assert_eq!(found(&app, &team, "phishing credentials").await, Vec::<i64>::new());
}

async fn phrases_and_exclusions_apply(app: TestApp) {
    let team = Team::create(&app).await;
    let first = app.create_case(&team.editor, team.id(), json!({"summary": "Phishing wave"})).await;
    add(
        &app,
        &team,
        format!("{}/comments", case_path(&team, &first)),
        json!({"body": "payroll data left the building"}),
    )
    .await;
    app.create_case(
        &team.editor,
        team.id(),
        json!({"summary": "Phishing again", "description": "data about payroll"}),
    )
    .await;

    assert_eq!(found(&app, &team, "\"payroll data\"").await, [1]);
    assert_eq!(found(&app, &team, "\"data payroll\"").await, Vec::<i64>::new());
    assert_eq!(found(&app, &team, "payroll data").await, [2, 1]);
    assert_eq!(found(&app, &team, "phishing -building").await, [2]);
    assert_eq!(found(&app, &team, "phishing -\"about payroll\"").await, [1]);
    assert_eq!(found(&app, &team, "phishing \"left the").await, [1], "an open quote runs to the end");
}

async fn the_index_follows_every_edit(app: TestApp) {
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Quiet start"})).await;
    let path = case_path(&team, &case);
    let comment = add(&app, &team, format!("{path}/comments"), json!({"body": "mimikatz seen"})).await;
    let task = add(&app, &team, format!("{path}/tasks"), json!({"title": "Image the laptop"})).await;
    assert_eq!(found(&app, &team, "mimikatz").await, [1]);

    let edited = app.patch(&comment, Some(&team.editor), json!({"body": "rubeus seen", "version": 1})).await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    assert_eq!(found(&app, &team, "mimikatz").await, Vec::<i64>::new(), "the old words go");
    assert_eq!(found(&app, &team, "rubeus").await, [1]);
    let renamed =
        app.patch(&path, Some(&team.editor), json!({"summary": "Kerberoasting", "version": 1})).await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    assert_eq!(found(&app, &team, "quiet").await, Vec::<i64>::new());
    assert_eq!(found(&app, &team, "kerberoasting").await, [1]);
    assert_eq!(app.delete(&comment, Some(&team.admin)).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.delete(&task, Some(&team.editor)).await.status, StatusCode::NO_CONTENT);
    assert_eq!(found(&app, &team, "rubeus").await, Vec::<i64>::new());
    assert_eq!(found(&app, &team, "laptop").await, Vec::<i64>::new());

    assert_eq!(app.delete(&path, Some(&team.editor)).await.status, StatusCode::NO_CONTENT);
    assert_eq!(found(&app, &team, "kerberoasting").await, Vec::<i64>::new(), "the trash is not searched");
    let trashed = path.replacen("/cases/", "/trash/cases/", 1);
    let restored = app.post(&format!("{trashed}/restore"), Some(&team.admin), json!({})).await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.body);
    assert_eq!(found(&app, &team, "kerberoasting").await, [1], "restored with its text");
}

async fn odd_input_is_never_an_error_beyond_422(app: TestApp) {
    let team = Team::create(&app).await;
    app.create_case(&team.editor, team.id(), json!({"summary": "AND OR NOT near the c2 at 10.0.0.1"})).await;
    let odd = [
        "\"",
        "\"\"",
        "-",
        "--",
        "*",
        "a*",
        "NEAR(a b)",
        "a AND",
        "OR",
        "(",
        ")",
        "'",
        "\\",
        "^",
        ":",
        "col:term",
        "a & b | !c",
        "<->",
        "+a -b",
        "-\"a",
        "🦀",
        "naïve",
        "%",
        "_",
        "NOT",
        "\u{7f}",
        "a\"b\"c",
        "'; DROP TABLE cases; --",
    ];
    for q in odd {
        let encoded = percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC);
        let page =
            app.get(&format!("/v1/workspaces/{}/cases?q={encoded}", team.id()), Some(&team.viewer)).await;
        match page.status {
            StatusCode::OK => {}
            _ => {
                page.assert_problem(422, "VALIDATION_FAILED");
                assert_eq!(page.error_fields(), ["q"], "{q}");
            }
        }
    }
    assert_eq!(found(&app, &team, "NOT").await, [1], "operators are words");
    assert_eq!(found(&app, &team, "c2").await, [1], "short words are found");
    assert_eq!(found(&app, &team, "10.0.0.1").await, [1]);
    assert_eq!(found(&app, &team, "\"the c2\"").await, [1], "common words are not dropped");
    let only_out = app.get(&format!("/v1/workspaces/{}/cases?q=-c2", team.id()), Some(&team.viewer)).await;
    only_out.assert_problem(422, "VALIDATION_FAILED");
    let too_many = "w ".repeat(17);
    let many = app
        .get(
            &format!("/v1/workspaces/{}/cases?q={}", team.id(), too_many.replace(' ', "%20")),
            Some(&team.viewer),
        )
        .await;
    many.assert_problem(422, "VALIDATION_FAILED");
}

async fn relevance_ranks_every_match_once_across_pages(app: TestApp) {
    let team = Team::create(&app).await;
    app.create_case(&team.editor, team.id(), json!({"summary": "Beacon", "description": "one beacon"})).await;
    app.create_case(&team.editor, team.id(), json!({"summary": "Noise"})).await;
    app.create_case(
        &team.editor,
        team.id(),
        json!({"summary": "Beacon beacon", "description": "beacon beacon beacon"}),
    )
    .await;
    app.create_case(&team.editor, team.id(), json!({"summary": "Beaconing host", "status": "closed"})).await;

    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let url = format!("/v1/workspaces/{}/cases?q=beacon&sort=relevance&limit=1{cursor}", team.id());
        let page = app.get(&url, Some(&team.viewer)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        seen.extend(
            page.body["items"].as_array().expect("items").iter().map(|c| c["number"].as_i64().expect("n")),
        );
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [1, 3, 4], "each match once: {seen:?}");
    assert_eq!(seen[0], 3, "the case saying it most comes first: {seen:?}");
    assert_eq!(
        found_with(&app, &team, "beacon", "&sort=relevance&status=closed").await,
        [4],
        "filters still apply"
    );
    let without_q =
        app.get(&format!("/v1/workspaces/{}/cases?sort=relevance", team.id()), Some(&team.viewer)).await;
    without_q.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(without_q.error_fields(), ["q"]);
}

/// One corpus, one set of answers, on every engine (ranking aside).
async fn engines_agree_on_a_shared_corpus(app: TestApp) {
    let team = Team::create(&app).await;
    let corpus = [
        ("Phishing campaign targets finance", "Emails impersonating the CFO asked for wire transfers."),
        ("Ransomware on file server", "Files encrypted; note demands bitcoin. Backups intact."),
        ("Suspicious PowerShell", "Encoded command downloaded a payload from 203.0.113.9."),
        ("Lost laptop", "Laptop left on a train; disk encryption enabled."),
        ("Wire transfer fraud", "A transfer of $40,000 was wired to an unknown account."),
        ("Credential stuffing", "Thousands of failed logins from a botnet; MFA stopped them."),
        ("Insider data theft", "An employee copied customer data to a USB drive before leaving."),
        ("DNS tunnelling", "Long TXT queries to tunnel.example.net carried encoded data."),
    ];
    for (summary, description) in corpus {
        app.create_case(&team.editor, team.id(), json!({"summary": summary, "description": description}))
            .await;
    }
    let expected: [(&str, &[i64]); 15] = [
        ("wire", &[5, 1]),
        ("wired", &[5, 1]),
        ("\"wire transfer\"", &[5, 1]),
        ("\"transfer wire\"", &[]),
        ("encrypted", &[4, 2]),
        ("encoded", &[8, 3]),
        ("encoded data", &[8]),
        ("data -customer", &[8]),
        ("data -\"data customer\"", &[8, 7]),
        ("203.0.113.9", &[3]),
        ("tunnel.example.net", &[8]),
        ("login", &[6]),
        ("the", &[1]),
        ("a", &[7, 6, 5, 4, 3]),
        ("MFA botnet thousands", &[6]),
    ];
    for (q, numbers) in expected {
        assert_eq!(found(&app, &team, q).await, numbers, "{q}");
    }
}

/// Cases without search text (loaded into the database directly, or made
/// before search existed) are indexed when a server starts.
async fn cases_without_search_text_are_indexed_at_startup(app: TestApp) {
    let team = Team::create(&app).await;
    app.create_case(&team.editor, team.id(), json!({"summary": "Forgotten incident"})).await;
    app.execute_sql("DELETE FROM case_search").await;
    assert_eq!(found(&app, &team, "forgotten").await, Vec::<i64>::new());

    let app = app.restart_with(|_| {}).await;
    for _ in 0..100 {
        if found(&app, &team, "forgotten").await == [1] {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the case was not indexed after a restart");
}

crate::on_every_backend!(
    every_part_of_a_case_is_found_with_stemming,
    phrases_and_exclusions_apply,
    the_index_follows_every_edit,
    odd_input_is_never_an_error_beyond_422,
    relevance_ranks_every_match_once_across_pages,
    engines_agree_on_a_shared_corpus,
    cases_without_search_text_are_indexed_at_startup,
);
