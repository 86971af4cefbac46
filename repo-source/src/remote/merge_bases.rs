//! Rounds 2 and 3 of a partial fetch: each PR's own commits, without trees, to find its merge
//! base, then the merge bases with their root trees.
//!
//! Per PR, `want <head>` with `have <base>` and `have <earlier head>` for each earlier PR, and
//! `filter tree:0`: we claim to have those commits without having them, so the server sends
//! exactly the PR's own commits (a few hundred bytes each). Their parents outside that set are
//! the merge-base candidates; every merge base is one of them (the first common commit on any
//! path from the head). With several candidates (the PR merged the base branch, or a
//! criss-cross history), one more round per candidate asks whether it is an ancestor of the
//! others (`want <candidate>` and `have <other>`: an empty pack says yes). Several remaining
//! merge bases need git's virtual merge base: [`Bases::Several`] sends the caller to the full
//! merge.

use std::collections::{BTreeSet, HashSet};
use std::num::NonZeroU32;

use gix::ObjectId;

use crate::error::Error;
use crate::url::RemoteUrl;

use super::merge_commit::{Onto, head_sha};
use super::rounds::{Rounds, root_tree};
use super::session::Request;
use super::spec::PullRef;
use super::want::Want;

/// The merge base of each PR, or why there is none to use.
pub(crate) enum Bases {
    /// One per PR, in order.
    Found(Vec<ObjectId>),
    /// A PR has several merge bases (a criss-cross history): why, for the log.
    Several(String),
}

/// Round 2: the merge base of each PR of `pulls` (heads `commits[1..]`, wants `wants[1..]`) with
/// what it is merged onto, starting at the base `commits[0]` (described as `onto`).
pub(crate) fn find_merge_bases(
    rounds: &mut Rounds<'_, '_, '_>,
    repo: &gix::Repository,
    pulls: &[PullRef],
    commits: &[ObjectId],
    wants: &[Want],
    mut onto: Onto,
) -> Result<Bases, Error> {
    let heads = &commits[1..];
    let mut bases = Vec::new();
    let mut onto_history = vec![commits[0]];
    for ((pull, &head), want) in pulls.iter().zip(heads).zip(&wants[1..]) {
        let sha = head_sha(pull, head);
        let received = rounds.fetch(
            repo,
            &Request {
                wants: vec![head],
                haves: onto_history.clone(),
                filter: Some("tree:0"),
                ..Request::default()
            },
            std::slice::from_ref(want),
        )?;
        let own = pack_ids(repo, received.index_path.as_deref(), rounds.url)?;
        let candidates = boundary(repo, &own, rounds.url)?;
        let merge_base = match candidates.as_slice() {
            [] if own.contains(&head) => {
                return Err(Error::UnrelatedHistories {
                    pr: pull.number,
                    sha,
                    onto: onto.to_string(),
                });
            }
            // Already part of what it is merged onto: the merge changes nothing.
            [] => head,
            [one] => *one,
            several => match best_candidates(rounds, repo, several, wants)?.as_slice() {
                [one] => *one,
                best => {
                    return Ok(Bases::Several(format!(
                        "PR #{} has {} merge bases (a criss-cross history)",
                        pull.number,
                        best.len()
                    )));
                }
            },
        };
        bases.push(merge_base);
        onto_history.push(head);
        onto.record(pull.number, &sha);
    }
    Ok(Bases::Found(bases))
}

/// The candidates that are no ancestor of another: one round per candidate, wanting it and
/// claiming the others (an empty pack: it is their ancestor).
fn best_candidates(
    rounds: &mut Rounds<'_, '_, '_>,
    repo: &gix::Repository,
    candidates: &[ObjectId],
    wants: &[Want],
) -> Result<Vec<ObjectId>, Error> {
    let mut best = Vec::new();
    for (index, candidate) in candidates.iter().enumerate() {
        let others: Vec<ObjectId> = candidates
            .iter()
            .enumerate()
            .filter(|(other, _)| *other != index)
            .map(|(_, id)| *id)
            .collect();
        let received = rounds.fetch(
            repo,
            &Request {
                wants: vec![*candidate],
                haves: others,
                filter: Some("tree:0"),
                ..Request::default()
            },
            wants,
        )?;
        if received.objects > 0 {
            best.push(*candidate);
        }
    }
    Ok(best)
}

/// Round 3: the merge bases `bases` that `repo` lacks, at depth 1 with their root trees.
pub(crate) fn fetch_base_trees(
    rounds: &mut Rounds<'_, '_, '_>,
    repo: &gix::Repository,
    bases: &[ObjectId],
    wants: &[Want],
) -> Result<(), Error> {
    let mut missing: Vec<ObjectId> = bases
        .iter()
        .copied()
        .filter(|id| root_tree(repo, *id, rounds.url).is_err())
        .collect();
    missing.sort();
    missing.dedup();
    if missing.is_empty() {
        return Ok(());
    }
    rounds
        .fetch(
            repo,
            &Request {
                wants: missing,
                filter: Some("tree:1"),
                depth: Some(NonZeroU32::MIN),
                ..Request::default()
            },
            wants,
        )
        .map(drop)
}

/// The ids in the pack whose index is at `index`.
fn pack_ids(
    repo: &gix::Repository,
    index: Option<&std::path::Path>,
    url: &RemoteUrl,
) -> Result<HashSet<ObjectId>, Error> {
    let Some(index) = index else {
        return Ok(HashSet::new());
    };
    let file =
        gix::odb::pack::index::File::at(index, repo.object_hash()).map_err(|err| Error::Fetch {
            url: url.clone(),
            source: url.cause(err),
        })?;
    Ok(file.iter().map(|entry| entry.oid).collect())
}

/// The parents of the commits `own` that are not in `own`, sorted.
fn boundary(
    repo: &gix::Repository,
    own: &HashSet<ObjectId>,
    url: &RemoteUrl,
) -> Result<Vec<ObjectId>, Error> {
    let mut parents = BTreeSet::new();
    for id in own {
        let commit = repo.find_commit(*id).map_err(|err| Error::Fetch {
            url: url.clone(),
            source: url.cause(err),
        })?;
        for parent in commit.parent_ids() {
            if !own.contains(&parent.detach()) {
                parents.insert(parent.detach());
            }
        }
    }
    Ok(parents.into_iter().collect())
}
