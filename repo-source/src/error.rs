//! The one error type of this crate, and the two questions a caller asks of it.
//!
//! Errors are safe to show as they are made: a remote is a [`RemoteUrl`], which shows no
//! credentials, and what a fetch's error from below says is kept through [`RemoteUrl::cause`].

use std::path::PathBuf;
use std::time::Duration;

use crate::url::RemoteUrl;

/// A boxed error from a layer below (gix, the OS), kept as the `source` of our variants.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What went wrong while choosing, opening, fetching or reading a repository.
///
/// Every variant belongs to one [`ErrorKind`] (see [`Error::kind`]); a caller that maps errors to
/// exit codes matches on the kind, one that explains them matches on the variant.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    // Refused: the repository offers something this crate will not read.
    /// The requested path itself could name something outside the repository's files.
    #[error("path `{path}` is refused: {reason}")]
    UnsafePath {
        /// The path as the caller gave it.
        path: String,
        /// Why it is refused.
        reason: UnsafePathReason,
    },
    /// The path, or a directory on the way to it, is a symbolic link.
    #[error("{} at {revision} is a symbolic link, which is never followed", subject(.path, .entry))]
    Symlink {
        /// The path as the caller gave it.
        path: String,
        /// The entry that is a link: `path` itself or one of its parent directories.
        entry: String,
        /// Where it was read ([`Revision`](crate::Revision)'s description).
        revision: String,
    },
    /// The path, or a directory on the way to it, is a submodule (a gitlink entry).
    #[error("{} at {revision} is a submodule, whose files are not part of this repository", subject(.path, .entry))]
    Submodule {
        /// The path as the caller gave it.
        path: String,
        /// The entry that is a submodule: `path` itself or one of its parent directories.
        entry: String,
        /// Where it was read.
        revision: String,
    },
    /// The path names a directory where a file is expected.
    #[error("`{path}` at {revision} is a directory, not a file")]
    Directory {
        /// The path as the caller gave it.
        path: String,
        /// Where it was read.
        revision: String,
    },
    /// The path names something on disk that is neither a file nor a directory (a FIFO, a socket,
    /// a device).
    #[error("`{path}` at {revision} is not a regular file")]
    NotAFile {
        /// The path as the caller gave it.
        path: String,
        /// Where it was read.
        revision: String,
    },
    /// The path names a file (or a special file on disk) where a directory is expected.
    #[error("`{path}` at {revision} is not a directory")]
    NotADirectory {
        /// The path as the caller gave it.
        path: String,
        /// Where it was read.
        revision: String,
    },
    /// The file is bigger than the caller's limit; it was not read.
    #[error("`{path}` at {revision} is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// The path as the caller gave it.
        path: String,
        /// Where it was read.
        revision: String,
        /// The file's size in bytes (at least `limit + 1` when the size was found by reading).
        size: u64,
        /// The caller's limit in bytes.
        limit: u64,
    },

    // Input: the caller's description of where to read is unusable.
    /// The job's refs name no repository at all.
    #[error("the job clones no repository: `refs` is unset and `extra_refs` is empty")]
    NoRefs,
    /// Several refs could be the tested repository and nothing says which.
    #[error("cannot tell which repository is tested: {reason}")]
    AmbiguousRefs {
        /// What makes the choice ambiguous.
        reason: String,
    },
    /// A keyed root (`build_roots[org.repo]`) names a repository the job does not clone.
    #[error("`build_roots[{key}]` names a repository the job does not clone (it clones {cloned})")]
    NoRefForKey {
        /// The `org.repo` key.
        key: String,
        /// The `org/repo` of every ref of the job, comma separated.
        cloned: String,
    },
    /// A ref's fields are unusable (a `path_alias` with `..`, an empty org).
    #[error("ref `{name}` is unusable: {reason}")]
    InvalidRef {
        /// `org/repo` of the ref.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A keyed root's key is not `org.repo`.
    #[error("`build_roots[{key}]`: the key must be `org.repo`")]
    InvalidKey {
        /// The key as given.
        key: String,
    },
    /// A repository location is neither a path nor a URL this crate can fetch from.
    #[error(
        "`{location}` is not a repository location (a path, `file://`, `http://` or `https://` URL)"
    )]
    InvalidLocation {
        /// The location as given, its credentials redacted.
        location: String,
        /// What the URL parser said, when it got that far.
        #[source]
        source: Option<BoxError>,
    },

    // Unreadable: the repository could not be read.
    /// The work tree directory does not exist.
    #[error("work tree `{}` does not exist or is not a directory", .path.display())]
    NoWorkTree {
        /// The directory.
        path: PathBuf,
    },
    /// A directory that looks like a git repository could not be opened as one.
    #[error("cannot open git repository `{}`", .path.display())]
    Open {
        /// The directory.
        path: PathBuf,
        /// What gix said.
        #[source]
        source: BoxError,
    },
    /// The revision does not name a commit in the repository.
    #[error("revision `{rev}` is not a commit of {repository}")]
    RevisionNotFound {
        /// The revision as given.
        rev: String,
        /// The repository (path or URL without credentials, in backticks).
        repository: String,
        /// What gix said, when it said something.
        #[source]
        source: Option<BoxError>,
    },
    /// Reading an object of the repository failed.
    #[error("cannot read `{path}` at {revision}")]
    Read {
        /// The path as the caller gave it.
        path: String,
        /// Where it was read.
        revision: String,
        /// What gix said.
        #[source]
        source: BoxError,
    },
    /// The blob of a file is not in the repository (a partial clone) and could not be fetched.
    #[error("`{path}` at {revision}: object {object} is missing from the repository (a partial clone) and could not be fetched{}", .remote.as_ref().map(|url| format!(" from `{url}`")).unwrap_or_default())]
    ObjectMissing {
        /// The path as the caller gave it.
        path: String,
        /// Where it was read.
        revision: String,
        /// The missing object's id.
        object: String,
        /// The remote it was fetched from, if the repository names one.
        remote: Option<RemoteUrl>,
        /// Why the fetch failed, if one was tried.
        #[source]
        source: Option<BoxError>,
    },
    /// A file or directory on disk could not be read.
    #[error("cannot read `{}`", .path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// The scratch repository for a fetch could not be created.
    #[error("cannot create a scratch repository for fetching `{url}`")]
    Scratch {
        /// The URL being fetched.
        url: RemoteUrl,
        /// What failed.
        #[source]
        source: BoxError,
    },
    /// The remote could not be reached (no route, refused connection, DNS, TLS, authentication).
    #[error("cannot connect to `{url}`")]
    Connect {
        /// The URL.
        url: RemoteUrl,
        /// What the transport said.
        #[source]
        source: BoxError,
    },
    /// The remote does not have a commit the job names (a force-pushed PR, a wrong SHA).
    #[error("`{url}` does not have `{rev}`")]
    MissingCommit {
        /// The URL.
        url: RemoteUrl,
        /// The SHA or ref that is missing.
        rev: String,
        /// What the server said, when it said something.
        #[source]
        source: Option<BoxError>,
    },
    /// The connection broke during the fetch: the server closed it, or the reply ended early.
    #[error("the connection to `{url}` broke during the fetch")]
    ConnectionLost {
        /// The URL.
        url: RemoteUrl,
        /// What the transport said.
        #[source]
        source: BoxError,
    },
    /// The server's reply is not git's protocol (a proxy's error page, a corrupt pack).
    #[error("`{url}` replied with something that is not git's protocol")]
    InvalidReply {
        /// The URL.
        url: RemoteUrl,
        /// What gix said.
        #[source]
        source: BoxError,
    },
    /// The fetch failed for another reason.
    #[error("fetching from `{url}` failed")]
    Fetch {
        /// The URL.
        url: RemoteUrl,
        /// What gix said.
        #[source]
        source: BoxError,
    },
    /// The fetch (and merge) did not finish before the caller's deadline.
    #[error("fetching from `{url}` did not finish within {:.1}s", .waited.as_secs_f64())]
    Deadline {
        /// The URL.
        url: RemoteUrl,
        /// How long this call waited.
        waited: Duration,
    },
    /// A PR and the commit it is merged onto share no history, even with all of it fetched.
    #[error("PR #{pr} ({sha}) shares no history with {onto}")]
    UnrelatedHistories {
        /// The PR number.
        pr: u64,
        /// The PR's head SHA.
        sha: String,
        /// What it was merged onto (the base commit or an earlier merge).
        onto: String,
    },
    /// A PR does not merge cleanly.
    #[error("PR #{pr} ({sha}) does not merge cleanly onto {onto}: conflict in {}", backticked(.paths))]
    Conflict {
        /// The PR number.
        pr: u64,
        /// The PR's head SHA.
        sha: String,
        /// What it was merged onto (the base commit or an earlier merge).
        onto: String,
        /// The conflicting paths, sorted.
        paths: Vec<String>,
    },
    /// Merging a PR failed for another reason than a conflict.
    #[error("cannot merge PR #{pr} ({sha}) onto {onto}")]
    Merge {
        /// The PR number.
        pr: u64,
        /// The PR's head SHA.
        sha: String,
        /// What it was merged onto.
        onto: String,
        /// What gix said.
        #[source]
        source: BoxError,
    },
}

