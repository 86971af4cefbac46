//! Reading files, and looking up and listing entries, from a git tree: a commit of a local
//! repository, a work tree's `HEAD`, or a scratch repository filled by a fetch.

use gix::ObjectId;
use gix::objs::tree::EntryMode;
use gix::odb::memory::Storage;
use tempfile::TempDir;

use crate::entry::{EntryKind, TreeEntry};
use crate::error::{BoxError, Error};
use crate::fetcher::{BlobFetcher, ObjectFetcher};
use crate::read::ReadRequest;
use crate::revision::{Revision, describe, short};
use crate::url::RemoteUrl;

/// A root tree of a repository, with what is needed to read from it on any thread.
pub(crate) struct Tree {
    repo: gix::ThreadSafeRepository,
    root: ObjectId,
    /// Objects made in memory (merge results), which the repository on disk does not have.
    memory: Option<Storage>,
    /// Where to fetch blobs that a partial clone (of someone else's) does not have.
    promisor: Option<Box<dyn BlobFetcher>>,
    /// For a scratch repository of a partial fetch: where to fetch the trees and blobs a read
    /// needs, into this repository.
    lazy: Option<Lazy>,
    /// The scratch directory of a fetch, removed when the tree is dropped. Declared last so the
    /// repository is closed before the directory is removed.
    _scratch: Option<TempDir>,
}

struct Lazy {
    fetcher: Box<dyn ObjectFetcher>,
    /// One fetch at a time: concurrent reads of the same path would fetch it twice.
    lock: std::sync::Mutex<()>,
}

impl Tree {
    pub(crate) fn new(
        repo: gix::ThreadSafeRepository,
        root: ObjectId,
        memory: Option<Storage>,
        scratch: Option<TempDir>,
    ) -> Self {
        Tree {
            repo,
            root,
            memory,
            promisor: None,
            lazy: None,
            _scratch: scratch,
        }
    }

    /// Makes reads fetch the trees and blobs they miss through `fetcher`, by id, into this
    /// (scratch) repository.
    pub(crate) fn fetching_with(mut self, fetcher: Box<dyn ObjectFetcher>) -> Self {
        self.lazy = Some(Lazy {
            fetcher,
            lock: std::sync::Mutex::new(()),
        });
        self
    }

    /// Fetches, in as few rounds as their depth needs, the trees and blobs of `paths` that a
    /// partial fetch left out. Does nothing for other trees.
    pub(crate) fn prefetch(&self, paths: &[&str]) -> Result<(), Error> {
        let Some(lazy) = &self.lazy else {
            return Ok(());
        };
        let _one_at_a_time = lazy.lock.lock().unwrap_or_else(|err| err.into_inner());
        lazy.fetcher.prefetch(
            &self.repo,
            self.memory.clone(),
            self.root,
            paths.iter().map(|path| (*path).to_owned()).collect(),
        )
    }

    /// `HEAD` of the git repository in `dir`; when it is a partial clone, `promisor` makes the
    /// fetcher of the blobs it lacks from its promisor remote.
    pub(crate) fn head(
        dir: &std::path::Path,
        promisor: impl FnOnce(RemoteUrl) -> Box<dyn BlobFetcher>,
    ) -> Result<(Tree, Revision), Error> {
        let repo = open(dir)?;
        let not_found = |source: BoxError| Error::RevisionNotFound {
            rev: "HEAD".to_owned(),
            repository: format!("`{}`", dir.display()),
            source: Some(source),
        };
        let (commit, tree, promisor_url) = {
            let local = repo.to_thread_local();
            let head = local.head_commit().map_err(|err| not_found(err.into()))?;
            let tree = head
                .tree_id()
                .map_err(|err| not_found(err.into()))?
                .detach();
            (head.id, tree, promisor_url(&local))
        };
        let revision = Revision::new(
            Some(commit.to_string()),
            Some(tree.to_string()),
            format!("HEAD ({}) of `{}`", short(&commit), dir.display()),
        );
        let mut tree = Tree::new(repo, tree, None, None);
        tree.promisor = promisor_url.map(promisor);
        Ok((tree, revision))
    }

    /// `rev` of the repository at `path`.
    pub(crate) fn local(path: &std::path::Path, rev: &str) -> Result<(Tree, Revision), Error> {
        let repo = open(path)?;
        let (commit, tree) = resolve_rev(&repo.to_thread_local(), rev).map_err(|source| {
            Error::RevisionNotFound {
                rev: rev.to_owned(),
                repository: format!("`{}`", path.display()),
                source,
            }
        })?;
        let revision = Revision::new(
            Some(commit.to_string()),
            Some(tree.to_string()),
            format!("{} of `{}`", describe(rev, &commit), path.display()),
        );
        Ok((Tree::new(repo, tree, None, None), revision))
    }

    /// A thread-local view of the repository, with the objects made in memory.
    fn thread_local(&self) -> gix::Repository {
        let mut repo = self.repo.to_thread_local();
        if let Some(memory) = &self.memory {
            repo.objects.set_object_memory(memory.clone());
        }
        repo
    }

