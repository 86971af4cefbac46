//! Where the tested repository is read from (SOURCE on the command line), and the adapter that
//! lets the resolver read files of a [`repo_source::Snapshot`].
//!
//! The adapter lives here because the resolver owns its file trait and repo-source does not
//! know it (the orphan rule needs a local type to join them).

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use config_model::{Diagnostic, IN_REPO_FILE_NAME, JobSpec, ValidConfig};
use repo_source::{CloneRef, ErrorKind, FetchOptions, PullRef, RemoteUrl, Snapshot};
use resolver::{FileError, RepoFiles, RepoFilesProvider};

use crate::args::SourceArgs;
use crate::documents::in_repo_warnings;
use crate::error::{InvalidJobSpec, UsageError};
use crate::exit::Failure;
use crate::output;

/// Where the repository is.
#[derive(Debug)]
pub(crate) enum Source {
    /// `--repo DIR`: the files on disk.
    Disk(PathBuf),
    /// `--repo DIR_OR_URL --rev REV`: a git repository at a revision.
    Git {
        /// A path or URL (shown without its credentials).
        location: RemoteUrl,
        /// The revision.
        rev: String,
    },
    /// `--job-spec` or `JOB_SPEC`: Prow's refs.
    Prow {
        /// The tested repository (`refs`), if any.
        refs: Option<CloneRef>,
        /// The other repositories.
        extra_refs: Vec<CloneRef>,
        /// `--base-dir`.
        base_dir: PathBuf,
    },
}

impl Source {
    /// The source the arguments name; `JOB_SPEC` from the environment when none is named.
    pub(crate) fn from_args(args: &SourceArgs) -> Result<Source, Failure> {
        if let Some(repo) = &args.repo {
            return Ok(match &args.rev {
                Some(rev) => Source::Git {
                    location: RemoteUrl::new(repo.clone()),
                    rev: rev.clone(),
                },
                None => Source::Disk(PathBuf::from(repo)),
            });
        }
        let (json, origin) = match &args.job_spec {
            Some(json) => (json.clone(), "--job-spec"),
            None => match std::env::var("JOB_SPEC") {
                Ok(json) if !json.trim().is_empty() => (json, "JOB_SPEC"),
                _ => return Err(UsageError::NoSource.into()),
            },
        };
        let spec = config_model::parse_job_spec(&json)
            .map_err(|source| InvalidJobSpec { origin, source })?;
        Ok(Source::from_job_spec(&spec, args.base_dir.clone()))
    }

    fn from_job_spec(spec: &JobSpec, base_dir: PathBuf) -> Source {
        let convert = |r: &config_model::Refs| CloneRef {
            org: r.org.clone(),
            repo: r.repo.clone(),
            base_ref: r.base_ref.clone(),
            base_sha: Some(r.base_sha.clone()).filter(|s| !s.is_empty()),
            pulls: r
                .pulls
                .iter()
                .map(|p| PullRef {
                    number: p.number,
                    sha: p.sha.clone(),
                })
                .collect(),
            path_alias: r.path_alias.clone(),
            clone_uri: r.clone_uri.clone(),
            workdir: r.workdir,
        };
        Source::Prow {
            refs: spec.refs.as_ref().map(convert),
            extra_refs: spec.extra_refs.iter().map(convert).collect(),
            base_dir,
        }
    }

    /// What is read for a root, for messages.
    fn describe(&self, key: Option<&str>) -> String {
        match (self, key) {
            (Source::Disk(dir), _) => format!("the files in {}", dir.display()),
            (Source::Git { location, rev }, _) => format!("{location} at {rev}"),
            (Source::Prow { .. }, Some(key)) => format!("the job's repository {key}"),
            (Source::Prow { .. }, None) => "the job's tested repository".to_owned(),
        }
    }

