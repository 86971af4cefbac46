//! Looking up and listing entries of a directory on disk, with the ids git would give them.
//!
//! A file's id is its blob id (SHA-1 over `blob <len>\0` and the content, streamed in 64 KiB
//! pieces, so a large file is never held in memory), its kind executable when the owner may
//! execute it, as git records it with `core.fileMode`. A symlink's id is the blob of its target.
//! A directory's id is the tree `git write-tree` would write after `git add -A` in a clean
//! checkout: every entry on disk but `.git`, in git's canonical encoding and order; a
//! subdirectory holding `.git` is a submodule, by the commit its `HEAD` names; directories with
//! nothing git could record (empty, or only special files) and special files (FIFOs, sockets,
//! devices) are left out, as `git add` leaves them out.
//!
//! `.gitignore` is deliberately not honoured: a snapshot of disk shows the files as they are
//! (so does [`crate::Snapshot::read`]), git's own view of ignored files needs its index (a
//! tracked file can match an ignore rule), and a clean checkout, such as Prow's, has no ignored
//! files, so its ids are exactly the commit's. A work tree with build output in it has other
//! ids than its commit, as a `docker build` of it would have other input.
//!
//! A directory's id needs every file under it hashed. Each directory is listed and hashed once
//! per snapshot: the results are kept, so listing a tree level by level after asking for its id
//! reads nothing twice. Symlinks are never followed: each path is checked component by
//! component, and each file opened must be the inode that was listed.

use std::collections::HashMap;
use std::fs::Metadata;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use gix::ObjectId;
use gix::objs::WriteTo;

use crate::disk::{is_repository, locate, open_checked};
use crate::entry::{EntryKind, TreeEntry};
use crate::error::{BoxError, Error};
use crate::read::ReadRequest;

/// The bytes hashed at a time.
const HASH_CHUNK: usize = 64 * 1024;

/// A directory on disk, with the listings (and ids) computed so far.
pub(crate) struct DiskTree {
    root: PathBuf,
    listings: Mutex<HashMap<PathBuf, Arc<Listing>>>,
}

/// One directory's entries as git would record them.
struct Listing {
    /// The tree id; the empty tree's when there are no entries.
    id: ObjectId,
    /// Sorted by name.
    entries: Vec<TreeEntry>,
}

impl DiskTree {
    pub(crate) fn new(root: PathBuf) -> Self {
        DiskTree {
            root,
            listings: Mutex::new(HashMap::new()),
        }
    }

