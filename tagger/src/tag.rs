//! The tagging flow: read the root, choose root or build cache, make sure `pipeline` and
//! `pipeline:<tag>` exist and point at the pinned digest, wait until the stream resolves it.
//!
//! Request sequence (each line is one request; the first two run concurrently):
//!
//! ```text
//! first run                        re-run (tag already pinned)
//! GET  <root istag>                GET <root istag>
//! GET  pipeline:<tag>    -> 404    GET pipeline:<tag>  -> same source, same digest: done
//! POST imagestream pipeline (409 tolerated)
//! POST imagestreamtag pipeline:<tag> (409 tolerated: read back, compare tag.from)
//! ```
//!
//! The ImageStream is created before the tag because creating an ImageStreamTag in a missing
//! stream makes the stream implicitly, with `lookupPolicy.local: false`. The tag's answer
//! carries the stream's lookup policy, so a stream someone else created without local lookup
//! is noticed without reading it, and patched. An `ImageStreamImage` source is resolved
//! synchronously by the server, so the create answer normally shows the digest and no wait is
//! needed; otherwise the stream is polled with backoff (OpenShift has no watch on
//! imagestreamtags, and polling survives dropped connections without a watcher restart).

use std::collections::BTreeMap;

use config_model::ImageStreamTagReference;
use kube::Resource;
use kube::api::{GetParams, Patch, PatchParams, PostParams};
use tokio::time::Instant;

use crate::api::{Answer, Cluster, Target, Verb};
use crate::error::{Error, Transient};
use crate::types::{
    ImageStream, ImageStreamTag, ObjectReference, TagImportPolicy, TagReference, TagReferencePolicy,
};
use crate::{BuildCacheSkipped, Choice, Options, Outcome, SkippedCache, TagRequest, Tagged};

/// The stream every job namespace keeps its pipeline images in.
pub(crate) const PIPELINE_STREAM: &str = "pipeline";

/// The label a build-cache image carries: the digest of the root it was built from.
pub const BUILD_CACHE_ROOT_LABEL: &str = "io.openshift.ci.from.root";

/// The `pipeline` stream as the tagger creates it.
pub(crate) fn pipeline_stream(namespace: &str) -> ImageStream {
    ImageStream::new(namespace, PIPELINE_STREAM, true)
}

/// The `tag.from` of the pipeline tag: the image of `source` with the given digest.
pub(crate) fn image_stream_image(
    source: &ImageStreamTagReference,
    digest: &str,
) -> ObjectReference {
    ObjectReference {
        kind: "ImageStreamImage".to_owned(),
        namespace: Some(source.namespace.to_string()),
        name: format!("{}@{}", source.name.as_str(), digest),
    }
}

/// The pipeline ImageStreamTag as the tagger creates it.
pub(crate) fn pipeline_tag(namespace: &str, tag: &str, from: ObjectReference) -> ImageStreamTag {
    ImageStreamTag::new(
        namespace,
        PIPELINE_STREAM,
        TagReference {
            name: tag.to_owned(),
            from: Some(from),
            generation: None,
            import_policy: Some(TagImportPolicy {
                import_mode: Some("PreserveOriginal".to_owned()),
                scheduled: None,
            }),
            reference_policy: Some(TagReferencePolicy {
                type_: "Local".to_owned(),
            }),
        },
    )
}

/// An object that may not exist.
enum Lookup {
    Found(Box<ImageStreamTag>),
    /// The ready-made not-found error, for callers that need the object.
    Missing(Error),
}

fn istag_path(namespace: &str) -> String {
    ImageStreamTag::url_path(&(), Some(namespace))
}

fn stream_path(namespace: &str) -> String {
    ImageStream::url_path(&(), Some(namespace))
}

