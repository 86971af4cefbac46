//! What a root build needs to know, what it reports, and how its failure reads.
//!
//! Plain data: the flow is in `run`, the objects it writes in `objects`.

use config_model::ImageStreamTag;

use crate::Outcome;
use crate::error::Error;

/// A root built from a Dockerfile of the repository (`build_root.project_image`), as the
/// resolver planned it: everything the cluster side needs, no behaviour switches (those are in
/// [`crate::Options`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootBuildRequest {
    /// The job namespace: it holds the `pipeline` stream, the BuildConfig and its Builds.
    pub namespace: String,
    /// The tag in `pipeline`: `root`, or `root-<org.repo>` for a keyed root.
    pub pipeline_tag: String,
    /// `root-<20 hex>` (`resolver::RootBuildPlan::key`): the BuildConfig's name, the tag the
    /// build pushes to in `pipeline`, and the cache tag.
    pub key: String,
    /// The cache imagestreamtag, `<cache ns>/<org>-<repo>-root:<key>`.
    pub cache: ImageStreamTag,
    /// The Dockerfile: a path in the context, or the literal text.
    pub dockerfile: BuildDockerfile,
    /// `build_args`, sorted by name.
    pub build_args: Vec<(String, String)>,
    /// Images whose `FROM`s the build replaces (config `inputs`), one `source.images` entry each.
    pub image_inputs: Vec<BuildImageInput>,
}

/// Where the Dockerfile comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildDockerfile {
    /// A path relative to the context (the archive's root): `dockerStrategy.dockerfilePath`.
    Path(String),
    /// `dockerfile_literal`: `source.dockerfile`.
    Literal(String),
}

/// One image input of the build: the image and the `FROM` names it replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildImageInput {
    /// The imagestreamtag (`<job ns>/pipeline:<name>`, or a `base_images` tag).
    pub from: ImageStreamTag,
    /// The `FROM` names (`inputs.<name>.as`).
    pub as_: Vec<String>,
}

impl RootBuildRequest {
    /// Checks names before anything is sent, so a typo is an input error, not a cluster one.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        let invalid =
            |field: &'static str, value: &str, problem: &'static str| Error::InvalidRequest {
                field,
                value: value.to_owned(),
                problem,
            };
        config_model::check_namespace(&self.namespace)
            .map_err(|p| invalid("namespace", &self.namespace, p))?;
        config_model::check_tag(&self.pipeline_tag)
            .map_err(|p| invalid("pipeline tag", &self.pipeline_tag, p))?;
        check_key(&self.key).map_err(|p| invalid("build key", &self.key, p))?;
        if let BuildDockerfile::Path(path) = &self.dockerfile {
            check_dockerfile_path(path).map_err(|p| invalid("dockerfile path", path, p))?;
        }
        for (name, _) in &self.build_args {
            if name.is_empty() || name.contains('=') {
                return Err(invalid(
                    "build argument",
                    name,
                    "a build argument name is not empty and has no `=`",
                ));
            }
        }
        Ok(())
    }
}

/// The key names a BuildConfig (a DNS-1123 subdomain) and a tag; `root-<hex>` is both. A
/// DNS-1123 label, as a namespace is, is both too.
fn check_key(key: &str) -> Result<(), &'static str> {
    config_model::check_namespace(key).map_err(|_| {
        "a build key is 1 to 63 lowercase letters, digits and `-`, starting and ending with a letter or digit (`root-<hex>`)"
    })
}

/// A Dockerfile path stays inside the context.
fn check_dockerfile_path(path: &str) -> Result<(), &'static str> {
    let ok = !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\0')
        && path.split('/').all(|part| part != "..");
    if ok {
        Ok(())
    } else {
        Err("a Dockerfile path is relative to the context and does not leave it")
    }
}

/// Whether the cache had the root already.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CacheOutcome {
    /// The cache tag existed: `pipeline:<tag>` was pinned from it, nothing was built.
    Hit,
    /// The cache tag did not exist: the root was built in the job namespace.
    Miss,
}

/// What [`crate::pin_from_cache`] or [`crate::build_and_pin`] did. Serializes with these names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RootBuilt {
    /// The job namespace.
    pub namespace: String,
    /// The tag in `pipeline` (`root`).
    pub pipeline_tag: String,
    /// The build key.
    pub key: String,
    /// Hit or miss.
    pub cache: CacheOutcome,
    /// The Build whose image was pinned (`<key>-<n>`); `None` on a hit.
    pub build: Option<String>,
    /// Whether this run started that Build (`false`: another run's Build was waited for or reused).
    pub build_started: bool,
    /// The pinned digest.
    pub digest: String,
    /// The pull spec of the pinned image (`LOCAL_IMAGE_ROOT`).
    pub pull_spec: String,
    /// Whether this run created `pipeline:<tag>`.
    pub outcome: Outcome,
    /// On a miss: the digest the cache tag already held when another namespace built the same
    /// key first (the cache keeps the first); `None` when the cache now holds this digest.
    pub cache_kept: Option<String>,
    /// API requests this call sent, retries included.
    pub requests: usize,
}
