//! The published OpenAPI document: what poem-openapi derives from the
//! handlers, completed with the two things it cannot express, so that
//! linters, fuzzers and SDK generators get the whole contract:
//!
//! - `security: []` on operations that need no token (sign-up, sign-in,
//!   health, metrics), stating that they are public rather than leaving it
//!   unsaid;
//! - links from each create to the operations its new id unlocks (create a
//!   case -> get, update, delete it, comment on it, attach to it...), so
//!   clients and stateful fuzzers can follow them;
//! - examples of bodies that are not JSON (upload forms, CSV and lines of
//!   text), so Swagger UI's "Try it out" sends something that works;
//! - the `414` that hyper answers to a request line over 64 KiB, before the
//!   API reads it;
//! - the shape of a Server-Sent Event (OpenAPI 3.0 has the schema of an
//!   event stream describe one event: its `id`, `event` and `data` text),
//!   where poem-openapi writes an array of payloads.
//!
//! Derived at startup for the rules the HTTP layer reads from it, then
//! dropped: its texts (JSON, YAML, and the Swagger UI page with the UI's own
//! script inlined: 0.3, 0.2 and 1.9 MB) are rendered on their first request,
//! so a server no one reads the document from does not hold them. The same
//! text is served as JSON, as YAML, inside Swagger UI, and kept in
//! `openapi.yaml`.

use super::null_rules::NullRules;
use serde_json::{Map, Value, json};

/// The completed document, from which each form it is served in and the
/// rules the HTTP layer enforces are read.
pub struct Document(Value);

impl Document {
    /// JSON text.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(&self.0).unwrap_or_default()
    }

    /// YAML text.
    pub fn yaml(&self) -> String {
        serde_yaml_ng::to_string(&self.0).unwrap_or_default()
    }

    /// Which methods each path accepts (for `Allow` on 405).
    pub fn methods(&self) -> MethodIndex {
        MethodIndex::from_document(&self.0)
    }

    /// Which request body fields may be `null`.
    pub fn nulls(&self) -> NullRules {
        NullRules::from_document(&self.0)
    }
}

/// The methods of each documented path template.
#[derive(Debug, Default)]
pub struct MethodIndex(Vec<(Vec<Option<String>>, String)>);

impl MethodIndex {
    fn from_document(document: &Value) -> Self {
        let Some(paths) = document["paths"].as_object() else { return Self::default() };
        let entries = paths
            .iter()
            .map(|(path, item)| {
                let segments = path
                    .split('/')
                    .map(|segment| (!segment.starts_with('{')).then(|| segment.to_owned()))
                    .collect();
                let methods: Vec<String> = METHODS
                    .iter()
                    .filter(|m| item.get(**m).is_some())
                    .map(|m| m.to_ascii_uppercase())
                    .collect();
                (segments, methods.join(", "))
            })
            .collect();
        Self(entries)
    }

    /// The `Allow` value for a request path, if it is a documented one.
    pub fn allow(&self, path: &str) -> Option<&str> {
        let segments: Vec<&str> = path.split('/').collect();
        self.0
            .iter()
            .find(|(template, _)| {
                template.len() == segments.len()
                    && template.iter().zip(&segments).all(|(t, s)| t.as_deref().is_none_or(|t| t == *s))
            })
            .map(|(_, methods)| methods.as_str())
    }
}

/// Completes poem-openapi's JSON document `derived`.
pub fn complete(derived: &str) -> Document {
    let mut document: Value = serde_json::from_str(derived).unwrap_or_else(|err| {
        unreachable!("poem-openapi produced invalid JSON: {err}");
    });
    mark_public_operations(&mut document);
    close_request_schemas(&mut document);
    describe_event_streams(&mut document);
    add_body_examples(&mut document);
    super::field_value_schemas::describe(&mut document);
    super::uri_limit::describe(&mut document);
    add_links(&mut document);
    Document(document)
}

/// poem-openapi's Swagger UI `page`, which embeds the `derived` document
/// verbatim, showing the `completed` one instead.
pub fn swagger_page(page: &str, derived: &str, completed: &str) -> String {
    page.replacen(derived, completed, 1)
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// One operation, flattened: its path, method and object.
struct Operation {
    path: String,
    id: String,
    path_params: Vec<String>,
}

fn operations(document: &Value) -> Vec<Operation> {
    let Some(paths) = document["paths"].as_object() else { return Vec::new() };
    let mut found = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            let Some(id) = item[method]["operationId"].as_str() else { continue };
            let path_params = item[method]["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect();
            found.push(Operation { path: path.clone(), id: id.to_owned(), path_params });
        }
    }
    found
}

