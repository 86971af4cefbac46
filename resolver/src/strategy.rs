//! The ways to get a build root, behind one trait, and the entry points that choose among
//! them.

use std::collections::BTreeMap;

use config_model::{
    BuildRoot, BuildRootImage, Config, FromDockerfile, IN_REPO_FILE_NAME, Located, ValidConfig,
};

use crate::dockerfile::Location;
use crate::error::{Error, InferenceError};
use crate::files::{FileError, MAX_IN_REPO_FILE_BYTES, RepoFiles};
use crate::infer::{self, BuildSettings, Loader};
use crate::root::{
    BuildPlan, ConfigSource, DockerfileSource, FromDockerfileRequest, InRepoFileSource,
    ResolvedRoot, Source, StageBase, StrategyKind,
};

/// The repositories of a job, by `org.repo`, for multi-repo jobs.
pub trait RepoFilesProvider {
    /// The files of the tested repository (`None`) or of `org.repo` (a `build_roots` key or a
    /// `ref`); `Ok(None)` when the job has no such repository.
    fn files(&self, org_repo: Option<&str>) -> Result<Option<&dyn RepoFiles>, FileError>;
}

/// A [`RepoFilesProvider`] over files already opened: the tested repository and others by
/// `org.repo`.
pub struct Repositories<'a> {
    primary: &'a dyn RepoFiles,
    others: BTreeMap<String, &'a dyn RepoFiles>,
}

impl<'a> Repositories<'a> {
    /// The tested repository alone.
    pub fn new(primary: &'a dyn RepoFiles) -> Self {
        Repositories {
            primary,
            others: BTreeMap::new(),
        }
    }

    /// Adds the repository `org_repo` (builder style).
    #[must_use]
    pub fn with(mut self, org_repo: impl Into<String>, files: &'a dyn RepoFiles) -> Self {
        self.others.insert(org_repo.into(), files);
        self
    }
}

impl RepoFilesProvider for Repositories<'_> {
    fn files(&self, org_repo: Option<&str>) -> Result<Option<&dyn RepoFiles>, FileError> {
        Ok(match org_repo {
            None => Some(self.primary),
            Some(key) => self.others.get(key).copied(),
        })
    }
}

/// Which build root to resolve, with everything a strategy needs.
pub struct Context<'a> {
    config: &'a Config,
    key: Option<&'a str>,
    build_root: &'a Located<BuildRoot>,
    repos: &'a dyn RepoFilesProvider,
    field: String,
}

impl<'a> Context<'a> {
    /// The root `build_root` (`key` `None`) or `build_roots[key]`; `None` when the config has
    /// no such root.
    pub fn new(
        config: &'a ValidConfig,
        key: Option<&'a str>,
        repos: &'a dyn RepoFilesProvider,
    ) -> Option<Self> {
        let config = config.config();
        let build_root = match key {
            None => config.build_root.as_ref()?,
            Some(k) => config.build_roots.get(k)?,
        };
        Some(Context {
            config,
            key,
            build_root,
            repos,
            field: field_path(key),
        })
    }

    /// The pipeline tag: `root`, or `root-<org.repo>`.
    pub fn pipeline_tag(&self) -> String {
        match self.key {
            None => "root".to_owned(),
            Some(k) => format!("root-{k}"),
        }
    }

    /// `build_root` or `build_roots[org.repo]`.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The config.
    pub fn config(&self) -> &'a Config {
        self.config
    }

    /// `None` for `build_root`, the `org.repo` key for `build_roots`.
    pub fn key(&self) -> Option<&'a str> {
        self.key
    }

    /// The build root's settings.
    pub fn build_root(&self) -> &'a Located<BuildRoot> {
        self.build_root
    }

    fn root(
        &self,
        strategy: StrategyKind,
        ist: Option<config_model::ImageStreamTagReference>,
        source: Source,
    ) -> ResolvedRoot {
        ResolvedRoot {
            pipeline_tag: self.pipeline_tag(),
            ref_: self.key.map(str::to_owned),
            strategy,
            image_stream_tag: ist,
            source,
        }
    }

    /// The files of the repository `org_repo` (`None`: this root's own repository); an error
    /// when the job has no such repository.
    pub fn files(&self, org_repo: Option<&str>) -> Result<&'a dyn RepoFiles, Error> {
        let wanted = org_repo.or(self.key);
        match self.repos.files(wanted) {
            Ok(Some(files)) => Ok(files),
            Ok(None) => Err(Error::NoRepository {
                field: self.field.clone(),
                org_repo: wanted.unwrap_or_default().to_owned(),
            }),
            Err(e) => Err(Error::from_file(
                &self.field,
                "its source (--repo, --rev or the job's refs)".to_owned(),
                e,
            )),
        }
    }
}

