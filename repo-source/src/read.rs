//! [`ReadRequest`]: one read of a file, or one look-up or listing of a path, as the readers
//! (git, disk) see it, with the errors that name its path and revision.

use crate::error::{BoxError, Error};
use crate::path::RepoPath;
use crate::revision::Revision;

/// One call of [`Snapshot::read`](crate::Snapshot::read), [`Snapshot::entry`](crate::Snapshot::entry)
/// or [`Snapshot::list_dir`](crate::Snapshot::list_dir), as the readers see it.
pub(crate) struct ReadRequest<'a> {
    /// The path as the caller gave it, for messages.
    pub(crate) path: &'a str,
    /// The checked path; no components for the root (look-ups and listings only).
    pub(crate) checked: &'a RepoPath<'a>,
    /// The caller's limit of a read; `u64::MAX` for look-ups and listings, which read no file.
    pub(crate) max_bytes: u64,
    pub(crate) revision: &'a Revision,
}

impl ReadRequest<'_> {
    /// The path up to and including component `index`, for naming a symlinked parent.
    pub(crate) fn prefix(&self, index: usize) -> String {
        self.checked.components()[..=index].join("/")
    }

    pub(crate) fn symlink(&self, index: usize) -> Error {
        Error::Symlink {
            path: self.path.to_owned(),
            entry: self.prefix(index),
            revision: self.revision.description().to_owned(),
        }
    }

    pub(crate) fn submodule(&self, index: usize) -> Error {
        Error::Submodule {
            path: self.path.to_owned(),
            entry: self.prefix(index),
            revision: self.revision.description().to_owned(),
        }
    }

    pub(crate) fn directory(&self) -> Error {
        Error::Directory {
            path: self.path.to_owned(),
            revision: self.revision.description().to_owned(),
        }
    }

    pub(crate) fn not_a_file(&self) -> Error {
        Error::NotAFile {
            path: self.path.to_owned(),
            revision: self.revision.description().to_owned(),
        }
    }

    pub(crate) fn not_a_directory(&self) -> Error {
        Error::NotADirectory {
            path: self.path.to_owned(),
            revision: self.revision.description().to_owned(),
        }
    }

    pub(crate) fn too_large(&self, size: u64) -> Error {
        Error::TooLarge {
            path: self.path.to_owned(),
            revision: self.revision.description().to_owned(),
            size,
            limit: self.max_bytes,
        }
    }

    pub(crate) fn read_failed(&self, source: impl Into<BoxError>) -> Error {
        Error::Read {
            path: self.path.to_owned(),
            revision: self.revision.description().to_owned(),
            source: source.into(),
        }
    }
}
