//! The published contract: `openapi.yaml` is exactly what the server serves,
//! and the document follows the API conventions.

use serde_json::Value;

const COMMITTED: &str = include_str!("../../openapi.yaml");

#[test]
fn openapi_yaml_matches_the_document_the_server_serves() {
    let served = casebook::api::openapi_yaml();
    if served != COMMITTED {
        let diff = similar::TextDiff::from_lines(COMMITTED, served.as_str());
        panic!(
            "openapi.yaml is out of date; regenerate it with `cargo run -- openapi --output openapi.yaml`.\n{}",
            diff.unified_diff().context_radius(3).header("openapi.yaml", "served")
        );
    }
}

fn document() -> Value {
    serde_json::to_value(serde_yaml_ng::from_str::<Value>(COMMITTED).expect("openapi.yaml is YAML"))
        .expect("json")
}

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            found.push((method.to_uppercase(), path.clone(), operation.clone()));
        }
    }
    found
}

#[test]
fn every_operation_has_a_stable_id_one_tag_and_documented_errors() {
    let doc = document();
    let mut ids = Vec::new();
    for (method, path, operation) in operations(&doc) {
        let id =
            operation["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path}: no operationId"));
        assert!(
            id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && id.chars().all(|c| c.is_ascii_alphanumeric()),
            "{method} {path}: operationId {id} is not camelCase"
        );
        ids.push(id.to_owned());
        assert_eq!(operation["tags"].as_array().map(Vec::len), Some(1), "{method} {path}: one tag");
        assert!(
            operation["summary"].is_string() && operation["description"].is_string(),
            "{method} {path}: summary and description"
        );
        let responses = operation["responses"].as_object().expect("responses");
        for status in ["500", "503"] {
            assert!(responses.contains_key(status), "{method} {path}: {status} undocumented");
        }
        assert_eq!(
            responses["414"]["$ref"], "#/components/responses/UriTooLong",
            "{method} {path}: hyper's 414 undocumented"
        );
        for (status, response) in responses {
            // The 414 comes from hyper, before the API, and has no body.
            if (status.starts_with('4') || status.starts_with('5')) && status != "414" {
                assert_eq!(
                    response["content"]["application/problem+json"]["schema"]["$ref"],
                    "#/components/schemas/Problem",
                    "{method} {path} {status}: not a problem"
                );
            }
        }
        // Every operation states its security; public ones say `[]`.
        let security = operation.get("security").and_then(|s| s.as_array());
        assert!(security.is_some(), "{method} {path}: security is unstated");
        let secured = security.is_some_and(|s| !s.is_empty());
        if secured {
            assert!(responses.contains_key("401"), "{method} {path}: needs a token but 401 is undocumented");
        } else {
            assert!(
                !responses.contains_key("401") || id == "createSession",
                "{method} {path}: 401 without security"
            );
        }
        if operation.get("requestBody").is_some() {
            for status in ["400", "415", "422"] {
                assert!(responses.contains_key(status), "{method} {path}: {status} undocumented");
            }
        }
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "duplicate operationIds: {ids:?}");
}

#[test]
fn every_schema_and_field_is_described_and_requests_have_examples() {
    let doc = document();
    for (name, schema) in doc["components"]["schemas"].as_object().expect("schemas") {
        assert!(schema["description"].is_string(), "schema {name} has no description");
        for (field, property) in schema["properties"].as_object().into_iter().flatten() {
            assert!(property["description"].is_string(), "{name}.{field} has no description");
        }
        if name.ends_with("Request") {
            assert!(schema["example"].is_object(), "{name} has no example");
        }
    }
    assert_eq!(doc["components"]["securitySchemes"]["bearerAuth"]["scheme"], "bearer");
}
