//! What tests set up and inspect in the image API, through [`FakeOpenShift`]. Seeding is not a
//! request: it is not logged and does not count as an import.

use std::time::Duration;

use serde_json::{Value, json};

use crate::openshift::images::objects::{ImageRecord, SOURCE_REGISTRY};
use crate::openshift::server::FakeOpenShift;

impl FakeOpenShift {
    /// Seeds `namespace/stream:tag` resolved to `digest`, whose image has `labels`. The stream
    /// is created if needed; the tag's spec says it was imported from an external registry
    /// (this does not count as an import).
    pub fn seed_tag(
        &self,
        namespace: &str,
        stream: &str,
        tag: &str,
        digest: &str,
        labels: &[(&str, &str)],
    ) {
        let mut state = self.state();
        let store = &mut state.images;
        let reference = format!("{SOURCE_REGISTRY}@{digest}");
        store.images.insert(
            digest.to_owned(),
            ImageRecord {
                reference: reference.clone(),
                labels: labels
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            },
        );
        store.ensure_stream(namespace, stream, false);
        let from = json!({"kind": "DockerImage", "name": reference});
        let generation = store.set_spec_tag(namespace, stream, tag, from, "Source");
        store.push_event(namespace, stream, tag, (digest, &reference), generation);
        store.touch(namespace, stream, "MODIFIED");
    }

    /// Seeds an empty stream (a run that crashed after creating it).
    pub fn seed_stream(&self, namespace: &str, name: &str, local_lookup: bool) {
        self.state()
            .images
            .ensure_stream(namespace, name, local_lookup);
    }

    /// Tags `stream:tag` from the given source, as a POST of an ImageStreamTag would (resolved
    /// at once; a `DockerImage` source stays unresolved and is not counted as an import).
    pub fn seed_spec_tag(
        &self,
        namespace: &str,
        stream: &str,
        tag: &str,
        from_kind: &str,
        from_namespace: &str,
        from_name: &str,
    ) {
        let mut state = self.state();
        let store = &mut state.images;
        store.ensure_stream(namespace, stream, false);
        let from = json!({"kind": from_kind, "namespace": from_namespace, "name": from_name});
        let spec = json!({"name": tag, "from": from, "referencePolicy": {"type": "Local"}, "importPolicy": {"importMode": "PreserveOriginal"}});
        let generation = store.put_spec_tag(namespace, stream, tag, spec.clone());
        let mut spec = spec;
        spec["generation"] = json!(generation);
        let imports = store.imports;
        store.apply_resolution(namespace, stream, tag, &spec, generation);
        store.imports = imports;
        store.touch(namespace, stream, "MODIFIED");
    }

    /// Resolves `ImageStreamImage`/`ImageStreamTag` sources only after `delay` (None: at once).
    pub fn set_resolve_delay(&self, delay: Option<Duration>) {
        self.state().images.resolve_delay = delay;
    }

    /// Makes every later resolution fail with this condition reason and message (None: stop).
    pub fn fail_resolutions(&self, failure: Option<(&str, &str)>) {
        self.state().images.resolution_failure =
            failure.map(|(reason, message)| (reason.to_owned(), message.to_owned()));
    }

    /// How many registry imports were started (DockerImage sources).
    pub fn imports(&self) -> u32 {
        self.state().images.imports
    }

    /// The ImageStream as the server would return it.
    pub fn image_stream(&self, namespace: &str, name: &str) -> Option<Value> {
        self.state().images.stream(namespace, name).cloned()
    }

    /// The ImageStreamTag `stream:tag` as the server would return it.
    pub fn image_stream_tag(&self, namespace: &str, stream: &str, tag: &str) -> Option<Value> {
        self.state().images.istag_view(namespace, stream, tag)
    }

    /// The spec tag names of a stream.
    pub fn spec_tags(&self, namespace: &str, stream: &str) -> Vec<String> {
        self.image_stream(namespace, stream)
            .and_then(|s| s["spec"]["tags"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|t| t["name"].as_str().map(str::to_owned))
            .collect()
    }
}
