//! Pinning: `pipeline:<tag>` in the job namespace pointed at an image by digest, and the
//! requests that do it. Shared by the tagging flow (`tag`) and root builds (`build`).
//!
//! The ImageStream is created before the tag because creating an ImageStreamTag in a missing
//! stream makes the stream implicitly, with `lookupPolicy.local: false`. The tag's answer
//! carries the stream's lookup policy, so a stream someone else created without local lookup
//! is noticed without reading it, and patched. An `ImageStreamImage` source is resolved
//! synchronously by the server, so the create answer normally shows the digest and no wait is
//! needed; otherwise the stream is polled with backoff (OpenShift has no watch on
//! imagestreamtags, and polling survives dropped connections without a watcher restart).

use kube::Resource;
use kube::api::{Patch, PatchParams};
use tokio::time::Instant;

use crate::Outcome;
use crate::api::{Answer, Cluster, Target, Verb};
use crate::error::{Error, Transient};
use crate::missing_tag::explain;
// `ImageStreamTag` here is the Kubernetes object; the reference is config-model's, by its path.
use crate::types::{
    ImageStream, ImageStreamTag, ObjectReference, TagImportPolicy, TagReference, TagReferencePolicy,
};

/// The stream every job namespace keeps its pipeline images in.
pub(crate) const PIPELINE_STREAM: &str = "pipeline";

/// The `pipeline` stream as the tagger creates it.
pub(crate) fn pipeline_stream(namespace: &str) -> ImageStream {
    ImageStream::new(namespace, PIPELINE_STREAM, true)
}

/// The `tag.from` of the pipeline tag: the image of `source` with the given digest.
pub(crate) fn image_stream_image(
    source: &config_model::ImageStreamTag,
    digest: &str,
) -> ObjectReference {
    ObjectReference {
        kind: "ImageStreamImage".to_owned(),
        namespace: Some(source.namespace().to_owned()),
        name: format!("{}@{}", source.name(), digest),
    }
}

/// The pipeline ImageStreamTag as the tagger creates it.
pub(crate) fn pipeline_tag(namespace: &str, tag: &str, from: ObjectReference) -> ImageStreamTag {
    image_tag(namespace, PIPELINE_STREAM, tag, from)
}

