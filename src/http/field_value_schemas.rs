//! The document's schemas of custom field values: poem-openapi derives the
//! union of JSON types as an `object` with `anyOf`, which no value is; and
//! a partial update's values may be `null` (clear the field), which
//! OpenAPI 3.0 cannot say beside a `$ref`.

use serde_json::{Value, json};

const VALUE: &str = "CustomFieldValue";
const NULLABLE: &str = "NullableCustomFieldValue";

/// Corrects the value schema and points partial updates at a nullable copy.
pub fn describe(document: &mut Value) {
    let schemas = &mut document["components"]["schemas"];
    let Some(value) = schemas.get_mut(VALUE).and_then(Value::as_object_mut) else { return };
    value.remove("type");
    let mut nullable = value.clone();
    // OpenAPI 3.0 allows `nullable` only beside a `type`: on each choice.
    for choice in nullable.get_mut("anyOf").and_then(Value::as_array_mut).into_iter().flatten() {
        choice["nullable"] = Value::Bool(true);
    }
    nullable.insert(
        "description".into(),
        json!("A custom field value as for `CustomFieldValue`, or `null` to clear the field."),
    );
    schemas[NULLABLE] = Value::Object(nullable);
    let update = &mut schemas["UpdateCaseRequest"]["properties"]["custom_fields"]["additionalProperties"];
    if update.is_object() {
        *update = json!({"$ref": format!("#/components/schemas/{NULLABLE}")});
    }
}
