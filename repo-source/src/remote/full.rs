//! The full path, the fallback of the partial one: the base and PR heads fetched shallow with
//! all their files, deepened until every merge base is known, and merged by gix's full merge
//! (rename detection and virtual merge bases included).
//!
//! Only what is needed is fetched: the base commit and each PR head at depth 1, then, while the
//! history is too short to find a merge base, deeper (16, 64, 256, 1024 commits more, then
//! everything). The PRs are merged one after the other; merge commits and merged objects stay in
//! memory.

use std::collections::{BTreeSet, HashSet};
use std::sync::atomic::AtomicBool;

use gix::ObjectId;
use gix::remote::fetch::Shallow;

use crate::error::{BoxError, Error};
use crate::git;
use crate::revision::{Revision, describe};
use crate::url::RemoteUrl;

use super::merge_commit::{Onto, head_sha, write_merge_commit};
use super::progress::Tasks;
use super::scratch::Scratch;
use super::spec::{FetchSpec, PullRef};
use super::want::spec_wants;

/// The snapshot of `commit` (`described` for people), fetched into `scratch` with all files.
pub(crate) fn whole_commit(
    scratch: Scratch,
    commit: ObjectId,
    described: &str,
    url: &RemoteUrl,
) -> Result<(git::Tree, Revision), Error> {
    let tree = tree_of(&scratch.repo, commit, url)?;
    let revision = Revision::new(
        Some(commit.to_string()),
        Some(tree.to_string()),
        format!("{described} from `{url}`"),
    );
    Ok((scratch.into_tree(tree, None), revision))
}

/// The merged revision of `spec`, fetched into the empty `scratch` with all files.
pub(crate) fn merge_fully(
    spec: &FetchSpec,
    url: &RemoteUrl,
    scratch: Scratch,
    interrupt: &AtomicBool,
    progress: &Tasks,
) -> Result<(git::Tree, Revision), Error> {
    let wants = spec_wants(spec);
    // The base, then one head per PR.
    let commits = scratch.fetch_full(&wants, interrupt, progress)?;
    let (base, heads) = (commits[0], &commits[1..]);
    let base_described = describe(&spec.base, &base);
    if spec.pulls.is_empty() {
        return whole_commit(scratch, base, &base_described, url);
    }

    let repo = scratch.repo.clone().with_object_memory();
    let mut deepen = Deepen::default();
    let mut current = base;
    let mut onto = Onto::new(base_described);
    for (pull, &head) in spec.pulls.iter().zip(heads) {
        let sha = head_sha(pull, head);
        let fetch_more = |step: Shallow| scratch.fetch(&wants, step, interrupt, progress);
        complete_history(
            &repo,
            [current, head],
            pull,
            &sha,
            &onto,
            &mut deepen,
            fetch_more,
        )?;
        current = merge_one(&repo, current, head, pull, &sha, &onto)?;
        onto.record(pull.number, &sha);
    }
    let tree = tree_of(&repo, current, url)?;
    let mut repo = repo;
    let memory = repo.objects.take_object_memory();
    let revision = Revision::new(
        Some(current.to_string()),
        Some(tree.to_string()),
        format!("{onto} from `{url}`"),
    );
    Ok((scratch.into_tree(tree, memory), revision))
}

/// `Error::Merge` of `pull` at `sha` onto `onto`.
fn merge_error(pull: &PullRef, sha: &str, onto: &Onto, source: BoxError) -> Error {
    Error::Merge {
        pr: pull.number,
        sha: sha.to_owned(),
        onto: onto.to_string(),
        source,
    }
}

/// Deepens the history (with `fetch_more`) until merging `theirs` into `ours` gives what it
/// gives with all history.
fn complete_history(
    repo: &gix::Repository,
    [ours, theirs]: [ObjectId; 2],
    pull: &PullRef,
    sha: &str,
    onto: &Onto,
    deepen: &mut Deepen,
    fetch_more: impl Fn(Shallow) -> Result<(), Error>,
) -> Result<(), Error> {
    loop {
        let history = history_suffices(repo, ours, theirs)
            .map_err(|err| merge_error(pull, sha, onto, err))?;
        match history {
            History::Complete => return Ok(()),
            History::Truncated => {
                let Some(step) = deepen.next() else {
                    return Err(merge_error(
                        pull,
                        sha,
                        onto,
                        "the history is still shallow after fetching all of it".into(),
                    ));
                };
                tracing::debug!(target: "repo_source::fetch", pr = pull.number, ?step, "deepening to find the merge base");
                fetch_more(step)?;
            }
            History::Unrelated => {
                return Err(Error::UnrelatedHistories {
                    pr: pull.number,
                    sha: sha.to_owned(),
                    onto: onto.to_string(),
                });
            }
        }
    }
}

