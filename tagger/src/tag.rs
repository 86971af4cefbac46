//! The tagging flow: read the root (and maybe its build cache), choose which to pin, and pin
//! it into `pipeline:<tag>` (see `pin`).
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
//! A root that does not exist or has no image costs one more GET, of its ImageStream, so the
//! error can say why (`missing_tag`); a successful run never sends it.

use std::collections::BTreeMap;

use tokio::time::Instant;

use crate::api::Cluster;
use crate::error::Error;
use crate::pin::{PIPELINE_STREAM, Pinned, SameImage, pin_existing, read_explained};
// `ImageStreamTag` here is the Kubernetes object; the reference is config-model's, by its path.
use crate::types::ImageStreamTag;
use crate::{BuildCacheSkipped, Choice, Options, SkippedCache, TagRequest, Tagged};

/// The label a build-cache image carries: the digest of the root it was built from.
pub const BUILD_CACHE_ROOT_LABEL: &str = "io.openshift.ci.from.root";

/// What reading the build cache gave: the tag and its digest, or why it cannot be used.
type CacheRead = Result<(ImageStreamTag, String), BuildCacheSkipped>;

/// Chooses between the root and its build cache.
///
/// `requested` is the build cache the request names (checked), `cache` what reading it gave
/// (`None` when it was not read: none requested, or a promotion job).
fn choose(
    request: &TagRequest,
    requested: Option<config_model::ImageStreamTag>,
    root_digest: &str,
    cache: Option<(config_model::ImageStreamTag, CacheRead)>,
) -> (Choice, Option<(config_model::ImageStreamTag, String)>) {
    let Some((cache, found)) = cache else {
        return match requested {
            Some(reference) if request.promote => (
                Choice::Root {
                    skipped_cache: Some(SkippedCache {
                        cache: reference,
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

pub(crate) async fn run(
    client: &kube::Client,
    request: &TagRequest,
    options: &Options,
) -> Result<Tagged, Error> {
    let requested_cache = request.validate()?;
    let cluster = Cluster::new(client, options, Instant::now() + options.timeout);
    let namespace = request.namespace.as_str();
    let tag = request.pipeline_tag.as_str();
    let tag_name = format!("{PIPELINE_STREAM}:{tag}");
    let cache_ref = requested_cache.clone().filter(|_| !request.promote);

    // Independent reads, sent together: the root, the pipeline tag and (maybe) the cache. The
    // first failure cancels the others, so a missing root is reported at once even while
    // another read is still retrying.
    let ((_, root_digest), existing, cache) = tokio::try_join!(
        read_explained(&cluster, &request.root),
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
    let (choice, cache_pick) = choose(request, requested_cache, &root_digest, cache);
    let (source, digest) = match cache_pick {
        Some((cache, cache_digest)) => (cache, cache_digest),
        None => (request.root.clone(), root_digest.clone()),
    };
    let Pinned {
        from: wanted,
        digest,
        pull_spec,
        outcome,
    } = pin_existing(
        &cluster,
        namespace,
        tag,
        existing,
        &source,
        digest,
        SameImage::Source,
    )
    .await?;
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
