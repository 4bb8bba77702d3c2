//! The published OpenAPI document: what poem-openapi derives from the
//! handlers, completed with the two things it cannot express, so that
//! linters, fuzzers and SDK generators get the whole contract:
//!
//! - `security: []` on operations that need no token (sign-up, sign-in,
//!   health, metrics), stating that they are public rather than leaving it
//!   unsaid;
//! - links from each create to the operations its new id unlocks (create a
//!   case -> get, update, delete it, comment on it, attach to it...), so
//!   clients and stateful fuzzers can follow them.
//!
//! Built once at startup; the same text is served as JSON, as YAML, inside
//! Swagger UI, and kept in `openapi.yaml`.

use serde_json::{Map, Value, json};

/// The document in each form it is served in.
pub struct Document {
    /// JSON text.
    pub json: String,
    /// YAML text.
    pub yaml: String,
    /// The Swagger UI page, with the document embedded.
    pub swagger_ui: String,
}

/// Completes poem-openapi's JSON document `derived`; `swagger_ui` is
/// poem-openapi's page for it, which embeds `derived` verbatim.
pub fn complete(derived: &str, swagger_ui: &str) -> Document {
    let mut document: Value = serde_json::from_str(derived).unwrap_or_else(|err| {
        unreachable!("poem-openapi produced invalid JSON: {err}");
    });
    mark_public_operations(&mut document);
    add_links(&mut document);
    let json = serde_json::to_string_pretty(&document).unwrap_or_default();
    let yaml = serde_yaml_ng::to_string(&document).unwrap_or_default();
    let swagger_ui = swagger_ui.replacen(derived, &json, 1);
    Document { json, yaml, swagger_ui }
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
        let document: Value = serde_json::from_str(&complete(&derived, "").json).expect("json");
        let links = &document["paths"]["/things"]["post"]["responses"]["201"]["links"];
        assert_eq!(links["getThing"]["parameters"], json!({"thing_id": "$response.body#/id"}));
        assert!(links.get("getPart").is_none(), "part_id cannot come from the create");
    }

    #[test]
    fn operations_without_security_are_marked_public() {
        let derived = sample();
        let document: Value = serde_json::from_str(&complete(&derived, "").json).expect("json");
        assert_eq!(document["paths"]["/things/{thing_id}"]["get"]["security"], json!([]));
        assert_eq!(document["paths"]["/things"]["post"]["security"], json!([{"bearerAuth": []}]));
    }

    #[test]
    fn swagger_ui_embeds_the_completed_document() {
        let derived = sample();
        let page = format!("<script>let spec = {derived};</script>");
        let completed = complete(&derived, &page);
        assert!(completed.swagger_ui.contains("\"links\""));
    }
}