    /// Opens the repository for a root: the tested one (`None`) or `org.repo`.
    fn open(
        &self,
        key: Option<&str>,
        options: &FetchOptions,
        paths: &[&str],
    ) -> Result<Option<Snapshot>, repo_source::Error> {
        match self {
            Source::Disk(dir) => match key {
                None => Snapshot::disk(dir).map(Some),
                Some(_) => Ok(None),
            },
            Source::Git { location, rev } => match key {
                None => Snapshot::open_at(location.expose(), rev, options).map(Some),
                Some(_) => Ok(None),
            },
            Source::Prow {
                refs,
                extra_refs,
                base_dir,
            } => {
                let clone_ref = repo_source::tested_ref(refs.as_ref(), extra_refs, key)?;
                let dir = clone_ref.work_dir(base_dir)?;
                if dir.is_dir() {
                    tracing::info!(
                        "reading {} from Prow's clone in {} at HEAD",
                        clone_ref.name(),
                        dir.display()
                    );
                    return Snapshot::work_tree(&dir, options).map(Some);
                }
                let spec = clone_ref.fetch_spec();
                let pulls: Vec<String> = spec
                    .pulls
                    .iter()
                    .map(|p| format!("#{}", p.number))
                    .collect();
                output::note(&format!(
                    "{} is not cloned under {}: fetching it from {}{}",
                    clone_ref.name(),
                    base_dir.display(),
                    repo_source::redact_credentials(&spec.url),
                    if pulls.is_empty() {
                        String::new()
                    } else {
                        format!(" and merging {}", pulls.join(", "))
                    }
                ));
                Snapshot::fetch_merged_for(&spec, options, paths).map(Some)
            }
        }
    }
}

/// A snapshot seen through the resolver's file trait. It keeps the `.ci-operator.yaml` it
/// served, so the warnings the cli reports are about the very bytes the resolver read.
pub(crate) struct SnapshotFiles {
    snapshot: Snapshot,
    in_repo_file: OnceCell<Vec<u8>>,
}

impl SnapshotFiles {
    /// The files of `snapshot`.
    pub(crate) fn new(snapshot: Snapshot) -> SnapshotFiles {
        SnapshotFiles {
            snapshot,
            in_repo_file: OnceCell::new(),
        }
    }
}

impl RepoFiles for SnapshotFiles {
    fn read(&self, path: &str, max_bytes: u64) -> Result<Option<Vec<u8>>, FileError> {
        let bytes = self
            .snapshot
            .read(path, max_bytes)
            .map_err(|error| file_error(path.to_owned(), error.kind(), error))?;
        if path == IN_REPO_FILE_NAME
            && let Some(bytes) = &bytes
        {
            let _ = self.in_repo_file.set(bytes.clone());
        }
        Ok(bytes)
    }

    fn revision(&self) -> String {
        self.snapshot.revision().to_string()
    }

    fn entry(&self, path: &str) -> Result<Option<resolver::TreeEntry>, FileError> {
        self.snapshot
            .entry(path)
            .map(|entry| entry.map(tree_entry))
            .map_err(|error| file_error(path.to_owned(), error.kind(), error))
    }

    fn list_dir(&self, path: &str) -> Result<Option<Vec<resolver::TreeEntry>>, FileError> {
        self.snapshot
            .list_dir(path)
            .map(|entries| entries.map(|entries| entries.into_iter().map(tree_entry).collect()))
            .map_err(|error| file_error(path.to_owned(), error.kind(), error))
    }
}

/// A repo-source entry as the resolver sees it (it keys by id and needs no size).
fn tree_entry(entry: repo_source::TreeEntry) -> resolver::TreeEntry {
    use repo_source::EntryKind as Kind;
    resolver::TreeEntry {
        name: entry.name,
        kind: match entry.kind {
            Kind::File => resolver::EntryKind::File,
            Kind::Executable => resolver::EntryKind::Executable,
            Kind::Directory => resolver::EntryKind::Directory,
            Kind::Symlink => resolver::EntryKind::Symlink,
            Kind::Submodule => resolver::EntryKind::Submodule,
        },
        id: entry.id,
    }
}

/// A repository opened once, or why it could not be.
type Opened = OnceCell<Result<Option<SnapshotFiles>, Arc<repo_source::Error>>>;

/// The repositories of a run, opened the first time a root needs one (a configured
/// `image_stream_tag` needs none, so a job that does not read its repository never fetches).
pub(crate) struct Repositories {
    source: Source,
    options: FetchOptions,
    opened: BTreeMap<Option<String>, Opened>,
    /// The files each repository's roots will read (`.ci-operator.yaml` and Dockerfiles).
    paths: BTreeMap<Option<String>, Vec<String>>,
}

