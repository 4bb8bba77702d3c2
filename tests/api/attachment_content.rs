//! Attachment contents: every allowed type round trip, hashes and ETags,
//! ranges, the size limit, disguised files, unsafe names and aborted
//! uploads, on every database and store.

use futures::stream;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::json;

use crate::evidence::{Upload, attachment_path, samples, sha256, text_of_size};
use crate::helpers::TestApp;
use crate::team::Team;

async fn team_with_case(app: &TestApp) -> (Team, String) {
    let team = Team::create(app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Malware drop"})).await;
    let path = format!("/v1/workspaces/{}/cases/{}", team.id(), case["id"].as_str().expect("id"));
    (team, path)
}

async fn every_allowed_type_round_trips_with_its_hash(app: TestApp) {
    let (team, case_path) = team_with_case(&app).await;
    for sample in samples() {
        let upload = Upload::new(sample.name, sample.declared, sample.bytes.clone());
        let response = app.upload(&case_path, Some(&team.editor), upload).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}: {}", sample.name, response.body);
        assert_eq!(response.body["media_type"], sample.judged, "{}", sample.name);
        assert_eq!(response.body["sha256"], sha256(&sample.bytes), "{}", sample.name);

        let content = format!("{}/content", attachment_path(&case_path, &response.body));
        let download = app.download(&content, &team.viewer, &[]).await;

        assert_eq!(download.status, StatusCode::OK, "{}", sample.name);
        assert!(download.bytes == sample.bytes, "{}: content differs", sample.name);
        assert_eq!(download.header("content-type"), sample.judged);
        assert_eq!(download.header("etag"), format!("\"{}\"", sha256(&sample.bytes)));
        assert_eq!(download.header("x-content-type-options"), "nosniff");
        assert_eq!(download.header("accept-ranges"), "bytes");
        assert_eq!(download.header("content-length"), sample.bytes.len().to_string());
        let disposition = download.header("content-disposition");
        assert!(
            disposition.starts_with(&format!("attachment; filename=\"{}\"", sample.name)),
            "{disposition}"
        );
    }
    // Without a declared type, the content alone decides.
    let png = samples().remove(0);
    let undeclared = Upload { content_type: None, ..Upload::new("no-type", "", png.bytes) };
    let response = app.upload(&case_path, Some(&team.editor), undeclared).await;
    assert_eq!(response.body["media_type"], "image/png", "{}", response.body);
}

