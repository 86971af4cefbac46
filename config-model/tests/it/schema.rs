//! The committed JSON Schemas are current (`UPDATE_SCHEMA=1` rewrites them) and well formed.

use std::path::PathBuf;

use serde_json::Value;

fn check_file(name: &str, schema: &Value) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(name);
    let mut text = serde_json::to_string_pretty(schema).unwrap();
    text.push('\n');
    if std::env::var_os("UPDATE_SCHEMA").is_some_and(|v| v == "1") {
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        fs_err::write(&path, &text).unwrap();
        return;
    }
    let committed = fs_err::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "{} is stale: run `cargo xtask schema` (or `UPDATE_SCHEMA=1 cargo test -p config-model schema`)",
        path.display()
    );
}

#[test]
fn schema_files_are_current() {
    check_file(
        "ci-operator-config.schema.json",
        &config_model::config_schema(),
    );
    check_file(
        "ci-operator-in-repo.schema.json",
        &config_model::in_repo_schema(),
    );
}

/// Every `$ref` points at a definition that exists.
fn check_refs(value: &Value, root: &Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                let pointer = target.strip_prefix('#').expect("local reference");
                assert!(root.pointer(pointer).is_some(), "dangling $ref {target}");
            }
            for child in map.values() {
                check_refs(child, root);
            }
        }
        Value::Array(items) => items.iter().for_each(|child| check_refs(child, root)),
        _ => {}
    }
}

#[test]
fn schema_config_shape() {
    let schema = config_model::config_schema();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["additionalProperties"], true);
    let properties = schema["properties"].as_object().unwrap();
    for key in [
        "build_root",
        "build_roots",
        "base_images",
        "binary_build_commands",
        "test_binary_build_commands",
        "rpm_build_commands",
        "images",
        "promotion",
        "canonical_go_repository",
        "zz_generated_metadata",
        "prowgen",
        "tests",
    ] {
        assert!(properties.contains_key(key), "missing {key}");
    }
    check_refs(&schema, &schema);
    // `images` takes both forms.
    let images = serde_json::to_string(&schema["definitions"]["Images"]).unwrap();
    assert!(images.contains("\"oneOf\""), "{images}");
    assert!(
        images.contains("\"array\"") && images.contains("\"items\""),
        "{images}"
    );
    // A build root says which keys it has.
    let build_root = &schema["definitions"]["BuildRoot"]["properties"];
    for key in [
        "image_stream_tag",
        "project_image",
        "from_repository",
        "use_build_cache",
    ] {
        assert!(build_root.get(key).is_some(), "BuildRoot.{key}");
    }
}

#[test]
fn schema_in_repo_shape() {
    let schema = config_model::in_repo_schema();
    assert_eq!(schema["required"], serde_json::json!(["build_root_image"]));
    check_refs(&schema, &schema);
    let text = serde_json::to_string(&schema).unwrap();
    for key in [
        "namespace",
        "name",
        "tag",
        "from_dockerfile",
        "image",
        "stage",
    ] {
        assert!(text.contains(&format!("\"{key}\"")), "{key}");
    }
    // `stage` is a name or an index.
    let stage = serde_json::to_string(&schema["definitions"]["StageRef"]).unwrap();
    assert!(
        stage.contains("\"integer\"") && stage.contains("\"string\""),
        "{stage}"
    );
}

/// Editors flag a bad namespace, name or tag as validation does.
#[test]
fn schema_image_stream_tag_patterns() {
    let config = config_model::config_schema();
    let in_repo = config_model::in_repo_schema();
    for members in [
        &config["definitions"]["ImageStreamTagReference"]["properties"],
        &in_repo["definitions"]["BuildRootImage"]["properties"],
    ] {
        assert_eq!(
            members["namespace"]["pattern"],
            "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
        );
        assert_eq!(members["name"]["pattern"], "^[a-z0-9]+([._-][a-z0-9]+)*$");
        assert_eq!(members["name"]["maxLength"], 253);
        assert_eq!(
            members["tag"]["pattern"],
            "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"
        );
    }
}
