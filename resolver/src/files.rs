//! The file-reading trait the resolver reads the repository through, and an in-memory
//! implementation.
//!
//! The resolver owns this interface and `cli` implements it over `repo-source` with a small
//! adapter: the consumer owns the interface, so the resolver never sees git.
//!
//! Listing a directory ([`RepoFiles::entry`], [`RepoFiles::list_dir`]) gives git object ids,
//! so a root built from the repository is keyed by content whatever the source: an
//! implementation over a work tree computes the ids git would ([`git_blob_id`],
//! [`git_tree_id`]).

use std::collections::BTreeMap;
use std::error::Error as StdError;
use std::fmt;

use sha1::{Digest, Sha1};

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

    /// The entry at `path` (`""` = the repository root, a directory), or `None` when absent.
    /// Symlinks and submodules are reported as such, never followed.
    ///
    /// The default refuses: an implementation that cannot list says so.
    fn entry(&self, path: &str) -> Result<Option<TreeEntry>, FileError> {
        Err(FileError::refused(path, Unsupported))
    }

    /// The entries of the directory at `path` (`""` = the repository root), one level, sorted
    /// by name; `None` when there is no directory at `path`.
    ///
    /// The default refuses: an implementation that cannot list says so.
    fn list_dir(&self, path: &str) -> Result<Option<Vec<TreeEntry>>, FileError> {
        Err(FileError::refused(path, Unsupported))
    }
}

/// What a [`RepoFiles`] that cannot list directories answers.
#[derive(Debug, thiserror::Error)]
#[error("this source of files cannot list directories")]
struct Unsupported;

/// One entry of a directory: its name, its kind and its git object id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TreeEntry {
    /// The name within its directory (no `/`); `""` for the repository root.
    pub name: String,
    /// File, executable, directory, symlink or submodule.
    pub kind: EntryKind,
    /// The git object id, 40 lowercase hex digits: a blob id for files and symlinks, a tree id
    /// for directories, a commit id for submodules.
    pub id: String,
}

/// The kind of a [`TreeEntry`], as git's tree modes tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A regular file (mode 100644).
    File,
    /// An executable file (mode 100755).
    Executable,
    /// A directory (mode 40000).
    Directory,
    /// A symbolic link (mode 120000).
    Symlink,
    /// A submodule: a commit of another repository (mode 160000).
    Submodule,
}

impl EntryKind {
    /// The mode git writes in a tree object for this kind.
    pub fn git_mode(self) -> &'static str {
        match self {
            EntryKind::File => "100644",
            EntryKind::Executable => "100755",
            EntryKind::Directory => "40000",
            EntryKind::Symlink => "120000",
            EntryKind::Submodule => "160000",
        }
    }
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EntryKind::File => "file",
            EntryKind::Executable => "executable",
            EntryKind::Directory => "directory",
            EntryKind::Symlink => "symlink",
            EntryKind::Submodule => "submodule",
        })
    }
}

/// The git blob id of `contents`: SHA-1 of `blob <len>\0` and the bytes, as `git hash-object`.
///
/// ```
/// assert_eq!(resolver::git_blob_id(b""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
/// ```
pub fn git_blob_id(contents: &[u8]) -> String {
    let mut hasher = Sha1::new();
    hasher.update(format!("blob {}\0", contents.len()).as_bytes());
    hasher.update(contents);
    hex(&hasher.finalize())
}

