//! `project_image` roots in `run`: the plan of the build at the merged revision (what it reads,
//! by git id), the cache imagestreamtag `<cache ns>/<org>-<repo>-root:<key>`, and on the
//! cluster either a hit pinned from the cache or a miss built from the archive of the inputs.
//!
//! The key covers the current digest of every base that maps to an imagestreamtag, which only
//! the cluster knows. `--dry-run` touches no cluster, so it computes the key with each such
//! digest replaced by the tag's name and labels it provisional (the real key differs); with no
//! such base the key is final. Everything else it shows (inputs, cache tag, BuildConfig, the
//! archive's files and bytes) is what the run would use.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use config_model::{ImageStreamTag, ValidConfig};
use resolver::{
    ArchiveSummary, BuildDockerfile, BuildInput, BuildKey, EntryKind, RepoFiles, RepoFilesProvider,
    ResolvedRoot, RootBuildPlan,
};
use tagger::{BuildImageInput, RootBuildRequest, RootBuilt};

use crate::error::ProjectImageError;
use crate::exit::Failure;
use crate::output;

/// How many input paths a note names before it counts the rest.
const SHOWN_INPUTS: usize = 5;
/// How many inputs `--dry-run` lists before it counts the rest.
const LISTED_INPUTS: usize = 50;

/// Where a root build runs and how its cache is named.
pub(crate) struct BuildSettings<'a> {
    /// The job namespace.
    pub(crate) namespace: &'a str,
    /// `--root-cache-namespace`.
    pub(crate) cache_namespace: &'a str,
    /// `org` and `repo` of the job's tested repository (`JOB_SPEC` refs), when known.
    pub(crate) job_repository: Option<(&'a str, &'a str)>,
    /// `--allowed-root-namespaces`.
    pub(crate) allowed_namespaces: &'a [String],
    /// `--dry-run`: an unknown repository name is shown as a placeholder instead of failing.
    pub(crate) dry_run: bool,
}

/// A `project_image` root, planned: ready to be keyed, looked up in the cache and built.
pub(crate) struct RootBuild<'a> {
    /// `root` or `root-<org.repo>`.
    pub(crate) pipeline_tag: String,
    plan: RootBuildPlan,
    /// The repository the plan was made from: the archive reads the same files.
    files: &'a dyn RepoFiles,
    namespace: String,
    cache_namespace: String,
    /// `<org>-<repo>-root`.
    cache_stream: String,
    image_inputs: Vec<BuildImageInput>,
}

/// Plans the build of a `project_image` root from the files it reads; `Ok(None)` when the
/// root is not built from `project_image`.
pub(crate) fn plan<'a>(
    config: &ValidConfig,
    root: &ResolvedRoot,
    repositories: &'a dyn RepoFilesProvider,
    settings: &BuildSettings<'_>,
) -> Result<Option<RootBuild<'a>>, Failure> {
    let key = root.ref_.as_deref();
    let Some(plan) = resolver::root_build_plan(config, key, repositories)? else {
        return Ok(None);
    };
    let pipeline_tag = root.pipeline_tag.clone();
    super::policy::check_bases(&pipeline_tag, &plan, settings.allowed_namespaces)?;
    let build_root = match key {
        None => config.config().build_root.as_ref(),
        Some(key) => config.config().build_roots.get(key),
    };
    let project_ref = build_root
        .and_then(|b| b.project_image.as_ref())
        .and_then(|p| p.ref_.as_ref())
        .map(|r| r.value.as_str());
    let repository = project_ref.or(key);
    let Some(files) = repositories.files(repository)? else {
        return Err(resolver::Error::NoRepository {
            field: key.map_or_else(|| "build_root".to_owned(), |k| format!("build_roots[{k}]")),
            org_repo: repository.unwrap_or_default().to_owned(),
        }
        .into());
    };
    let cache_stream = cache_stream(config, &pipeline_tag, repository, settings)?;
    let image_inputs = image_inputs(config, &pipeline_tag, &plan, settings.namespace)?;
    let build = RootBuild {
        pipeline_tag,
        plan,
        files,
        namespace: settings.namespace.to_owned(),
        cache_namespace: settings.cache_namespace.to_owned(),
        cache_stream,
        image_inputs,
    };
    for warning in build.plan_warnings() {
        output::note(&format!(
            "warning: pipeline:{}: {warning}",
            build.pipeline_tag
        ));
    }
    Ok(Some(build))
}

