//! The partial fetch: commits without trees to find each merge base, then only the trees and
//! blobs that the merge and the reads need, each fetched by id.
//!
//! Rounds (each one `fetch` command of protocol v2, all on one connection):
//!
//! 1. the base and each PR head, depth 1, with their root trees (`filter tree:1`);
//! 2. per PR, the commits of the PR that the side it is merged onto does not have:
//!    `want <head>`, then `have <base>` and `have <earlier head>` for each earlier PR, with
//!    `filter tree:0`. We claim to have those commits without having them, so the server sends
//!    exactly the PR's own commits (a few hundred bytes each). Their parents outside that set
//!    are the merge-base candidates; every merge base is one of them (the first common commit
//!    on any path from the head). One candidate is the merge base. With several (the PR merged
//!    the base branch, or a criss-cross history), one more round per candidate asks whether it
//!    is an ancestor of the others (`want <candidate>` and `have <other>`: an empty pack says
//!    yes); several remaining merge bases need git's virtual merge base, so that falls back to
//!    the full merge;
//! 3. the merge bases, depth 1, with their root trees;
//! 4. per level of directories changed on both sides, their trees, and the blobs changed on
//!    both sides (see [`crate::tree_merge`]); usually none;
//! 5. the trees and blobs along the paths the caller declared ([`prefetch`]).
//!
//! Any other path is read later by fetching its missing trees and blob by id
//! ([`fetch_objects`]), one round each.

use std::collections::{BTreeSet, HashSet};
use std::num::NonZeroU32;
use std::sync::atomic::AtomicBool;

use gix::ObjectId;
use gix::odb::memory::Storage;

use crate::error::{BoxError, Error};
use crate::fetch::{self, FetchOptions, FetchSpec, Want, classify, missing_from_local_remote};
use crate::git::describe;
use crate::path::RepoPath;
use crate::progress::Tasks;
use crate::session::{Failure, Request, Session};
use crate::snapshot::Revision;
use crate::tree_merge::{self, Merge, Reads};

/// The most memory one object may take while a prefetched pack, or a tree, is indexed.
/// Prefetching happens before the caller's size limit is known; an object over this is left for
/// the read, which fetches it alone and refuses it by size from the pack header.
const PREFETCH_ALLOC_LIMIT: usize = 16 << 20;

/// The result of a partial fetch, or why the full one is needed.
pub(crate) enum Partial<T> {
    Done(T),
    Fallback(String),
}

/// What [`merged`] made: the root tree to read, the objects made in memory, the revision, and
/// what the merge read.
pub(crate) struct Merged {
    pub(crate) tree: ObjectId,
    pub(crate) memory: Option<Storage>,
    pub(crate) revision: Revision,
}

/// One fetch error of `url` for a request about `wants`.
fn fetch_error(url: &str, wants: &[Want], failure: Failure) -> Error {
    match failure {
        Failure::TooLarge(size) => Error::Fetch {
            url: url.to_owned(),
            source: format!("the server sent a blob of {size} bytes where none was expected")
                .into(),
        },
        Failure::Gix(err) => match missing_from_local_remote(url, wants) {
            Some(rev) => Error::MissingCommit {
                url: url.to_owned(),
                rev,
                source: Some(err.into()),
            },
            None => classify(url, wants, err, false),
        },
    }
}

