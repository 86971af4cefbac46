//! Building the root from the pull request (`build_root.project_image`): a cache hit pins the
//! cached image; a miss builds it once per key and namespace with a binary OpenShift build of
//! the archive the resolver made, pins the result and writes the cache.
//!
//! The cache is the imagestreamtag `<cache ns>/<org>-<repo>-root:<key>`. On a hit
//! ([`pin_from_cache`]) `pipeline:<tag>` is pinned from it by digest exactly as [`crate::tag`]
//! pins a root (no build, no import; at most 4 requests, 2 on a re-run). On a miss
//! ([`build_and_pin`]) the BuildConfig `<key>` in the job namespace (binary source, Docker
//! strategy, `source.images` for the config's `inputs`) builds the uploaded archive into
//! `pipeline:<key>`; `pipeline:<tag>` is then pinned to the Build's output digest (an
//! `ImageStreamImage` of `pipeline`), and the cache tag is written from that image by digest.
//! Never a `DockerImage` source.
//!
//! Concurrent runs in one namespace start one Build (see the claim protocol in
//! `build/claim.rs`); across namespaces two may build and the cache keeps the first.
//!
//! Deliberately not here: computing the key or the archive (the resolver does, from the
//! merged revision), deciding whether a root is built (the cli), and `LOCAL_IMAGE_ROOT`.

pub(crate) mod claim;
mod cluster;
mod digests;
mod dry_run;
pub(crate) mod failure;
mod objects;
pub(crate) mod request;
mod run;

use std::collections::BTreeMap;

use config_model::ImageStreamTag;

use crate::Options;
use crate::error::Error;

pub use claim::CLAIM_ANNOTATION;
pub use dry_run::dry_run_build;
pub use failure::{BuildFailure, LOG_TAIL_LINES};
pub use objects::ROOT_BUILD_KEY_LABEL;
pub use request::{BuildDockerfile, BuildImageInput, CacheOutcome, RootBuildRequest, RootBuilt};

/// The current image digest of each imagestreamtag (the bases of the key), read concurrently.
///
/// A tag that does not exist or has no image is [`Error::TagMissing`], explained by one read
/// of its stream. One request per tag when all exist.
pub async fn image_digests(
    client: &kube::Client,
    tags: &[ImageStreamTag],
    options: &Options,
) -> Result<BTreeMap<ImageStreamTag, String>, Error> {
    digests::image_digests(client, tags, options).await
}

/// Hit: pins `pipeline:<tag>` from the cache tag by digest and returns what it did. Miss:
/// `None`, nothing written (2 requests).
pub async fn pin_from_cache(
    client: &kube::Client,
    request: &RootBuildRequest,
    options: &Options,
) -> Result<Option<RootBuilt>, Error> {
    run::pin_from_cache(client, request, options).await
}

/// Miss: makes sure the BuildConfig `<key>` exists, starts a Build with `archive` (a tar of
/// the context) unless another run's Build of the key is complete or active, waits for it,
/// pins `pipeline:<tag>` to its output digest and tags the cache from that image.
///
/// A Build that ends `Failed`, `Error` or `Cancelled` is [`Error::BuildFailed`], with its
/// reason, message and the last lines of its log.
pub async fn build_and_pin(
    client: &kube::Client,
    request: &RootBuildRequest,
    archive: &[u8],
    options: &Options,
) -> Result<RootBuilt, Error> {
    run::build_and_pin(client, request, archive, options).await
}