fn mark_public_operations(document: &mut Value) {
    let Some(paths) = document["paths"].as_object_mut() else { return };
    for item in paths.values_mut() {
        for method in METHODS {
            if let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) {
                operation.entry("security").or_insert_with(|| json!([]));
            }
        }
    }
}

/// Each `text/event-stream` schema becomes the schema of one event, whose
/// `data` is the JSON text of the payload poem-openapi named.
fn describe_event_streams(document: &mut Value) {
    let components = document["components"]["schemas"].clone();
    let mut inlined = Vec::new();
    let Some(paths) = document["paths"].as_object_mut() else { return };
    for item in paths.values_mut() {
        for method in METHODS {
            let Some(responses) = item.get_mut(method).and_then(|op| op.get_mut("responses")) else {
                continue;
            };
            for response in responses.as_object_mut().into_iter().flat_map(|r| r.values_mut()) {
                let Some(stream) = response.pointer_mut("/content/text~1event-stream") else { continue };
                let reference = stream["schema"]["items"]["$ref"].as_str().unwrap_or_default().to_owned();
                let name = reference.rsplit('/').next().map(str::to_owned);
                // Inlined: the payload's component would otherwise be referenced nowhere.
                let payload = name.as_ref().map_or(Value::Null, |n| components[n.as_str()].clone());
                inlined.extend(name.clone());
                stream["schema"] = json!({
                    "type": "object",
                    "description": "One event of the stream.",
                    "required": ["id", "event", "data"],
                    "properties": {
                        "id": {"type": "string", "pattern": "^[0-9]+$",
                               "description": "The event's number; send it back as `Last-Event-ID` to resume after it."},
                        "event": {"type": "string", "description": "The event's type (the payload's `type`)."},
                        "data": {"type": "string",
                                 "description": format!("The payload: a `{}` as JSON.", name.as_deref().unwrap_or("payload")),
                                 "x-payload-schema": payload},
                    },
                });
            }
        }
    }
    for name in inlined {
        let reference = format!("\"#/components/schemas/{name}\"");
        if !document.to_string().contains(&reference)
            && let Some(schemas) = document["components"]["schemas"].as_object_mut()
        {
            schemas.shift_remove(&name);
        }
    }
}

/// Upload forms and text bodies get examples, as JSON bodies have, that
/// succeed when sent as they are: a small text file; a CSV of
/// observables; lines of IPv4 addresses (with `type` set to `ipv4` where
/// the operation takes it).
fn add_body_examples(document: &mut Value) {
    let Some(paths) = document["paths"].as_object_mut() else { return };
    let examples = [
        (
            "multipart~1form-data",
            json!({"file": "Suspicious login from 203.0.113.7\n", "description": "Proxy log excerpt"}),
        ),
        (
            "text~1csv",
            json!(
                "type,value,is_ioc,tags\nipv4,203.0.113.7,true,phishing\ndomain,login-microsoft.example,true,phishing\n"
            ),
        ),
        ("text~1plain", json!("203.0.113.7\n198.51.100.23\n")),
    ];
    for item in paths.values_mut() {
        for method in METHODS {
            let mut has_lines = false;
            for (media, example) in &examples {
                if let Some(body) = item.pointer_mut(&format!("/{method}/requestBody/content/{media}"))
                    && let Some(body) = body.as_object_mut()
                {
                    body.insert("example".into(), example.clone());
                    has_lines |= *media == "text~1plain";
                }
            }
            let parameters = item.pointer_mut(&format!("/{method}/parameters")).and_then(Value::as_array_mut);
            for parameter in parameters.into_iter().flatten().filter(|p| has_lines && p["name"] == "type") {
                parameter["example"] = json!("ipv4");
            }
        }
    }
}

/// JSON request bodies refuse unknown fields (a misspelt field is an error,
/// not silently dropped): say so with `additionalProperties: false`.
fn close_request_schemas(document: &mut Value) {
    let mut names = Vec::new();
    for item in document["paths"].as_object().into_iter().flat_map(|paths| paths.values()) {
        for method in METHODS {
            let content = &item[method]["requestBody"]["content"];
            for (media, body) in content.as_object().into_iter().flatten() {
                if media.starts_with("application/json")
                    && let Some(name) = body["schema"]["$ref"].as_str()
                {
                    names.push(name.trim_start_matches("#/components/schemas/").to_owned());
                }
            }
        }
    }
    for name in names {
        if let Some(schema) = document["components"]["schemas"].get_mut(&name).and_then(Value::as_object_mut)
        {
            schema.insert("additionalProperties".into(), Value::Bool(false));
        }
    }
}

