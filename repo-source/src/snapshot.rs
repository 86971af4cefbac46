//! [`Snapshot`]: the files of one repository at one revision, and how each source is opened.

use std::fmt;
use std::path::Path;

use crate::entry::TreeEntry;
use crate::error::{Error, UnsafePathReason};
use crate::path::RepoPath;
use crate::read::ReadRequest;
use crate::remote::{self, FetchOptions, FetchSpec, Location};
use crate::revision::Revision;
use crate::{disk, disk_tree, git};

/// The files of one repository at one revision.
///
/// Open one with [`Snapshot::work_tree`], [`Snapshot::disk`], [`Snapshot::local`],
/// [`Snapshot::open_at`] or [`Snapshot::fetch_merged`], then [`Snapshot::read`] files, and look
/// up or list entries with their git ids ([`Snapshot::entry`], [`Snapshot::list_dir`]).
/// A snapshot of a fetch owns its scratch directory, which is removed when it is dropped.
///
/// `Snapshot` is `Send` and `Sync`: reads open a thread-local view of the repository.
pub struct Snapshot {
    source: Source,
    revision: Revision,
}

enum Source {
    /// Boxed: it keeps the listings computed so far.
    Disk(Box<disk_tree::DiskTree>),
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
            let (tree, revision) = git::Tree::head(dir, |url| remote::promisor(url, options))?;
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
            source: Source::Disk(Box::new(disk_tree::DiskTree::new(dir.to_owned()))),
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
        Snapshot::open_at_for(location, rev, options, &[])
    }

    /// [`Snapshot::open_at`], fetching the files at `paths` in the same connection, right after
    /// the commit and its root tree: one round per level of directories (one for files at the
    /// root), so reading them later fetches nothing. This is how a branch's tip is read for
    /// `audit`: `rev` may be a branch name, resolved by the server's `ls-refs`. Name the files
    /// that will be read; other reads still work, each fetching what it misses. Missing,
    /// refused or unparsable paths are skipped here and reported by their reads; a blob over
    /// 16 MiB is left for its read, which refuses it by size. A local path reads its object
    /// database and fetches nothing.
    pub fn open_at_for(
        location: &str,
        rev: &str,
        options: &FetchOptions,
        paths: &[&str],
    ) -> Result<Snapshot, Error> {
        match Location::parse(location)? {
            Location::Path(path) => Snapshot::local(&path, rev),
            Location::Url(url) => {
                let hints: Vec<String> = paths.iter().map(|path| (*path).to_owned()).collect();
                let (tree, revision) = remote::open_rev(&url, rev, options, &hints)?;
                Ok(Snapshot {
                    source: Source::Git(Box::new(tree)),
                    revision,
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
        let hints: Vec<String> = paths.iter().map(|path| (*path).to_owned()).collect();
        let (tree, revision) = remote::open_merged(spec, options, &hints)?;
        Ok(Snapshot {
            source: Source::Git(Box::new(tree)),
            revision,
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
        let read_on_disk = |tree: &disk_tree::DiskTree, request: &ReadRequest<'_>| {
            disk::read(tree.root(), request)
        };
        self.ask(
            path,
            RepoPath::parse(path),
            max_bytes,
            read_on_disk,
            git::Tree::read,
        )
    }

    /// What `path` is (relative to the repository root, `/`-separated; `""` is the root, a
    /// directory with the root tree's id), or `None` when there is no such entry (nor parent
    /// directory). A symlink or a submodule at `path` is an entry of that kind, not followed.
    ///
    /// Refused as by [`Snapshot::read`]: a path with `..`, an absolute path, a `.git`
    /// component, a symlink or a submodule on the way. Nothing is read but the directories on
    /// the way: a partial fetch fetches the trees above `path` it lacks, never `path`'s own
    /// object (a file's size is then `None` until it is read). On disk, a directory's id needs
    /// every file under it hashed (see [`TreeEntry`]); an empty directory, which git does not
    /// record, is `None`, and a special file (a FIFO, a socket) is refused.
    pub fn entry(&self, path: &str) -> Result<Option<TreeEntry>, Error> {
        let checked = RepoPath::parse_or_root(path);
        self.ask(
            path,
            checked,
            u64::MAX,
            disk_tree::DiskTree::entry,
            git::Tree::entry,
        )
    }

    /// The entries of the directory at `path` (`""` is the root), one level, sorted by name;
    /// `None` when there is no such directory.
    ///
    /// Refused as by [`Snapshot::entry`], and when `path` is a file ([`Error::NotADirectory`]),
    /// a symlink or a submodule. A partial fetch fetches the directory's tree (and the trees
    /// above it it lacks), one round each, and nothing else: the entries' ids come from the
    /// tree itself.
    pub fn list_dir(&self, path: &str) -> Result<Option<Vec<TreeEntry>>, Error> {
        let checked = RepoPath::parse_or_root(path);
        self.ask(
            path,
            checked,
            u64::MAX,
            disk_tree::DiskTree::list_dir,
            git::Tree::list_dir,
        )
    }

    /// Asks the source about `path`, once it is `checked` (a refusal names `path`), reading at
    /// most `max_bytes` of a file.
    fn ask<'p, T>(
        &self,
        path: &'p str,
        checked: Result<RepoPath<'p>, UnsafePathReason>,
        max_bytes: u64,
        on_disk: impl FnOnce(&disk_tree::DiskTree, &ReadRequest<'_>) -> Result<T, Error>,
        in_git: impl FnOnce(&git::Tree, &ReadRequest<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let checked = checked.map_err(|reason| Error::UnsafePath {
            path: path.to_owned(),
            reason,
        })?;
        let request = ReadRequest {
            path,
            checked: &checked,
            max_bytes,
            revision: &self.revision,
        };
        match &self.source {
            Source::Disk(tree) => on_disk(tree, &request),
            Source::Git(tree) => in_git(tree, &request),
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
