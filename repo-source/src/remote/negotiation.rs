//! The first round of a partial fetch: the wanted revisions resolved to ids (`ls-refs` for ref
//! names), then fetched at depth 1 with their root trees (`filter tree:1`).

use std::num::NonZeroU32;

use gix::ObjectId;

use crate::error::Error;

use super::classify::classify;
use super::rounds::Rounds;
use super::session::Request;
use super::want::Want;

/// The ids of `wants` on the remote: SHAs as they are, ref names as the remote advertises them.
pub(crate) fn resolve_wants(
    rounds: &mut Rounds<'_, '_, '_>,
    wants: &[Want],
) -> Result<Vec<ObjectId>, Error> {
    let sources: Vec<String> = wants.iter().map(|want| want.source.clone()).collect();
    let resolved = rounds
        .session
        .resolve(&sources, rounds.progress)
        .map_err(|err| classify(rounds.url, wants, err, false))?;
    wants
        .iter()
        .zip(resolved)
        .map(|(want, id)| {
            id.ok_or_else(|| Error::MissingCommit {
                url: rounds.url.clone(),
                rev: want.source.clone(),
                source: None,
            })
        })
        .collect()
}

/// Round 1: `wants` resolved, then fetched into `repo` at depth 1 with their root trees. The ids
/// of `wants`, in order.
pub(crate) fn fetch_tips(
    rounds: &mut Rounds<'_, '_, '_>,
    repo: &gix::Repository,
    wants: &[Want],
) -> Result<Vec<ObjectId>, Error> {
    let tips = resolve_wants(rounds, wants)?;
    let mut unique = tips.clone();
    unique.sort();
    unique.dedup();
    rounds.fetch(
        repo,
        &Request {
            wants: unique,
            filter: Some("tree:1"),
            depth: Some(NonZeroU32::MIN),
            ..Request::default()
        },
        wants,
    )?;
    Ok(tips)
}