    pub(crate) fn read(&self, request: &ReadRequest<'_>) -> Result<Option<Vec<u8>>, Error> {
        let repo = self.thread_local();
        let Some(found) = self.find_object(&repo, request)? else {
            return Ok(None);
        };
        if found.mode.is_tree() {
            return Err(request.directory());
        }
        self.read_blob(&repo, found.id, request).map(Some)
    }

    /// The entry at the request's path (the root for no components), without reading or
    /// fetching its object: only the trees above it.
    pub(crate) fn entry(&self, request: &ReadRequest<'_>) -> Result<Option<TreeEntry>, Error> {
        let repo = self.thread_local();
        let name = request.checked.components().last().copied().unwrap_or("");
        Ok(self
            .find(&repo, request)?
            .map(|found| tree_entry(&repo, name.as_bytes(), found)))
    }

    /// The entries of the directory at the request's path, sorted by name; fetches that
    /// directory's tree (and those above it) if a partial fetch left it out, and nothing else.
    pub(crate) fn list_dir(
        &self,
        request: &ReadRequest<'_>,
    ) -> Result<Option<Vec<TreeEntry>>, Error> {
        let repo = self.thread_local();
        let Some(found) = self.find_object(&repo, request)? else {
            return Ok(None);
        };
        if !found.mode.is_tree() {
            return Err(request.not_a_directory());
        }
        self.ensure_present(&repo, found.id, request)?;
        let tree = repo
            .find_tree(found.id)
            .map_err(|err| request.read_failed(err))?;
        let decoded = tree.decode().map_err(|err| request.read_failed(err))?;
        let mut entries: Vec<TreeEntry> = decoded
            .entries
            .iter()
            .map(|entry| {
                let found = Found {
                    mode: entry.mode,
                    id: entry.oid.to_owned(),
                };
                tree_entry(&repo, entry.filename, found)
            })
            .collect();
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Some(entries))
    }

    /// What the request's path names: `None` when it (or a directory on the way) is absent, or
    /// a file is where a directory is expected. A symlink or a submodule on the way is refused;
    /// one at the path itself is found, not followed. Fetches the trees on the way that a
    /// partial fetch left out, never the object found.
    fn find(
        &self,
        repo: &gix::Repository,
        request: &ReadRequest<'_>,
    ) -> Result<Option<Found>, Error> {
        let Some((last, parents)) = request.checked.components().split_last() else {
            return Ok(Some(Found {
                mode: EntryKind::Directory.git_mode(),
                id: self.root,
            }));
        };
        let mut tree_id = self.root;
        for (index, name) in parents.iter().enumerate() {
            let Some(found) = self.child(repo, tree_id, name, request)? else {
                return Ok(None);
            };
            found.refuse_link(request, index)?;
            if !found.mode.is_tree() {
                // A file where a directory is expected: there is no such path.
                return Ok(None);
            }
            tree_id = found.id;
        }
        self.child(repo, tree_id, last, request)
    }

    /// What the request's path names, as [`Tree::find`], refusing a symlink or a submodule at
    /// the path itself too: the object a read or a listing goes on to open.
    fn find_object(
        &self,
        repo: &gix::Repository,
        request: &ReadRequest<'_>,
    ) -> Result<Option<Found>, Error> {
        let Some(found) = self.find(repo, request)? else {
            return Ok(None);
        };
        let last = request.checked.components().len().saturating_sub(1);
        found.refuse_link(request, last)?;
        Ok(Some(found))
    }

    /// The entry `name` of the tree `tree_id`, fetching that tree if it is not here.
    fn child(
        &self,
        repo: &gix::Repository,
        tree_id: ObjectId,
        name: &str,
        request: &ReadRequest<'_>,
    ) -> Result<Option<Found>, Error> {
        self.ensure_present(repo, tree_id, request)?;
        let tree = repo
            .find_tree(tree_id)
            .map_err(|err| request.read_failed(err))?;
        Ok(tree.find_entry(name).map(|entry| Found {
            mode: entry.mode(),
            id: entry.object_id(),
        }))
    }

    fn read_blob(
        &self,
        repo: &gix::Repository,
        id: ObjectId,
        request: &ReadRequest<'_>,
    ) -> Result<Vec<u8>, Error> {
        if !repo.has_object(id) {
            if let Some(lazy) = &self.lazy {
                let _one_at_a_time = lazy.lock.lock().unwrap_or_else(|err| err.into_inner());
                if !repo.has_object(id) {
                    lazy.fetcher
                        .fetch_objects(&self.repo, vec![id], Some(request.max_bytes))?
                        .map_err(|size| request.too_large(size))?;
                }
            } else {
                return self
                    .fetch_from_promisor(id, request)?
                    .map_err(|size| request.too_large(size));
            }
        }
        let header = repo
            .find_header(id)
            .map_err(|err| request.read_failed(err))?;
        if header.size() > request.max_bytes {
            return Err(request.too_large(header.size()));
        }
        let mut blob = repo.find_blob(id).map_err(|err| request.read_failed(err))?;
        Ok(blob.take_data())
    }

    /// Fails unless the tree `id` is present or fetched: a partial fetch of ours fetches it by
    /// id; a tree missing from a partial clone of someone else's (a `tree:0` filter) is not
    /// fetched, because a path needs a chain of them.
    fn ensure_present(
        &self,
        repo: &gix::Repository,
        id: ObjectId,
        request: &ReadRequest<'_>,
    ) -> Result<(), Error> {
        if repo.has_object(id) {
            return Ok(());
        }
        if let Some(lazy) = &self.lazy {
            let _one_at_a_time = lazy.lock.lock().unwrap_or_else(|err| err.into_inner());
            if !repo.has_object(id) {
                lazy.fetcher
                    .fetch_objects(&self.repo, vec![id], None)?
                    .map_err(|size| request.too_large(size))?;
            }
            return Ok(());
        }
        Err(Error::ObjectMissing {
            path: request.path.to_owned(),
            revision: request.revision.description().to_owned(),
            object: id.to_string(),
            remote: None,
            source: None,
        })
    }

    /// The blob `id` from the promisor remote, if the repository is a partial clone;
    /// `Ok(Err(size))` when it is too large.
    fn fetch_from_promisor(
        &self,
        id: ObjectId,
        request: &ReadRequest<'_>,
    ) -> Result<Result<Vec<u8>, u64>, Error> {
        let missing = |remote: Option<RemoteUrl>, source: Option<BoxError>| Error::ObjectMissing {
            path: request.path.to_owned(),
            revision: request.revision.description().to_owned(),
            object: id.to_string(),
            remote,
            source,
        };
        let Some(promisor) = &self.promisor else {
            return Err(missing(None, None));
        };
        promisor
            .fetch_blob(id, request.max_bytes)
            .map_err(|err| missing(Some(promisor.remote().clone()), Some(err.into())))
    }
}