impl Cluster<'_> {
    /// GET an imagestreamtag.
    async fn get_istag(&self, namespace: &str, name: &str) -> Result<Lookup, Error> {
        let target = Target {
            verb: Verb::Get,
            kind: "imagestreamtag",
            namespace,
            name,
        };
        let path = istag_path(namespace);
        let build = || kube::core::Request::new(path.as_str()).get(name, &GetParams::default());
        match self.send::<ImageStreamTag>(target, &build).await? {
            Answer::Ok(istag) => Ok(Lookup::Found(Box::new(istag))),
            Answer::Failed(status) if status.code == 404 => {
                Ok(Lookup::Missing(target.error(status)))
            }
            Answer::Failed(status) => Err(target.error(status)),
        }
    }

    /// GET an imagestreamtag that must be resolved; returns it and its digest, or the
    /// not-found error when it does not exist (a build cache not built yet is not an error).
    async fn read_source(
        &self,
        source: &ImageStreamTagReference,
    ) -> Result<Result<(ImageStreamTag, String), Error>, Error> {
        let name = format!("{}:{}", source.name.as_str(), source.tag.as_str());
        let namespace = source.namespace.as_str();
        let istag = match self.get_istag(namespace, &name).await? {
            Lookup::Found(istag) => *istag,
            Lookup::Missing(not_found) => return Ok(Err(not_found)),
        };
        let target = Target {
            verb: Verb::Get,
            kind: "imagestreamtag",
            namespace,
            name: &name,
        };
        let digest = istag
            .digest()
            .map(str::to_owned)
            .ok_or_else(|| Error::SourceNotResolved {
                root: source.to_string(),
            })?;
        if !is_digest(&digest) {
            return Err(
                target.unexpected(format!("the image name `{digest}` is not a digest"), None)
            );
        }
        Ok(Ok((istag, digest)))
    }

    /// POST the `pipeline` stream; `false` when it already existed.
    async fn create_stream(&self, namespace: &str) -> Result<bool, Error> {
        let target = Target {
            verb: Verb::Create,
            kind: "imagestream",
            namespace,
            name: PIPELINE_STREAM,
        };
        let body = serde_json::to_vec(&pipeline_stream(namespace))
            .expect("an ImageStream serializes: it holds only strings, bools and maps");
        let path = stream_path(namespace);
        let build =
            || kube::core::Request::new(path.as_str()).create(&PostParams::default(), body.clone());
        match self.send::<ImageStream>(target, &build).await? {
            Answer::Ok(_) => Ok(true),
            Answer::Failed(status) if status.code == 409 => Ok(false),
            Answer::Failed(status) => Err(target.error(status)),
        }
    }

    /// PATCH `lookupPolicy.local: true` into the `pipeline` stream.
    async fn enable_local_lookup(&self, namespace: &str) -> Result<(), Error> {
        let target = Target {
            verb: Verb::Patch,
            kind: "imagestream",
            namespace,
            name: PIPELINE_STREAM,
        };
        let patch = serde_json::json!({"spec": {"lookupPolicy": {"local": true}}});
        let path = stream_path(namespace);
        let build = || {
            kube::core::Request::new(path.as_str()).patch(
                PIPELINE_STREAM,
                &PatchParams::default(),
                &Patch::Merge(&patch),
            )
        };
        match self.send::<ImageStream>(target, &build).await? {
            Answer::Ok(_) => Ok(()),
            Answer::Failed(status) => Err(target.error(status)),
        }
    }

    /// POST the pipeline tag; on AlreadyExists, read the existing one back.
    async fn create_tag(
        &self,
        namespace: &str,
        istag: &ImageStreamTag,
        name: &str,
    ) -> Result<(ImageStreamTag, Outcome), Error> {
        let target = Target {
            verb: Verb::Create,
            kind: "imagestreamtag",
            namespace,
            name,
        };
        let body = serde_json::to_vec(istag)
            .expect("an ImageStreamTag serializes: it holds only strings, bools and maps");
        let path = istag_path(namespace);
        let build =
            || kube::core::Request::new(path.as_str()).create(&PostParams::default(), body.clone());
        match self.send::<ImageStreamTag>(target, &build).await? {
            Answer::Ok(created) => Ok((created, Outcome::Created)),
            Answer::Failed(status) if status.code == 409 => {
                tracing::debug!(tag = name, "pipeline tag already exists, reading it back");
                // Not found here means it was deleted between our two requests: an error.
                match self.get_istag(namespace, name).await? {
                    Lookup::Found(existing) => Ok((*existing, Outcome::AlreadyPresent)),
                    Lookup::Missing(not_found) => Err(not_found),
                }
            }
            Answer::Failed(status) => Err(target.error(status)),
        }
    }

    /// Polls the `pipeline` stream until `tag` resolves to `digest`.
    async fn wait_resolved(
        &self,
        namespace: &str,
        tag: &str,
        digest: &str,
    ) -> Result<ImageStream, Error> {
        let action =
            format!("wait for pipeline:{tag} in namespace {namespace} to resolve to {digest}");
        let target = Target {
            verb: Verb::Get,
            kind: "imagestream",
            namespace,
            name: PIPELINE_STREAM,
        };
        let path = stream_path(namespace);
        let build =
            || kube::core::Request::new(path.as_str()).get(PIPELINE_STREAM, &GetParams::default());
        let mut backoff = self.backoff();
        let mut polls = 0u32;
        loop {
            polls += 1;
            let stream = match self.send::<ImageStream>(target, &build).await {
                Ok(Answer::Ok(stream)) => stream,
                Ok(Answer::Failed(status)) => return Err(target.error(status)),
                Err(Error::Deadline { attempts, last, .. }) => {
                    return Err(self.deadline_error(
                        action,
                        polls - 1 + attempts,
                        last.map(|l| *l),
                    ));
                }
                Err(err) => return Err(err),
            };
            if let Some(status) = stream.status_tag(tag) {
                if status.items.first().is_some_and(|e| e.image == digest) {
                    return Ok(stream);
                }
                let spec_generation = stream
                    .spec
                    .tags
                    .iter()
                    .find(|t| t.name == tag)
                    .and_then(|t| t.generation)
                    .unwrap_or(0);
                if let Some(failed) = status
                    .conditions
                    .iter()
                    .find(|c| c.status == "False" && c.generation >= spec_generation)
                {
                    return Err(Error::TagFailed {
                        namespace: namespace.to_owned(),
                        pipeline_tag: tag.to_owned(),
                        digest: digest.to_owned(),
                        condition: Box::new(failed.clone()),
                    });
                }
            }
            let delay = backoff.next().unwrap_or(self.options().max_backoff);
            if Instant::now() + delay >= self.deadline() {
                return Err(self.deadline_error(action, polls, Some(Transient::NotResolved)));
            }
            tracing::debug!(tag, digest, "pipeline tag not resolved yet");
            tokio::time::sleep(delay).await;
        }
    }
}

