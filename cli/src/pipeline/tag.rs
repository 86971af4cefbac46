//! The last step: pin each resolved root into `pipeline:<tag>` by digest, or build it when it
//! comes from `project_image` (or, with `--dry-run`, print the objects that would be created),
//! and report what was pinned.

use std::time::Instant;

use config_model::ValidConfig;
use resolver::ResolvedRoot;
use serde::Serialize;
use tagger::{BuildCache, CacheOutcome, RootBuilt, TagRequest, Tagged};

use crate::args::{ClusterArgs, OutputFormat};
use crate::error::TagError;
use crate::exit::Failure;
use crate::output;
use crate::pipeline::build::{RootBuild, options_until};
use crate::pipeline::warnings::Warning;

/// What happens to one root on the cluster.
pub(crate) enum RootStep<'a> {
    /// Its imagestreamtag is pinned.
    Tag(TagRequest),
    /// It is built from `project_image` (or pinned from the cache of that build).
    Build(RootBuild<'a>),
}

impl RootStep<'_> {
    fn pipeline_tag(&self) -> &str {
        match self {
            RootStep::Tag(request) => &request.pipeline_tag,
            RootStep::Build(build) => &build.pipeline_tag,
        }
    }
}

/// `-o json|yaml` of `tag` and `run`.
#[derive(Serialize)]
struct TagReport<'a> {
    roots: Vec<RootReport>,
    /// `run` only: the warnings found on the way (`tag` reads no file).
    #[serde(skip_serializing_if = "Option::is_none")]
    warnings: Option<&'a [Warning]>,
}

/// One root of the report, in the shape of how it was pinned.
#[derive(Serialize)]
#[serde(untagged)]
enum RootReport {
    Tagged(TaggedRoot),
    Built(BuiltRoot),
}

impl RootReport {
    fn pull_spec(&self) -> &str {
        match self {
            RootReport::Tagged(root) => &root.pull_spec,
            RootReport::Built(root) => &root.pull_spec,
        }
    }
}

/// A `project_image` root: `{"pipeline_tag", "strategy": "project_image", "key", "cache":
/// "hit" | "miss", "build": NAME | null, "digest", "pull_spec"}`.
#[derive(Serialize)]
struct BuiltRoot {
    pipeline_tag: String,
    strategy: &'static str,
    key: String,
    cache: CacheOutcome,
    /// The Build whose image was pinned; `None` on a hit.
    build: Option<String>,
    digest: String,
    pull_spec: String,
}

impl From<RootBuilt> for BuiltRoot {
    fn from(built: RootBuilt) -> BuiltRoot {
        BuiltRoot {
            pipeline_tag: built.pipeline_tag,
            strategy: "project_image",
            key: built.key,
            cache: built.cache,
            build: built.build,
            digest: built.digest,
            pull_spec: built.pull_spec,
        }
    }
}

#[derive(Serialize)]
struct TaggedRoot {
    pipeline_tag: String,
    /// The root that was resolved.
    root: String,
    /// The imagestreamtag whose image was pinned (the root or its build cache).
    source: String,
    digest: String,
    pull_spec: String,
    choice: String,
    created: bool,
}

/// What `run` needs to build the tag request of a resolved root.
pub(crate) struct RunSettings<'a> {
    /// The job namespace.
    pub(crate) namespace: &'a str,
    /// `--promote`: never use the build cache.
    pub(crate) promote: bool,
    /// `--root-cache-namespace`: where `project_image` roots are cached.
    pub(crate) root_cache_namespace: &'a str,
    /// `--dry-run`: nothing reaches a cluster.
    pub(crate) dry_run: bool,
}

/// The tag request for a resolved root; `None` for a root that is built, not tagged.
pub(crate) fn request_for(
    config: &ValidConfig,
    root: &ResolvedRoot,
    settings: &RunSettings<'_>,
) -> Option<TagRequest> {
    let ist = root.image_stream_tag.clone()?;
    let mut request = TagRequest::new(settings.namespace.to_owned(), ist);
    request.pipeline_tag = root.pipeline_tag.clone();
    request.promote = settings.promote;
    let build_root = match &root.ref_ {
        None => config.config().build_root.as_ref(),
        Some(key) => config.config().build_roots.get(key),
    };
    let use_build_cache = build_root
        .and_then(|b| b.use_build_cache.as_ref())
        .is_some_and(|u| u.value);
    if use_build_cache {
        match &config.config().zz_generated_metadata {
            Some(meta)
                if !meta.org.is_empty() && !meta.repo.is_empty() && !meta.branch.is_empty() =>
            {
                request.build_cache = Some(BuildCache {
                    org: meta.org.clone(),
                    repo: meta.repo.clone(),
                    branch: meta.branch.clone(),
                    variant: meta.variant.clone(),
                });
            }
            _ => output::note(
                "use_build_cache is set but the config has no zz_generated_metadata (org, repo, branch): tagging the root itself",
            ),
        }
    }
    Some(request)
}

