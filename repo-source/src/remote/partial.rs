//! The partial path: commits without trees to find each merge base, then only the trees and
//! blobs that the merge and the reads need, each fetched by id.
//!
//! Rounds (each one `fetch` command of protocol v2, all on one connection):
//!
//! 1. the base and each PR head, depth 1, with their root trees ([`super::negotiation`]);
//! 2. per PR, the commits of the PR that the side it is merged onto does not have, to find its
//!    merge base ([`super::merge_bases`]);
//! 3. the merge bases, depth 1, with their root trees (same file);
//! 4. per level of directories changed on both sides, their trees, and the blobs changed on
//!    both sides ([`super::tree_merge`], fetching by id with [`super::by_id`]); usually none;
//! 5. the trees and blobs along the paths the caller declared ([`super::by_id`]).
//!
//! Any other path is read later by fetching its missing trees and blob by id, one round each
//! ([`super::lazy`]).

use std::num::NonZeroU32;

use gix::ObjectId;
use gix::odb::memory::Storage;

use crate::error::{BoxError, Error};
use crate::revision::{Revision, describe};

use super::by_id::{fetch_by_id, prefetch_quietly};
use super::merge_bases::{Bases, fetch_base_trees, find_merge_bases};
use super::merge_commit::{Onto, head_sha, write_merge_commit};
use super::negotiation::{fetch_tips, resolve_wants};
use super::rounds::{Rounds, peel_to_commit, root_tree};
use super::session::Request;
use super::spec::FetchSpec;
use super::tree_merge::{Merge, Reads, merge_trees};
use super::want::Want;

/// The result of a partial fetch, or why the full one is needed.
pub(crate) enum Partial<T> {
    Done(T),
    Fallback(String),
}

/// What a partial fetch made: the root tree to read, the objects made in memory, the revision.
pub(crate) struct Merged {
    pub(crate) tree: ObjectId,
    pub(crate) memory: Option<Storage>,
    pub(crate) revision: Revision,
}

/// The merged revision of `spec`, through `rounds` (whose session supports partial fetches),
/// into the empty scratch repository `repo`, with the objects of `hints` prefetched.
/// `wants[0]` is the base, then one per PR.
pub(crate) fn merge_partially(
    rounds: &mut Rounds<'_, '_, '_>,
    repo: &gix::Repository,
    spec: &FetchSpec,
    wants: &[Want],
    hints: &[String],
) -> Result<Partial<Merged>, Error> {
    let tips = fetch_tips(rounds, repo, wants)?;
    let mut commits = Vec::new();
    for (want, id) in wants.iter().zip(&tips) {
        commits.push(
            peel_to_commit(repo, *id).map_err(|source| Error::MissingCommit {
                url: rounds.url.clone(),
                rev: want.source.clone(),
                source: Some(rounds.url.cause(source)),
            })?,
        );
    }
    let base = commits[0];
    let base_described = describe(&spec.base, &base);
    if spec.pulls.is_empty() {
        let tree = root_tree(repo, base, rounds.url)?;
        prefetch_quietly(rounds, repo, tree, hints);
        let description = format!("{base_described} from `{}`", rounds.url);
        return Ok(Partial::Done(Merged {
            tree,
            memory: None,
            revision: Revision::new(Some(base.to_string()), Some(tree.to_string()), description),
        }));
    }
    let onto = Onto::new(base_described);
    let bases = match find_merge_bases(rounds, repo, &spec.pulls, &commits, wants, onto)? {
        Bases::Found(bases) => bases,
        Bases::Several(reason) => return Ok(Partial::Fallback(reason)),
    };
    fetch_base_trees(rounds, repo, &bases, wants)?;
    let memory_repo = repo.clone().with_object_memory();
    let (current, onto) =
        match merge_in_memory(rounds, repo, &memory_repo, spec, &commits, &bases, wants)? {
            Partial::Done(merged) => merged,
            Partial::Fallback(reason) => return Ok(Partial::Fallback(reason)),
        };
    let tree = root_tree(&memory_repo, current, rounds.url)?;
    prefetch_quietly(rounds, &memory_repo, tree, hints);
    let mut memory_repo = memory_repo;
    let memory = memory_repo.objects.take_object_memory();
    let description = format!("{onto} from `{}`", rounds.url);
    Ok(Partial::Done(Merged {
        tree,
        memory,
        revision: Revision::new(
            Some(current.to_string()),
            Some(tree.to_string()),
            description,
        ),
    }))
}