/// `sha256:<hex>` (or another algorithm): what OpenShift names images by.
fn is_digest(s: &str) -> bool {
    match s.split_once(':') {
        Some((algo, hex)) => {
            !algo.is_empty()
                && algo.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || b == b'+' || b == b'.' || b == b'_' || b == b'-'
                })
                && hex.len() >= 32
                && hex.bytes().all(|b| b.is_ascii_hexdigit())
        }
        None => false,
    }
}

/// The pull spec OpenShift gives a tag event: through the integrated registry for
/// `referencePolicy: Local` (what pods in the namespace pull), else the recorded reference.
fn pull_spec_from_stream(stream: &ImageStream, tag: &str, digest: &str) -> Option<String> {
    let status = stream.status.as_ref()?;
    if !status.docker_image_repository.is_empty() {
        return Some(format!("{}@{digest}", status.docker_image_repository));
    }
    let event = stream.status_tag(tag)?.items.first()?;
    if !event.docker_image_reference.is_empty() {
        return Some(event.docker_image_reference.clone());
    }
    status
        .public_docker_image_repository
        .as_ref()
        .filter(|r| !r.is_empty())
        .map(|r| format!("{r}@{digest}"))
}

/// The tag's own resolved pull spec, when it names the digest.
fn pull_spec_from_tag(istag: &ImageStreamTag, digest: &str) -> Option<String> {
    istag
        .image
        .as_ref()?
        .docker_image_reference
        .as_ref()
        .filter(|r| r.ends_with(&format!("@{digest}")))
        .cloned()
}

/// What reading the build cache gave: the tag and its digest, or why it cannot be used.
type CacheRead = Result<(ImageStreamTag, String), BuildCacheSkipped>;

/// Chooses between the root and its build cache.
fn choose(
    request: &TagRequest,
    root_digest: &str,
    cache: Option<(ImageStreamTagReference, CacheRead)>,
) -> (Choice, Option<(ImageStreamTagReference, String)>) {
    let Some((cache, found)) = cache else {
        return match &request.build_cache {
            Some(b) if request.promote => (
                Choice::Root {
                    skipped_cache: Some(SkippedCache {
                        cache: b.reference(),
                        why: BuildCacheSkipped::Promote,
                    }),
                },
                None,
            ),
            _ => (
                Choice::Root {
                    skipped_cache: None,
                },
                None,
            ),
        };
    };
    let skipped = |why| {
        (
            Choice::Root {
                skipped_cache: Some(SkippedCache {
                    cache: cache.clone(),
                    why,
                }),
            },
            None,
        )
    };
    let (istag, cache_digest) = match found {
        Ok(found) => found,
        Err(why) => return skipped(why),
    };
    let label = istag
        .labels()
        .and_then(|labels: &BTreeMap<String, String>| labels.get(BUILD_CACHE_ROOT_LABEL))
        .cloned();
    match label {
        Some(label) if label == root_digest => (
            Choice::BuildCache {
                cache: cache.clone(),
                root_digest: root_digest.to_owned(),
            },
            Some((cache, cache_digest)),
        ),
        Some(label) => skipped(BuildCacheSkipped::Stale { label }),
        None => skipped(BuildCacheSkipped::NoLabel),
    }
}

