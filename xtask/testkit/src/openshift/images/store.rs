//! The image API's store: streams (spec and status) and images, and the changes OpenShift makes
//! to them (spec tags with generations, status events and conditions, resource versions, watch
//! events).

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};

use crate::openshift::conventions::{Counters, TIMESTAMP};
use crate::openshift::images::objects::{
    ImageRecord, image_stream_tag, latest_event, new_stream, spec_tag,
};
use crate::openshift::watch::Watchers;

/// Streams by (namespace, name), as the JSON the server returns.
pub(crate) type Streams = BTreeMap<(String, String), Value>;

/// The state of `image.openshift.io`.
pub(crate) struct Store {
    /// Resource versions and uids, shared with the other groups.
    pub(crate) counters: Counters,
    /// Every ImageStream.
    pub(crate) streams: Streams,
    /// Every image, by digest.
    pub(crate) images: BTreeMap<String, ImageRecord>,
    /// Registry imports started (DockerImage sources).
    pub(crate) imports: u32,
    /// Resolve ImageStreamImage/ImageStreamTag sources after this delay (None: at once).
    pub(crate) resolve_delay: Option<Duration>,
    /// Fail every resolution with this condition (reason, message).
    pub(crate) resolution_failure: Option<(String, String)>,
    /// Watches on imagestreams.
    pub(crate) watchers: Watchers,
}

fn key(namespace: &str, name: &str) -> (String, String) {
    (namespace.to_owned(), name.to_owned())
}

impl Store {
    /// An empty store that versions objects with `counters`.
    pub(crate) fn new(counters: &Counters) -> Store {
        Store {
            counters: counters.clone(),
            streams: Streams::new(),
            images: BTreeMap::new(),
            imports: 0,
            resolve_delay: None,
            resolution_failure: None,
            watchers: Watchers::default(),
        }
    }

    /// The stream `namespace/name`.
    pub(crate) fn stream(&self, namespace: &str, name: &str) -> Option<&Value> {
        self.streams.get(&key(namespace, name))
    }

    /// Creates the stream unless it exists (telling watchers).
    pub(crate) fn ensure_stream(&mut self, namespace: &str, name: &str, local: bool) {
        let key = key(namespace, name);
        if self.streams.contains_key(&key) {
            return;
        }
        let uid = self.counters.next_uid();
        let rv = self.counters.next_resource_version();
        let stream = new_stream(namespace, name, &uid, rv, local);
        self.streams.insert(key, stream.clone());
        self.notify(namespace, name, "ADDED", &stream);
    }

    /// Bumps the stream's resourceVersion and tells watchers; returns the stream.
    pub(crate) fn touch(&mut self, namespace: &str, name: &str, kind: &str) -> Value {
        let rv = self.counters.next_resource_version();
        let Some(stream) = self.streams.get_mut(&key(namespace, name)) else {
            return Value::Null;
        };
        stream["metadata"]["resourceVersion"] = json!(rv.to_string());
        let stream = stream.clone();
        self.notify(namespace, name, kind, &stream);
        stream
    }

    /// Tells the watches of the stream that it was `kind`.
    pub(crate) fn notify(&mut self, namespace: &str, name: &str, kind: &str, stream: &Value) {
        self.watchers.notify(namespace, name, kind, stream);
    }

    fn stream_mut(&mut self, namespace: &str, name: &str) -> &mut Value {
        self.streams
            .get_mut(&key(namespace, name))
            .expect("callers create the stream first")
    }

    /// Sets a spec tag from a tag JSON, bumping the stream's generation; returns it.
    pub(crate) fn put_spec_tag(
        &mut self,
        namespace: &str,
        stream: &str,
        tag: &str,
        mut spec: Value,
    ) -> i64 {
        let value = self.stream_mut(namespace, stream);
        let generation = value["metadata"]["generation"].as_i64().unwrap_or(0) + 1;
        value["metadata"]["generation"] = json!(generation);
        spec["name"] = json!(tag);
        spec["generation"] = json!(generation);
        if spec.get("referencePolicy").is_none() {
            spec["referencePolicy"] = json!({"type": "Source"});
        }
        if !value["spec"]["tags"].is_array() {
            value["spec"]["tags"] = json!([]);
        }
        let tags = value["spec"]["tags"]
            .as_array_mut()
            .expect("just made an array");
        tags.retain(|t| t["name"] != json!(tag));
        tags.push(spec);
        generation
    }

