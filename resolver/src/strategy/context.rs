//! The trait every strategy implements, and the context it resolves a root in: which root
//! (`build_root` or `build_roots[org.repo]`), the config, and the job's repositories.

use std::collections::BTreeMap;

use config_model::{BuildRoot, Config, ImageStreamTag, Located, ValidConfig};

use crate::error::Error;
use crate::files::{FileError, RepoFiles};
use crate::root::{ResolvedRoot, Source, StrategyKind};

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

    /// A root of this context found by `strategy`.
    pub(crate) fn root(
        &self,
        strategy: StrategyKind,
        ist: Option<ImageStreamTag>,
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

    /// The context of `build_root`, with its settings given: the drift check reads
    /// `.ci-operator.yaml` even for a config that has no `build_root`.
    pub(crate) fn tested_repository(
        config: &'a ValidConfig,
        build_root: &'a Located<BuildRoot>,
        repos: &'a dyn RepoFilesProvider,
    ) -> Self {
        Context {
            config: config.config(),
            key: None,
            build_root,
            repos,
            field: field_path(None),
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
