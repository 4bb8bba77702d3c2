//! Attachments: uploading, roles, validation, limits, idempotency,
//! deduplication, deletion and the audit trail, on every database and store.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::evidence::{Upload, attachment_path, samples, sha256, text_of_size};
use crate::helpers::TestApp;
use crate::team::{Caller, EVERYONE, Team, assert_access};

/// A team with one case; returns the team and the case's path.
async fn team_with_case(app: &TestApp) -> (Team, String) {
    let team = Team::create(app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Beaconing host"})).await;
    let path = format!("/v1/workspaces/{}/cases/{}", team.id(), case["id"].as_str().expect("id"));
    (team, path)
}

fn note(bytes: Vec<u8>) -> Upload<'static> {
    Upload::new("notes.txt", "text/plain", bytes)
}

async fn case_events(app: &TestApp, token: &str, case_path: &str) -> Vec<Value> {
    let response = app.get(&format!("{case_path}/events"), Some(token)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.body["items"].as_array().cloned().unwrap_or_default()
}

async fn an_upload_is_recorded_with_its_hash_and_audit_event(app: TestApp) {
    let (team, case_path) = team_with_case(&app).await;
    let bytes = text_of_size(5000);
    let upload = Upload { description: Some("Proxy log excerpt"), ..note(bytes.clone()) };

    let response = app.upload(&case_path, Some(&team.editor), upload).await;

    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    let attachment = &response.body;
    assert_eq!(response.header("location"), attachment_path(&case_path, attachment));
    assert!(attachment["id"].as_str().is_some_and(|id| id.starts_with("att_")), "{attachment}");
    assert_eq!(attachment["file_name"], "notes.txt");
    assert_eq!(attachment["media_type"], "text/plain");
    assert_eq!(attachment["size"], 5000);
    assert_eq!(attachment["sha256"], sha256(&bytes));
    assert_eq!(attachment["description"], "Proxy log excerpt");
    assert_eq!(attachment["uploaded_by"], team.editor_id.as_str());
    assert_eq!(attachment["scan_id"], Value::Null);
    let fetched = app.get(&attachment_path(&case_path, attachment), Some(&team.viewer)).await;
    assert_eq!(fetched.body, response.body);
    let listed = app.get(&format!("{case_path}/attachments"), Some(&team.viewer)).await;
    assert_eq!(listed.body["items"], json!([response.body]));
    let events = case_events(&app, &team.viewer, &case_path).await;
    let added = events.iter().find(|e| e["type"] == "attachment_added").expect("attachment_added event");
    assert_eq!(added["data"]["attachment_id"], attachment["id"]);
    assert_eq!(added["data"]["sha256"], attachment["sha256"]);
    assert_eq!(app.evidence_keys().await, vec![format!("blobs/{}", sha256(&bytes))]);
}

async fn roles_decide_who_uploads_reads_and_deletes(app: TestApp) {
    let (team, case_path) = team_with_case(&app).await;
    for caller in EVERYONE {
        let response = app.upload(&case_path, team.token(caller), note(text_of_size(100))).await;
        assert_access(caller, caller >= Caller::Editor, &response, StatusCode::CREATED);
    }
    let by_editor = app.upload(&case_path, Some(&team.editor), note(text_of_size(200))).await.body;
    let path = attachment_path(&case_path, &by_editor);
    for caller in EVERYONE {
        assert_access(caller, true, &app.get(&path, team.token(caller)).await, StatusCode::OK);
        let list = app.get(&format!("{case_path}/attachments"), team.token(caller)).await;
        assert_access(caller, true, &list, StatusCode::OK);
    }
    for caller in [Caller::SignedOut, Caller::Outsider, Caller::Viewer] {
        let response = app.delete(&path, team.token(caller)).await;
        assert_access(caller, false, &response, StatusCode::NO_CONTENT);
    }
    // Another editor may not delete the editor's file; an admin may.
    let other = app.signed_in_user("other-editor@example.com").await;
    app.add_member(&team.admin, team.id(), "other-editor@example.com", "editor").await;
    app.delete(&path, Some(&other)).await.assert_problem(403, "FORBIDDEN");
    assert_eq!(app.delete(&path, Some(&team.admin)).await.status, StatusCode::NO_CONTENT);
    app.get(&path, Some(&team.admin)).await.assert_problem(404, "NOT_FOUND");
}

async fn bad_forms_are_refused_and_store_nothing(app: TestApp) {
    let (team, case_path) = team_with_case(&app).await;
    let token = team.editor.as_str();

    let no_file = Form::new().text("description", "only words");
    let response = app.upload_form(&case_path, token, no_file).await;
    response.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(response.error_fields(), vec!["file"]);

    let stray =
        Form::new().part("file", Part::bytes(text_of_size(10)).file_name("a.txt")).text("colour", "red");
    let response = app.upload_form(&case_path, token, stray).await;
    response.assert_problem(422, "VALIDATION_FAILED");
    assert_eq!(response.error_fields(), vec!["colour"]);

    let two = Form::new()
        .part("file", Part::bytes(text_of_size(10)).file_name("a.txt"))
        .part("file", Part::bytes(text_of_size(11)).file_name("b.txt"));
    app.upload_form(&case_path, token, two).await.assert_problem(422, "VALIDATION_FAILED");

    let long = "x".repeat(2001);
    let upload = Upload { description: Some(&long), ..note(text_of_size(10)) };
    let response = app.upload(&case_path, Some(token), upload).await;
    assert_eq!(response.error_fields(), vec!["description"]);

    let empty = app.upload(&case_path, Some(token), note(Vec::new())).await;
    empty.assert_problem(422, "VALIDATION_FAILED");

    let json = app.post(&format!("{case_path}/attachments"), Some(token), json!({"file": "x"})).await;
    json.assert_problem(415, "UNSUPPORTED_MEDIA_TYPE");

    let garbled = app
        .send_raw_with_token(
            &format!("{case_path}/attachments"),
            token,
            "multipart/form-data; boundary=XYZ",
            "junk",
        )
        .await;
    garbled.assert_problem(400, "MALFORMED_REQUEST");

    let nowhere = format!("/v1/workspaces/{}/cases/case_{}", team.id(), "0".repeat(32));
    app.upload(&nowhere, Some(token), note(text_of_size(10))).await.assert_problem(404, "NOT_FOUND");

    let listed = app.get(&format!("{case_path}/attachments"), Some(token)).await;
    assert_eq!(listed.body["items"], json!([]));
    assert_eq!(app.evidence_keys().await, Vec::<String>::new());
}

async fn identical_contents_are_stored_once_and_removed_with_the_last_reference(app: TestApp) {
    let (team, case_path) = team_with_case(&app).await;
    let bytes = text_of_size(3000);
    let blob = vec![format!("blobs/{}", sha256(&bytes))];
    let first = app.upload(&case_path, Some(&team.editor), note(bytes.clone())).await.body;
    let second = app.upload(&case_path, Some(&team.admin), note(bytes.clone())).await.body;
    assert_ne!(first["id"], second["id"]);
    assert_eq!(app.evidence_keys().await, blob);

    assert_eq!(
        app.delete(&attachment_path(&case_path, &first), Some(&team.editor)).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.evidence_keys().await, blob, "still used by the second attachment");
    let download =
        app.download(&format!("{}/content", attachment_path(&case_path, &second)), &team.viewer, &[]).await;
    assert_eq!(download.bytes, bytes);

    assert_eq!(
        app.delete(&attachment_path(&case_path, &second), Some(&team.admin)).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.evidence_keys().await, Vec::<String>::new());
    let events = case_events(&app, &team.viewer, &case_path).await;
    assert_eq!(events.iter().filter(|e| e["type"] == "attachment_deleted").count(), 2);
}

async fn a_retried_upload_with_its_key_creates_one_attachment(app: TestApp) {
    let (team, case_path) = team_with_case(&app).await;
    let upload = || Upload { idempotency_key: Some("upload-1"), ..note(text_of_size(700)) };

    let first = app.upload(&case_path, Some(&team.editor), upload()).await;
    let retry = app.upload(&case_path, Some(&team.editor), upload()).await;

    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!((retry.status, retry.header("idempotent-replayed")), (StatusCode::CREATED, "true"));
    assert_eq!(retry.body, first.body);
    let listed = app.get(&format!("{case_path}/attachments"), Some(&team.editor)).await;
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(1));
    let other = Upload { idempotency_key: Some("upload-1"), ..note(text_of_size(701)) };
    app.upload(&case_path, Some(&team.editor), other).await.assert_problem(422, "IDEMPOTENCY_KEY_REUSED");
    assert_eq!(app.evidence_keys().await.len(), 1, "the refused upload left nothing");
}