/// Tags every request (or prints the objects, with `--dry-run`), then prints the pinned pull
/// specs; `warnings` are `run`'s, for machine output.
pub(crate) fn tag_all(
    requests: Vec<TagRequest>,
    cluster: &ClusterArgs,
    deadline: Instant,
    format: OutputFormat,
    warnings: Option<&[Warning]>,
) -> Result<(), Failure> {
    let steps = requests.into_iter().map(RootStep::Tag).collect();
    run_all(steps, cluster, deadline, format, warnings)
}

/// Tags or builds every root in order (or prints the objects, with `--dry-run`), then prints
/// the pinned pull specs; `warnings` are `run`'s, for machine output.
pub(crate) fn run_all(
    steps: Vec<RootStep<'_>>,
    cluster: &ClusterArgs,
    deadline: Instant,
    format: OutputFormat,
    warnings: Option<&[Warning]>,
) -> Result<(), Failure> {
    if cluster.dry_run {
        let mut text = String::new();
        for step in &steps {
            let yaml = match step {
                RootStep::Tag(request) => tagger::dry_run(request)?,
                RootStep::Build(build) => build.dry_run()?,
            };
            if !text.is_empty() {
                text.push_str("---\n");
            }
            text.push_str(&yaml);
        }
        return output::stdout(&text);
    }
    if steps.is_empty() {
        return Ok(());
    }
    let report = TagReport {
        roots: on_cluster(&steps, cluster, deadline)?,
        warnings,
    };
    let text = output::render(format, &report, || {
        report
            .roots
            .iter()
            .map(|r| format!("{}\n", r.pull_spec()))
            .collect()
    })?;
    output::stdout(&text)
}

/// Tags or builds the roots one after the other, each with what is left of the deadline.
fn on_cluster(
    steps: &[RootStep<'_>],
    cluster: &ClusterArgs,
    deadline: Instant,
) -> Result<Vec<RootReport>, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(TagError::Runtime)?;
    runtime.block_on(async {
        let client = tagger::client_from(cluster.kubeconfig.as_deref()).await?;
        let mut reports = Vec::new();
        for step in steps {
            if deadline.saturating_duration_since(Instant::now()).is_zero() {
                return Err(TagError::DeadlinePassed {
                    pipeline_tag: step.pipeline_tag().to_owned(),
                }
                .into());
            }
            match step {
                RootStep::Tag(request) => {
                    let done = tagger::tag(&client, request, &options_until(deadline)).await?;
                    output::note(&format!(
                        "pipeline:{} <- {}: {}",
                        done.pipeline_tag, done.source, done.choice
                    ));
                    reports.push(RootReport::Tagged(report_of(
                        request.root.to_string(),
                        done,
                    )));
                }
                RootStep::Build(build) => {
                    let done = build.on_cluster(&client, deadline).await?;
                    reports.push(RootReport::Built(done.into()));
                }
            }
        }
        Ok::<_, Failure>(reports)
    })
}

fn report_of(root: String, tagged: Tagged) -> TaggedRoot {
    TaggedRoot {
        pipeline_tag: tagged.pipeline_tag,
        root,
        source: tagged.source.to_string(),
        digest: tagged.digest,
        pull_spec: tagged.pull_spec,
        choice: tagged.choice.to_string(),
        created: tagged.outcome == tagger::Outcome::Created,
    }
}

/// `LOCAL_IMAGE_ROOT` in the environment: the root was supplied, nothing is tagged. Prints it
/// and says so; `true` when it is set.
pub(crate) fn supplied_root() -> Result<bool, Failure> {
    match std::env::var("LOCAL_IMAGE_ROOT") {
        Ok(value) if !value.trim().is_empty() => {
            output::note("LOCAL_IMAGE_ROOT is set: the build root was supplied, nothing is tagged");
            output::stdout(&format!("{}\n", value.trim()))?;
            Ok(true)
        }
        _ => Ok(false),
    }
}
