//! Reading files from a git tree: a commit of a local repository, a work tree's `HEAD`, or a
//! scratch repository filled by a fetch.

use gix::ObjectId;
use gix::odb::memory::Storage;
use tempfile::TempDir;

use crate::error::{BoxError, Error};
use crate::fetch::{self, FetchOptions};
use crate::snapshot::{Request, Revision};

/// A root tree of a repository, with what is needed to read from it on any thread.
pub(crate) struct Tree {
    repo: gix::ThreadSafeRepository,
    root: ObjectId,
    /// Objects made in memory (merge results), which the repository on disk does not have.
    memory: Option<Storage>,
    /// Where to fetch blobs that a partial clone does not have, and within which limits.
    promisor: Option<Promisor>,
    /// For a scratch repository of a partial fetch: where to fetch the trees and blobs a read
    /// needs, into this repository.
    lazy: Option<Lazy>,
    /// The scratch directory of a fetch, removed when the tree is dropped. Declared last so the
    /// repository is closed before the directory is removed.
    _scratch: Option<TempDir>,
}

struct Promisor {
    url: String,
    options: FetchOptions,
}

struct Lazy {
    url: String,
    options: FetchOptions,
    /// One fetch at a time: concurrent reads of the same path would fetch it twice.
    lock: std::sync::Mutex<()>,
}

/// The short form of an id used in descriptions.
pub(crate) fn short(id: &gix::oid) -> String {
    id.to_hex_with_len(7).to_string()
}

/// `1a2b3c4` when `rev` is the commit's SHA, else `` `main` (1a2b3c4) ``.
pub(crate) fn describe(rev: &str, commit: &gix::oid) -> String {
    if rev.eq_ignore_ascii_case(&commit.to_string()) {
        short(commit)
    } else {
        format!("`{rev}` ({})", short(commit))
    }
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

    /// Makes reads fetch the trees and blobs they miss from `url`, by id, into this (scratch)
    /// repository.
    pub(crate) fn fetching_from(mut self, url: String, options: FetchOptions) -> Self {
        self.lazy = Some(Lazy {
            url,
            options,
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
        crate::partial::prefetch_paths(
            &self.repo,
            self.memory.clone(),
            self.root,
            &lazy.url,
            paths.iter().map(|path| (*path).to_owned()).collect(),
            &lazy.options,
        )
    }

    /// `HEAD` of the git repository in `dir`.
    pub(crate) fn head(
        dir: &std::path::Path,
        options: &FetchOptions,
    ) -> Result<(Tree, Revision), Error> {
        let repo = open(dir)?;
        let not_found = |source: BoxError| Error::RevisionNotFound {
            rev: "HEAD".to_owned(),
            repository: format!("`{}`", dir.display()),
            source: Some(source),
        };
        let (commit, tree, promisor) = {
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
        tree.promisor = promisor.map(|url| Promisor {
            url,
            options: options.clone(),
        });
        Ok((tree, revision))
    }

    /// `rev` of the repository at `path`.
    pub(crate) fn local(path: &std::path::Path, rev: &str) -> Result<(Tree, Revision), Error> {
        let repo = open(path)?;
        let (commit, tree) =
            resolve(&repo.to_thread_local(), rev).map_err(|source| Error::RevisionNotFound {
                rev: rev.to_owned(),
                repository: format!("`{}`", path.display()),
                source,
            })?;
        let revision = Revision::new(
            Some(commit.to_string()),
            Some(tree.to_string()),
            format!("{} of `{}`", describe(rev, &commit), path.display()),
        );
        Ok((Tree::new(repo, tree, None, None), revision))
    }

    pub(crate) fn read(&self, request: &Request<'_>) -> Result<Option<Vec<u8>>, Error> {
        let mut repo = self.repo.to_thread_local();
        if let Some(memory) = &self.memory {
            repo.objects.set_object_memory(memory.clone());
        }
        let components = request.checked.components();
        let mut tree_id = self.root;
        for (index, name) in components.iter().enumerate() {
            self.ensure_present(&repo, tree_id, request)?;
            let tree = repo
                .find_tree(tree_id)
                .map_err(|err| request.read_failed(err))?;
            let Some(entry) = tree.find_entry(*name) else {
                return Ok(None);
            };
            let mode = entry.mode();
            let id = entry.object_id();
            let last = index + 1 == components.len();
            if mode.is_link() {
                return Err(request.symlink(index));
            }
            if mode.is_commit() {
                return Err(request.submodule(index));
            }
            if mode.is_tree() {
                if last {
                    return Err(request.directory());
                }
                tree_id = id;
                continue;
            }
            if !last {
                // A file where a directory is expected: there is no such path.
                return Ok(None);
            }
            return self.read_blob(&repo, id, request).map(Some);
        }
        // `RepoPath` is never empty, so the loop returns.
        Ok(None)
    }

    fn read_blob(
        &self,
        repo: &gix::Repository,
        id: ObjectId,
        request: &Request<'_>,
    ) -> Result<Vec<u8>, Error> {
        if !repo.has_object(id) {
            if let Some(lazy) = &self.lazy {
                let _one_at_a_time = lazy.lock.lock().unwrap_or_else(|err| err.into_inner());
                if !repo.has_object(id) {
                    crate::partial::fetch_objects(
                        &self.repo,
                        &lazy.url,
                        vec![id],
                        Some(request.max_bytes),
                        &lazy.options,
                    )?
                    .map_err(|size| request.too_large(size))?;
                }
            } else {
                return self
                    .fetch_missing(id, request)?
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
        request: &Request<'_>,
    ) -> Result<(), Error> {
        if repo.has_object(id) {
            return Ok(());
        }
        if let Some(lazy) = &self.lazy {
            let _one_at_a_time = lazy.lock.lock().unwrap_or_else(|err| err.into_inner());
            if !repo.has_object(id) {
                crate::partial::fetch_objects(
                    &self.repo,
                    &lazy.url,
                    vec![id],
                    None,
                    &lazy.options,
                )?
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
    fn fetch_missing(
        &self,
        id: ObjectId,
        request: &Request<'_>,
    ) -> Result<Result<Vec<u8>, u64>, Error> {
        let missing = |remote: Option<String>, source: Option<BoxError>| Error::ObjectMissing {
            path: request.path.to_owned(),
            revision: request.revision.description().to_owned(),
            object: id.to_string(),
            remote,
            source,
        };
        let Some(promisor) = &self.promisor else {
            return Err(missing(None, None));
        };
        fetch::fetch_blob(&promisor.url, id, request.max_bytes, &promisor.options).map_err(|err| {
            missing(
                Some(crate::error::redact_url(&promisor.url)),
                Some(err.into()),
            )
        })
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
fn resolve(repo: &gix::Repository, rev: &str) -> Result<(ObjectId, ObjectId), Option<BoxError>> {
    let id = repo.rev_parse_single(rev).map_err(|err| Some(err.into()))?;
    let object = id.object().map_err(|err| Some(err.into()))?;
    let commit = object.peel_to_commit().map_err(|err| Some(err.into()))?;
    let tree = commit.tree_id().map_err(|err| Some(err.into()))?.detach();
    Ok((commit.id, tree))
}

/// The URL of the remote a partial clone fetches missing objects from (`remote.<name>.promisor`
/// or `extensions.partialClone`), if any.
fn promisor_url(repo: &gix::Repository) -> Option<String> {
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
    Some(url.to_string())
}