fn field_path(key: Option<&str>) -> String {
    match key {
        None => "build_root".to_owned(),
        Some(k) => format!("build_roots[{k}]"),
    }
}

/// One way to get a build root.
pub trait Strategy {
    /// Which way this is.
    fn kind(&self) -> StrategyKind;
    /// Resolves the root of `context`.
    fn resolve(&self, context: &Context<'_>) -> Result<ResolvedRoot, Error>;
}

/// `image_stream_tag` in the config.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConfiguredImageStreamTag;

/// `.ci-operator.yaml` naming an imagestreamtag (option A); fails when the file does not.
#[derive(Debug, Clone, Copy, Default)]
pub struct InRepoFile;

/// The root implied by the promoted Dockerfiles (option B).
#[derive(Debug, Clone, Default)]
pub struct PromotionDockerfile {
    /// What `.ci-operator.yaml` asked (`None`: by convention).
    pub request: Option<Located<FromDockerfile>>,
}

/// `project_image`: a build plan.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProjectImage;

/// `from_repository: true`: A when `.ci-operator.yaml` names an imagestreamtag, B as it says
/// when it has `from_dockerfile`, B by convention when there is no `.ci-operator.yaml`.
///
/// Its [`Strategy::kind`] is [`StrategyKind::Dockerfile`]; the roots it returns say
/// [`StrategyKind::InRepoFile`] when option A applied.
#[derive(Debug, Clone, Copy, Default)]
pub struct FromRepository;

impl Strategy for ConfiguredImageStreamTag {
    fn kind(&self) -> StrategyKind {
        StrategyKind::ImageStreamTag
    }

    fn resolve(&self, context: &Context<'_>) -> Result<ResolvedRoot, Error> {
        let Some(ist) = &context.build_root.image_stream_tag else {
            return Err(Error::NoBuildRoot {
                field: context.field.clone(),
            });
        };
        Ok(context.root(
            self.kind(),
            Some(ist.value.clone()),
            Source::Config(ConfigSource {
                field: format!("{}.image_stream_tag", context.field),
                line: ist.pos.line,
                column: ist.pos.column,
            }),
        ))
    }
}

/// `.ci-operator.yaml` as read: absent, or parsed (with its warnings: unknown keys).
enum InRepo {
    Missing,
    Present(Located<BuildRootImage>, Vec<String>),
}

fn read_in_repo(context: &Context<'_>, files: &dyn RepoFiles) -> Result<InRepo, Error> {
    let revision = files.revision();
    let bytes = match files.read(IN_REPO_FILE_NAME, MAX_IN_REPO_FILE_BYTES) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Ok(InRepo::Missing),
        Err(e) => return Err(Error::from_file(&context.field, revision, e)),
    };
    let parsed = config_model::parse_in_repo(&bytes).map_err(|source| Error::InRepoFileSyntax {
        field: context.field.clone(),
        revision: revision.clone(),
        source: Box::new(source),
    })?;
    let warnings = parsed.warnings.iter().map(ToString::to_string).collect();
    // parse_in_repo guarantees `build_root_image` with either a complete imagestreamtag or
    // `from_dockerfile`; a file without it is refused there.
    match parsed.config.build_root_image {
        Some(image) => Ok(InRepo::Present(image, warnings)),
        None => Err(Error::InRepoFileInvalid {
            field: context.field.clone(),
            revision,
            at: Location { line: 1, column: 1 },
            problem: "`build_root_image` is missing: set `namespace`, `name` and `tag`, or `from_dockerfile`".to_owned(),
        }),
    }
}

fn location(pos: config_model::Pos) -> Location {
    Location {
        line: pos.line,
        column: pos.column,
    }
}

fn option_a(
    context: &Context<'_>,
    files: &dyn RepoFiles,
    image: &Located<BuildRootImage>,
    warnings: Vec<String>,
) -> Option<ResolvedRoot> {
    let ist = image.image_stream_tag()?;
    Some(context.root(
        StrategyKind::InRepoFile,
        Some(ist),
        Source::InRepoFile(InRepoFileSource {
            revision: files.revision(),
            file: IN_REPO_FILE_NAME.to_owned(),
            line: image.pos.line,
            column: image.pos.column,
            warnings,
        }),
    ))
}

impl Strategy for InRepoFile {
    fn kind(&self) -> StrategyKind {
        StrategyKind::InRepoFile
    }

    fn resolve(&self, context: &Context<'_>) -> Result<ResolvedRoot, Error> {
        let files = context.files(None)?;
        match read_in_repo(context, files)? {
            InRepo::Present(image, warnings) => match option_a(context, files, &image, warnings) {
                Some(root) => Ok(root),
                None => Err(Error::NoInRepoRoot {
                    field: context.field.clone(),
                    revision: files.revision(),
                    from_dockerfile: true,
                }),
            },
            InRepo::Missing => Err(Error::NoInRepoRoot {
                field: context.field.clone(),
                revision: files.revision(),
                from_dockerfile: false,
            }),
        }
    }
}

