//! Resolving a spec tag's source into the stream's status, as OpenShift's image controller does:
//! at once, after the configured delay, or never (registry imports).

use std::time::Duration;

use serde_json::{Value, json};

use crate::openshift::images::objects::IMAGE_GROUP;
use crate::openshift::images::store::Store;
use crate::openshift::state::{Shared, lock};

/// A resolution postponed by the resolve delay.
pub(crate) struct Delayed {
    namespace: String,
    stream: String,
    tag: String,
    spec: Value,
    generation: i64,
    delay: Duration,
}

/// Why a source does not resolve: the condition's reason and message.
type Unresolved = (String, String);

impl Store {
    /// Resolves the spec tag `stream:tag` into status now, or returns the resolution to run
    /// after the resolve delay ([`schedule`] it).
    pub(crate) fn resolve(&mut self, namespace: &str, stream: &str, tag: &str) -> Option<Delayed> {
        let spec = self.spec_tag(namespace, stream, tag)?.clone();
        let generation = spec["generation"].as_i64().unwrap_or(0);
        let kind = spec["from"]["kind"].as_str().unwrap_or("");
        if let Some(delay) = self.resolve_delay.filter(|_| kind != "DockerImage") {
            return Some(Delayed {
                namespace: namespace.to_owned(),
                stream: stream.to_owned(),
                tag: tag.to_owned(),
                spec,
                generation,
                delay,
            });
        }
        self.apply_resolution(namespace, stream, tag, &spec, generation);
        None
    }

    /// Records what the spec tag's source resolves to now (an event or a failed condition).
    pub(crate) fn apply_resolution(
        &mut self,
        namespace: &str,
        stream: &str,
        tag: &str,
        spec: &Value,
        generation: i64,
    ) {
        if let Some((reason, message)) = self.resolution_failure.clone() {
            self.set_condition(namespace, stream, tag, (&reason, &message), generation);
            return;
        }
        match self.lookup_source(namespace, spec) {
            Ok(Some((digest, reference))) => {
                let current = self
                    .latest_event(namespace, stream, tag)
                    .is_some_and(|e| e["image"] == json!(digest));
                if !current {
                    self.push_event(namespace, stream, tag, (&digest, &reference), generation);
                }
            }
            Ok(None) => {}
            Err((reason, message)) => {
                self.set_condition(namespace, stream, tag, (&reason, &message), generation)
            }
        }
    }

    /// A postponed resolution, unless the spec tag changed since.
    fn finish(&mut self, delayed: &Delayed) {
        let Delayed {
            namespace,
            stream,
            tag,
            spec,
            generation,
            ..
        } = delayed;
        let still = self
            .spec_tag(namespace, stream, tag)
            .is_some_and(|t| t["generation"] == json!(generation));
        if still {
            self.apply_resolution(namespace, stream, tag, spec, *generation);
            self.touch(namespace, stream, "MODIFIED");
        }
    }

    /// What a spec tag's source resolves to now: `Ok(Some((digest, reference)))`, `Ok(None)`
    /// for an import that never completes, or the failed condition.
    fn lookup_source(
        &mut self,
        namespace: &str,
        spec: &Value,
    ) -> Result<Option<(String, String)>, Unresolved> {
        let from = &spec["from"];
        let from_ns = from["namespace"]
            .as_str()
            .filter(|n| !n.is_empty())
            .unwrap_or(namespace);
        let from_name = from["name"].as_str().unwrap_or("");
        match from["kind"].as_str().unwrap_or("") {
            "ImageStreamImage" => self.lookup_image(from_ns, from_name).map(Some),
            "ImageStreamTag" => self.lookup_tag(from_ns, from_name).map(Some),
            "DockerImage" => {
                // An import from a registry: counted, never completed.
                self.imports += 1;
                Ok(None)
            }
            other => Err((
                "InvalidKind".to_owned(),
                format!("unsupported source kind {other:?}"),
            )),
        }
    }

    /// `<stream>@<digest>` in `namespace`.
    fn lookup_image(&self, namespace: &str, name: &str) -> Result<(String, String), Unresolved> {
        let Some((stream, digest)) = name.split_once('@') else {
            return Err((
                "InvalidName".to_owned(),
                format!("\"{name}\" is not <stream>@<digest>"),
            ));
        };
        match self.event_reference(namespace, stream, digest) {
            Some(reference) => Ok((digest.to_owned(), reference)),
            None => Err((
                "NotFound".to_owned(),
                format!("imagestreamimages.{IMAGE_GROUP} \"{name}\" not found"),
            )),
        }
    }

    /// `<stream>:<tag>` in `namespace`: the image the tag points at now.
    fn lookup_tag(&self, namespace: &str, name: &str) -> Result<(String, String), Unresolved> {
        let Some((stream, tag)) = name.split_once(':') else {
            return Err((
                "InvalidName".to_owned(),
                format!("\"{name}\" is not <stream>:<tag>"),
            ));
        };
        match self.latest_event(namespace, stream, tag) {
            Some(event) => Ok((
                event["image"].as_str().unwrap_or("").to_owned(),
                event["dockerImageReference"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned(),
            )),
            None => Err((
                "NotFound".to_owned(),
                format!("imagestreamtags.{IMAGE_GROUP} \"{name}\" not found"),
            )),
        }
    }
}

/// Runs a postponed resolution on the server's runtime once its delay passed.
pub(crate) fn schedule(state: &Shared, delayed: Option<Delayed>) {
    let Some(delayed) = delayed else {
        return;
    };
    let state = state.clone();
    tokio::spawn(async move {
        tokio::time::sleep(delayed.delay).await;
        lock(&state).images.finish(&delayed);
    });
}