/// The merged revision of `spec`, through `session` (which supports partial fetches), into the
/// empty scratch repository `repo`. `wants[0]` is the base, then one per PR.
#[allow(clippy::too_many_arguments, reason = "the worker's whole context")]
pub(crate) fn merged(
    session: &mut Session<'_, '_>,
    repo: &gix::Repository,
    url: &str,
    spec: &FetchSpec,
    wants: &[Want],
    hints: &[String],
    interrupt: &AtomicBool,
    progress: &Tasks,
) -> Result<Partial<Merged>, Error> {
    let depth_one = NonZeroU32::MIN;
    let sources: Vec<String> = wants.iter().map(|want| want.source.clone()).collect();
    let resolved = session
        .resolve(&sources, progress)
        .map_err(|err| classify(url, wants, err, false))?;
    let mut tips = Vec::new();
    for (want, id) in wants.iter().zip(resolved) {
        match id {
            Some(id) => tips.push(id),
            None => {
                return Err(Error::MissingCommit {
                    url: url.to_owned(),
                    rev: want.source.clone(),
                    source: None,
                });
            }
        }
    }

    // Round 1: the tips and their root trees.
    let mut unique = tips.clone();
    unique.sort();
    unique.dedup();
    session
        .fetch(
            repo,
            &Request {
                wants: unique,
                filter: Some("tree:1"),
                depth: Some(depth_one),
                ..Request::default()
            },
            progress,
            interrupt,
        )
        .map_err(|failure| fetch_error(url, wants, failure))?;
    let mut commits = Vec::new();
    for (want, id) in wants.iter().zip(&tips) {
        commits.push(
            peel_to_commit(repo, *id).map_err(|source| Error::MissingCommit {
                url: url.to_owned(),
                rev: want.source.clone(),
                source: Some(source),
            })?,
        );
    }
    let base = commits[0];
    let heads = &commits[1..];
    let base_described = describe(&spec.base, &base);
    if spec.pulls.is_empty() {
        let tree = tree_of(repo, base, url)?;
        prefetch_quietly(session, url, repo, tree, hints, interrupt, progress);
        return Ok(Partial::Done(Merged {
            tree,
            memory: None,
            revision: Revision::new(
                Some(base.to_string()),
                Some(tree.to_string()),
                format!("{base_described} from `{url}`"),
            ),
        }));
    }

    // Round 2: each PR's own commits, and its merge base.
    let mut bases = Vec::new();
    let mut onto_history = vec![base];
    for ((pull, &head), want) in spec.pulls.iter().zip(heads).zip(&wants[1..]) {
        let sha = pull_sha(pull, head);
        let received = session
            .fetch(
                repo,
                &Request {
                    wants: vec![head],
                    haves: onto_history.clone(),
                    filter: Some("tree:0"),
                    ..Request::default()
                },
                progress,
                interrupt,
            )
            .map_err(|failure| fetch_error(url, std::slice::from_ref(want), failure))?;
        let own = pack_ids(repo, received.index_path.as_deref(), url)?;
        let candidates = boundary(repo, &own, url)?;
        let merge_base = match candidates.as_slice() {
            [] if own.contains(&head) => {
                return Err(Error::UnrelatedHistories {
                    pr: pull.number,
                    sha,
                    onto: onto_description(&base_described, &spec.pulls[..bases.len()], heads),
                });
            }
            // Already part of what it is merged onto: the merge changes nothing.
            [] => head,
            [one] => *one,
            several => {
                let mut best = Vec::new();
                for (index, candidate) in several.iter().enumerate() {
                    let others: Vec<ObjectId> = several
                        .iter()
                        .enumerate()
                        .filter(|(other, _)| *other != index)
                        .map(|(_, id)| *id)
                        .collect();
                    let received = session
                        .fetch(
                            repo,
                            &Request {
                                wants: vec![*candidate],
                                haves: others,
                                filter: Some("tree:0"),
                                ..Request::default()
                            },
                            progress,
                            interrupt,
                        )
                        .map_err(|failure| fetch_error(url, wants, failure))?;
                    if received.objects > 0 {
                        best.push(*candidate);
                    }
                }
                match best.as_slice() {
                    [one] => *one,
                    _ => {
                        return Ok(Partial::Fallback(format!(
                            "PR #{} has {} merge bases (a criss-cross history)",
                            pull.number,
                            best.len()
                        )));
                    }
                }
            }
        };
        bases.push(merge_base);
        onto_history.push(head);
    }

    // Round 3: the merge bases and their root trees.
    let mut missing: Vec<ObjectId> = bases
        .iter()
        .copied()
        .filter(|id| tree_of(repo, *id, url).is_err())
        .collect();
    missing.sort();
    missing.dedup();
    if !missing.is_empty() {
        session
            .fetch(
                repo,
                &Request {
                    wants: missing,
                    filter: Some("tree:1"),
                    depth: Some(depth_one),
                    ..Request::default()
                },
                progress,
                interrupt,
            )
            .map_err(|failure| fetch_error(url, wants, failure))?;
    }

    // Rounds 4: the merges, in memory.
    let memory_repo = repo.clone().with_object_memory();
    let mut current = base;
    let mut onto = base_described.clone();
    let mut merged_prs = Vec::new();
    let mut reads = Reads::default();
    for ((pull, &head), &merge_base) in spec.pulls.iter().zip(heads).zip(&bases) {
        let sha = pull_sha(pull, head);
        let merge_error = |source: BoxError| Error::Merge {
            pr: pull.number,
            sha: sha.clone(),
            onto: onto.clone(),
            source,
        };
        let trees = [
            tree_of(&memory_repo, merge_base, url)?,
            tree_of(&memory_repo, current, url)?,
            tree_of(&memory_repo, head, url)?,
        ];
        let mut fetch_objects = |ids: Vec<ObjectId>| -> Result<(), Error> {
            session
                .fetch(
                    repo,
                    &Request {
                        wants: ids,
                        filter: Some("tree:0"),
                        ..Request::default()
                    },
                    progress,
                    interrupt,
                )
                .map(drop)
                .map_err(|failure| fetch_error(url, wants, failure))
        };
        let outcome = tree_merge::merge(
            &memory_repo,
            trees,
            &sha,
            &mut fetch_objects,
            &merge_error,
            &mut reads,
        )?;
        let tree = match outcome {
            Merge::Tree(tree) => tree,
            Merge::Conflict(paths) => {
                return Err(Error::Conflict {
                    pr: pull.number,
                    sha,
                    onto,
                    paths,
                });
            }
            Merge::Fallback(reason) => {
                return Ok(Partial::Fallback(format!("PR #{}: {reason}", pull.number)));
            }
        };
        current =
            fetch::write_merge_commit(&memory_repo, tree, current, head).map_err(merge_error)?;
        merged_prs.push(format!("#{} ({})", pull.number, fetch::short_sha(&sha)));
        onto = format!(
            "the merge of PR {} onto {base_described}",
            merged_prs.join(", ")
        );
    }
    tracing::debug!(
        target: "repo_source::fetch",
        trees = reads.trees,
        blobs = reads.blobs,
        "merged in memory, reading only what both sides changed"
    );
    let tree = tree_of(&memory_repo, current, url)?;
    prefetch_quietly(session, url, &memory_repo, tree, hints, interrupt, progress);
    let mut memory_repo = memory_repo;
    let memory = memory_repo.objects.take_object_memory();
    Ok(Partial::Done(Merged {
        tree,
        memory,
        revision: Revision::new(
            Some(current.to_string()),
            Some(tree.to_string()),
            format!("{onto} from `{url}`"),
        ),
    }))
}