impl Strategy for PromotionDockerfile {
    fn kind(&self) -> StrategyKind {
        StrategyKind::Dockerfile
    }

    fn resolve(&self, context: &Context<'_>) -> Result<ResolvedRoot, Error> {
        let files = context.files(None)?;
        let revision = files.revision();
        let mut loader = Loader::new(files, revision.clone(), &context.field);
        let request = self.request.as_ref();
        let fail = |source: InferenceError| Error::Inference {
            field: context.field.clone(),
            revision: revision.clone(),
            in_repo_file: request.map(|r| location(r.pos)),
            source: Box::new(source),
        };
        let stage = request.and_then(|r| r.stage.as_ref()).map(|s| &s.value);
        let config = context.config;
        let outcome = match request.and_then(|r| r.image.as_ref()) {
            Some(name) => {
                let found = config.images.as_ref().and_then(|images| {
                    images.items.iter().enumerate().find(|(_, item)| {
                        item.to.as_ref().is_some_and(|t| t.value == name.value)
                            && item.ref_.as_ref().map(|r| r.value.as_str()) == context.key
                    })
                });
                let Some((index, item)) = found else {
                    let known: Vec<String> = infer::candidates(config, context.key)
                        .iter()
                        .map(|c| format!("`{}`", c.name))
                        .collect();
                    return Err(fail(InferenceError::UnknownImage {
                        name: name.value.clone(),
                        at: location(name.pos),
                        known: if known.is_empty() {
                            "none: the config has no image built from this repository".to_owned()
                        } else {
                            known.join(", ")
                        },
                    }));
                };
                let candidate = infer::candidate(config, index, item);
                match infer::infer(config, &[candidate], stage, false, &mut loader)? {
                    Ok(inferred) => Ok(inferred),
                    Err(InferenceError::AllFailed { mut failures }) if failures.len() == 1 => {
                        Err(InferenceError::Image {
                            failure: failures.remove(0),
                        })
                    }
                    Err(other) => Err(other),
                }
            }
            None => {
                let candidates = infer::candidates(config, context.key);
                if candidates.is_empty() {
                    let why = if config.images.as_ref().is_none_or(|i| i.items.is_empty()) {
                        "the config has no `images`: name the root in `.ci-operator.yaml` as `build_root_image: {namespace, name, tag}`"
                    } else {
                        "every image is `optional` or built from another repository (`ref`): name the root in `.ci-operator.yaml` as `build_root_image: {namespace, name, tag}`"
                    };
                    return Err(fail(InferenceError::NoImage {
                        why: why.to_owned(),
                    }));
                }
                infer::infer(config, &candidates, stage, true, &mut loader)?
            }
        };
        let inferred = outcome.map_err(fail)?;
        let ist = inferred.images[0].base.image_stream_tag.clone();
        Ok(context.root(
            self.kind(),
            ist,
            Source::Dockerfile(DockerfileSource {
                revision: loader.revision().to_owned(),
                in_repo_file: request.map(|r| FromDockerfileRequest {
                    file: IN_REPO_FILE_NAME.to_owned(),
                    line: r.pos.line,
                    column: r.pos.column,
                    image: r.image.as_ref().map(|i| i.value.clone()),
                    stage: r.stage.as_ref().map(|s| s.value.clone()),
                }),
                images: inferred.images,
                skipped: inferred.skipped,
            }),
        ))
    }
}

impl Strategy for ProjectImage {
    fn kind(&self) -> StrategyKind {
        StrategyKind::ProjectImage
    }

