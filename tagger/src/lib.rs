//! Pins a resolved imagestreamtag into the job namespace's `pipeline:root` by digest.
//!
//! Given the job namespace and a root such as `openshift/release:golang-1.22`, [`tag`] reads the
//! root's image digest, makes sure the `pipeline` ImageStream exists with
//! `lookupPolicy.local: true`, and creates `pipeline:root` with `tag.from` the
//! `ImageStreamImage` `release@sha256:...` in the root's namespace (`referencePolicy: Local`,
//! `importMode: PreserveOriginal`). The pin is by digest so a root tag that moves during the job
//! does not change the job's root, and the source is never a `DockerImage`: nothing is imported
//! from a registry, ever.
//!
//! Running it again, ten times at once, or after a crash halfway ends in the same state and
//! `Ok`; a run that finds the tag already pinned sends two GETs and writes nothing. A
//! `pipeline:root` that points at another image is [`Error::Conflict`]. Requests are retried
//! with backoff and jitter on 429 (honouring `Retry-After`), 5xx and dropped connections, all
//! within one deadline ([`Options::timeout`]).
//!
//! A root built from a Dockerfile of the repository (`project_image`) is pinned the same way:
//! [`pin_from_cache`] pins it from the cache imagestreamtag of its key when that exists (no
//! build), and [`build_and_pin`] otherwise builds it once per key and namespace with a binary
//! OpenShift build of the archive the resolver made, pins the Build's output by digest and
//! writes the cache ([`image_digests`] reads the base digests the key needs; [`dry_run_build`]
//! shows the objects). A source imagestreamtag that does not exist or has no image is
//! [`Error::TagMissing`]: one more read, of its ImageStream, names the nearest existing tags,
//! says when the stream is missing, or quotes the import's failure ([`explain_missing_tag`]);
//! successful runs never pay for that read.
//!
//! What it deliberately does not do: read environment variables (`LOCAL_IMAGE_ROOT`,
//! `KUBECONFIG` are the caller's business; [`client_from`] follows kubectl's lookup when asked),
//! print anything (results are returned; progress goes to `tracing`), start a runtime,
//! resolve which imagestreamtag is the root, or compute a build's key and archive (both are
//! the `resolver` crate's).
//!
//! ```no_run
//! # async fn example() -> Result<(), tagger::Error> {
//! let client = tagger::client_from(None).await?;
//! let root: config_model::ImageStreamTag = "openshift/release:golang-1.22".parse().unwrap();
//! let request = tagger::TagRequest::new("ci-op-1234", root);
//! let tagged = tagger::tag(&client, &request, &tagger::Options::default()).await?;
//! assert_eq!(tagged.pipeline_tag, "root");
//! let _pull_spec = tagged.pull_spec; // LOCAL_IMAGE_ROOT for later steps
//! # Ok(())
//! # }
//! ```

mod api;
mod build;
pub mod build_types;
mod dry_run;
mod error;
mod missing_tag;
mod pin;
mod resource;
mod tag;
pub mod types;

use std::path::Path;
use std::time::Duration;

use config_model::{ImageStreamTag, InvalidImageStreamTag, Member};

pub use build::{
    BuildDockerfile, BuildFailure, BuildImageInput, CLAIM_ANNOTATION, CacheOutcome, LOG_TAIL_LINES,
    ROOT_BUILD_KEY_LABEL, RootBuildRequest, RootBuilt, build_and_pin, dry_run_build, image_digests,
    pin_from_cache,
};
pub use dry_run::dry_run;
pub use error::{ApiStatus, Error, ErrorKind, KubeconfigProblem, Transient};
pub use missing_tag::{MAX_SUGGESTIONS, MissingTag, TagFinding, explain_missing_tag, nearest_tags};
pub use tag::BUILD_CACHE_ROOT_LABEL;
pub use types::ObjectReference;

/// What to tag where: data the run needs, no behaviour switches (those are in [`Options`]).
#[derive(Debug, Clone, PartialEq)]
pub struct TagRequest {
    /// The job namespace, which holds the `pipeline` ImageStream.
    pub namespace: String,
    /// The resolved root imagestreamtag, checked by config-model's rules.
    pub root: ImageStreamTag,
    /// The tag in `pipeline`: `root`, or `root-<org.repo>` for a keyed root.
    pub pipeline_tag: String,
    /// `use_build_cache: true`: the cache that may replace the root.
    pub build_cache: Option<BuildCache>,
    /// A promotion job: never uses the build cache (promoted images build from the real root).
    pub promote: bool,
}

