//! [`Snapshot`]: the files of one repository at one revision, and how each source is opened.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{BoxError, Error, Secret};
use crate::fetch::{self, FetchOptions, FetchSpec};
use crate::path::RepoPath;
use crate::{disk, git};

/// Which revision a [`Snapshot`] shows, for messages and reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    commit: Option<String>,
    tree: Option<String>,
    description: String,
}

impl Revision {
    pub(crate) fn new(commit: Option<String>, tree: Option<String>, description: String) -> Self {
        Revision {
            commit,
            tree,
            description,
        }
    }

    /// The commit's full hex id; `None` for files on disk.
    ///
    /// For a remote with PRs merged, this is the id of the merge commit made in memory here,
    /// which differs from Prow's (the dates differ); compare [`Revision::tree`] instead.
    pub fn commit(&self) -> Option<&str> {
        self.commit.as_deref()
    }

    /// The root tree's full hex id; `None` for files on disk. Equal to the tree of the merge
    /// commit `git merge --no-ff` makes.
    pub fn tree(&self) -> Option<&str> {
        self.tree.as_deref()
    }

    /// A phrase naming the revision, such as ``HEAD (1a2b3c4) of `/repo` `` or ``the merge of PR
    /// #12 (def4567) onto 1a2b3c4 from `https://github.com/org/repo.git` ``.
    pub fn description(&self) -> &str {
        &self.description
    }
}

impl Revision {
    /// This revision with `secret` removed from its description.
    pub(crate) fn redacted(self, secret: Option<&Secret>) -> Self {
        match secret {
            Some(secret) => Revision {
                description: secret.scrub(&self.description),
                ..self
            },
            None => self,
        }
    }
}

impl fmt::Display for Revision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description)
    }
}

/// The files of one repository at one revision.
///
/// Open one with [`Snapshot::work_tree`], [`Snapshot::disk`], [`Snapshot::local`],
/// [`Snapshot::open_at`] or [`Snapshot::fetch_merged`], then [`Snapshot::read`] files.
/// A snapshot of a fetch owns its scratch directory, which is removed when it is dropped.
///
/// `Snapshot` is `Send` and `Sync`: reads open a thread-local view of the repository.
pub struct Snapshot {
    source: Source,
    revision: Revision,
}

enum Source {
    Disk(PathBuf),
    /// Boxed: a repository handle is large.
    Git(Box<git::Tree>),
}

impl Snapshot {
    /// A directory Prow (or a user) cloned: read through git at `HEAD` when it is a git
    /// repository (it has `.git`), else the files on disk.
    ///
    /// Reading at `HEAD` finds files that a sparse checkout left out of the work tree, and
    /// ignores local edits. A blob missing from a partial clone is fetched, into a scratch
    /// directory, from the repository's promisor remote within `options.deadline`.
    pub fn work_tree(dir: &Path, options: &FetchOptions) -> Result<Snapshot, Error> {
        let is_dir = std::fs::metadata(dir).is_ok_and(|meta| meta.is_dir());
        if !is_dir {
            return Err(Error::NoWorkTree {
                path: dir.to_owned(),
            });
        }
        if std::fs::symlink_metadata(dir.join(".git")).is_ok() {
            let (tree, revision) = git::Tree::head(dir, options)?;
            Ok(Snapshot {
                source: Source::Git(Box::new(tree)),
                revision,
            })
        } else {
            Snapshot::disk(dir)
        }
    }

    /// The files on disk under `dir`, whatever it is (`--repo DIR` without `--rev`).
    pub fn disk(dir: &Path) -> Result<Snapshot, Error> {
        let is_dir = std::fs::metadata(dir).is_ok_and(|meta| meta.is_dir());
        if !is_dir {
            return Err(Error::NoWorkTree {
                path: dir.to_owned(),
            });
        }
        Ok(Snapshot {
            revision: Revision::new(
                None,
                None,
                format!("the files on disk in `{}`", dir.display()),
            ),
            source: Source::Disk(dir.to_owned()),
        })
    }

    /// A local git repository (a work tree or a bare repository) at `rev`: a SHA (full or
    /// abbreviated), a branch, a tag, or any revision git understands (`HEAD~2`).
    ///
    /// Only the object database is read: not the work tree, the index or anything written.
    /// The repository's configuration is read, but no global or system configuration.
    pub fn local(repo: &Path, rev: &str) -> Result<Snapshot, Error> {
        let (tree, revision) = git::Tree::local(repo, rev)?;
        Ok(Snapshot {
            source: Source::Git(Box::new(tree)),
            revision,
        })
    }

    /// `rev` of the repository at `location`: a local path (see [`Snapshot::local`]) or a
    /// `file://`, `http://` or `https://` URL, from which only `rev` (a SHA or a ref name) is
    /// fetched, shallow, into a scratch directory.
    ///
    /// From a server that offers partial fetches (protocol v2 with `filter`, as GitHub does),
    /// only the commit and its root tree are fetched; each read then fetches the trees and the
    /// blob on its path, by id (see [`Snapshot::prefetch`]).
    pub fn open_at(location: &str, rev: &str, options: &FetchOptions) -> Result<Snapshot, Error> {
        let secret = Secret::of(location);
        let redact = |err: Error| err.redacted(secret.as_ref());
        match fetch::Location::parse(location).map_err(redact)? {
            fetch::Location::Path(path) => Snapshot::local(&path, rev),
            fetch::Location::Url(url) => {
                let (tree, revision) = fetch::fetch_rev(&url, rev, options).map_err(redact)?;
                Ok(Snapshot {
                    source: Source::Git(Box::new(tree)),
                    revision: revision.redacted(secret.as_ref()),
                })
            }
        }
    }

