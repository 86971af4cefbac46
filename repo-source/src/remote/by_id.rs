//! The last rounds of a partial fetch, and the fetches of later reads: trees and blobs wanted by
//! id (`filter tree:0` sends nothing else), along the paths that will be read.
//!
//! A path needs its trees one level at a time (a tree's id is only known once its parent is
//! here), so the paths declared up front are fetched together, one round per level of
//! directories, the blobs of the paths already resolved riding along.

use std::collections::{BTreeSet, HashSet};

use gix::ObjectId;

use crate::error::Error;
use crate::path::RepoPath;

use super::rounds::Rounds;
use super::session::Request;
use super::want::Want;

/// The most memory one object may take while a prefetched pack, or a tree, is indexed.
/// Prefetching happens before the caller's size limit is known; an object over this is left for
/// the read, which fetches it alone and refuses it by size from the pack header.
pub(crate) const PREFETCH_ALLOC_LIMIT: usize = 16 << 20;

/// Fetches the objects `ids` into `repo` in one round (`filter tree:0`: only them).
pub(crate) fn fetch_by_id(
    rounds: &mut Rounds<'_, '_, '_>,
    repo: &gix::Repository,
    ids: Vec<ObjectId>,
    wants: &[Want],
) -> Result<(), Error> {
    rounds.fetch(repo, &Request::objects(ids), wants).map(drop)
}

/// What a path needs next from the remote.
enum Step {
    /// This tree, to go on.
    Tree(ObjectId),
    /// This blob, the file itself.
    Blob(ObjectId),
    /// Nothing: the file is here, or there is no file to read (absent or refused).
    Done,
}

/// The next object `path` needs under `root`.
fn next_step(repo: &gix::Repository, root: ObjectId, path: &RepoPath<'_>) -> Step {
    let components = path.components();
    let mut tree_id = root;
    for (index, name) in components.iter().enumerate() {
        if !repo.has_object(tree_id) {
            return Step::Tree(tree_id);
        }
        let Ok(tree) = repo.find_tree(tree_id) else {
            return Step::Done;
        };
        let Some(entry) = tree.find_entry(*name) else {
            return Step::Done;
        };
        let mode = entry.mode();
        let id = entry.object_id();
        let last = index + 1 == components.len();
        if mode.is_tree() && !last {
            tree_id = id;
            continue;
        }
        if last && (mode.is_blob() || mode.is_executable()) && !repo.has_object(id) {
            return Step::Blob(id);
        }
        return Step::Done;
    }
    Step::Done
}

/// Fetches the trees and blobs along `paths` under `root` that `repo` lacks: one round per
/// level of directories, the blobs of the paths already resolved riding along. Paths that are
/// absent, refused (links, submodules, unsafe) or unparsable are skipped: their reads say why.
pub(crate) fn fetch_along_paths(
    repo: &gix::Repository,
    root: ObjectId,
    paths: &[String],
    fetch: &mut dyn FnMut(Vec<ObjectId>) -> Result<(), Error>,
) -> Result<(), Error> {
    let parsed: Vec<RepoPath<'_>> = paths
        .iter()
        .filter_map(|path| RepoPath::parse(path).ok())
        .collect();
    let mut asked: HashSet<ObjectId> = HashSet::new();
    loop {
        let mut wants = BTreeSet::new();
        for path in &parsed {
            match next_step(repo, root, path) {
                Step::Tree(id) | Step::Blob(id) if asked.insert(id) => {
                    wants.insert(id);
                }
                Step::Tree(_) | Step::Blob(_) | Step::Done => {}
            }
        }
        if wants.is_empty() {
            return Ok(());
        }
        fetch(wants.into_iter().collect())?;
    }
}

/// [`fetch_along_paths`] through `rounds`, asking for the objects by id with the prefetch
/// limits.
pub(crate) fn prefetch_over(
    rounds: &mut Rounds<'_, '_, '_>,
    repo: &gix::Repository,
    root: ObjectId,
    paths: &[String],
) -> Result<(), Error> {
    let mut fetch_objects = |ids: Vec<ObjectId>| -> Result<(), Error> {
        rounds
            .fetch(
                repo,
                &Request {
                    alloc_limit: Some(PREFETCH_ALLOC_LIMIT),
                    ..Request::objects(ids)
                },
                &[],
            )
            .map(drop)
    };
    fetch_along_paths(repo, root, paths, &mut fetch_objects)
}

/// [`prefetch_over`] the fetch's own session; a failure only costs the reads a round each.
pub(crate) fn prefetch_quietly(
    rounds: &mut Rounds<'_, '_, '_>,
    repo: &gix::Repository,
    root: ObjectId,
    hints: &[String],
) {
    if hints.is_empty() {
        return;
    }
    if let Err(err) = prefetch_over(rounds, repo, root, hints) {
        tracing::debug!(target: "repo_source::fetch", "prefetching the named paths failed, reads will fetch them: {err}");
    }
}