async fn a_case_holds_at_most_the_configured_number_of_files(app: TestApp) {
    let app = app.restart_with(|settings| settings.evidence.attachment_max_count = 2).await;
    let (team, case_path) = team_with_case(&app).await;
    for size in [10, 20] {
        let response = app.upload(&case_path, Some(&team.editor), note(text_of_size(size))).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    }
    let third = app.upload(&case_path, Some(&team.editor), note(text_of_size(30))).await;
    third.assert_problem(409, "ATTACHMENT_LIMIT_REACHED");
    assert_eq!(app.evidence_keys().await.len(), 2);
}

async fn scans_take_attachments_and_their_case_records_them(app: TestApp) {
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Exposed service"})).await;
    let scan = app
        .create_scan(
            &team.editor,
            team.id(),
            json!({"target": "127.0.0.1", "ports": "1", "case_id": case["id"]}),
        )
        .await;
    let scan_path = format!("/v1/workspaces/{}/scans/{}", team.id(), scan["id"].as_str().expect("id"));
    let sample = samples().into_iter().find(|s| s.name == "capture.pcap").expect("pcap sample");

    let response = app
        .upload(&scan_path, Some(&team.editor), Upload::new(sample.name, sample.declared, sample.bytes))
        .await;

    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    assert_eq!(
        (response.body["scan_id"].clone(), response.body["case_id"].clone()),
        (scan["id"].clone(), Value::Null)
    );
    assert_eq!(response.body["media_type"], "application/vnd.tcpdump.pcap");
    let listed = app.get(&format!("{scan_path}/attachments"), Some(&team.viewer)).await;
    assert_eq!(listed.body["items"], json!([response.body]));
    let case_path = format!("/v1/workspaces/{}/cases/{}", team.id(), case["id"].as_str().expect("id"));
    let events = case_events(&app, &team.viewer, &case_path).await;
    let added = events.iter().find(|e| e["type"] == "attachment_added").expect("event on the linked case");
    assert_eq!(added["data"]["scan_id"], scan["id"]);
    // The case's own list does not show the scan's files.
    let case_list = app.get(&format!("{case_path}/attachments"), Some(&team.viewer)).await;
    assert_eq!(case_list.body["items"], json!([]));
}