    fn resolve(&self, context: &Context<'_>) -> Result<ResolvedRoot, Error> {
        let Some(project) = &context.build_root.project_image else {
            return Err(Error::NoBuildRoot {
                field: context.field.clone(),
            });
        };
        let literal = project
            .dockerfile_literal
            .as_ref()
            .map(|l| l.value.as_str());
        let (path, revision, loaded) = if let Some(literal) = literal {
            let path = format!("{}.project_image.dockerfile_literal", context.field);
            (
                path,
                "the config".to_owned(),
                infer::Loader::parse_literal(literal),
            )
        } else {
            let path = project.dockerfile_repo_path().unwrap_or_default();
            let files = context.files(project.ref_.as_ref().map(|r| r.value.as_str()))?;
            let revision = files.revision();
            let mut loader = Loader::new(files, revision.clone(), &context.field);
            let loaded = loader.load(None, &path)?;
            (path, revision, loaded)
        };
        let dockerfile = loaded.map_err(|(at, problem)| Error::ProjectImage {
            field: context.field.clone(),
            dockerfile: path.clone(),
            at,
            problem: Box::new(problem),
        })?;
        let settings = BuildSettings {
            from: None,
            inputs: &project.inputs,
            build_args: &project.build_args,
        };
        let env = infer::global_env(&dockerfile, &project.build_args);
        let mut bases = Vec::new();
        for index in 0..dockerfile.stages.len() {
            // A stage built on an earlier stage adds no base of its own.
            let token = &dockerfile.stages[index].from.text;
            if dockerfile.stage_named(token).is_some_and(|i| i < index) {
                continue;
            }
            let base = infer::stage_base(
                &dockerfile,
                index,
                &settings,
                &context.config.base_images,
                &env,
            );
            bases.push(match base {
                Ok(base) => base,
                Err((at, problem)) => {
                    let stage = &dockerfile.stages[index];
                    let at = at.unwrap_or(stage.from.at);
                    StageBase {
                        stage: index,
                        stage_name: stage.name.clone(),
                        based_on_stage: index,
                        line: at.line,
                        column: at.column,
                        from: stage.from.text.clone(),
                        expanded: None,
                        via: String::new(),
                        replacement: None,
                        image_stream_tag: None,
                        problem: Some(problem.to_string()),
                        notes: Vec::new(),
                    }
                }
            });
        }
        let notes: Vec<String> = infer::recovered_note(&dockerfile).into_iter().collect();
        let context_dir = project
            .context_dir
            .as_ref()
            .map(|c| config_model::join_repo_path(&c.value, ""))
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| ".".to_owned());
        Ok(context.root(
            self.kind(),
            None,
            Source::ProjectImage(BuildPlan {
                revision,
                context_dir,
                dockerfile: path,
                stages: dockerfile.stages.len(),
                bases,
                build_args: project.build_args.clone(),
                inputs: project.inputs.clone(),
                notes,
            }),
        ))
    }
}

impl Strategy for FromRepository {
    fn kind(&self) -> StrategyKind {
        StrategyKind::Dockerfile
    }

    fn resolve(&self, context: &Context<'_>) -> Result<ResolvedRoot, Error> {
        let files = context.files(None)?;
        match read_in_repo(context, files)? {
            InRepo::Present(image, warnings) => {
                if let Some(root) = option_a(context, files, &image, warnings) {
                    return Ok(root);
                }
                PromotionDockerfile {
                    request: image.value.from_dockerfile.clone(),
                }
                .resolve(context)
            }
            InRepo::Missing => PromotionDockerfile { request: None }.resolve(context),
        }
    }
}

/// The strategy a build root's config asks for.
pub fn strategy_for(build_root: &BuildRoot) -> Option<Box<dyn Strategy>> {
    if build_root.is_from_repository() {
        Some(Box::new(FromRepository))
    } else if build_root.image_stream_tag.is_some() {
        Some(Box::new(ConfiguredImageStreamTag))
    } else if build_root.project_image.is_some() {
        Some(Box::new(ProjectImage))
    } else {
        None
    }
}

/// Resolves one build root: `build_root` (`key` `None`) or `build_roots[key]`. `Ok(None)`
/// when the config has no such root.
pub fn resolve(
    config: &ValidConfig,
    key: Option<&str>,
    repos: &dyn RepoFilesProvider,
) -> Result<Option<ResolvedRoot>, Error> {
    let Some(context) = Context::new(config, key, repos) else {
        return Ok(None);
    };
    let Some(strategy) = strategy_for(&context.build_root.value) else {
        return Err(Error::NoBuildRoot {
            field: context.field.clone(),
        });
    };
    strategy.resolve(&context).map(Some)
}

/// Resolves every build root of the config, `build_root` first, then `build_roots` by key;
/// stops at the first error.
pub fn resolve_all(
    config: &ValidConfig,
    repos: &dyn RepoFilesProvider,
) -> Result<Vec<ResolvedRoot>, Error> {
    let mut roots = Vec::new();
    if let Some(root) = resolve(config, None, repos)? {
        roots.push(root);
    }
    for key in config.config().build_roots.keys() {
        if let Some(root) = resolve(config, Some(key), repos)? {
            roots.push(root);
        }
    }
    Ok(roots)
}

/// Reads `.ci-operator.yaml` for the drift check: the option A root, or why there is none.
pub(crate) fn in_repo_root(
    config: &ValidConfig,
    files: &dyn RepoFiles,
) -> Result<ResolvedRoot, Error> {
    let repos = Repositories::new(files);
    let empty = Located::new(BuildRoot::default());
    let context = Context {
        config: config.config(),
        key: None,
        build_root: config.config().build_root.as_ref().unwrap_or(&empty),
        repos: &repos,
        field: field_path(None),
    };
    InRepoFile.resolve(&context)
}