impl TagRequest {
    /// Tags `root` into `pipeline:root` of `namespace`, without build cache.
    pub fn new(namespace: impl Into<String>, root: ImageStreamTag) -> Self {
        TagRequest {
            namespace: namespace.into(),
            root,
            pipeline_tag: "root".to_owned(),
            build_cache: None,
            promote: false,
        }
    }

    /// Checks names before anything is sent, so a typo is an input error, not a cluster one,
    /// and gives the build cache's reference, if one is requested. The root is checked
    /// already: it is an [`ImageStreamTag`].
    fn validate(&self) -> Result<Option<ImageStreamTag>, Error> {
        config_model::check_namespace(&self.namespace)
            .map_err(|problem| invalid("namespace", &self.namespace, problem))?;
        config_model::check_tag(&self.pipeline_tag)
            .map_err(|problem| invalid("pipeline tag", &self.pipeline_tag, problem))?;
        self.build_cache
            .as_ref()
            .map(|cache| {
                cache.reference().map_err(|err| {
                    let field = match err.member {
                        Member::Namespace => "build cache namespace",
                        Member::Name => "build cache name",
                        Member::Tag => "build cache tag",
                    };
                    invalid(field, &err.value, err.problem)
                })
            })
            .transpose()
    }
}

/// The build cache of a repository: `build-cache/<org>-<repo>:<branch>[-<variant>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildCache {
    /// GitHub organisation.
    pub org: String,
    /// Repository.
    pub repo: String,
    /// Base branch.
    pub branch: String,
    /// The config's variant (`zz_generated_metadata.variant`), if any.
    pub variant: Option<String>,
}

impl BuildCache {
    /// The namespace every build cache lives in.
    pub const NAMESPACE: &str = "build-cache";

    /// `build-cache/<org>-<repo>:<branch>[-<variant>]`.
    ///
    /// # Errors
    ///
    /// When the organisation, repository, branch or variant make a name or tag OpenShift
    /// refuses (uppercase letters, `/` in a branch, ...).
    pub fn reference(&self) -> Result<ImageStreamTag, InvalidImageStreamTag> {
        let tag = match &self.variant {
            Some(variant) if !variant.is_empty() => format!("{}-{variant}", self.branch),
            _ => self.branch.clone(),
        };
        ImageStreamTag::new(Self::NAMESPACE, format!("{}-{}", self.org, self.repo), tag)
    }
}

/// How to run: limits and retry pacing. Defaults suit a CI job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The whole run's deadline, retries and waiting included (`--timeout`, default 5m).
    pub timeout: Duration,
    /// How long one request may take before it is abandoned and retried (default 30s).
    pub attempt_timeout: Duration,
    /// First retry delay; doubles, with jitter, up to `max_backoff` (default 200ms).
    pub min_backoff: Duration,
    /// Longest retry delay, unless the server's `Retry-After` asks for more (default 10s).
    pub max_backoff: Duration,
    /// How long a root build waits for the Build another run claimed before it takes the claim
    /// over (that run crashed before starting it; default 30s). See [`build_and_pin`].
    pub build_claim_grace: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(300),
            attempt_timeout: Duration::from_secs(30),
            min_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            build_claim_grace: Duration::from_secs(30),
        }
    }
}

/// What [`tag`] did. Serializes (for `-o json`) with the field names below.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Tagged {
    /// The job namespace.
    pub namespace: String,
    /// The tag in `pipeline` (`root`).
    pub pipeline_tag: String,
    /// The imagestreamtag whose image was pinned: the root, or its build cache.
    pub source: ImageStreamTag,
    /// The `tag.from` of the pipeline tag.
    pub from: ObjectReference,
    /// The pinned digest.
    pub digest: String,
    /// The root's digest (equal to `digest` unless the build cache was used).
    pub root_digest: String,
    /// The pull spec of the pinned image (`LOCAL_IMAGE_ROOT`): through the integrated registry,
    /// as OpenShift resolves a `referencePolicy: Local` tag.
    pub pull_spec: String,
    /// Root or build cache, and why.
    pub choice: Choice,
    /// Whether this run created the tag.
    pub outcome: Outcome,
}

