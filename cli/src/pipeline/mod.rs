//! The one path the commands that read a config share: load and validate the config, choose
//! the source, resolve every root, apply the `--allowed-root-namespaces` policy, tag (or, for a
//! `project_image` root, build).
//!
//! `resolve` stops after the policy, `check` compares the in-repo root with the Dockerfiles
//! instead of resolving, `run` goes on to plan each `project_image` build (`build`) and to tag
//! or build every root on the cluster (`tag`), `tag` tags a root given on the command line,
//! and `init` resolves through option B to write the root it finds. The commands call these
//! steps; no command calls another.

mod build;
mod policy;
mod snippets;
mod tag;
mod warnings;

use std::path::Path;
use std::time::Instant;

use config_model::ValidConfig;
use resolver::{DriftReport, ResolvedRoot};

use crate::args::SourceArgs;
use crate::documents;
use crate::exit::Failure;
use crate::source::{Repositories, Source};
use build::{BuildSettings, RootBuild};

pub(crate) use tag::{RootStep, RunSettings, request_for, run_all, supplied_root, tag_all};
pub(crate) use warnings::Warning;

/// A config that passed validation, and its warnings (already shown on stderr).
pub(crate) struct Loaded {
    /// The config's path, as the user wrote it.
    pub(crate) file: String,
    /// The config.
    pub(crate) config: ValidConfig,
    /// Its warnings.
    pub(crate) warnings: Vec<Warning>,
}

/// Step 1: reads and validates the config named by `--config`.
pub(crate) fn load(path: &Path) -> Result<Loaded, Failure> {
    let config = documents::load_config(path)?;
    let file = path.display().to_string();
    let warnings = config
        .warnings()
        .iter()
        .map(|d| Warning::new(&file, d))
        .collect();
    Ok(Loaded {
        file,
        config,
        warnings,
    })
}

/// Every root of a config, policy applied, and every warning on the way.
pub(crate) struct Resolved {
    /// `root` first, then `build_roots` by key.
    pub(crate) roots: Vec<ResolvedRoot>,
    /// The config's warnings, then those of each `.ci-operator.yaml` read.
    pub(crate) warnings: Vec<Warning>,
    /// The repositories the roots were read from, kept open for the `project_image` builds,
    /// which read them again (the inputs, the archive); `None` for a config without roots.
    repositories: Option<Repositories>,
    /// `org` and `repo` of the job's tested repository, from `JOB_SPEC`.
    job_repository: Option<(String, String)>,
}

impl Resolved {
    /// Plans the build of a `project_image` root from the repository it was resolved from;
    /// `Ok(None)` for any other root.
    pub(crate) fn plan_build(
        &self,
        config: &ValidConfig,
        root: &ResolvedRoot,
        settings: &RunSettings<'_>,
        allowed_namespaces: &[String],
    ) -> Result<Option<RootBuild<'_>>, Failure> {
        let Some(repositories) = &self.repositories else {
            return Ok(None);
        };
        let job_repository = self
            .job_repository
            .as_ref()
            .map(|(org, repo)| (org.as_str(), repo.as_str()));
        let settings = BuildSettings {
            namespace: settings.namespace,
            cache_namespace: settings.root_cache_namespace,
            job_repository,
            allowed_namespaces,
            dry_run: settings.dry_run,
        };
        build::plan(config, root, repositories, &settings)
    }
}

/// Steps 2 to 4: chooses the source the arguments name, resolves every root from it, and
/// applies the policy on roots the repository chose. A config without roots reads nothing.
pub(crate) fn resolve(
    loaded: &Loaded,
    args: &SourceArgs,
    deadline: Instant,
) -> Result<Resolved, Failure> {
    let config = &loaded.config;
    let mut warnings = loaded.warnings.clone();
    let has_roots = config.config().build_root.is_some() || !config.config().build_roots.is_empty();
    if !has_roots {
        return Ok(Resolved {
            roots: Vec::new(),
            warnings,
            repositories: None,
            job_repository: None,
        });
    }
    let source = Source::from_args(args)?;
    let job_repository = match &source {
        Source::Prow {
            refs: Some(refs), ..
        } => Some((refs.org.clone(), refs.repo.clone())),
        Source::Prow { .. } | Source::Disk(_) | Source::Git { .. } => None,
    };
    let repositories = Repositories::new(source, config, deadline);
    let resolution = resolver::resolve_all(config, &repositories);
    // Shown before the error, if any: a misspelt key often explains it.
    warnings.extend(warnings::shown(repositories.in_repo_warnings()));
    let roots = resolution.map_err(|error| {
        let snippets = snippets::repository_snippets(&error, &repositories);
        Failure::from(error).with_snippets(snippets)
    })?;
    for root in &roots {
        policy::check(root, &args.allowed_root_namespaces)?;
    }
    Ok(Resolved {
        roots,
        warnings,
        repositories: Some(repositories),
        job_repository,
    })
}

/// How a root was chosen, for a person: its explanation without the in-repo file's warnings,
/// which went to stderr on their own.
pub(crate) fn explain(root: &ResolvedRoot) -> String {
    let mut shown = root.clone();
    if let resolver::Source::InRepoFile(source) = &mut shown.source {
        source.warnings.clear();
    }
    shown.to_string()
}

/// The drift report of the tested repository, and every warning on the way.
pub(crate) struct Checked {
    /// The in-repo root against each promoted Dockerfile.
    pub(crate) report: DriftReport,
    /// The config's warnings, then those of `.ci-operator.yaml`.
    pub(crate) warnings: Vec<Warning>,
}

/// Steps 2 and 3 for `check`: compares `.ci-operator.yaml` of the tested repository with the
/// root each promoted Dockerfile implies.
pub(crate) fn check(
    loaded: &Loaded,
    args: &SourceArgs,
    deadline: Instant,
) -> Result<Checked, Failure> {
    let config = &loaded.config;
    let mut warnings = loaded.warnings.clone();
    let repositories = Repositories::new(Source::from_args(args)?, config, deadline);
    let files = repositories.primary()?;
    let drift = resolver::check_drift(config, files);
    warnings.extend(warnings::shown(repositories.in_repo_warnings()));
    let report = drift?;
    let unused_inputs = report
        .unused_inputs
        .iter()
        .map(|unused| (loaded.file.clone(), warnings::unused_input(unused)))
        .collect();
    warnings.extend(warnings::shown(unused_inputs));
    Ok(Checked { report, warnings })
}

/// The drift report for a person, without its warnings, which went to stderr on their own.
pub(crate) fn explain_drift(report: &DriftReport) -> String {
    let mut shown = report.clone();
    shown.unused_inputs.clear();
    shown.to_string()
}

/// Option B alone, on a work tree: the root the promoted Dockerfiles imply for `build_root`,
/// whatever `.ci-operator.yaml` says (for `init`, which writes it there).
pub(crate) fn infer_from_dockerfiles(
    config: &ValidConfig,
    work_tree: &Path,
    deadline: Instant,
) -> Result<Option<ResolvedRoot>, resolver::Error> {
    use resolver::Strategy;

    let source = Source::Disk(work_tree.to_path_buf());
    let repositories = Repositories::new(source, config, deadline);
    let Some(context) = resolver::Context::new(config, None, &repositories) else {
        return Ok(None);
    };
    resolver::PromotionDockerfile { request: None }
        .resolve(&context)
        .map(Some)
}