    /// The directory.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn entry(&self, request: &ReadRequest<'_>) -> Result<Option<TreeEntry>, Error> {
        let components = request.checked.components();
        let Some(name) = components.last() else {
            let listing = self.listing(&self.root)?;
            return Ok(Some(TreeEntry {
                name: String::new(),
                kind: EntryKind::Directory,
                id: listing.id.to_string(),
                size: None,
            }));
        };
        let Some((path, meta)) = locate(&self.root, request)? else {
            return Ok(None);
        };
        if is_special(&meta) {
            return Err(request.not_a_file());
        }
        Ok(self
            .identify(&path, &meta)?
            .map(|(kind, id, size)| TreeEntry {
                name: (*name).to_owned(),
                kind,
                id: id.to_string(),
                size,
            }))
    }

    pub(crate) fn list_dir(
        &self,
        request: &ReadRequest<'_>,
    ) -> Result<Option<Vec<TreeEntry>>, Error> {
        let components = request.checked.components();
        if components.is_empty() {
            return Ok(Some(self.listing(&self.root)?.entries.clone()));
        }
        let Some((path, meta)) = locate(&self.root, request)? else {
            return Ok(None);
        };
        let kind = meta.file_type();
        let last = components.len() - 1;
        if kind.is_symlink() {
            return Err(request.symlink(last));
        }
        if !kind.is_dir() {
            return Err(request.not_a_directory());
        }
        if is_repository(&path) {
            return Err(request.submodule(last));
        }
        let listing = self.listing(&path)?;
        // Git records no empty directory: as absent as in a checkout of the same tree.
        Ok((!listing.entries.is_empty()).then(|| listing.entries.clone()))
    }

    /// The kind, id and size of the entry at `path`, whose own metadata is `meta`; `None` for
    /// what git would not record (special files, directories without entries).
    fn identify(
        &self,
        path: &Path,
        meta: &Metadata,
    ) -> Result<Option<(EntryKind, ObjectId, Option<u64>)>, Error> {
        let kind = meta.file_type();
        if kind.is_symlink() {
            let target = std::fs::read_link(path).map_err(|source| io_error(path, source))?;
            let bytes = target.as_os_str().as_bytes();
            let id = gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, bytes)
                .map_err(|err| hash_error(path, err))?;
            return Ok(Some((EntryKind::Symlink, id, Some(bytes.len() as u64))));
        }
        if kind.is_dir() {
            if is_repository(path) {
                return submodule_commit(path).map(|id| Some((EntryKind::Submodule, id, None)));
            }
            let listing = self.listing(path)?;
            return Ok((!listing.entries.is_empty()).then_some((
                EntryKind::Directory,
                listing.id,
                None,
            )));
        }
        if kind.is_file() {
            let (id, size) = blob_id(path, meta)?;
            let executable = meta.permissions().mode() & 0o100 != 0;
            let kind = if executable {
                EntryKind::Executable
            } else {
                EntryKind::File
            };
            return Ok(Some((kind, id, Some(size))));
        }
        Ok(None)
    }

    /// The listing of the directory `dir` (already checked to be a directory reached without
    /// symlinks), computed once.
    fn listing(&self, dir: &Path) -> Result<Arc<Listing>, Error> {
        if let Some(listing) = self.cached(dir) {
            return Ok(listing);
        }
        let mut git_entries = Vec::new();
        let mut entries = Vec::new();
        let read_dir = std::fs::read_dir(dir).map_err(|source| io_error(dir, source))?;
        for dir_entry in read_dir {
            let dir_entry = dir_entry.map_err(|source| io_error(dir, source))?;
            let name = dir_entry.file_name();
            if name.as_bytes().eq_ignore_ascii_case(b".git") {
                continue;
            }
            let path = dir_entry.path();
            // Recursion is bounded by the depth of the tree on disk, which `PATH_MAX` bounds.
            let meta =
                std::fs::symlink_metadata(&path).map_err(|source| io_error(&path, source))?;
            let Some((kind, id, size)) = self.identify(&path, &meta)? else {
                continue;
            };
            git_entries.push(gix::objs::tree::Entry {
                mode: kind.git_mode(),
                filename: name.as_bytes().into(),
                oid: id,
            });
            entries.push(TreeEntry {
                name: name.to_string_lossy().into_owned(),
                kind,
                id: id.to_string(),
                size,
            });
        }
        git_entries.sort();
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        let tree = gix::objs::Tree {
            entries: git_entries,
        };
        let mut encoded = Vec::new();
        tree.write_to(&mut encoded)
            .map_err(|source| io_error(dir, source))?;
        let id = gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Tree, &encoded)
            .map_err(|err| hash_error(dir, err))?;
        let listing = Arc::new(Listing { id, entries });
        self.listings
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(dir.to_owned(), Arc::clone(&listing));
        Ok(listing)
    }

    fn cached(&self, dir: &Path) -> Option<Arc<Listing>> {
        self.listings
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(dir)
            .cloned()
    }
}

/// Neither a file, a directory nor a symlink: what git does not record.
fn is_special(meta: &Metadata) -> bool {
    let kind = meta.file_type();
    !(kind.is_file() || kind.is_dir() || kind.is_symlink())
}

/// The blob id and size of the file at `path`, hashed as it streams from disk.
fn blob_id(path: &Path, meta: &Metadata) -> Result<(ObjectId, u64), Error> {
    let (file, opened) = open_checked(path, meta)?;
    let size = opened.len();
    let mut hasher = gix::hash::hasher(gix::hash::Kind::Sha1);
    hasher.update(&gix::objs::encode::loose_header(
        gix::objs::Kind::Blob,
        size,
    ));
    // One byte more than announced shows a file that grew while it was hashed.
    let mut content = file.take(size.saturating_add(1));
    let mut buffer = vec![0; HASH_CHUNK];
    let mut hashed: u64 = 0;
    loop {
        let read = content
            .read(&mut buffer)
            .map_err(|source| io_error(path, source))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        hashed += read as u64;
    }
    if hashed != size {
        return Err(io_error(
            path,
            std::io::Error::other("the file changed while it was being read"),
        ));
    }
    let id = hasher.try_finalize().map_err(|err| hash_error(path, err))?;
    Ok((id, size))
}

/// The commit `HEAD` names in the repository checked out at `dir` (a submodule): what git
/// records for it.
fn submodule_commit(dir: &Path) -> Result<ObjectId, Error> {
    let repo = gix::open_opts(dir, gix::open::Options::isolated()).map_err(|err| Error::Open {
        path: dir.to_owned(),
        source: err.into(),
    })?;
    repo.head_id()
        .map(|id| id.detach())
        .map_err(|err| Error::RevisionNotFound {
            rev: "HEAD".to_owned(),
            repository: format!("`{}`", dir.display()),
            source: Some(err.into()),
        })
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_owned(),
        source,
    }
}

/// A hash that could not be computed: gix's collision detection saw an attack.
fn hash_error(path: &Path, err: impl std::fmt::Display) -> Error {
    let source: BoxError = err.to_string().into();
    Error::Io {
        path: path.to_owned(),
        source: std::io::Error::other(source),
    }
}
