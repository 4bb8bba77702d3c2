//! Fixtures for the attachment tests: sample files of every allowed type,
//! multipart uploads, raw downloads, and a look inside the evidence store.

use casebook::store::evidence::EvidenceStore;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::helpers::{TestApp, TestResponse};

/// A sample file: name, declared type, bytes, and the type it must be judged as.
pub struct Sample {
    pub name: &'static str,
    pub declared: &'static str,
    pub bytes: Vec<u8>,
    pub judged: &'static str,
}

/// `head` followed by enough filler to make range requests meaningful.
fn padded(head: &[u8]) -> Vec<u8> {
    let mut bytes = head.to_vec();
    bytes.extend((0..3000u32).map(|i| (i % 251) as u8));
    bytes
}

fn text(body: &str) -> Vec<u8> {
    body.repeat(40).into_bytes()
}

/// One sample of each type allowed by default.
pub fn samples() -> Vec<Sample> {
    let sample = |name, declared, bytes, judged| Sample { name, declared, bytes, judged };
    vec![
        sample("shot.png", "image/png", padded(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png"),
        sample("photo.jpg", "image/jpeg", padded(b"\xff\xd8\xff\xe0\0\x10JFIF\0"), "image/jpeg"),
        sample("anim.gif", "image/gif", padded(b"GIF89a\x01\0\x01\0"), "image/gif"),
        sample("pic.webp", "image/webp", padded(b"RIFF\x24\0\0\0WEBPVP8 "), "image/webp"),
        sample("report.pdf", "application/pdf", padded(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), "application/pdf"),
        sample("notes.txt", "text/plain", text("Suspicious login from 203.0.113.7\n"), "text/plain"),
        sample("hosts.csv", "text/csv", text("host,port\n127.0.0.1,22\n"), "text/csv"),
        sample("alert.json", "application/json", text("{\"alert\": \"beacon\"}\n"), "application/json"),
        sample(
            "capture.pcap",
            "application/vnd.tcpdump.pcap",
            padded(b"\xd4\xc3\xb2\xa1\x02\0\x04\0\0\0\0\0\0\0\0\0\xff\xff\0\0\x01\0\0\0"),
            "application/vnd.tcpdump.pcap",
        ),
        sample(
            "capture.pcapng",
            "application/x-pcapng",
            padded(b"\x0a\x0d\x0d\x0a\x1c\0\0\0\x4d\x3c\x2b\x1a"),
            "application/x-pcapng",
        ),
        sample(
            "bundle.zip",
            "application/zip",
            padded(b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0"),
            "application/zip",
        ),
    ]
}

/// A text file of exactly `size` bytes.
pub fn text_of_size(size: usize) -> Vec<u8> {
    b"evidence line\n".iter().copied().cycle().take(size).collect()
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// One upload request's parts.
pub struct Upload<'a> {
    pub file_name: &'a str,
    pub content_type: Option<&'a str>,
    pub bytes: Vec<u8>,
    pub description: Option<&'a str>,
    pub idempotency_key: Option<&'a str>,
}

impl<'a> Upload<'a> {
    pub fn new(file_name: &'a str, content_type: &'a str, bytes: Vec<u8>) -> Self {
        Self { file_name, content_type: Some(content_type), bytes, description: None, idempotency_key: None }
    }

    fn form(self) -> Form {
        let mut file = Part::bytes(self.bytes).file_name(self.file_name.to_owned());
        if let Some(content_type) = self.content_type {
            file = file.mime_str(content_type).expect("media type");
        }
        let form = Form::new().part("file", file);
        match self.description {
            Some(description) => form.text("description", description.to_owned()),
            None => form,
        }
    }
}

impl TestApp {
    /// Uploads to `{owner_path}/attachments`.
    pub async fn upload(&self, owner_path: &str, token: Option<&str>, upload: Upload<'_>) -> TestResponse {
        let mut request = self.client.post(format!("{}{owner_path}/attachments", self.base_url));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(key) = upload.idempotency_key {
            request = request.header("idempotency-key", key);
        }
        Self::read(request.multipart(upload.form()).send().await.expect("request sent")).await
    }

    /// Uploads a hand-made multipart body.
    pub async fn upload_form(&self, owner_path: &str, token: &str, form: Form) -> TestResponse {
        let request =
            self.client.post(format!("{}{owner_path}/attachments", self.base_url)).bearer_auth(token);
        Self::read(request.multipart(form).send().await.expect("request sent")).await
    }

    /// Posts a raw body with a content type and a token.
    pub async fn send_raw_with_token(
        &self,
        path: &str,
        token: &str,
        content_type: &str,
        body: &str,
    ) -> TestResponse {
        let request = self
            .client
            .post(format!("{}{path}", self.base_url))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body.to_owned());
        Self::read(request.send().await.expect("request sent")).await
    }

    /// Downloads raw bytes, with extra request headers.
    pub async fn download(&self, path: &str, token: &str, headers: &[(&str, &str)]) -> Downloaded {
        let mut request = self.client.get(format!("{}{path}", self.base_url)).bearer_auth(token);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body").to_vec();
        Downloaded { status, headers, bytes }
    }

    /// Every key in this server's evidence store.
    pub async fn evidence_keys(&self) -> Vec<String> {
        let store = EvidenceStore::open(&self.settings.evidence_location()).expect("evidence store");
        let mut keys = store.keys().await.expect("list evidence");
        keys.sort();
        keys
    }
}

/// A download's status, headers and bytes.
pub struct Downloaded {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl Downloaded {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

/// The path of an attachment under `owner_path`.
pub fn attachment_path(owner_path: &str, attachment: &Value) -> String {
    format!("{owner_path}/attachments/{}", attachment["id"].as_str().expect("attachment id"))
}