    /// The merged revision of a PR job, from its remote: the base commit with each PR merged
    /// onto it in order, as Prow's clone step does (`git merge --no-ff`), made in memory. With no
    /// PRs, the base commit.
    ///
    /// From a server that offers partial fetches (protocol v2 with `filter`, as GitHub does),
    /// this fetches commits without files to find each merge base, then only the trees that both
    /// sides of a merge changed (and the blobs both changed, to merge them); the merged tree is
    /// the one `git merge` writes. Each [`Snapshot::read`] then fetches the trees and the blob on
    /// its path that are not here yet, by id, in one round each. A merge that needs rename
    /// detection or a virtual merge base (see the crate docs), or a server without partial
    /// fetches, takes the full path instead: a shallow fetch with all files, deepened to the
    /// merge bases, merged by gix's full merge. A conflict anywhere fails the merge, as in git.
    pub fn fetch_merged(spec: &FetchSpec, options: &FetchOptions) -> Result<Snapshot, Error> {
        Snapshot::fetch_merged_for(spec, options, &[])
    }

    /// [`Snapshot::fetch_merged`], fetching the files at `paths` in the same connection, in as
    /// few rounds as the deepest path has directories (one for files at the root). Name the
    /// files that will be read (`.ci-operator.yaml`, the Dockerfiles): other reads still work,
    /// each fetching what it misses. Missing, refused or unparsable paths are skipped here and
    /// reported by their reads; a blob over 16 MiB is left for its read, which refuses it by size.
    pub fn fetch_merged_for(
        spec: &FetchSpec,
        options: &FetchOptions,
        paths: &[&str],
    ) -> Result<Snapshot, Error> {
        let secret = Secret::of(&spec.url);
        let hints: Vec<String> = paths.iter().map(|path| (*path).to_owned()).collect();
        let (tree, revision) = fetch::fetch_merged(spec, options, &hints)
            .map_err(|err| err.redacted(secret.as_ref()))?;
        Ok(Snapshot {
            source: Source::Git(Box::new(tree)),
            revision: revision.redacted(secret.as_ref()),
        })
    }

    /// Fetches now, in one connection and as few rounds as possible, the files at `paths` that a
    /// partial fetch left out, so that reading them costs no more round trips. Does nothing for
    /// a snapshot that has all its files. Paths that are absent or refused are skipped: their
    /// reads say why.
    pub fn prefetch(&self, paths: &[&str]) -> Result<(), Error> {
        match &self.source {
            Source::Disk(_) => Ok(()),
            Source::Git(tree) => tree.prefetch(paths),
        }
    }

    /// The revision this snapshot shows.
    pub fn revision(&self) -> &Revision {
        &self.revision
    }

    /// The contents of the file at `path` (relative to the repository root, `/`-separated), or
    /// `None` when there is no such file (nor parent directory).
    ///
    /// Refused, with an error naming the path and the revision: a path with `..`, an absolute
    /// path, a `.git` component; a symlink anywhere on the way; a submodule; a directory; a file
    /// over `max_bytes` (checked from the object header or the file's metadata, before reading).
    pub fn read(&self, path: &str, max_bytes: u64) -> Result<Option<Vec<u8>>, Error> {
        let checked = RepoPath::parse(path).map_err(|reason| Error::UnsafePath {
            path: path.to_owned(),
            reason,
        })?;
        let request = Request {
            path,
            checked: &checked,
            max_bytes,
            revision: &self.revision,
        };
        match &self.source {
            Source::Disk(root) => disk::read(root, &request),
            Source::Git(tree) => tree.read(&request),
        }
    }
}

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snapshot")
            .field("revision", &self.revision)
            .finish_non_exhaustive()
    }
}

/// One call of [`Snapshot::read`], as the readers see it.
pub(crate) struct Request<'a> {
    /// The path as the caller gave it, for messages.
    pub(crate) path: &'a str,
    pub(crate) checked: &'a RepoPath<'a>,
    pub(crate) max_bytes: u64,
    pub(crate) revision: &'a Revision,
}

impl Request<'_> {
    /// The path up to and including component `index`, for naming a symlinked parent.
    pub(crate) fn prefix(&self, index: usize) -> String {
        self.checked.components()[..=index].join("/")
    }

    pub(crate) fn symlink(&self, index: usize) -> Error {
        Error::Symlink {
            path: self.path.to_owned(),
            entry: self.prefix(index),
            revision: self.revision.description.clone(),
        }
    }

    pub(crate) fn submodule(&self, index: usize) -> Error {
        Error::Submodule {
            path: self.path.to_owned(),
            entry: self.prefix(index),
            revision: self.revision.description.clone(),
        }
    }

    pub(crate) fn directory(&self) -> Error {
        Error::Directory {
            path: self.path.to_owned(),
            revision: self.revision.description.clone(),
        }
    }

    pub(crate) fn not_a_file(&self) -> Error {
        Error::NotAFile {
            path: self.path.to_owned(),
            revision: self.revision.description.clone(),
        }
    }

    pub(crate) fn too_large(&self, size: u64) -> Error {
        Error::TooLarge {
            path: self.path.to_owned(),
            revision: self.revision.description.clone(),
            size,
            limit: self.max_bytes,
        }
    }

    pub(crate) fn read_failed(&self, source: impl Into<BoxError>) -> Error {
        Error::Read {
            path: self.path.to_owned(),
            revision: self.revision.description.clone(),
            source: source.into(),
        }
    }
}