/// `rev` (a SHA or a ref name, `wants[0]`) of the repository at `url`: its commit and root tree,
/// depth 1.
pub(crate) fn single(
    session: &mut Session<'_, '_>,
    repo: &gix::Repository,
    url: &str,
    rev: &str,
    wants: &[Want],
    interrupt: &AtomicBool,
    progress: &Tasks,
) -> Result<Merged, Error> {
    let resolved = session
        .resolve(&[rev.to_owned()], progress)
        .map_err(|err| classify(url, wants, err, false))?;
    let Some(Some(id)) = resolved.first().copied() else {
        return Err(Error::MissingCommit {
            url: url.to_owned(),
            rev: rev.to_owned(),
            source: None,
        });
    };
    session
        .fetch(
            repo,
            &Request {
                wants: vec![id],
                filter: Some("tree:1"),
                depth: Some(NonZeroU32::MIN),
                ..Request::default()
            },
            progress,
            interrupt,
        )
        .map_err(|failure| fetch_error(url, wants, failure))?;
    let commit = peel_to_commit(repo, id).map_err(|source| Error::RevisionNotFound {
        rev: rev.to_owned(),
        repository: format!("`{url}`"),
        source: Some(source),
    })?;
    let tree = tree_of(repo, commit, url)?;
    Ok(Merged {
        tree,
        memory: None,
        revision: Revision::new(
            Some(commit.to_string()),
            Some(tree.to_string()),
            format!("{} from `{url}`", describe(rev, &commit)),
        ),
    })
}

