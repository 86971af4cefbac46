//! The one error type of this crate, and the two questions a caller asks of it.

use std::path::PathBuf;
use std::time::Duration;

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
        /// The location as given.
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
        /// The repository (path or URL, in backticks).
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
        remote: Option<String>,
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
        url: String,
        /// What failed.
        #[source]
        source: BoxError,
    },
    /// The remote could not be reached (no route, refused connection, DNS, TLS, authentication).
    #[error("cannot connect to `{url}`")]
    Connect {
        /// The URL.
        url: String,
        /// What the transport said.
        #[source]
        source: BoxError,
    },
    /// The remote does not have a commit the job names (a force-pushed PR, a wrong SHA).
    #[error("`{url}` does not have `{rev}`")]
    MissingCommit {
        /// The URL.
        url: String,
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
        url: String,
        /// What the transport said.
        #[source]
        source: BoxError,
    },
    /// The server's reply is not git's protocol (a proxy's error page, a corrupt pack).
    #[error("`{url}` replied with something that is not git's protocol")]
    InvalidReply {
        /// The URL.
        url: String,
        /// What gix said.
        #[source]
        source: BoxError,
    },
    /// The fetch failed for another reason.
    #[error("fetching from `{url}` failed")]
    Fetch {
        /// The URL.
        url: String,
        /// What gix said.
        #[source]
        source: BoxError,
    },
    /// The fetch (and merge) did not finish before the caller's deadline.
    #[error("fetching from `{url}` did not finish within {:.1}s", .waited.as_secs_f64())]
    Deadline {
        /// The URL.
        url: String,
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

/// The credentials in a URL's userinfo (`https://user:token@host/…`), to keep out of messages.
///
/// Errors and log lines of this crate show URLs: the caller's `clone_uri` may carry a token, and
/// so may the text of gix's errors kept as sources. [`Error::redacted`] replaces the userinfo
/// with `***` everywhere, sources included, at the boundary of every fetch.
#[derive(Debug, Clone)]
pub(crate) struct Secret {
    /// `user:token@`.
    userinfo: String,
    /// The parts worth hiding on their own: the password, and a user name long enough to be a
    /// token (`https://<token>@github.com/…`).
    parts: Vec<String>,
}

impl Secret {
    /// The secret of `url`, if it has a userinfo.
    pub(crate) fn of(url: &str) -> Option<Secret> {
        let (_, rest) = url.split_once("://")?;
        let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
        let (userinfo, _) = authority.rsplit_once('@')?;
        let mut parts = Vec::new();
        match userinfo.split_once(':') {
            Some((user, password)) => {
                if !password.is_empty() {
                    parts.push(password.to_owned());
                }
                if user.len() >= 8 {
                    parts.push(user.to_owned());
                }
            }
            None if userinfo.len() >= 8 => parts.push(userinfo.to_owned()),
            None => {}
        }
        Some(Secret {
            userinfo: format!("{userinfo}@"),
            parts,
        })
    }

    /// `text` without the secret.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut text = text.replace(&self.userinfo, "***@");
        for part in &self.parts {
            text = text.replace(part.as_str(), "***");
        }
        text
    }

    fn is_in(&self, text: &str) -> bool {
        text.contains(&self.userinfo) || self.parts.iter().any(|part| text.contains(part.as_str()))
    }
}

/// `url` with its userinfo replaced by `***` (`https://***@host/x`).
pub(crate) fn redact_url(url: &str) -> String {
    match Secret::of(url) {
        Some(secret) => secret.scrub(url),
        None => url.to_owned(),
    }
}

/// An error's text with the secret removed, and its sources likewise.
#[derive(Debug)]
struct Redacted {
    message: String,
    source: Option<Box<Redacted>>,
}