/// Describes what a pipeline tag points at, for the conflict message.
fn describe_existing(istag: &ImageStreamTag) -> String {
    match istag.tag.as_ref().and_then(|t| t.from.as_ref()) {
        Some(from) => from.to_string(),
        None => match istag.digest() {
            Some(digest) => format!("image {digest} (pushed, no spec tag)"),
            None => "nothing (no spec tag and no image)".to_owned(),
        },
    }
}

/// Whether `from` (as the server returns it) is the reference we write.
fn same_source(existing: &ObjectReference, wanted: &ObjectReference, namespace: &str) -> bool {
    let ns = |r: &ObjectReference| {
        r.namespace
            .as_deref()
            .filter(|n| !n.is_empty())
            .unwrap_or(namespace)
            .to_owned()
    };
    existing.kind == wanted.kind && existing.name == wanted.name && ns(existing) == ns(wanted)
}

pub(crate) async fn run(
    client: &kube::Client,
    request: &TagRequest,
    options: &Options,
) -> Result<Tagged, Error> {
    request.validate()?;
    let cluster = Cluster::new(client, options, Instant::now() + options.timeout);
    let namespace = request.namespace.as_str();
    let tag = request.pipeline_tag.as_str();
    let tag_name = format!("{PIPELINE_STREAM}:{tag}");
    let cache_ref = request
        .build_cache
        .as_ref()
        .filter(|_| !request.promote)
        .map(|b| b.reference());

    // Independent reads, sent together: the root, the pipeline tag and (maybe) the cache. The
    // first failure cancels the others, so a missing root is reported at once even while
    // another read is still retrying.
    let ((_, root_digest), existing, cache) = tokio::try_join!(
        async { cluster.read_source(&request.root).await? },
        cluster.get_istag(namespace, &tag_name),
        async {
            match cache_ref {
                // A cache that does not exist (yet) or has no image is a reason to use the root,
                // not an error.
                Some(cache) => {
                    let found = match cluster.read_source(&cache).await {
                        Ok(Ok(found)) => Ok(found),
                        Ok(Err(_not_found)) => Err(BuildCacheSkipped::Missing),
                        Err(Error::SourceNotResolved { .. }) => Err(BuildCacheSkipped::NotResolved),
                        Err(err) => return Err(err),
                    };
                    Ok(Some((cache, found)))
                }
                None => Ok(None),
            }
        }
    )?;
    let (choice, cache_pick) = choose(request, &root_digest, cache);
    let (source, digest) = match cache_pick {
        Some((cache, cache_digest)) => (cache, cache_digest),
        None => (request.root.clone(), root_digest.clone()),
    };
    let wanted = image_stream_image(&source, &digest);

    let (istag, outcome) = match existing {
        Lookup::Found(existing) => (*existing, Outcome::AlreadyPresent),
        Lookup::Missing(_) => {
            cluster.create_stream(namespace).await?;
            let object = pipeline_tag(namespace, tag, wanted.clone());
            cluster.create_tag(namespace, &object, &tag_name).await?
        }
    };
    match istag.tag.as_ref().and_then(|t| t.from.as_ref()) {
        Some(from) if same_source(from, &wanted, namespace) => {}
        _ => {
            return Err(Error::Conflict {
                namespace: namespace.to_owned(),
                pipeline_tag: tag.to_owned(),
                existing: describe_existing(&istag),
                wanted: wanted.to_string(),
                root: Box::new(source),
            });
        }
    }
    if !istag.lookup_policy.is_some_and(|p| p.local) {
        tracing::info!(
            namespace,
            "the pipeline imagestream has no local lookup, enabling it"
        );
        cluster.enable_local_lookup(namespace).await?;
    }
    let pull_spec = match (istag.digest() == Some(digest.as_str()))
        .then(|| pull_spec_from_tag(&istag, &digest))
        .flatten()
    {
        Some(pull_spec) => pull_spec,
        None => {
            let stream = cluster.wait_resolved(namespace, tag, &digest).await?;
            pull_spec_from_stream(&stream, tag, &digest).ok_or_else(|| {
                Target {
                    verb: Verb::Get,
                    kind: "imagestream",
                    namespace,
                    name: PIPELINE_STREAM,
                }
                .unexpected(
                    "the stream has neither a repository nor a pull spec for the tag".to_owned(),
                    None,
                )
            })?
        }
    };
    tracing::info!(
        namespace,
        tag,
        digest = %digest,
        pull_spec = %pull_spec,
        outcome = ?outcome,
        choice = %choice,
        "pinned"
    );
    Ok(Tagged {
        namespace: namespace.to_owned(),
        pipeline_tag: tag.to_owned(),
        source,
        from: wanted,
        digest,
        root_digest,
        pull_spec,
        choice,
        outcome,
    })
}

#[cfg(test)]
mod tests;
