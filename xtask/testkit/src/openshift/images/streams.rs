//! Requests for `imagestreams`: list, watch, create, get, update, patch, delete.

use serde_json::{Value, json};

use crate::openshift::body::{Answer, json_response};
use crate::openshift::group::Call;
use crate::openshift::images::objects::{IMAGE_GROUP, tag_names};
use crate::openshift::images::resolution::schedule;
use crate::openshift::images::store::Store;
use crate::openshift::state::{Shared, lock};
use crate::openshift::status::Resource;
use crate::openshift::update::requested_object;
use crate::openshift::watch;

const STREAMS: Resource<'static> = Resource {
    group: IMAGE_GROUP,
    plural: "imagestreams",
};

/// `GET imagestreams` (with an optional `fieldSelector=metadata.name=`).
pub(crate) fn list(state: &Shared, call: &Call<'_>) -> Answer {
    let s = lock(state);
    let name = call.request.field_selector_name();
    let items: Vec<Value> = s
        .images
        .streams
        .iter()
        .filter(|((ns, n), _)| ns == call.namespace && name.as_ref().is_none_or(|want| want == n))
        .map(|(_, v)| v.clone())
        .collect();
    json_response(
        200,
        &json!({"kind": "ImageStreamList", "apiVersion": format!("{IMAGE_GROUP}/v1"),
                "metadata": {"resourceVersion": s.images.counters.resource_version().to_string()}, "items": items}),
    )
}

/// `GET imagestreams?watch=1`: ADDED for each stream (or MODIFIED for each changed since
/// `resourceVersion`), then every change until `timeoutSeconds` (300 by default).
pub(crate) fn watch(state: &Shared, call: &Call<'_>) -> Answer {
    let watch = watch::WatchRequest::of(call.request);
    let mut s = lock(state);
    let initial = watch.initial_events(call.namespace, &s.images.streams);
    let events = s
        .images
        .watchers
        .subscribe(call.namespace, watch.name, initial);
    watch::response(events, watch.timeout)
}

/// `POST imagestreams`: the stream with its spec tags, resolved.
pub(crate) fn create(state: &Shared, call: &Call<'_>) -> Answer {
    let object = match call.request.json(STREAMS.plural) {
        Ok(object) => object,
        Err(answer) => return *answer,
    };
    let namespace = call.namespace;
    let Some(name) = object["metadata"]["name"].as_str().map(str::to_owned) else {
        return STREAMS.invalid(
            "",
            "metadata.name: Required value: name or generateName is required",
        );
    };
    let mut s = lock(state);
    let store = &mut s.images;
    if store.stream(namespace, &name).is_some() {
        return STREAMS.already_exists(&name);
    }
    let local = object["spec"]["lookupPolicy"]["local"]
        .as_bool()
        .unwrap_or(false);
    store.ensure_stream(namespace, &name, local);
    for tag in object["spec"]["tags"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        let Some(tag_name) = tag["name"].as_str().map(str::to_owned) else {
            continue;
        };
        store.put_spec_tag(namespace, &name, &tag_name, tag);
    }
    let tags = store
        .stream(namespace, &name)
        .map(tag_names)
        .unwrap_or_default();
    for tag in tags {
        let delayed = store.resolve(namespace, &name, &tag);
        schedule(state, delayed);
    }
    let created = store.touch(namespace, &name, "ADDED");
    json_response(201, &created)
}

/// A request for the stream `name`.
pub(crate) fn item(state: &Shared, call: &Call<'_>, name: &str) -> Answer {
    let namespace = call.namespace;
    let mut s = lock(state);
    let Some(current) = s.images.stream(namespace, name).cloned() else {
        return STREAMS.not_found(name);
    };
    match call.request.method.as_str() {
        "GET" => return json_response(200, &current),
        "DELETE" => {
            s.images
                .streams
                .remove(&(namespace.to_owned(), name.to_owned()));
            s.images.notify(namespace, name, "DELETED", &current);
            return json_response(200, &current);
        }
        _ => {}
    }
    let updated = match requested_object(call.request, STREAMS, name, &current, true) {
        Ok(updated) => updated,
        Err(answer) => return *answer,
    };
    let changed = replace_spec(&mut s.images, namespace, name, &current, &updated);
    for tag in changed {
        let delayed = s.images.resolve(namespace, name, &tag);
        schedule(state, delayed);
    }
    let updated = s.images.touch(namespace, name, "MODIFIED");
    json_response(200, &updated)
}

/// Writes the spec of `updated` over the stream (only the spec is writable; metadata and
/// status stay the server's): spec tags whose source did not change are kept as they were.
/// Returns the tags whose source changed, to resolve.
fn replace_spec(
    store: &mut Store,
    namespace: &str,
    name: &str,
    current: &Value,
    updated: &Value,
) -> Vec<String> {
    let local = updated["spec"]["lookupPolicy"]["local"]
        .as_bool()
        .unwrap_or(false);
    let new_tags = updated["spec"]["tags"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let old_tags = current["spec"]["tags"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if let Some(stream) = store
        .streams
        .get_mut(&(namespace.to_owned(), name.to_owned()))
    {
        stream["spec"]["lookupPolicy"] = json!({"local": local});
        stream["spec"]["tags"] = json!([]);
    }
    let mut changed = Vec::new();
    for tag in new_tags {
        let Some(tag_name) = tag["name"].as_str().map(str::to_owned) else {
            continue;
        };
        let old = old_tags.iter().find(|t| t["name"] == tag["name"]);
        if old.is_some_and(|o| o["from"] == tag["from"]) {
            let kept = old.cloned().unwrap_or(tag);
            if let Some(tags) = store
                .streams
                .get_mut(&(namespace.to_owned(), name.to_owned()))
                .and_then(|stream| stream["spec"]["tags"].as_array_mut())
            {
                tags.push(kept);
            }
        } else {
            store.put_spec_tag(namespace, name, &tag_name, tag);
            changed.push(tag_name);
        }
    }
    changed
}