/// Round 4: each PR merged in turn onto the base `commits[0]` (its heads `commits[1..]`, merge
/// bases `bases`), in `memory_repo`, fetching into `repo` the trees and blobs the merge reads.
/// The last merge commit and what it is.
fn merge_in_memory(
    rounds: &mut Rounds<'_, '_, '_>,
    repo: &gix::Repository,
    memory_repo: &gix::Repository,
    spec: &FetchSpec,
    commits: &[ObjectId],
    bases: &[ObjectId],
    wants: &[Want],
) -> Result<Partial<(ObjectId, Onto)>, Error> {
    let url = rounds.url;
    let heads = &commits[1..];
    let mut current = commits[0];
    let mut onto = Onto::new(describe(&spec.base, &current));
    let mut reads = Reads::default();
    for ((pull, &head), &merge_base) in spec.pulls.iter().zip(heads).zip(bases) {
        let sha = head_sha(pull, head);
        let merge_error = |source: BoxError| Error::Merge {
            pr: pull.number,
            sha: sha.clone(),
            onto: onto.to_string(),
            source,
        };
        let trees = [
            root_tree(memory_repo, merge_base, url)?,
            root_tree(memory_repo, current, url)?,
            root_tree(memory_repo, head, url)?,
        ];
        let mut fetch = |ids: Vec<ObjectId>| fetch_by_id(rounds, repo, ids, wants);
        let outcome = merge_trees(
            memory_repo,
            trees,
            &sha,
            &mut fetch,
            &merge_error,
            &mut reads,
        )?;
        let tree = match outcome {
            Merge::Tree(tree) => tree,
            Merge::Conflict(paths) => {
                return Err(Error::Conflict {
                    pr: pull.number,
                    sha,
                    onto: onto.to_string(),
                    paths,
                });
            }
            Merge::Fallback(reason) => {
                return Ok(Partial::Fallback(format!("PR #{}: {reason}", pull.number)));
            }
        };
        current = write_merge_commit(memory_repo, tree, current, head).map_err(merge_error)?;
        onto.record(pull.number, &sha);
    }
    tracing::debug!(
        target: "repo_source::fetch",
        trees = reads.trees,
        blobs = reads.blobs,
        "merged in memory, reading only what both sides changed"
    );
    Ok(Partial::Done((current, onto)))
}

/// `rev` (a SHA or a ref name, `wants[0]`) of the repository, into the empty scratch repository
/// `repo`: its commit and root tree, depth 1, then the objects of `hints` (paths the caller will
/// read) in the same session.
pub(crate) fn open_rev_partially(
    rounds: &mut Rounds<'_, '_, '_>,
    repo: &gix::Repository,
    rev: &str,
    wants: &[Want],
    hints: &[String],
) -> Result<Merged, Error> {
    let url = rounds.url;
    let id = resolve_wants(rounds, wants)?
        .first()
        .copied()
        .ok_or_else(|| Error::MissingCommit {
            url: url.clone(),
            rev: rev.to_owned(),
            source: None,
        })?;
    rounds.fetch(
        repo,
        &Request {
            wants: vec![id],
            filter: Some("tree:1"),
            depth: Some(NonZeroU32::MIN),
            ..Request::default()
        },
        wants,
    )?;
    let commit = peel_to_commit(repo, id).map_err(|source| Error::RevisionNotFound {
        rev: rev.to_owned(),
        repository: format!("`{url}`"),
        source: Some(url.cause(source)),
    })?;
    let tree = root_tree(repo, commit, url)?;
    prefetch_quietly(rounds, repo, tree, hints);
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