/// The commit an id names (a commit, or a tag of one).
fn peel_to_commit(repo: &gix::Repository, id: ObjectId) -> Result<ObjectId, BoxError> {
    let object = repo.find_object(id)?;
    Ok(object.peel_to_commit()?.id)
}

fn tree_of(repo: &gix::Repository, commit: ObjectId, url: &str) -> Result<ObjectId, Error> {
    let read = || -> Result<ObjectId, BoxError> {
        let tree = repo.find_commit(commit)?.tree_id()?.detach();
        if !repo.has_object(tree) {
            return Err(format!("the root tree {tree} of {commit} was not sent").into());
        }
        Ok(tree)
    };
    read().map_err(|source| Error::Fetch {
        url: url.to_owned(),
        source,
    })
}

fn pull_sha(pull: &crate::PullRef, head: ObjectId) -> String {
    match pull.sha.as_str() {
        "" => head.to_string(),
        sha => sha.to_owned(),
    }
}

/// What the `index`-th PR is merged onto, for messages.
fn onto_description(base: &str, merged: &[crate::PullRef], heads: &[ObjectId]) -> String {
    if merged.is_empty() {
        return base.to_owned();
    }
    let prs: Vec<String> = merged
        .iter()
        .zip(heads)
        .map(|(pull, head)| {
            format!(
                "#{} ({})",
                pull.number,
                fetch::short_sha(&pull_sha(pull, *head))
            )
        })
        .collect();
    format!("the merge of PR {} onto {base}", prs.join(", "))
}

/// The ids in the pack whose index is at `index`.
fn pack_ids(
    repo: &gix::Repository,
    index: Option<&std::path::Path>,
    url: &str,
) -> Result<HashSet<ObjectId>, Error> {
    let Some(index) = index else {
        return Ok(HashSet::new());
    };
    let file =
        gix::odb::pack::index::File::at(index, repo.object_hash()).map_err(|err| Error::Fetch {
            url: url.to_owned(),
            source: err.into(),
        })?;
    Ok(file.iter().map(|entry| entry.oid).collect())
}

