//! The file-reading trait the resolver reads the repository through, and an in-memory
//! implementation.
//!
//! The resolver owns this interface and `cli` implements it over `repo-source` with a small
//! adapter: the consumer owns the interface, so the resolver never sees git.

use std::collections::BTreeMap;
use std::error::Error as StdError;
use std::fmt;

/// The largest `.ci-operator.yaml` the resolver reads (1 MiB).
pub const MAX_IN_REPO_FILE_BYTES: u64 = 1024 * 1024;

/// The largest Dockerfile the resolver reads (4 MiB).
pub const MAX_DOCKERFILE_BYTES: u64 = 4 * 1024 * 1024;

/// Files of one repository at one revision.
///
/// Implementations must refuse what an untrusted repository could use against the reader: a
/// path with `..` or a leading `/`, a symlink, a submodule, a file larger than `max_bytes`.
/// They tell "absent" (`Ok(None)`) from "failed" (`Err`), because a missing
/// `.ci-operator.yaml` means something.
pub trait RepoFiles {
    /// The file at `path` (relative to the repository root) at the chosen revision, or `None`
    /// when absent.
    fn read(&self, path: &str, max_bytes: u64) -> Result<Option<Vec<u8>>, FileError>;

    /// What revision this is, for explanations (`abc123 (base main + PR #12)`, `work tree /x`).
    fn revision(&self) -> String;
}

/// Why a file could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileErrorKind {
    /// The repository's content was refused: an unsafe path, a symlink, a submodule, a file
    /// over the size limit. A problem in the input.
    Refused,
    /// The repository could not be read at all (IO, object database, network).
    Unreadable,
}

/// A file of the repository could not be read.
#[derive(Debug)]
pub struct FileError {
    path: String,
    kind: FileErrorKind,
    source: Box<dyn StdError + Send + Sync>,
}

impl FileError {
    /// The repository's content at `path` is refused (unsafe path, symlink, too big...); the
    /// source says why.
    pub fn refused(
        path: impl Into<String>,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        FileError {
            path: path.into(),
            kind: FileErrorKind::Refused,
            source: source.into(),
        }
    }

    /// The repository could not be read at `path`; the source says why.
    pub fn unreadable(
        path: impl Into<String>,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        FileError {
            path: path.into(),
            kind: FileErrorKind::Unreadable,
            source: source.into(),
        }
    }

    /// The path that was asked for.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Refused or unreadable.
    pub fn kind(&self) -> FileErrorKind {
        self.kind
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            FileErrorKind::Refused => write!(f, "refused to read `{}`", self.path),
            FileErrorKind::Unreadable => write!(f, "could not read `{}`", self.path),
        }
    }
}

impl StdError for FileError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}

/// Why [`InMemoryFiles`] refused a path (the source of its [`FileError`]s).
#[derive(Debug, thiserror::Error)]
enum Refusal {
    #[error("the path is empty")]
    Empty,
    #[error("the path is absolute: paths are relative to the repository root")]
    Absolute,
    #[error("the path has a `..` component, which could leave the repository")]
    ParentComponent,
    #[error("the file has {size} bytes, more than the limit of {limit}")]
    TooBig { size: u64, limit: u64 },
}

/// Checks a repository path the way every [`RepoFiles`] must: relative, no `..`.
pub(crate) fn check_path(path: &str) -> Result<(), FileError> {
    if path.is_empty() {
        return Err(FileError::refused(path, Refusal::Empty));
    }
    if path.starts_with('/') || path.starts_with('\\') {
        return Err(FileError::refused(path, Refusal::Absolute));
    }
    if path.split(['/', '\\']).any(|part| part == "..") {
        return Err(FileError::refused(path, Refusal::ParentComponent));
    }
    Ok(())
}

/// Files held in memory, for tests and for programs that have the files from elsewhere.
///
/// It refuses what a real repository reader refuses: paths that are empty, absolute or contain
/// `..`, and files over the size limit asked for.
///
/// ```
/// use resolver::{InMemoryFiles, RepoFiles};
/// let files = InMemoryFiles::new("work tree /src").with_file("Dockerfile", "FROM scratch\n");
/// assert!(files.read("Dockerfile", 100).unwrap().is_some());
/// assert!(files.read("missing", 100).unwrap().is_none());
/// assert!(files.read("../etc/passwd", 100).is_err());
/// ```
#[derive(Debug, Clone, Default)]
pub struct InMemoryFiles {
    revision: String,
    files: BTreeMap<String, Vec<u8>>,
}

impl InMemoryFiles {
    /// No files, at a revision described by `revision`.
    pub fn new(revision: impl Into<String>) -> Self {
        InMemoryFiles {
            revision: revision.into(),
            files: BTreeMap::new(),
        }
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, path: impl Into<String>, contents: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), contents.into());
    }

    /// Adds (or replaces) a file, builder style.
    #[must_use]
    pub fn with_file(mut self, path: impl Into<String>, contents: impl Into<Vec<u8>>) -> Self {
        self.insert(path, contents);
        self
    }

    /// Removes a file, returning its contents.
    pub fn remove(&mut self, path: &str) -> Option<Vec<u8>> {
        self.files.remove(path)
    }

    /// The paths held, in order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
}

impl RepoFiles for InMemoryFiles {
    fn read(&self, path: &str, max_bytes: u64) -> Result<Option<Vec<u8>>, FileError> {
        check_path(path)?;
        let Some(contents) = self.files.get(path) else {
            return Ok(None);
        };
        let size = u64::try_from(contents.len()).unwrap_or(u64::MAX);
        if size > max_bytes {
            return Err(FileError::refused(
                path,
                Refusal::TooBig {
                    size,
                    limit: max_bytes,
                },
            ));
        }
        Ok(Some(contents.clone()))
    }

    fn revision(&self) -> String {
        self.revision.clone()
    }
}