/// The git tree id of a directory holding `entries`, as `git write-tree` computes it: entries
/// in git's order (a directory sorts as if its name ended with `/`), each `<mode> <name>\0`
/// and the 20 bytes of its id.
///
/// # Errors
///
/// [`InvalidObjectId`] when an entry's id is not 40 hex digits.
///
/// ```
/// assert_eq!(resolver::git_tree_id(&[]).unwrap(), "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
/// ```
pub fn git_tree_id(entries: &[TreeEntry]) -> Result<String, InvalidObjectId> {
    let mut sorted: Vec<&TreeEntry> = entries.iter().collect();
    sorted.sort_by_key(|entry| git_sort_name(entry));
    let mut body = Vec::new();
    for entry in sorted {
        body.extend_from_slice(entry.kind.git_mode().as_bytes());
        body.push(b' ');
        body.extend_from_slice(entry.name.as_bytes());
        body.push(0);
        body.extend_from_slice(&unhex(&entry.id).ok_or_else(|| InvalidObjectId {
            name: entry.name.clone(),
            id: entry.id.clone(),
        })?);
    }
    let mut hasher = Sha1::new();
    hasher.update(format!("tree {}\0", body.len()).as_bytes());
    hasher.update(&body);
    Ok(hex(&hasher.finalize()))
}

/// An entry given to [`git_tree_id`] whose id is not 40 hex digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the id `{id}` of the entry `{name}` is not 40 hex digits")]
pub struct InvalidObjectId {
    /// The entry's name.
    pub name: String,
    /// The id given.
    pub id: String,
}

fn git_sort_name(entry: &TreeEntry) -> Vec<u8> {
    let mut name = entry.name.as_bytes().to_vec();
    if entry.kind == EntryKind::Directory {
        name.push(b'/');
    }
    name
}

fn hex(bytes: &[u8]) -> String {
    use fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing to a String cannot fail.
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn unhex(text: &str) -> Option<[u8; 20]> {
    let bytes = text.as_bytes();
    if bytes.len() != 40 {
        return None;
    }
    let mut out = [0u8; 20];
    for (i, pair) in bytes.chunks(2).enumerate() {
        let digit = |c: u8| char::from(c).to_digit(16);
        let value = digit(pair[0])? * 16 + digit(pair[1])?;
        out[i] = u8::try_from(value).ok()?;
    }
    Some(out)
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
    #[error("the path is a {kind}, not a file")]
    NotAFile { kind: EntryKind },
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
/// `..`, files over the size limit asked for, and reading a symlink or a submodule. It lists
/// directories with the ids git would give them (directories are implied by the paths held).
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
    files: BTreeMap<String, Held>,
}

/// One path held by [`InMemoryFiles`]: a file's bytes, a symlink's target or a submodule's
/// commit id.
#[derive(Debug, Clone)]
struct Held {
    kind: EntryKind,
    data: Vec<u8>,
    /// The git id, computed once when the path is added.
    id: String,
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
        self.hold(path.into(), EntryKind::File, contents.into());
    }

    /// Adds (or replaces) a file, builder style.
    #[must_use]
    pub fn with_file(mut self, path: impl Into<String>, contents: impl Into<Vec<u8>>) -> Self {
        self.insert(path, contents);
        self
    }

    /// Adds (or replaces) an executable file (mode 100755), builder style.
    #[must_use]
    pub fn with_executable(
        mut self,
        path: impl Into<String>,
        contents: impl Into<Vec<u8>>,
    ) -> Self {
        self.hold(path.into(), EntryKind::Executable, contents.into());
        self
    }

    /// Adds (or replaces) a symbolic link to `target`, builder style.
    #[must_use]
    pub fn with_symlink(mut self, path: impl Into<String>, target: impl Into<String>) -> Self {
        self.hold(path.into(), EntryKind::Symlink, target.into().into_bytes());
        self
    }

    /// Adds (or replaces) a submodule at commit `commit_id` (40 hex digits), builder style.
    #[must_use]
    pub fn with_submodule(mut self, path: impl Into<String>, commit_id: impl Into<String>) -> Self {
        self.hold(
            path.into(),
            EntryKind::Submodule,
            commit_id.into().into_bytes(),
        );
        self
    }

    fn hold(&mut self, path: String, kind: EntryKind, data: Vec<u8>) {
        let id = match kind {
            EntryKind::Submodule => String::from_utf8_lossy(&data).into_owned(),
            _ => git_blob_id(&data),
        };
        self.files.insert(path, Held { kind, data, id });
    }

    /// Removes a file (or symlink, or submodule), returning its contents.
    pub fn remove(&mut self, path: &str) -> Option<Vec<u8>> {
        self.files.remove(path).map(|held| held.data)
    }

    /// The paths held, in order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// The entry for a held path (not a directory).
    fn held_entry(name: &str, held: &Held) -> TreeEntry {
        TreeEntry {
            name: name.to_owned(),
            kind: held.kind,
            id: held.id.clone(),
        }
    }

    /// The entries directly under `dir` (`""` = root), or `None` when nothing is under it.
    /// A held path that is also the prefix of others is listed as held (its children are
    /// unreachable, as in git, where a name is either a file or a directory).
    fn children(&self, dir: &str) -> Result<Option<Vec<TreeEntry>>, FileError> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut names: BTreeMap<&str, Option<&Held>> = BTreeMap::new();
        for (path, held) in self.files.range(prefix.clone()..) {
            let Some(rest) = path.strip_prefix(&prefix) else {
                break;
            };
            match rest.split_once('/') {
                None => {
                    names.insert(rest, Some(held));
                }
                Some((name, _)) => {
                    names.entry(name).or_insert(None);
                }
            }
        }
        if names.is_empty() {
            return Ok(None);
        }
        let mut entries = Vec::with_capacity(names.len());
        for (name, held) in names {
            entries.push(match held {
                Some(held) => Self::held_entry(name, held),
                None => self.directory_entry(name, &format!("{prefix}{name}"))?,
            });
        }
        Ok(Some(entries))
    }

    fn directory_entry(&self, name: &str, path: &str) -> Result<TreeEntry, FileError> {
        let entries = self.children(path)?.unwrap_or_default();
        let id = git_tree_id(&entries).map_err(|e| FileError::refused(path, e))?;
        Ok(TreeEntry {
            name: name.to_owned(),
            kind: EntryKind::Directory,
            id,
        })
    }
}