async fn purging_a_case_frees_its_evidence_after_a_sweep(app: TestApp) {
    let (team, case_path) = team_with_case(&app).await;
    app.upload(&case_path, Some(&team.editor), note(text_of_size(900))).await;
    assert_eq!(app.evidence_keys().await.len(), 1);

    // In the trash, the case keeps its evidence (the sweeper runs when a
    // server starts, then every minute)...
    assert_eq!(app.delete(&case_path, Some(&team.admin)).await.status, StatusCode::NO_CONTENT);
    let app = app.restart_with(|_| {}).await;
    assert_eq!(app.evidence_keys().await.len(), 1, "a trashed case keeps its evidence");
    // ...until it is purged.
    let trashed = case_path.replacen("/cases/", "/trash/cases/", 1);
    assert_eq!(app.delete(&trashed, Some(&team.admin)).await.status, StatusCode::NO_CONTENT);
    let app = app.restart_with(|_| {}).await;

    let mut keys = app.evidence_keys().await;
    for _ in 0..50 {
        if keys.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        keys = app.evidence_keys().await;
    }
    assert_eq!(keys, Vec::<String>::new());
}

crate::on_every_store!(
    an_upload_is_recorded_with_its_hash_and_audit_event,
    roles_decide_who_uploads_reads_and_deletes,
    bad_forms_are_refused_and_store_nothing,
    identical_contents_are_stored_once_and_removed_with_the_last_reference,
    a_retried_upload_with_its_key_creates_one_attachment,
    a_case_holds_at_most_the_configured_number_of_files,
    scans_take_attachments_and_their_case_records_them,
    purging_a_case_frees_its_evidence_after_a_sweep,
);