/// Whether the root or its build cache was tagged.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "tagged")]
pub enum Choice {
    /// The root was tagged.
    Root {
        /// The build cache that was requested but not used, and why.
        skipped_cache: Option<SkippedCache>,
    },
    /// The build cache was tagged: it was built from the root's current digest.
    BuildCache {
        /// The cache imagestreamtag.
        cache: ImageStreamTag,
        /// The root digest its label names.
        root_digest: String,
    },
}

impl std::fmt::Display for Choice {
    /// One sentence for logs and `-o text`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Choice::Root {
                skipped_cache: None,
            } => f.write_str("the root (no build cache requested)"),
            Choice::Root {
                skipped_cache: Some(SkippedCache { cache, why }),
            } => write!(f, "the root, not the build cache {cache}: {why}"),
            Choice::BuildCache { cache, root_digest } => write!(
                f,
                "the build cache {cache}: its {BUILD_CACHE_ROOT_LABEL} label is the root's digest {root_digest}"
            ),
        }
    }
}

/// A build cache that was requested but not used.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SkippedCache {
    /// The cache imagestreamtag.
    pub cache: ImageStreamTag,
    /// Why it was not used.
    #[serde(flatten)]
    pub why: BuildCacheSkipped,
}

/// Why a requested build cache was not used.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum BuildCacheSkipped {
    /// Promotion jobs always build from the root.
    Promote,
    /// The cache imagestreamtag does not exist (yet).
    Missing,
    /// The cache imagestreamtag exists but has no image.
    NotResolved,
    /// The cache image has no `io.openshift.ci.from.root` label.
    NoLabel,
    /// The cache was built from another root digest.
    Stale {
        /// The digest the cache's label names.
        label: String,
    },
}

impl std::fmt::Display for BuildCacheSkipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildCacheSkipped::Promote => f.write_str("promotion jobs never use the build cache"),
            BuildCacheSkipped::Missing => f.write_str("it does not exist"),
            BuildCacheSkipped::NotResolved => f.write_str("it has no image"),
            BuildCacheSkipped::NoLabel => {
                write!(f, "its image has no {BUILD_CACHE_ROOT_LABEL} label")
            }
            BuildCacheSkipped::Stale { label } => {
                write!(f, "it was built from {label}, not from the root's digest")
            }
        }
    }
}

/// Whether the pipeline tag was created by this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// This run created it.
    Created,
    /// It existed already with the same source (an earlier or concurrent run made it).
    AlreadyPresent,
}

/// Pins `request.root` (or its build cache) into `pipeline:<request.pipeline_tag>`.
///
/// See the crate docs for what it does; every failure names the object, the namespace and the
/// verb. `client` should have kube's own retries off (as [`client_from`] makes it): this
/// function retries within `options.timeout` itself.
pub async fn tag(
    client: &kube::Client,
    request: &TagRequest,
    options: &Options,
) -> Result<Tagged, Error> {
    tag::run(client, request, options).await
}

/// A client the way kubectl finds one: `kubeconfig` if given, else `KUBECONFIG`,
/// `~/.kube/config`, then the in-cluster service account. kube's built-in retry layer is turned
/// off (`default_retry = false`) because [`tag`] owns retries and its deadline.
pub async fn client_from(kubeconfig: Option<&Path>) -> Result<kube::Client, Error> {
    use kube::config::{KubeConfigOptions, Kubeconfig};

    let mut config = match kubeconfig {
        Some(path) => {
            let kubeconfig_error = |source| Error::Kubeconfig {
                path: path.to_owned(),
                source: KubeconfigProblem::new(&source),
            };
            let file = Kubeconfig::read_from(path).map_err(kubeconfig_error)?;
            kube::Config::from_custom_kubeconfig(file, &KubeConfigOptions::default())
                .await
                .map_err(kubeconfig_error)?
        }
        None => kube::Config::infer()
            .await
            .map_err(|source| Error::NoCredentials {
                source: KubeconfigProblem::inferred(&source),
            })?,
    };
    config.default_retry = false;
    kube::Client::try_from(config).map_err(|source| Error::Client {
        source: Box::new(source),
    })
}

fn invalid(field: &'static str, value: &str, problem: &'static str) -> Error {
    Error::InvalidRequest {
        field,
        value: value.to_owned(),
        problem,
    }
}

#[cfg(test)]
mod tests;