impl RepoFiles for InMemoryFiles {
    fn read(&self, path: &str, max_bytes: u64) -> Result<Option<Vec<u8>>, FileError> {
        check_path(path)?;
        let Some(held) = self.files.get(path) else {
            return Ok(None);
        };
        if matches!(held.kind, EntryKind::Symlink | EntryKind::Submodule) {
            return Err(FileError::refused(
                path,
                Refusal::NotAFile { kind: held.kind },
            ));
        }
        let size = u64::try_from(held.data.len()).unwrap_or(u64::MAX);
        if size > max_bytes {
            return Err(FileError::refused(
                path,
                Refusal::TooBig {
                    size,
                    limit: max_bytes,
                },
            ));
        }
        Ok(Some(held.data.clone()))
    }

    fn revision(&self) -> String {
        self.revision.clone()
    }

    fn entry(&self, path: &str) -> Result<Option<TreeEntry>, FileError> {
        if path.is_empty() {
            return self.directory_entry("", "").map(Some);
        }
        check_path(path)?;
        if let Some(held) = self.files.get(path) {
            let name = path.rsplit('/').next().unwrap_or(path);
            return Ok(Some(Self::held_entry(name, held)));
        }
        match self.children(path)? {
            Some(_) => {
                let name = path.rsplit('/').next().unwrap_or(path);
                self.directory_entry(name, path).map(Some)
            }
            None => Ok(None),
        }
    }

    fn list_dir(&self, path: &str) -> Result<Option<Vec<TreeEntry>>, FileError> {
        if !path.is_empty() {
            check_path(path)?;
            if self.files.contains_key(path) {
                return Ok(None);
            }
        }
        match self.children(path)? {
            Some(entries) => Ok(Some(entries)),
            // The root of an empty repository is an empty directory.
            None if path.is_empty() => Ok(Some(Vec::new())),
            None => Ok(None),
        }
    }
}
