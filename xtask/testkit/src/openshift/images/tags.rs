//! Requests for `imagestreamtags` (list, create, get, update, patch, delete) and
//! `imagestreamimages` (get).

use serde_json::{Value, json};

use crate::openshift::body::{Answer, json_response};
use crate::openshift::conventions::TIMESTAMP;
use crate::openshift::group::Call;
use crate::openshift::images::objects::{IMAGE_GROUP, image, tag_names};
use crate::openshift::images::resolution::schedule;
use crate::openshift::state::{Shared, lock};
use crate::openshift::status::{Resource, bad_request, status_response};
use crate::openshift::update::requested_object;

const TAGS: Resource<'static> = Resource {
    group: IMAGE_GROUP,
    plural: "imagestreamtags",
};

const IMAGES: Resource<'static> = Resource {
    group: IMAGE_GROUP,
    plural: "imagestreamimages",
};

/// The 400 for an ImageStreamTag name that is not `stream:tag`.
fn invalid_name(name: &str) -> Answer {
    bad_request(&format!(
        "\"{name}\" is an invalid imagestreamtag name: it must be of the form <stream_name>:<tag>"
    ))
}

/// `GET imagestreamtags`: every tag of every stream of the namespace.
pub(crate) fn list(state: &Shared, call: &Call<'_>) -> Answer {
    let s = lock(state);
    let mut items = Vec::new();
    for ((ns, stream), value) in &s.images.streams {
        if ns != call.namespace {
            continue;
        }
        for tag in tag_names(value) {
            if let Some(view) = s.images.istag_view(ns, stream, &tag) {
                items.push(view);
            }
        }
    }
    json_response(
        200,
        &json!({"kind": "ImageStreamTagList", "apiVersion": format!("{IMAGE_GROUP}/v1"),
                "metadata": {"resourceVersion": s.images.counters.resource_version().to_string()}, "items": items}),
    )
}

/// `POST imagestreamtags`: tags `stream:tag` (creating the stream implicitly) and resolves it.
pub(crate) fn create(state: &Shared, call: &Call<'_>) -> Answer {
    let object = match call.request.json(TAGS.plural) {
        Ok(object) => object,
        Err(answer) => return *answer,
    };
    let namespace = call.namespace;
    let full = object["metadata"]["name"].as_str().unwrap_or("").to_owned();
    let Some((stream, tag)) = full
        .split_once(':')
        .filter(|(s, t)| !s.is_empty() && !t.is_empty() && !t.contains(':'))
    else {
        return invalid_name(&full);
    };
    let Some(mut spec) = object.get("tag").filter(|t| t.is_object()).cloned() else {
        return TAGS.invalid(
            &full,
            "tag: Required value: tag is required when creating an imagestreamtag",
        );
    };
    let mut s = lock(state);
    let store = &mut s.images;
    match store.stream(namespace, stream) {
        Some(existing) if tag_names(existing).contains(tag) => {
            return TAGS.already_exists(&full);
        }
        Some(_) => {}
        // OpenShift creates the stream implicitly, without local lookup.
        None => store.ensure_stream(namespace, stream, false),
    }
    spec["name"] = json!(tag);
    store.put_spec_tag(namespace, stream, tag, spec);
    let delayed = store.resolve(namespace, stream, tag);
    schedule(state, delayed);
    store.touch(namespace, stream, "MODIFIED");
    match store.istag_view(namespace, stream, tag) {
        Some(view) => json_response(201, &view),
        None => TAGS.not_found(&full),
    }
}

/// A request for the ImageStreamTag `name` (`stream:tag`).
pub(crate) fn item(state: &Shared, call: &Call<'_>, name: &str) -> Answer {
    let Some((stream, tag)) = name.split_once(':') else {
        return invalid_name(name);
    };
    let namespace = call.namespace;
    let mut s = lock(state);
    let Some(current) = s.images.istag_view(namespace, stream, tag) else {
        return TAGS.not_found(name);
    };
    match call.request.method.as_str() {
        "GET" => return json_response(200, &current),
        "DELETE" => {
            let key = (namespace.to_owned(), stream.to_owned());
            if let Some(stream_value) = s.images.streams.get_mut(&key) {
                for field in [("spec", "name"), ("status", "tag")] {
                    if let Some(tags) = stream_value[field.0]["tags"].as_array_mut() {
                        tags.retain(|t| t[field.1] != json!(tag));
                    }
                }
            }
            s.images.touch(namespace, stream, "MODIFIED");
            return status_response(200, "", "", None);
        }
        _ => {}
    }
    let updated = match requested_object(call.request, TAGS, name, &current, false) {
        Ok(updated) => updated,
        Err(answer) => return *answer,
    };
    let Some(mut spec) = updated.get("tag").filter(|t| t.is_object()).cloned() else {
        return TAGS.invalid(name, "tag: Required value");
    };
    spec["name"] = json!(tag);
    let store = &mut s.images;
    if current["tag"]["from"] != spec["from"] || current["tag"].is_null() {
        store.put_spec_tag(namespace, stream, tag, spec);
        let delayed = store.resolve(namespace, stream, tag);
        schedule(state, delayed);
    } else {
        store.put_spec_tag_keep_generation(namespace, stream, tag, spec);
    }
    store.touch(namespace, stream, "MODIFIED");
    match store.istag_view(namespace, stream, tag) {
        Some(view) => json_response(200, &view),
        None => TAGS.not_found(name),
    }
}

/// `GET imagestreamimages/<stream>@<digest>`: the image, when the stream ever pointed at it.
pub(crate) fn image_get(state: &Shared, call: &Call<'_>, name: &str) -> Answer {
    let s = lock(state);
    let Some((stream, digest)) = name.split_once('@') else {
        return bad_request(&format!(
            "\"{name}\" is an invalid imagestreamimage name: it must be of the form <stream_name>@<id>"
        ));
    };
    if !s.images.stream_has_image(call.namespace, stream, digest) {
        return IMAGES.not_found(name);
    }
    let mut image: Value = image(s.images.images.get(digest), digest, None);
    image["metadata"]["name"] = json!(digest);
    json_response(
        200,
        &json!({
            "kind": "ImageStreamImage",
            "apiVersion": format!("{IMAGE_GROUP}/v1"),
            "metadata": {"name": name, "namespace": call.namespace, "creationTimestamp": TIMESTAMP},
            "image": image,
        }),
    )
}