impl std::fmt::Display for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Redacted {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

/// `source` itself when no error of its chain shows the secret, else a copy of the chain's text
/// without it (the types are lost, which only matters to code that already classified it).
fn scrub_source(source: BoxError, secret: &Secret) -> BoxError {
    let mut messages = Vec::new();
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(source.as_ref());
    while let Some(error) = current {
        messages.push(error.to_string());
        if messages.len() > 64 {
            break;
        }
        current = error.source();
    }
    if !messages.iter().any(|message| secret.is_in(message)) {
        return source;
    }
    let mut chain: Option<Box<Redacted>> = None;
    for message in messages.iter().rev() {
        chain = Some(Box::new(Redacted {
            message: secret.scrub(message),
            source: chain,
        }));
    }
    match chain {
        Some(chain) => chain,
        None => source,
    }
}

impl Error {
    /// This error with `secret` removed from every field and source.
    pub(crate) fn redacted(self, secret: Option<&Secret>) -> Error {
        let Some(secret) = secret else {
            return self;
        };
        let s = |text: String| secret.scrub(&text);
        let b = |source: BoxError| scrub_source(source, secret);
        let o = |source: Option<BoxError>| source.map(|source| scrub_source(source, secret));
        match self {
            Error::UnsafePath { path, reason } => Error::UnsafePath { path, reason },
            Error::Symlink {
                path,
                entry,
                revision,
            } => Error::Symlink {
                path,
                entry,
                revision: s(revision),
            },
            Error::Submodule {
                path,
                entry,
                revision,
            } => Error::Submodule {
                path,
                entry,
                revision: s(revision),
            },
            Error::Directory { path, revision } => Error::Directory {
                path,
                revision: s(revision),
            },
            Error::NotAFile { path, revision } => Error::NotAFile {
                path,
                revision: s(revision),
            },
            Error::TooLarge {
                path,
                revision,
                size,
                limit,
            } => Error::TooLarge {
                path,
                revision: s(revision),
                size,
                limit,
            },
            Error::NoRefs => Error::NoRefs,
            Error::AmbiguousRefs { reason } => Error::AmbiguousRefs { reason },
            Error::NoRefForKey { key, cloned } => Error::NoRefForKey { key, cloned },
            Error::InvalidRef { name, reason } => Error::InvalidRef { name, reason },
            Error::InvalidKey { key } => Error::InvalidKey { key },
            Error::InvalidLocation { location, source } => Error::InvalidLocation {
                location: s(location),
                source: o(source),
            },
            Error::NoWorkTree { path } => Error::NoWorkTree { path },
            Error::Open { path, source } => Error::Open {
                path,
                source: b(source),
            },
            Error::RevisionNotFound {
                rev,
                repository,
                source,
            } => Error::RevisionNotFound {
                rev,
                repository: s(repository),
                source: o(source),
            },
            Error::Read {
                path,
                revision,
                source,
            } => Error::Read {
                path,
                revision: s(revision),
                source: b(source),
            },
            Error::ObjectMissing {
                path,
                revision,
                object,
                remote,
                source,
            } => Error::ObjectMissing {
                path,
                revision: s(revision),
                object,
                remote: remote.map(s),
                source: o(source),
            },
            Error::Io { path, source } => Error::Io { path, source },
            Error::Scratch { url, source } => Error::Scratch {
                url: s(url),
                source: b(source),
            },
            Error::Connect { url, source } => Error::Connect {
                url: s(url),
                source: b(source),
            },
            Error::MissingCommit { url, rev, source } => Error::MissingCommit {
                url: s(url),
                rev,
                source: o(source),
            },
            Error::ConnectionLost { url, source } => Error::ConnectionLost {
                url: s(url),
                source: b(source),
            },
            Error::InvalidReply { url, source } => Error::InvalidReply {
                url: s(url),
                source: b(source),
            },
            Error::Fetch { url, source } => Error::Fetch {
                url: s(url),
                source: b(source),
            },
            Error::Deadline { url, waited } => Error::Deadline {
                url: s(url),
                waited,
            },
            Error::UnrelatedHistories { pr, sha, onto } => Error::UnrelatedHistories {
                pr,
                sha,
                onto: s(onto),
            },
            Error::Conflict {
                pr,
                sha,
                onto,
                paths,
            } => Error::Conflict {
                pr,
                sha,
                onto: s(onto),
                paths,
            },
            Error::Merge {
                pr,
                sha,
                onto,
                source,
            } => Error::Merge {
                pr,
                sha,
                onto: s(onto),
                source: b(source),
            },
        }
    }
}

#[cfg(test)]
mod tests;