/// Why a path is refused before anything is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UnsafePathReason {
    /// The path is empty (or only `.` and `/`).
    #[error("it is empty")]
    Empty,
    /// The path starts with `/`.
    #[error("it is absolute")]
    Absolute,
    /// The path has a `..` component.
    #[error("it has a `..` component")]
    ParentDir,
    /// The path has a `.git` component, which names git's own files.
    #[error("it has a `.git` component")]
    GitDir,
    /// The path has a NUL byte.
    #[error("it has a NUL byte")]
    Nul,
}

/// The three answers to "whose fault is it", for exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The repository offers a file this crate refuses to read: an unsafe path, a symlink, a
    /// submodule, a directory, a special file, or a file over the limit. The repository was read
    /// fine; its content (or the path asked for) is the problem, which the user fixes.
    Refused,
    /// The caller's description of the source is unusable: no or ambiguous refs, a key that
    /// matches no ref, a location that is neither a path nor a supported URL.
    Input,
    /// The repository could not be read: missing work tree, unopenable repository, unknown
    /// revision, a missing object, IO, a failed or late fetch, a missing commit on the remote,
    /// unrelated histories, a merge conflict.
    Unreadable,
}

impl Error {
    /// Which of the three kinds this error is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::UnsafePath { .. }
            | Error::Symlink { .. }
            | Error::Submodule { .. }
            | Error::Directory { .. }
            | Error::NotAFile { .. }
            | Error::NotADirectory { .. }
            | Error::TooLarge { .. } => ErrorKind::Refused,
            Error::NoRefs
            | Error::AmbiguousRefs { .. }
            | Error::NoRefForKey { .. }
            | Error::InvalidRef { .. }
            | Error::InvalidKey { .. }
            | Error::InvalidLocation { .. } => ErrorKind::Input,
            Error::NoWorkTree { .. }
            | Error::Open { .. }
            | Error::RevisionNotFound { .. }
            | Error::Read { .. }
            | Error::ObjectMissing { .. }
            | Error::Io { .. }
            | Error::Scratch { .. }
            | Error::Connect { .. }
            | Error::MissingCommit { .. }
            | Error::ConnectionLost { .. }
            | Error::InvalidReply { .. }
            | Error::Fetch { .. }
            | Error::Deadline { .. }
            | Error::UnrelatedHistories { .. }
            | Error::Conflict { .. }
            | Error::Merge { .. } => ErrorKind::Unreadable,
        }
    }
}

/// "`a/b`" when the offending entry is the path itself, else "`a` (in `a/b`)".
fn subject(path: &str, entry: &str) -> String {
    if path == entry {
        format!("`{path}`")
    } else {
        format!("`{entry}` (in `{path}`)")
    }
}

/// "`a`, `b`".
fn backticked(paths: &[String]) -> String {
    paths
        .iter()
        .map(|path| format!("`{path}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