/// The parents of the commits `own` that are not in `own`, sorted.
fn boundary(
    repo: &gix::Repository,
    own: &HashSet<ObjectId>,
    url: &str,
) -> Result<Vec<ObjectId>, Error> {
    let mut parents = BTreeSet::new();
    for id in own {
        let commit = repo.find_commit(*id).map_err(|err| Error::Fetch {
            url: url.to_owned(),
            source: err.into(),
        })?;
        for parent in commit.parent_ids() {
            if !own.contains(&parent.detach()) {
                parents.insert(parent.detach());
            }
        }
    }
    Ok(parents.into_iter().collect())
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
pub(crate) fn prefetch(
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

/// [`prefetch`] over an open session, asking for the objects by id with the prefetch limits.
fn prefetch_over(
    session: &mut Session<'_, '_>,
    url: &str,
    repo: &gix::Repository,
    root: ObjectId,
    paths: &[String],
    interrupt: &AtomicBool,
    progress: &Tasks,
) -> Result<(), Error> {
    let mut fetch_objects = |ids: Vec<ObjectId>| -> Result<(), Error> {
        session
            .fetch(
                repo,
                &Request {
                    wants: ids,
                    filter: Some("tree:0"),
                    alloc_limit: Some(PREFETCH_ALLOC_LIMIT),
                    ..Request::default()
                },
                progress,
                interrupt,
            )
            .map(drop)
            .map_err(|failure| fetch_error(url, &[], failure))
    };
    prefetch(repo, root, paths, &mut fetch_objects)
}

/// [`prefetch`] through the fetch's own session; a failure only costs the reads a round each.
fn prefetch_quietly(
    session: &mut Session<'_, '_>,
    url: &str,
    repo: &gix::Repository,
    root: ObjectId,
    hints: &[String],
    interrupt: &AtomicBool,
    progress: &Tasks,
) {
    if hints.is_empty() {
        return;
    }
    if let Err(err) = prefetch_over(session, url, repo, root, hints, interrupt, progress) {
        let err = err.redacted(crate::error::Secret::of(url).as_ref());
        tracing::debug!(target: "repo_source::fetch", "prefetching the named paths failed, reads will fetch them: {err}");
    }
}

/// Fetches the objects `ids` by id from `url` into the scratch repository `repo` (one round),
/// refusing a single blob over `blob_limit` from its pack header: `Ok(Err(size))`.
pub(crate) fn fetch_objects(
    repo: &gix::ThreadSafeRepository,
    url: &str,
    ids: Vec<ObjectId>,
    blob_limit: Option<u64>,
    options: &FetchOptions,
) -> Result<Result<(), u64>, Error> {
    let repo = repo.clone();
    let url_owned = url.to_owned();
    fetch::run_with_deadline(url, options, false, move |interrupt, progress| {
        let url = url_owned.as_str();
        let repo = repo.to_thread_local();
        let wants: Vec<Want> = ids
            .iter()
            .map(|id| Want::new(&id.to_string(), "object"))
            .collect();
        let remote = fetch::remote(&repo, url, &wants)?;
        let mut session =
            Session::connect(&remote, progress).map_err(|err| classify(url, &wants, err, true))?;
        if !session.supports_partial() {
            return Err(Error::Fetch {
                url: url.to_owned(),
                source: "the server no longer offers partial fetches (`filter`)".into(),
            });
        }
        let request = Request {
            wants: ids,
            filter: Some("tree:0"),
            first_blob_limit: blob_limit,
            // The header check refuses an oversized blob exactly; this bounds the memory of
            // what it cannot see (a tree, a blob that is not first), and never refuses a buffer
            // of gix's own for a small limit.
            alloc_limit: Some(
                blob_limit
                    .and_then(|limit| usize::try_from(limit).ok())
                    .unwrap_or(0)
                    .max(PREFETCH_ALLOC_LIMIT),
            ),
            ..Request::default()
        };
        match session.fetch(&repo, &request, progress, interrupt) {
            Ok(_) => Ok(Ok(())),
            Err(Failure::TooLarge(size)) => Ok(Err(size)),
            Err(failure) => Err(fetch_error(url, &wants, failure)),
        }
    })
}

/// [`prefetch`] on a new connection, for [`Snapshot::prefetch`](crate::Snapshot::prefetch).
pub(crate) fn prefetch_paths(
    repo: &gix::ThreadSafeRepository,
    memory: Option<Storage>,
    root: ObjectId,
    url: &str,
    paths: Vec<String>,
    options: &FetchOptions,
) -> Result<(), Error> {
    let repo = repo.clone();
    let url_owned = url.to_owned();
    fetch::run_with_deadline(url, options, false, move |interrupt, progress| {
        let url = url_owned.as_str();
        let mut repo = repo.to_thread_local();
        if let Some(memory) = memory {
            repo.objects.set_object_memory(memory);
        }
        let remote = fetch::remote(&repo, url, &[])?;
        let mut session =
            Session::connect(&remote, progress).map_err(|err| classify(url, &[], err, true))?;
        if !session.supports_partial() {
            return Ok(());
        }
        prefetch_over(&mut session, url, &repo, root, &paths, interrupt, progress)
    })
}
