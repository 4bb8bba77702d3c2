//! The one refusal the API never sees: hyper reads a request line of at
//! most 65,534 bytes and answers a longer one with `414 URI Too Long`,
//! without a body, before any handler or middleware runs. A client that
//! builds a query from long filter values (three observable values near
//! their limit, percent-encoded) can reach it, so every operation documents
//! it, through one shared response.

use serde_json::{Value, json};

/// The name of the shared response under `components/responses`.
const NAME: &str = "UriTooLong";

/// Adds the shared 414 response, and a reference to it to every operation.
pub(super) fn describe(document: &mut Value) {
    document["components"]["responses"][NAME] = json!({
        "description": "The request line is longer than 65,534 bytes (percent-encoding included); \
            the HTTP layer refuses it before the API reads it, so this answer has no body. \
            Send shorter filter values, or fewer of them."
    });
    let reference = json!({ "$ref": format!("#/components/responses/{NAME}") });
    let Some(paths) = document["paths"].as_object_mut() else { return };
    for operation in paths.values_mut().filter_map(Value::as_object_mut).flat_map(|item| item.values_mut()) {
        if let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) {
            // In status order among the errors, the successes left first as they are.
            let entries = std::mem::take(responses);
            let mut placed = false;
            for (status, response) in entries {
                if !placed && status.as_str() > "414" && status.starts_with(['4', '5']) {
                    responses.insert("414".to_owned(), reference.clone());
                    placed = true;
                }
                responses.insert(status, response);
            }
            if !placed {
                responses.insert("414".to_owned(), reference.clone());
            }
        }
    }
}