/// The cache stream a dry run shows when no repository name is known.
const UNKNOWN_CACHE_STREAM: &str = "unknown-org-unknown-repo-root";

/// `<org>-<repo>-root`, lowercase (imagestream names are; GitHub names are not case-sensitive):
/// the repository of a `ref` or a `build_roots` key, else the job's, else the config's metadata.
fn cache_stream(
    config: &ValidConfig,
    pipeline_tag: &str,
    repository: Option<&str>,
    settings: &BuildSettings<'_>,
) -> Result<String, ProjectImageError> {
    let metadata = config
        .config()
        .zz_generated_metadata
        .as_ref()
        .filter(|m| !m.org.is_empty() && !m.repo.is_empty())
        .map(|m| (m.org.as_str(), m.repo.as_str()));
    let named = match repository {
        Some(org_repo) => org_repo.split_once('.'),
        None => settings.job_repository.or(metadata),
    };
    let Some((org, repo)) = named else {
        if settings.dry_run {
            // A dry run shows what it can; a real run needs the name and fails below.
            output::note(&format!(
                "pipeline:{pipeline_tag}: no repository name is known (no JOB_SPEC, no zz_generated_metadata): the dry run names the cache `{UNKNOWN_CACHE_STREAM}`; a real run needs JOB_SPEC or zz_generated_metadata.org/repo"
            ));
            return Ok(UNKNOWN_CACHE_STREAM.to_owned());
        }
        return Err(ProjectImageError::NoRepositoryName {
            pipeline_tag: pipeline_tag.to_owned(),
        });
    };
    let stream = format!("{org}-{repo}-root").to_lowercase();
    // The tag is the key, `root-<hex>`: any valid tag checks the namespace and the name.
    ImageStreamTag::new(settings.cache_namespace, stream.clone(), "root")
        .map(|_| stream)
        .map_err(|source| ProjectImageError::InvalidCacheName {
            pipeline_tag: pipeline_tag.to_owned(),
            org_repo: format!("{org}/{repo}"),
            source,
        })
}

/// One `source.images` entry per `inputs` item: the `base_images` tag of that name, else the
/// pipeline image of the job.
fn image_inputs(
    config: &ValidConfig,
    pipeline_tag: &str,
    plan: &RootBuildPlan,
    namespace: &str,
) -> Result<Vec<BuildImageInput>, ProjectImageError> {
    plan.image_inputs
        .iter()
        .map(|(name, replaces)| {
            let from = match config.config().base_images.get(name) {
                Some(base) => base.value.checked(),
                None => ImageStreamTag::new(namespace, "pipeline", name.clone()),
            };
            let from = from.map_err(|source| ProjectImageError::InvalidInputImage {
                pipeline_tag: pipeline_tag.to_owned(),
                name: name.clone(),
                source,
            })?;
            Ok(BuildImageInput {
                from,
                as_: replaces.clone(),
            })
        })
        .collect()
}

/// The tagger's options with what is left of the deadline.
pub(crate) fn options_until(deadline: Instant) -> tagger::Options {
    let remaining = deadline.saturating_duration_since(Instant::now());
    tagger::Options {
        timeout: remaining.max(Duration::from_millis(1)),
        ..Default::default()
    }
}

