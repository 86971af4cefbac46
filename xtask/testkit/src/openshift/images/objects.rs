//! The JSON shapes of the image API's objects, computed from a stream as OpenShift does.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::openshift::conventions::TIMESTAMP;

/// The API group served.
pub const IMAGE_GROUP: &str = "image.openshift.io";
/// The integrated registry's in-cluster host, used for `status.dockerImageRepository`.
pub const REGISTRY: &str = "image-registry.openshift-image-registry.svc:5000";
/// The registry's public host, used for `status.publicDockerImageRepository`.
pub const PUBLIC_REGISTRY: &str = "registry.ci.example.com";
/// The external registry seeded images claim to come from.
pub const SOURCE_REGISTRY: &str = "quay-proxy.ci.openshift.org/openshift/ci";

/// An image the cluster knows: where it came from and its labels.
pub(crate) struct ImageRecord {
    /// `registry/repository@digest`.
    pub(crate) reference: String,
    /// The image config's labels.
    pub(crate) labels: BTreeMap<String, String>,
}

/// A new, empty ImageStream.
pub(crate) fn new_stream(
    namespace: &str,
    name: &str,
    uid: &str,
    resource_version: u64,
    local: bool,
) -> Value {
    json!({
        "kind": "ImageStream",
        "apiVersion": format!("{IMAGE_GROUP}/v1"),
        "metadata": {
            "name": name,
            "namespace": namespace,
            "uid": uid,
            "resourceVersion": resource_version.to_string(),
            "generation": 1,
            "creationTimestamp": TIMESTAMP,
        },
        "spec": {"lookupPolicy": {"local": local}},
        "status": {
            "dockerImageRepository": format!("{REGISTRY}/{namespace}/{name}"),
            "publicDockerImageRepository": format!("{PUBLIC_REGISTRY}/{namespace}/{name}"),
        },
    })
}

/// The stream's spec tag `tag`.
pub(crate) fn spec_tag<'a>(stream: &'a Value, tag: &str) -> Option<&'a Value> {
    stream["spec"]["tags"]
        .as_array()?
        .iter()
        .find(|t| t["name"] == json!(tag))
}

/// The stream's status tag `tag` (its history of images).
pub(crate) fn status_tag<'a>(stream: &'a Value, tag: &str) -> Option<&'a Value> {
    stream["status"]["tags"]
        .as_array()?
        .iter()
        .find(|t| t["tag"] == json!(tag))
}

/// The latest event of the status tag `tag`: the image it points at now.
pub(crate) fn latest_event<'a>(stream: &'a Value, tag: &str) -> Option<&'a Value> {
    status_tag(stream, tag)?["items"].as_array()?.first()
}

/// Every tag name in spec or status.
pub(crate) fn tag_names(stream: &Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for t in stream["spec"]["tags"].as_array().into_iter().flatten() {
        if let Some(n) = t["name"].as_str() {
            names.insert(n.to_owned());
        }
    }
    for t in stream["status"]["tags"].as_array().into_iter().flatten() {
        if let Some(n) = t["tag"].as_str() {
            names.insert(n.to_owned());
        }
    }
    names
}

/// The image as embedded in an ImageStreamTag or ImageStreamImage.
pub(crate) fn image(
    record: Option<&ImageRecord>,
    digest: &str,
    reference: Option<String>,
) -> Value {
    let labels: Map<String, Value> = record
        .map(|r| {
            r.labels
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "metadata": {"name": digest, "creationTimestamp": TIMESTAMP},
        "dockerImageReference": reference.or_else(|| record.map(|r| r.reference.clone())).unwrap_or_default(),
        "dockerImageMetadata": {
            "kind": "DockerImage",
            "apiVersion": "image.openshift.io/1.0",
            "Id": digest,
            "Config": {"Labels": labels},
            "Architecture": "amd64",
        },
        "dockerImageMetadataVersion": "1.0",
        "dockerImageManifestMediaType": "application/vnd.docker.distribution.manifest.v2+json",
    })
}

/// The ImageStreamTag `stream_name:tag` of `stream`, or None when the stream has no such tag.
pub(crate) fn image_stream_tag(
    namespace: &str,
    stream_name: &str,
    stream: &Value,
    tag: &str,
    images: &BTreeMap<String, ImageRecord>,
) -> Option<Value> {
    let spec = spec_tag(stream, tag).cloned();
    let status = status_tag(stream, tag).cloned();
    if spec.is_none() && status.is_none() {
        return None;
    }
    let image = match latest_event(stream, tag) {
        Some(event) => {
            let digest = event["image"].as_str().unwrap_or("");
            let local = spec
                .as_ref()
                .is_some_and(|s| s["referencePolicy"]["type"] == json!("Local"));
            let repository = stream["status"]["dockerImageRepository"]
                .as_str()
                .unwrap_or("");
            let reference = if local && !repository.is_empty() {
                format!("{repository}@{digest}")
            } else {
                event["dockerImageReference"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned()
            };
            image(images.get(digest), digest, Some(reference))
        }
        // Go serializes the empty Image struct: no name, no reference.
        None => {
            json!({"metadata": {"creationTimestamp": null}, "dockerImageMetadata": {"metadata": {}}, "dockerImageLayers": null})
        }
    };
    let mut view = json!({
        "kind": "ImageStreamTag",
        "apiVersion": format!("{IMAGE_GROUP}/v1"),
        "metadata": {
            "name": format!("{stream_name}:{tag}"),
            "namespace": namespace,
            "uid": stream["metadata"]["uid"],
            "resourceVersion": stream["metadata"]["resourceVersion"],
            "creationTimestamp": TIMESTAMP,
        },
        "tag": spec.clone().unwrap_or(Value::Null),
        "generation": spec.as_ref().map(|s| s["generation"].clone()).unwrap_or(json!(0)),
        "lookupPolicy": {"local": stream["spec"]["lookupPolicy"]["local"].as_bool().unwrap_or(false)},
        "image": image,
    });
    if let Some(conditions) = status
        .as_ref()
        .and_then(|s| s.get("conditions"))
        .filter(|c| c.is_array())
    {
        view["conditions"] = conditions.clone();
    }
    Some(view)
}

/// The group's `APIResourceList` resources.
pub(crate) fn resources() -> Value {
    json!([
        {"name": "imagestreams", "singularName": "imagestream", "namespaced": true, "kind": "ImageStream",
         "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], "shortNames": ["is"]},
        {"name": "imagestreamtags", "singularName": "imagestreamtag", "namespaced": true, "kind": "ImageStreamTag",
         "verbs": ["create", "delete", "get", "list", "patch", "update"], "shortNames": ["istag"]},
        {"name": "imagestreamimages", "singularName": "imagestreamimage", "namespaced": true, "kind": "ImageStreamImage",
         "verbs": ["get"], "shortNames": ["isimage"]},
    ])
}
