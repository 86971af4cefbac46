//! Updates as the apiserver takes them: PUT with optimistic concurrency, JSON merge patch.

use serde_json::{Map, Value};

use crate::openshift::body::Answer;
use crate::openshift::request::ApiRequest;
use crate::openshift::status::{Resource, method_not_allowed, unsupported_patch};

/// The object a PUT or PATCH of `name` asks for, given the `current` one; or the answer that
/// refuses it (unreadable body, stale `resourceVersion`, not a merge patch, another verb).
/// `require_resource_version`: a PUT without `metadata.resourceVersion` is invalid (as for
/// imagestreams).
pub(crate) fn requested_object(
    request: &ApiRequest,
    resource: Resource<'_>,
    name: &str,
    current: &Value,
    require_resource_version: bool,
) -> Result<Value, Box<Answer>> {
    match request.method.as_str() {
        "PUT" => {
            let object = request.json(resource.plural)?;
            if require_resource_version
                && object["metadata"]["resourceVersion"]
                    .as_str()
                    .is_none_or(str::is_empty)
            {
                return Err(Box::new(resource.invalid(
                    name,
                    "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update",
                )));
            }
            if stale(&object, current) {
                return Err(Box::new(resource.conflict(name)));
            }
            Ok(object)
        }
        "PATCH" if request.is_merge_patch() => {
            let patch = request.json(resource.plural)?;
            if stale(&patch, current) {
                return Err(Box::new(resource.conflict(name)));
            }
            let mut object = current.clone();
            merge_patch(&mut object, &patch);
            Ok(object)
        }
        "PATCH" => Err(Box::new(unsupported_patch(&request.content_type))),
        _ => Err(Box::new(method_not_allowed())),
    }
}

/// RFC 7386 JSON merge patch.
fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(fields) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            if let Value::Object(object) = target {
                for (key, value) in fields {
                    if value.is_null() {
                        object.remove(key);
                    } else {
                        merge_patch(object.entry(key.clone()).or_insert(Value::Null), value);
                    }
                }
            }
        }
        other => *target = other.clone(),
    }
}

/// The body's `metadata.resourceVersion`, when it conflicts with the current one.
fn stale(body: &Value, current: &Value) -> bool {
    match body["metadata"]["resourceVersion"].as_str() {
        Some(rv) if !rv.is_empty() => Some(rv) != current["metadata"]["resourceVersion"].as_str(),
        _ => false,
    }
}
