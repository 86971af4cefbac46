//! The two ways to open a remote revision, each on a worker thread within the caller's deadline:
//! the merged revision of a PR job ([`open_merged`]) and one revision ([`open_rev`]). Each tries
//! the partial path over one session, and takes the full path when the partial one cannot give
//! git's result.

use std::sync::atomic::AtomicBool;

use crate::error::Error;
use crate::git;
use crate::revision::{Revision, describe};
use crate::url::RemoteUrl;

use super::deadline::run_with_deadline;
use super::full::{merge_fully, whole_commit};
use super::lazy::LazyObjects;
use super::location::check_url;
use super::partial::{Merged, Partial, merge_partially, open_rev_partially};
use super::progress::Tasks;
use super::rounds::{Rounds, with_partial_rounds};
use super::scratch::Scratch;
use super::spec::{FetchOptions, FetchSpec};
use super::want::{Want, check_wants, spec_wants};

/// Why the full path is taken when the server cannot do the partial one.
const NO_PARTIAL: &str = "the server does not offer partial fetches (protocol v2 with `filter`)";

/// The merged revision of `spec`, prefetching the objects of `hints` (paths the caller will
/// read).
///
/// From a server that offers partial fetches (protocol v2 with `filter`), only commits, the
/// trees both sides changed and the objects read are fetched ([`super::partial`]); the snapshot
/// fetches what a read needs later. Otherwise, or when the merge needs rename detection or a
/// virtual merge base, the history is fetched shallow, with all trees and blobs, and merged by
/// gix's full merge ([`super::full`]).
pub(crate) fn open_merged(
    spec: &FetchSpec,
    options: &FetchOptions,
    hints: &[String],
) -> Result<(git::Tree, Revision), Error> {
    let url = RemoteUrl::new(spec.url.as_str());
    check_url(&url)?;
    let spec = spec.clone();
    let hints = hints.to_vec();
    let lazy = options.clone();
    let worker_url = url.clone();
    let (result, fallback) = run_with_deadline(&url, options, true, move |interrupt, progress| {
        let url = &worker_url;
        let wants = spec_wants(&spec);
        check_wants(url, &wants)?;
        let scratch = Scratch::new(url, lazy.scratch_parent.clone())?;
        let partial = with_partial_session(&scratch, url, &wants, interrupt, progress, |rounds| {
            merge_partially(rounds, &scratch.repo, &spec, &wants, &hints)
        })?;
        match partial {
            Partial::Done(merged) => Ok((Ok(lazy_tree(scratch, merged, url, lazy)), None)),
            Partial::Fallback(reason) => {
                drop(scratch);
                let full = Scratch::new(url, lazy.scratch_parent)
                    .and_then(|scratch| merge_fully(&spec, url, scratch, interrupt, progress));
                Ok((full, Some(reason)))
            }
        }
    })?;
    // Logged here, on the caller's thread, like the summary line.
    if let Some(reason) = fallback {
        tracing::info!(
            target: "repo_source::fetch",
            "fetched shallow history with all files from `{url}` instead of only the files read: {reason}",
        );
    }
    result
}

/// `rev` (a SHA or a ref name) of the repository at `url`: partially (the commit and its root
/// tree, the objects of `hints` in the same session, the rest fetched by the reads) when the
/// server allows, else at depth 1.
pub(crate) fn open_rev(
    url: &RemoteUrl,
    rev: &str,
    options: &FetchOptions,
    hints: &[String],
) -> Result<(git::Tree, Revision), Error> {
    check_url(url)?;
    let worker_url = url.clone();
    let rev = rev.to_owned();
    let hints = hints.to_vec();
    let lazy = options.clone();
    run_with_deadline(url, options, true, move |interrupt, progress| {
        let url = &worker_url;
        let wants = [Want::new(&rev, "rev")];
        check_wants(url, &wants)?;
        let scratch = Scratch::new(url, lazy.scratch_parent.clone())?;
        let partial = with_partial_session(&scratch, url, &wants, interrupt, progress, |rounds| {
            open_rev_partially(rounds, &scratch.repo, &rev, &wants, &hints).map(Partial::Done)
        })?;
        if let Partial::Done(merged) = partial {
            return Ok(lazy_tree(scratch, merged, url, lazy));
        }
        tracing::debug!(
            target: "repo_source::fetch",
            "fetching `{rev}` with all files from `{url}`: the server does not offer partial fetches",
        );
        let commit = scratch.fetch_full(&wants, interrupt, progress)?[0];
        whole_commit(scratch, commit, &describe(&rev, &commit), url)
    })
}

/// Connects to `url` for `wants` and runs `partial` over the session when the server supports
/// partial fetches; [`Partial::Fallback`] when it does not.
fn with_partial_session<T>(
    scratch: &Scratch,
    url: &RemoteUrl,
    wants: &[Want],
    interrupt: &AtomicBool,
    progress: &Tasks,
    partial: impl FnOnce(&mut Rounds<'_, '_, '_>) -> Result<Partial<T>, Error>,
) -> Result<Partial<T>, Error> {
    let done = with_partial_rounds(&scratch.repo, url, wants, interrupt, progress, partial)?;
    Ok(done.unwrap_or_else(|| Partial::Fallback(NO_PARTIAL.to_owned())))
}

/// The tree of a partial fetch, whose reads fetch the objects they miss from `url`.
fn lazy_tree(
    scratch: Scratch,
    merged: Merged,
    url: &RemoteUrl,
    options: FetchOptions,
) -> (git::Tree, Revision) {
    let fetcher = LazyObjects::new(url.clone(), options);
    let tree = scratch
        .into_tree(merged.tree, merged.memory)
        .fetching_with(Box::new(fetcher));
    (tree, merged.revision)
}