/// A tree entry found on a path: its mode and object id, the object itself not read.
struct Found {
    mode: EntryMode,
    id: ObjectId,
}

impl Found {
    /// Refuses a symlink or a submodule at component `index` of the request's path: reads
    /// never follow either.
    fn refuse_link(&self, request: &ReadRequest<'_>, index: usize) -> Result<(), Error> {
        if self.mode.is_link() {
            return Err(request.symlink(index));
        }
        if self.mode.is_commit() {
            return Err(request.submodule(index));
        }
        Ok(())
    }
}

/// The [`TreeEntry`] of `found`, named `name`; a blob's size comes from its header when the
/// blob is here (never fetched for it).
fn tree_entry(repo: &gix::Repository, name: &[u8], found: Found) -> TreeEntry {
    let kind = EntryKind::of_mode(found.mode);
    let is_blob = matches!(
        kind,
        EntryKind::File | EntryKind::Executable | EntryKind::Symlink
    );
    let size = (is_blob && repo.has_object(found.id))
        .then(|| repo.find_header(found.id).ok().map(|header| header.size()))
        .flatten();
    TreeEntry {
        name: String::from_utf8_lossy(name).into_owned(),
        kind,
        id: found.id.to_string(),
        size,
    }
}

/// Opens the repository at `path` (a work tree or a `.git`/bare directory) without global or
/// system configuration, and without walking up to a parent repository.
fn open(path: &std::path::Path) -> Result<gix::ThreadSafeRepository, Error> {
    gix::ThreadSafeRepository::open_opts(path, gix::open::Options::isolated()).map_err(|err| {
        Error::Open {
            path: path.to_owned(),
            source: err.into(),
        }
    })
}

/// The commit and root tree `rev` names.
fn resolve_rev(
    repo: &gix::Repository,
    rev: &str,
) -> Result<(ObjectId, ObjectId), Option<BoxError>> {
    let id = repo.rev_parse_single(rev).map_err(|err| Some(err.into()))?;
    let object = id.object().map_err(|err| Some(err.into()))?;
    let commit = object.peel_to_commit().map_err(|err| Some(err.into()))?;
    let tree = commit.tree_id().map_err(|err| Some(err.into()))?.detach();
    Ok((commit.id, tree))
}

/// The URL of the remote a partial clone fetches missing objects from (`remote.<name>.promisor`
/// or `extensions.partialClone`), if any.
fn promisor_url(repo: &gix::Repository) -> Option<RemoteUrl> {
    let config = repo.config_snapshot();
    let name = config
        .string("extensions.partialClone")
        .map(|name| name.to_string())
        .or_else(|| {
            repo.remote_names()
                .into_iter()
                .find(|name| {
                    config.boolean(format!("remote.{name}.promisor").as_str()) == Some(true)
                })
                .map(|name| name.to_string())
        })?;
    let url = config.string(format!("remote.{name}.url").as_str())?;
    Some(RemoteUrl::new(url.to_string()))
}