async fn byte_ranges_and_etags_are_honoured(app: TestApp) {
    let (team, case_path) = team_with_case(&app).await;
    let bytes = text_of_size(1000);
    let attachment = app
        .upload(&case_path, Some(&team.editor), Upload::new("log.txt", "text/plain", bytes.clone()))
        .await
        .body;
    let content = format!("{}/content", attachment_path(&case_path, &attachment));
    let etag = format!("\"{}\"", sha256(&bytes));

    let first = app.download(&content, &team.viewer, &[("range", "bytes=0-99")]).await;
    assert_eq!(first.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(first.bytes, bytes[..100]);
    assert_eq!(first.header("content-range"), "bytes 0-99/1000");
    assert_eq!(first.header("content-length"), "100");

    let tail = app.download(&content, &team.viewer, &[("range", "bytes=-10")]).await;
    assert_eq!((tail.status, tail.bytes.as_slice()), (StatusCode::PARTIAL_CONTENT, &bytes[990..]));
    let open_ended = app.download(&content, &team.viewer, &[("range", "bytes=995-")]).await;
    assert_eq!(open_ended.header("content-range"), "bytes 995-999/1000");

    let outside = app.download(&content, &team.viewer, &[("range", "bytes=1000-")]).await;
    assert_eq!(outside.status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(outside.header("content-range"), "bytes */1000");
    assert_eq!(outside.header("content-type"), "application/problem+json");

    let several = app.download(&content, &team.viewer, &[("range", "bytes=0-1,5-6")]).await;
    assert_eq!((several.status, several.bytes.len()), (StatusCode::OK, 1000));
    let stale =
        app.download(&content, &team.viewer, &[("range", "bytes=0-1"), ("if-range", "\"other\"")]).await;
    assert_eq!((stale.status, stale.bytes.len()), (StatusCode::OK, 1000));
    let fresh = app.download(&content, &team.viewer, &[("range", "bytes=0-1"), ("if-range", &etag)]).await;
    assert_eq!(fresh.status, StatusCode::PARTIAL_CONTENT);

    let unchanged = app.download(&content, &team.viewer, &[("if-none-match", &etag)]).await;
    assert_eq!((unchanged.status, unchanged.bytes.len()), (StatusCode::NOT_MODIFIED, 0));
    assert_eq!(unchanged.header("etag"), etag);
    let changed = app.download(&content, &team.viewer, &[("if-none-match", "\"something-else\"")]).await;
    assert_eq!(changed.status, StatusCode::OK);
}

async fn the_size_limit_holds_at_exactly_the_limit(app: TestApp) {
    let limit = 64 * 1024;
    let app = app.restart_with(|settings| settings.evidence.attachment_max_size = limit).await;
    let (team, case_path) = team_with_case(&app).await;

    let at_limit = text_of_size(limit as usize);
    let accepted =
        app.upload(&case_path, Some(&team.editor), Upload::new("a.txt", "text/plain", at_limit)).await;
    assert_eq!(accepted.status, StatusCode::CREATED, "{}", accepted.body);
    assert_eq!(accepted.body["size"], limit);

    let over = text_of_size(limit as usize + 1);
    let refused = app.upload(&case_path, Some(&team.editor), Upload::new("b.txt", "text/plain", over)).await;
    refused.assert_problem(413, "PAYLOAD_TOO_LARGE");

    let listed = app.get(&format!("{case_path}/attachments"), Some(&team.editor)).await;
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(app.evidence_keys().await.len(), 1, "only the accepted file is stored");
}

async fn disguised_and_disallowed_files_are_refused(app: TestApp) {
    let (team, case_path) = team_with_case(&app).await;
    let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0".repeat(50);
    let png = samples().remove(0).bytes;
    let cases = [
        Upload::new("cute-cat.png", "image/png", elf.clone()),
        Upload::new("cute-cat.png", "application/octet-stream", elf),
        Upload::new("shot.gif", "image/gif", png),
        Upload::new(
            "page.html",
            "text/html",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec(),
        ),
    ];
    for upload in cases {
        let name = format!("{} as {:?}", upload.file_name, upload.content_type);
        let response = app.upload(&case_path, Some(&team.editor), upload).await;
        assert_eq!(response.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{name}: {}", response.body);
        response.assert_problem(415, "UNSUPPORTED_FILE_TYPE");
    }
    let listed = app.get(&format!("{case_path}/attachments"), Some(&team.editor)).await;
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(0));
    assert_eq!(app.evidence_keys().await, Vec::<String>::new());
}

async fn file_names_never_become_paths(app: TestApp) {
    let (team, case_path) = team_with_case(&app).await;
    let names = [
        ("../../../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/absolute/dir/évidence <b>.txt", "évidence <b>.txt"),
        ("..", "attachment"),
        ("rapport \"final\".txt", "rapport \"final\".txt"),
    ];
    for (given, kept) in names {
        let bytes = format!("evidence for {given}\n").into_bytes();
        let response =
            app.upload(&case_path, Some(&team.editor), Upload::new(given, "text/plain", bytes.clone())).await;
        assert_eq!(response.status, StatusCode::CREATED, "{given}: {}", response.body);
        assert_eq!(response.body["file_name"], kept);
        let content = format!("{}/content", attachment_path(&case_path, &response.body));
        let download = app.download(&content, &team.viewer, &[]).await;
        assert_eq!(download.bytes, bytes);
        assert!(
            !download.header("content-disposition").contains('/'),
            "{}",
            download.header("content-disposition")
        );
    }
    // Only content-addressed blobs exist, whatever the names were.
    let keys = app.evidence_keys().await;
    assert_eq!(keys.len(), names.len());
    assert!(keys.iter().all(|key| key.starts_with("blobs/") && key.len() == "blobs/".len() + 64), "{keys:?}");
}

async fn an_aborted_upload_leaves_nothing_behind(app: TestApp) {
    let (team, case_path) = team_with_case(&app).await;
    let chunk = text_of_size(256 * 1024);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(chunk.clone()), Ok(chunk.clone()), Err(std::io::Error::other("client gave up"))];
    let body = reqwest::Body::wrap_stream(stream::iter(chunks));
    let form = Form::new()
        .part("file", Part::stream(body).file_name("big.txt").mime_str("text/plain").expect("type"));
    let sent = app
        .client
        .post(format!("{}{case_path}/attachments", app.base_url))
        .bearer_auth(&team.editor)
        .multipart(form)
        .send()
        .await;
    assert!(sent.is_err(), "the upload was cut off: {sent:?}");

    // The server notices the broken body and cleans up its staging object.
    let mut keys = app.evidence_keys().await;
    for _ in 0..50 {
        if keys.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        keys = app.evidence_keys().await;
    }
    assert_eq!(keys, Vec::<String>::new());
    let listed = app.get(&format!("{case_path}/attachments"), Some(&team.editor)).await;
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(0));
}

crate::on_every_store!(
    every_allowed_type_round_trips_with_its_hash,
    byte_ranges_and_etags_are_honoured,
    the_size_limit_holds_at_exactly_the_limit,
    disguised_and_disallowed_files_are_refused,
    file_names_never_become_paths,
    an_aborted_upload_leaves_nothing_behind,
);