impl Repositories {
    /// The repositories a config's roots may read: the tested one and each `build_roots` key.
    pub(crate) fn new(source: Source, config: &ValidConfig, deadline: Instant) -> Repositories {
        let mut opened = BTreeMap::new();
        let mut paths: BTreeMap<Option<String>, Vec<String>> = BTreeMap::new();
        opened.insert(None, OnceCell::new());
        paths
            .entry(None)
            .or_default()
            .push(config_model::IN_REPO_FILE_NAME.to_owned());
        for key in config.config().build_roots.keys() {
            opened.insert(Some(key.clone()), OnceCell::new());
            paths
                .entry(Some(key.clone()))
                .or_default()
                .push(config_model::IN_REPO_FILE_NAME.to_owned());
        }
        let project_images = config
            .config()
            .build_root
            .iter()
            .map(|root| (None, root))
            .chain(
                config
                    .config()
                    .build_roots
                    .iter()
                    .map(|(key, root)| (Some(key.clone()), root)),
            );
        for (key, root) in project_images {
            if let Some(path) = root
                .project_image
                .as_ref()
                .and_then(|p| p.dockerfile_repo_path())
            {
                paths.entry(key).or_default().push(path);
            }
        }
        for item in config.config().images.iter().flat_map(|i| i.items.iter()) {
            let key = item.ref_.as_ref().map(|r| r.value.clone());
            if key.is_some() {
                opened.insert(key.clone(), OnceCell::new());
            }
            if let Some(path) = item.dockerfile_repo_path() {
                paths.entry(key).or_default().push(path);
            }
        }
        let options = FetchOptions {
            deadline: Some(deadline),
            progress: std::io::stderr().is_terminal(),
            scratch_parent: crate::interrupt::scratch_dir(),
        };
        Repositories {
            source,
            options,
            opened,
            paths,
        }
    }

    /// The tested repository, opened (for `check`).
    pub(crate) fn primary(&self) -> Result<&dyn RepoFiles, Failure> {
        self.files(None)?.ok_or_else(|| UsageError::NoSource.into())
    }

    /// The warnings of every `.ci-operator.yaml` read so far (unknown keys), the tested
    /// repository's first, then by `org.repo`: `file` is `.ci-operator.yaml`, or
    /// `org.repo/.ci-operator.yaml` for another repository of the job.
    pub(crate) fn in_repo_warnings(&self) -> Vec<(String, Diagnostic)> {
        let mut warnings = Vec::new();
        for (key, cell) in &self.opened {
            let Some(Ok(Some(files))) = cell.get() else {
                continue;
            };
            let Some(bytes) = files.in_repo_file.get() else {
                continue;
            };
            let file = match key {
                None => IN_REPO_FILE_NAME.to_owned(),
                Some(key) => format!("{key}/{IN_REPO_FILE_NAME}"),
            };
            warnings.extend(
                in_repo_warnings(bytes)
                    .into_iter()
                    .map(|warning| (file.clone(), warning)),
            );
        }
        warnings
    }
}

impl RepoFilesProvider for Repositories {
    fn files(&self, org_repo: Option<&str>) -> Result<Option<&dyn RepoFiles>, FileError> {
        let Some(cell) = self.opened.get(&org_repo.map(str::to_owned)) else {
            return Ok(None);
        };
        let opened = cell.get_or_init(|| {
            let key = org_repo.map(str::to_owned);
            let paths: Vec<&str> = self
                .paths
                .get(&key)
                .map(|p| p.iter().map(String::as_str).collect())
                .unwrap_or_default();
            self.source
                .open(org_repo, &self.options, &paths)
                .map(|s| s.map(SnapshotFiles::new))
                .map_err(Arc::new)
        });
        match opened {
            Ok(Some(files)) => Ok(Some(files)),
            Ok(None) => Ok(None),
            Err(error) => {
                let what = self.source.describe(org_repo);
                Err(file_error(what, error.kind(), RepoError(error.clone())))
            }
        }
    }
}

/// A repo-source failure as the resolver sees it: the repository could not be read (exit 3),
/// or what it holds or what was asked of it is refused (exit 1).
fn file_error(
    path: String,
    kind: ErrorKind,
    error: impl std::error::Error + Send + Sync + 'static,
) -> FileError {
    match kind {
        ErrorKind::Unreadable => FileError::unreadable(path, error),
        ErrorKind::Refused | ErrorKind::Input => FileError::refused(path, error),
    }
}

/// A shared repo-source error, as a source error of the resolver's `FileError`.
#[derive(Debug)]
struct RepoError(Arc<repo_source::Error>);

impl std::fmt::Display for RepoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for RepoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&*self.0)
    }
}
