//! The public types of a fetch: what to fetch ([`FetchSpec`], [`PullRef`]) and how
//! ([`FetchOptions`]).

use std::path::PathBuf;
use std::time::Instant;

/// What to fetch for a PR job's merged revision: where from, the base and the PRs.
///
/// Usually made by [`CloneRef::fetch_spec`](crate::CloneRef::fetch_spec).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchSpec {
    /// The remote: a `file://`, `http://`, `https://` or `ssh://` URL, or a local path.
    pub url: String,
    /// The base: a commit SHA (Prow's `base_sha`), or a ref name (`main`) when there is none.
    pub base: String,
    /// The PRs to merge onto the base, in order.
    pub pulls: Vec<PullRef>,
}

/// One PR of a [`CloneRef`](crate::CloneRef): its number and the head commit to merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRef {
    /// The PR number (`number`).
    pub number: u64,
    /// The PR's head commit (`sha`).
    pub sha: String,
}

/// How to fetch.
#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    /// Give up at this instant with [`Error::Deadline`](crate::Error::Deadline); `None` waits as
    /// long as the transport does.
    pub deadline: Option<Instant>,
    /// Log the progress of the fetch (objects, bytes) every second through `tracing` at info
    /// level, for a terminal. Without it, only one summary line per fetch is logged.
    pub progress: bool,
    /// Where to create the scratch directory; the system's temporary directory when `None`.
    pub scratch_parent: Option<PathBuf>,
}