/// An ImageStreamTag `<stream>:<tag>` pinned to `from` (an `ImageStreamImage`): local
/// references, manifest lists kept whole.
pub(crate) fn image_tag(
    namespace: &str,
    stream: &str,
    tag: &str,
    from: ObjectReference,
) -> ImageStreamTag {
    ImageStreamTag::new(
        namespace,
        stream,
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
pub(crate) enum Lookup {
    Found(Box<ImageStreamTag>),
    /// The ready-made not-found error, for callers that need the object.
    Missing(Error),
}

fn stream_path(namespace: &str) -> String {
    ImageStream::url_path(&(), Some(namespace))
}

impl Cluster<'_> {
    /// GET an imagestreamtag.
    pub(crate) async fn get_istag(&self, namespace: &str, name: &str) -> Result<Lookup, Error> {
        let target = Target {
            verb: Verb::Get,
            kind: "imagestreamtag",
            namespace,
            name,
        };
        match self.get::<ImageStreamTag>(target).await? {
            Answer::Ok(istag) => Ok(Lookup::Found(Box::new(istag))),
            Answer::Failed(status) if status.code == 404 => {
                Ok(Lookup::Missing(target.error(status)))
            }
            Answer::Failed(status) => Err(target.error(status)),
        }
    }

    /// GET an imagestreamtag that must be resolved; returns it and its digest, or the
    /// not-found error when it does not exist (a build cache not built yet is not an error).
    pub(crate) async fn read_source(
        &self,
        source: &config_model::ImageStreamTag,
    ) -> Result<Result<(ImageStreamTag, String), Error>, Error> {
        let name = format!("{}:{}", source.name(), source.tag());
        let namespace = source.namespace();
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
    pub(crate) async fn create_stream(&self, namespace: &str) -> Result<bool, Error> {
        self.create_stream_object(&pipeline_stream(namespace)).await
    }

    /// POST an ImageStream; `false` when it already existed.
    pub(crate) async fn create_stream_object(&self, stream: &ImageStream) -> Result<bool, Error> {
        let namespace = stream.metadata.namespace.as_deref().unwrap_or_default();
        let name = stream.metadata.name.as_deref().unwrap_or_default();
        let target = Target {
            verb: Verb::Create,
            kind: "imagestream",
            namespace,
            name,
        };
        self.create(target, stream).await?.written(target)
    }

    /// PATCH `lookupPolicy.local: true` into the `pipeline` stream.
    pub(crate) async fn enable_local_lookup(&self, namespace: &str) -> Result<(), Error> {
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
        let patched = self.send::<ImageStream>(target, &build).await?;
        patched.into_result(target).map(drop)
    }

    /// POST the pipeline tag; on AlreadyExists, read the existing one back.
    pub(crate) async fn create_tag(
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
        match self.create(target, istag).await? {
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
    pub(crate) async fn wait_resolved(
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
        let mut backoff = self.backoff();
        let mut polls = 0u32;
        loop {
            polls += 1;
            let stream = match self.get::<ImageStream>(target).await {
                Ok(Answer::Ok(stream)) => stream,
                Ok(Answer::Failed(status)) => return Err(target.error(status)),
                // The deadline came while polling: the tag was not resolved by then, whether or
                // not the last poll got an answer.
                Err(Error::Deadline { attempts, last, .. }) => {
                    return Err(self.deadline_error(
                        action,
                        polls - 1 + attempts,
                        Some(last.map_or(Transient::NotResolved, |l| *l)),
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

/// How an existing pipeline tag may match what a run wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SameImage {
    /// Only the same source reference (kind, namespace, name): a root tag pinned from another
    /// stream is a conflict.
    Source,
    /// Also any `ImageStreamImage` with the same digest: a built root is pinned from the job's
    /// `pipeline` when it is built and from the cache on a re-run; both are the same image.
    Digest,
}

/// Whether `existing` (as the server returns it) names the image `wanted` names.
pub(crate) fn same_image(
    existing: &ObjectReference,
    wanted: &ObjectReference,
    namespace: &str,
    how: SameImage,
) -> bool {
    let digest = |r: &ObjectReference| {
        (r.kind == "ImageStreamImage")
            .then(|| r.name.split_once('@').map(|(_, d)| d.to_owned()))
            .flatten()
    };
    same_source(existing, wanted, namespace)
        || (how == SameImage::Digest
            && digest(existing).is_some()
            && digest(existing) == digest(wanted))
}

/// What a pin did.
#[derive(Debug)]
pub(crate) struct Pinned {
    /// The `tag.from` wanted (the tag's own may differ under [`SameImage::Digest`]).
    pub(crate) from: ObjectReference,
    /// The pinned digest.
    pub(crate) digest: String,
    /// The pull spec of the pinned image.
    pub(crate) pull_spec: String,
    /// Whether this run created the tag.
    pub(crate) outcome: Outcome,
}

/// Pins `pipeline:<tag>` in `namespace` to the image `digest` of `source`'s stream, given what
/// reading `pipeline:<tag>` gave: creates the stream and the tag when missing, refuses a tag
/// that points elsewhere, enables local lookup, waits until the tag resolves.
pub(crate) async fn pin_existing(
    cluster: &Cluster<'_>,
    namespace: &str,
    tag: &str,
    existing: Lookup,
    source: &config_model::ImageStreamTag,
    digest: String,
    how: SameImage,
) -> Result<Pinned, Error> {
    let tag_name = format!("{PIPELINE_STREAM}:{tag}");
    let wanted = image_stream_image(source, &digest);

    let (istag, outcome) = match existing {
        Lookup::Found(existing) => (*existing, Outcome::AlreadyPresent),
        Lookup::Missing(_) => {
            cluster.create_stream(namespace).await?;
            let object = pipeline_tag(namespace, tag, wanted.clone());
            cluster.create_tag(namespace, &object, &tag_name).await?
        }
    };
    match istag.tag.as_ref().and_then(|t| t.from.as_ref()) {
        Some(from) if same_image(from, &wanted, namespace, how) => {}
        _ => {
            return Err(Error::Conflict {
                namespace: namespace.to_owned(),
                pipeline_tag: tag.to_owned(),
                existing: describe_existing(&istag),
                wanted: wanted.to_string(),
                root: Box::new(source.clone()),
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
    Ok(Pinned {
        from: wanted,
        digest,
        pull_spec,
        outcome,
    })
}

/// Pins `pipeline:<tag>` from `source` by digest when `source` exists and has an image;
/// `None` (nothing written) when it does not. Reads both tags concurrently.
pub(crate) async fn pin_if_present(
    cluster: &Cluster<'_>,
    namespace: &str,
    tag: &str,
    source: &config_model::ImageStreamTag,
    how: SameImage,
) -> Result<Option<Pinned>, Error> {
    let tag_name = format!("{PIPELINE_STREAM}:{tag}");
    let (digest, existing) = tokio::try_join!(
        async {
            match cluster.read_source(source).await {
                Ok(Ok((_, digest))) => Ok(Some(digest)),
                Ok(Err(_)) | Err(Error::SourceNotResolved { .. }) => Ok(None),
                Err(err) => Err(err),
            }
        },
        cluster.get_istag(namespace, &tag_name),
    )?;
    match digest {
        Some(digest) => pin_existing(cluster, namespace, tag, existing, source, digest, how)
            .await
            .map(Some),
        None => Ok(None),
    }
}

/// Pins `pipeline:<tag>` to the image `digest` of `source`'s stream (known already).
pub(crate) async fn pin_digest(
    cluster: &Cluster<'_>,
    namespace: &str,
    tag: &str,
    source: &config_model::ImageStreamTag,
    digest: &str,
    how: SameImage,
) -> Result<Pinned, Error> {
    let existing = cluster
        .get_istag(namespace, &format!("{PIPELINE_STREAM}:{tag}"))
        .await?;
    pin_existing(
        cluster,
        namespace,
        tag,
        existing,
        source,
        digest.to_owned(),
        how,
    )
    .await
}

/// Reads `source` and its digest. A tag that does not exist or has no image is
/// [`Error::TagMissing`], explained by one more read: of its stream.
pub(crate) async fn read_explained(
    cluster: &Cluster<'_>,
    source: &config_model::ImageStreamTag,
) -> Result<(ImageStreamTag, String), Error> {
    match cluster.read_source(source).await {
        Ok(Ok(found)) => Ok(found),
        Ok(Err(_)) | Err(Error::SourceNotResolved { .. }) => {
            Err(Error::TagMissing(Box::new(explain(cluster, source).await)))
        }
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests;