/// For each operation answering 201 with a record, a link to every
/// operation under `{its path}/{new_id}` whose path parameters are the
/// create's own plus the new id.
fn add_links(document: &mut Value) {
    let operations = operations(document);
    let mut links_by_create: Vec<(String, String, Map<String, Value>)> = Vec::new();
    for create in &operations {
        let item = &document["paths"][&create.path];
        let Some(method) = METHODS.iter().find(|m| item[**m]["operationId"] == create.id.as_str()) else {
            continue;
        };
        let created = &item[*method]["responses"]["201"];
        let Some(schema) = created["content"]["application/json; charset=utf-8"]["schema"]["$ref"].as_str()
        else {
            continue;
        };
        let properties = &document["components"]["schemas"]
            [schema.trim_start_matches("#/components/schemas/")]["properties"];
        let prefix = format!("{}/{{", create.path);
        let mut links = Map::new();
        for target in operations.iter().filter(|t| t.path.starts_with(&prefix)) {
            let new: Vec<&String> =
                target.path_params.iter().filter(|p| !create.path_params.contains(p)).collect();
            let [new] = new.as_slice() else { continue };
            if !target.path.starts_with(&format!("{prefix}{new}}}")) {
                continue;
            }
            let field = if properties.get("id").is_some() { "id" } else { new.as_str() };
            if properties.get(field).is_none() {
                continue;
            }
            let mut parameters = Map::new();
            for param in &target.path_params {
                let source = if param == *new {
                    format!("$response.body#/{field}")
                } else {
                    format!("$request.path.{param}")
                };
                parameters.insert(param.clone(), Value::String(source));
            }
            links.insert(
                target.id.clone(),
                json!({"operationId": target.id, "parameters": parameters,
                       "description": format!("`{}` of the new record.", target.id)}),
            );
        }
        if !links.is_empty() {
            links_by_create.push((create.path.clone(), (*method).to_owned(), links));
        }
    }
    for (path, method, links) in links_by_create {
        document["paths"][&path][&method]["responses"]["201"]["links"] = Value::Object(links);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> String {
        json!({
            "openapi": "3.0.0",
            "paths": {
                "/things": {"post": {"operationId": "createThing", "security": [{"bearerAuth": []}],
                    "responses": {"201": {"description": "made", "content": {"application/json; charset=utf-8":
                        {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}},
                "/things/{thing_id}": {"get": {"operationId": "getThing",
                    "parameters": [{"name": "thing_id", "in": "path"}], "responses": {}}},
                "/things/{thing_id}/parts/{part_id}": {"get": {"operationId": "getPart",
                    "parameters": [{"name": "thing_id", "in": "path"}, {"name": "part_id", "in": "path"}],
                    "responses": {}}}
            },
            "components": {"schemas": {"Thing": {"properties": {"id": {"type": "string"}}}}}
        })
        .to_string()
    }

    #[test]
    fn creates_link_to_what_their_new_id_unlocks() {
        let derived = sample();
        let document: Value = serde_json::from_str(&complete(&derived).json()).expect("json");
        let links = &document["paths"]["/things"]["post"]["responses"]["201"]["links"];
        assert_eq!(links["getThing"]["parameters"], json!({"thing_id": "$response.body#/id"}));
        assert!(links.get("getPart").is_none(), "part_id cannot come from the create");
    }

    #[test]
    fn operations_without_security_are_marked_public() {
        let derived = sample();
        let document: Value = serde_json::from_str(&complete(&derived).json()).expect("json");
        assert_eq!(document["paths"]["/things/{thing_id}"]["get"]["security"], json!([]));
        assert_eq!(document["paths"]["/things"]["post"]["security"], json!([{"bearerAuth": []}]));
    }

    #[test]
    fn allowed_methods_are_found_by_path_template() {
        let derived = sample();
        let index = complete(&derived).methods();
        assert_eq!(index.allow("/things/abc"), Some("GET"));
        assert_eq!(index.allow("/things"), Some("POST"));
        assert_eq!(index.allow("/things/abc/extra"), None);
    }

    #[test]
    fn swagger_ui_embeds_the_completed_document() {
        let derived = sample();
        let page = format!("<script>let spec = {derived};</script>");
        let completed = complete(&derived);
        let shown = swagger_page(&page, &derived, &completed.json());
        assert!(shown.contains("\"links\""));
        assert!(!shown.contains(&derived));
    }
}