/// Merges `head` into `current` with gix's full merge and writes the merge commit.
fn merge_one(
    repo: &gix::Repository,
    current: ObjectId,
    head: ObjectId,
    pull: &PullRef,
    sha: &str,
    onto: &Onto,
) -> Result<ObjectId, Error> {
    let merge_error = |source: BoxError| merge_error(pull, sha, onto, source);
    let options = repo
        .tree_merge_options()
        .map_err(|err| merge_error(err.into()))?;
    let labels = gix::merge::blob::builtin_driver::text::Labels {
        ancestor: None,
        current: Some("HEAD".into()),
        other: Some(sha.into()),
    };
    let mut outcome = repo
        .merge_commits(current, head, labels, options.into())
        .map_err(|err| merge_error(err.into()))?;
    let unresolved = gix::merge::tree::TreatAsUnresolved::default();
    if outcome.tree_merge.has_unresolved_conflicts(unresolved) {
        let paths: BTreeSet<String> = outcome
            .tree_merge
            .conflicts
            .iter()
            .filter(|conflict| conflict.is_unresolved(unresolved))
            .flat_map(|conflict| {
                [
                    conflict.ours.location().to_string(),
                    conflict.theirs.location().to_string(),
                ]
            })
            .collect();
        return Err(Error::Conflict {
            pr: pull.number,
            sha: sha.to_owned(),
            onto: onto.to_string(),
            paths: paths.into_iter().collect(),
        });
    }
    let tree = outcome
        .tree_merge
        .tree
        .write()
        .map_err(|err| merge_error(err.into()))?
        .detach();
    write_merge_commit(repo, tree, current, head).map_err(merge_error)
}

/// The deepening steps: a few exponential ones, then all history.
struct Deepen {
    steps: std::vec::IntoIter<Shallow>,
}

impl Default for Deepen {
    fn default() -> Self {
        Deepen {
            steps: vec![
                Shallow::Deepen(16),
                Shallow::Deepen(64),
                Shallow::Deepen(256),
                Shallow::Deepen(1024),
                Shallow::undo(),
            ]
            .into_iter(),
        }
    }
}

impl Iterator for Deepen {
    type Item = Shallow;

    fn next(&mut self) -> Option<Shallow> {
        self.steps.next()
    }
}

enum History {
    /// The merge bases are found, and nothing beyond the shallow boundary could be a better one.
    Complete,
    /// Fetch more history.
    Truncated,
    /// No common history, and all of it is here.
    Unrelated,
}

/// Whether the fetched history is enough to merge `theirs` into `ours` exactly as `git merge`
/// would with all of it.
///
/// Finding a merge base is not enough in a shallow repository: a better one may sit beyond the
/// boundary (a criss-cross history). So every boundary commit reachable from either side must be
/// an ancestor of a merge base found; then anything beyond the boundary is older than those
/// merge bases and cannot change the result.
fn history_suffices(
    repo: &gix::Repository,
    ours: ObjectId,
    theirs: ObjectId,
) -> Result<History, BoxError> {
    let bases: Vec<ObjectId> = repo
        .merge_bases_many(ours, &[theirs])?
        .into_iter()
        .map(gix::Id::detach)
        .collect();
    let shallow: HashSet<ObjectId> = match repo.shallow_commits()? {
        Some(commits) => commits.iter().copied().collect(),
        None => HashSet::new(),
    };
    if shallow.is_empty() {
        return Ok(if bases.is_empty() {
            History::Unrelated
        } else {
            History::Complete
        });
    }
    if bases.is_empty() {
        return Ok(History::Truncated);
    }
    let reachable = ancestors(repo, &[ours, theirs])?;
    let below_bases = ancestors(repo, &bases)?;
    let complete = reachable
        .iter()
        .filter(|id| shallow.contains(*id))
        .all(|boundary| below_bases.contains(boundary));
    Ok(if complete {
        History::Complete
    } else {
        History::Truncated
    })
}

/// `tips` and all their ancestors that are present.
fn ancestors(repo: &gix::Repository, tips: &[ObjectId]) -> Result<HashSet<ObjectId>, BoxError> {
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut queue: Vec<ObjectId> = tips.to_vec();
    while let Some(id) = queue.pop() {
        if !seen.insert(id) {
            continue;
        }
        if !repo.has_object(id) {
            continue;
        }
        let commit = repo.find_commit(id)?;
        for parent in commit.parent_ids() {
            let parent = parent.detach();
            if repo.has_object(parent) && !seen.contains(&parent) {
                queue.push(parent);
            }
        }
    }
    Ok(seen)
}

/// The root tree of `commit`.
pub(crate) fn tree_of(
    repo: &gix::Repository,
    commit: ObjectId,
    url: &RemoteUrl,
) -> Result<ObjectId, Error> {
    let read =
        || -> Result<ObjectId, BoxError> { Ok(repo.find_commit(commit)?.tree_id()?.detach()) };
    read().map_err(|source| Error::Fetch {
        url: url.clone(),
        source: url.cause(source),
    })
}
