//! JSON Schemas of the config and of `.ci-operator.yaml`, for editors (yaml-language-server).
//!
//! Draft-07, which yaml-language-server supports best. Generated from the types, so the schema
//! cannot drift from what the parser accepts; the committed copies under `schema/` are checked
//! by a test (`UPDATE_SCHEMA=1 cargo test -p config-model schema` rewrites them).

use schemars::generate::SchemaSettings;
use serde_json::Value;

use crate::config::Config;
use crate::in_repo::InRepoConfig;

/// The JSON Schema (draft-07) of a ci-operator config. Unknown top-level keys are allowed:
/// real configs carry dozens that this crate does not model.
pub fn config_schema() -> Value {
    let mut schema = SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<Config>();
    schema.insert("title".to_owned(), "ci-operator config".into());
    schema.insert("additionalProperties".to_owned(), Value::Bool(true));
    let mut value = schema.to_value();
    allow_null_fields(&mut value);
    value
}

/// The JSON Schema (draft-07) of `.ci-operator.yaml`. `build_root_image` is required; other
/// keys are allowed, as the tool only warns about them.
pub fn in_repo_schema() -> Value {
    let mut schema = SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<InRepoConfig>();
    schema.insert("title".to_owned(), ".ci-operator.yaml".into());
    schema.insert(
        "required".to_owned(),
        Value::Array(vec!["build_root_image".into()]),
    );
    let mut value = schema.to_value();
    allow_null_fields(&mut value);
    value
}

/// Lets every field be written with no value (`paths: null`, `tag:`): real configs do, Go's
/// reader takes it as the zero value, and so does ours (`null_as_default` in the types).
fn allow_null_fields(schema: &mut Value) {
    let mut objects: Vec<&mut Value> = vec![schema];
    while let Some(object) = objects.pop() {
        if let Some(Value::Object(properties)) = object.get_mut("properties") {
            for property in properties.values_mut() {
                if let Some(Value::String(kind)) = property.get("type") {
                    let kind = kind.clone();
                    property["type"] = Value::Array(vec![kind.into(), "null".into()]);
                }
            }
        }
        if let Some(Value::Object(definitions)) = object.get_mut("definitions") {
            objects.extend(definitions.values_mut());
        }
    }
}