impl RootBuild<'_> {
    /// Builds the root on the cluster unless the cache has it: reads the bases' digests, keys
    /// the plan, pins from the cache on a hit, else archives the inputs and builds. Says which
    /// on stderr, and why.
    pub(crate) async fn on_cluster(
        &self,
        client: &kube::Client,
        deadline: Instant,
    ) -> Result<RootBuilt, Failure> {
        let tags = self.digest_bases();
        let digests = tagger::image_digests(client, &tags, &options_until(deadline)).await?;
        let key = self.key(&digests)?;
        let request = self.request(&key)?;
        let tag = &self.pipeline_tag;
        output::note(&format!(
            "pipeline:{tag}: key {key} over {} and {}",
            self.inputs_text(),
            self.bases_text(Some(&digests))
        ));
        if let Some(done) =
            tagger::pin_from_cache(client, &request, &options_until(deadline)).await?
        {
            output::note(&format!(
                "pipeline:{tag}: cache hit: {} exists: pinned from it by digest, nothing built",
                request.cache
            ));
            return Ok(done);
        }
        let mut archive = Vec::new();
        let summary = self.write_archive(&mut archive)?;
        output::note(&format!(
            "pipeline:{tag}: cache miss: {} does not exist: building it from an archive of {}",
            request.cache,
            archive_text(summary)
        ));
        let done =
            tagger::build_and_pin(client, &request, &archive, &options_until(deadline)).await?;
        let build = done.build.as_deref().unwrap_or("?");
        let whose = if done.build_started {
            "started by this run"
        } else {
            "another run's build of the same key"
        };
        output::note(&format!(
            "pipeline:{tag} <- build {build} ({whose}): {}",
            done.digest
        ));
        if let Some(kept) = &done.cache_kept {
            output::note(&format!(
                "pipeline:{tag}: {} keeps {kept}, built first elsewhere",
                request.cache
            ));
        }
        Ok(done)
    }

    /// What `--dry-run` shows: the key (final, or provisional when bases need digests), the
    /// cache tag, what the key covers, the archive's size, then the BuildConfig and the cache
    /// tag as YAML.
    pub(crate) fn dry_run(&self) -> Result<String, Failure> {
        let tags = self.digest_bases();
        // Offline: each digest is the tag's name, so the key is stable but not the real one.
        let stand_ins: BTreeMap<ImageStreamTag, String> =
            tags.iter().map(|t| (t.clone(), t.to_string())).collect();
        let key = self.key(&stand_ins)?;
        let request = self.request(&key)?;
        let summary = self.write_archive(&mut std::io::sink())?;
        let mut text = String::new();
        let _ = writeln!(
            text,
            "# pipeline:{} is built from {} at {}.",
            self.pipeline_tag,
            self.dockerfile_text(),
            self.files.revision()
        );
        if tags.is_empty() {
            let _ = writeln!(
                text,
                "# Key: {key} (final: no base maps to an imagestreamtag, so no digest is needed)."
            );
        } else {
            let plural = if tags.len() == 1 { "" } else { "s" };
            let _ = writeln!(
                text,
                "# Key: {key} (PROVISIONAL: the key covers the current digest of {} base image{plural}, read from the\n# cluster at run time; offline each digest is replaced by its tag's name, so the real key differs).",
                tags.len()
            );
        }
        let _ = writeln!(text, "# Cache tag: {}", request.cache);
        let _ = writeln!(text, "# The key covers:");
        for input in self.plan.inputs.iter().take(LISTED_INPUTS) {
            let _ = writeln!(
                text,
                "#   input {} ({} {})",
                input_text(input),
                kind_text(input.kind),
                input.id
            );
        }
        if self.plan.inputs.len() > LISTED_INPUTS {
            let _ = writeln!(
                text,
                "#   ... and {} more inputs",
                self.plan.inputs.len() - LISTED_INPUTS
            );
        }
        for remote in &self.plan.remote_sources {
            let _ = writeln!(
                text,
                "#   ADD of {} (line {}), by its URL",
                remote.url, remote.line
            );
        }
        for base in &self.plan.bases {
            let _ = match &base.image_stream_tag {
                Some(ist) => writeln!(
                    text,
                    "#   base {ist} (line {}, `FROM {}`): its digest, read at run time",
                    base.line, base.text
                ),
                None => writeln!(
                    text,
                    "#   base `{}` (line {}): by its text",
                    base.text, base.line
                ),
            };
        }
        for (name, value) in &self.plan.build_args {
            let _ = writeln!(text, "#   build argument {name}={value}");
        }
        for warning in self.plan_warnings() {
            let _ = writeln!(text, "# warning: {warning}");
        }
        let _ = writeln!(text, "# The archive would hold {}.", archive_text(summary));
        text.push_str(&tagger::dry_run_build(&request)?);
        Ok(text)
    }

    /// The bases whose digest the key covers, each once.
    fn digest_bases(&self) -> Vec<ImageStreamTag> {
        let mut tags: Vec<ImageStreamTag> = self
            .plan
            .bases
            .iter()
            .filter_map(|b| b.image_stream_tag.clone())
            .collect();
        tags.sort();
        tags.dedup();
        tags
    }

    fn key(
        &self,
        digests: &BTreeMap<ImageStreamTag, String>,
    ) -> Result<BuildKey, ProjectImageError> {
        self.plan
            .key(digests)
            .map_err(|source| ProjectImageError::MissingDigest {
                pipeline_tag: self.pipeline_tag.clone(),
                source: Box::new(source),
            })
    }

    /// What the tagger needs to pin or build this root under `key`.
    fn request(&self, key: &BuildKey) -> Result<RootBuildRequest, ProjectImageError> {
        let cache = ImageStreamTag::new(
            self.cache_namespace.clone(),
            self.cache_stream.clone(),
            key.as_str(),
        )
        .map_err(|source| ProjectImageError::InvalidCacheName {
            pipeline_tag: self.pipeline_tag.clone(),
            org_repo: self.cache_stream.clone(),
            source,
        })?;
        let dockerfile = match &self.plan.dockerfile {
            BuildDockerfile::Literal(text) => tagger::BuildDockerfile::Literal(text.clone()),
            BuildDockerfile::Path(path) => {
                let in_context = match self.plan.context_dir.as_str() {
                    "" => path.as_str(),
                    dir => path
                        .strip_prefix(dir)
                        .and_then(|rest| rest.strip_prefix('/'))
                        .unwrap_or(path),
                };
                tagger::BuildDockerfile::Path(in_context.to_owned())
            }
        };
        Ok(RootBuildRequest {
            namespace: self.namespace.clone(),
            pipeline_tag: self.pipeline_tag.clone(),
            key: key.to_string(),
            cache,
            dockerfile,
            build_args: self.plan.build_args.clone(),
            image_inputs: self.image_inputs.clone(),
        })
    }

    /// The archive of the inputs, refused whole (a symlink, a path outside the context, over
    /// 256 MiB) before a byte is written.
    fn write_archive(
        &self,
        out: &mut dyn std::io::Write,
    ) -> Result<ArchiveSummary, ProjectImageError> {
        self.plan
            .write_archive(self.files, out)
            .map_err(|source| ProjectImageError::Archive {
                pipeline_tag: self.pipeline_tag.clone(),
                source,
            })
    }

    /// What the plan found that will make the build fail or differ from what it looks like.
    fn plan_warnings(&self) -> Vec<String> {
        let dockerfile = self.dockerfile_text();
        let mut warnings: Vec<String> = self
            .plan
            .missing
            .iter()
            .map(|m| {
                format!(
                    "{dockerfile}:{}: `{}` is not in the build context (or .dockerignore excludes it): the build fails unless its stage is skipped",
                    m.line, m.path
                )
            })
            .collect();
        warnings.extend(self.plan.notes.iter().cloned());
        warnings
    }

    fn dockerfile_text(&self) -> String {
        match &self.plan.dockerfile {
            BuildDockerfile::Path(path) => path.clone(),
            BuildDockerfile::Literal(_) => "the config's dockerfile_literal".to_owned(),
        }
    }

    /// `3 inputs (Dockerfile, go.mod, hack/)`: the count and the first few paths.
    fn inputs_text(&self) -> String {
        let inputs = &self.plan.inputs;
        let plural = if inputs.len() == 1 { "" } else { "s" };
        let mut shown: Vec<String> = inputs.iter().take(SHOWN_INPUTS).map(input_text).collect();
        if inputs.len() > SHOWN_INPUTS {
            shown.push(format!("and {} more", inputs.len() - SHOWN_INPUTS));
        }
        format!("{} input{plural} ({})", inputs.len(), shown.join(", "))
    }

    /// `1 base (openshift/release:golang-1.22@sha256:...)`; bases that map to no imagestreamtag
    /// by their text.
    fn bases_text(&self, digests: Option<&BTreeMap<ImageStreamTag, String>>) -> String {
        let bases = &self.plan.bases;
        if bases.is_empty() {
            return "no base image".to_owned();
        }
        let plural = if bases.len() == 1 { "" } else { "s" };
        let shown: Vec<String> = bases
            .iter()
            .map(|base| match &base.image_stream_tag {
                Some(ist) => match digests.and_then(|d| d.get(ist)) {
                    Some(digest) => format!("{ist}@{digest}"),
                    None => ist.to_string(),
                },
                None => format!("`{}`", base.text),
            })
            .collect();
        format!("{} base{plural} ({})", bases.len(), shown.join(", "))
    }
}

fn input_text(input: &BuildInput) -> String {
    match (input.path.as_str(), input.kind) {
        ("", _) => "the whole context".to_owned(),
        (path, EntryKind::Directory) => format!("{path}/"),
        (path, _) => path.to_owned(),
    }
}

fn kind_text(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Directory => "tree",
        EntryKind::Submodule => "commit",
        EntryKind::File | EntryKind::Executable | EntryKind::Symlink => "blob",
    }
}

fn archive_text(summary: ArchiveSummary) -> String {
    let plural = if summary.files == 1 { "" } else { "s" };
    format!("{} file{plural}, {} bytes", summary.files, summary.bytes)
}