    /// Replaces a spec tag whose source did not change, keeping its generation.
    pub(crate) fn put_spec_tag_keep_generation(
        &mut self,
        namespace: &str,
        stream: &str,
        tag: &str,
        mut spec: Value,
    ) {
        let value = self.stream_mut(namespace, stream);
        if let Some(existing) = value["spec"]["tags"]
            .as_array_mut()
            .and_then(|tags| tags.iter_mut().find(|t| t["name"] == json!(tag)))
        {
            spec["generation"] = existing["generation"].clone();
            *existing = spec;
        }
    }

    /// Sets the spec tag `tag` to `from` with this reference policy type; returns the generation.
    pub(crate) fn set_spec_tag(
        &mut self,
        namespace: &str,
        stream: &str,
        tag: &str,
        from: Value,
        reference: &str,
    ) -> i64 {
        let spec = json!({"name": tag, "from": from, "referencePolicy": {"type": reference}, "importPolicy": {"importMode": "Legacy"}});
        self.put_spec_tag(namespace, stream, tag, spec)
    }

    fn status_tag_mut(&mut self, namespace: &str, stream: &str, tag: &str) -> &mut Value {
        let value = self.stream_mut(namespace, stream);
        if !value["status"]["tags"].is_array() {
            value["status"]["tags"] = json!([]);
        }
        let tags = value["status"]["tags"]
            .as_array_mut()
            .expect("just made an array");
        let index = match tags.iter().position(|t| t["tag"] == json!(tag)) {
            Some(index) => index,
            None => {
                tags.push(json!({"tag": tag, "items": []}));
                tags.len() - 1
            }
        };
        &mut tags[index]
    }

    /// Records that `stream:tag` now points at `digest` (clearing its conditions).
    pub(crate) fn push_event(
        &mut self,
        namespace: &str,
        stream: &str,
        tag: &str,
        image: (&str, &str),
        generation: i64,
    ) {
        let (digest, reference) = image;
        let status = self.status_tag_mut(namespace, stream, tag);
        let event = json!({"created": TIMESTAMP, "dockerImageReference": reference, "image": digest, "generation": generation});
        match status["items"].as_array_mut() {
            Some(items) => items.insert(0, event),
            None => status["items"] = json!([event]),
        }
        if let Some(object) = status.as_object_mut() {
            object.remove("conditions");
        }
    }

    /// Records that resolving `stream:tag` failed with this reason and message.
    pub(crate) fn set_condition(
        &mut self,
        namespace: &str,
        stream: &str,
        tag: &str,
        (reason, message): (&str, &str),
        generation: i64,
    ) {
        let status = self.status_tag_mut(namespace, stream, tag);
        status["conditions"] = json!([{
            "type": "ImportSuccess", "status": "False", "lastTransitionTime": TIMESTAMP,
            "reason": reason, "message": message, "generation": generation,
        }]);
    }

    /// Whether any tag of the stream ever pointed at `digest`.
    pub(crate) fn stream_has_image(&self, namespace: &str, stream: &str, digest: &str) -> bool {
        self.stream(namespace, stream)
            .and_then(|s| s["status"]["tags"].as_array())
            .into_iter()
            .flatten()
            .flat_map(|t| t["items"].as_array().into_iter().flatten())
            .any(|e| e["image"] == json!(digest))
    }

    /// The reference recorded with `digest` in the stream's history.
    pub(crate) fn event_reference(
        &self,
        namespace: &str,
        stream: &str,
        digest: &str,
    ) -> Option<String> {
        self.stream(namespace, stream)?["status"]["tags"]
            .as_array()?
            .iter()
            .flat_map(|t| t["items"].as_array().into_iter().flatten())
            .find(|e| e["image"] == json!(digest))?["dockerImageReference"]
            .as_str()
            .map(str::to_owned)
    }

    /// The latest event of `stream:tag`.
    pub(crate) fn latest_event(&self, namespace: &str, stream: &str, tag: &str) -> Option<&Value> {
        latest_event(self.stream(namespace, stream)?, tag)
    }

    /// The spec tag `stream:tag`.
    pub(crate) fn spec_tag(&self, namespace: &str, stream: &str, tag: &str) -> Option<&Value> {
        spec_tag(self.stream(namespace, stream)?, tag)
    }

    /// The ImageStreamTag `stream:tag` as the server would return it.
    pub(crate) fn istag_view(&self, namespace: &str, stream: &str, tag: &str) -> Option<Value> {
        let value = self.stream(namespace, stream)?;
        image_stream_tag(namespace, stream, value, tag, &self.images)
    }
}
