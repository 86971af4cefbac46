//! Fetching from a remote into a scratch repository, and merging PRs there in memory.
//!
//! One job per file:
//!
//! - [`spec`]: the public types, [`FetchSpec`], [`PullRef`], [`FetchOptions`];
//! - [`open`]: the two entry points, a PR job's merged revision and one revision, each trying
//!   the partial path and falling back to the full one;
//! - the partial path, by round: [`partial`] (the sequence), [`negotiation`] (refs resolved and
//!   the tips with their root trees), [`merge_bases`] (each PR's own commits and its merge base),
//!   [`by_id`] (trees and blobs by id, along the paths to read), over the [`session`] (protocol
//!   v2 below gix's porcelain) driven by [`rounds`];
//! - [`tree_merge`]: the three-way tree merge that reads only what both sides changed;
//! - [`full`]: the fallback, gix's full merge over shallow history with all files;
//! - [`merge_commit`]: the merge commit and description both paths make;
//! - [`lazy`]: the fetches of later reads, given to the git reader as [`crate::fetcher`]
//!   handles;
//! - [`deadline`]: the worker thread and the caller's deadline; [`progress`]: its log;
//! - [`scratch`], [`location`], [`want`], [`classify`]: the scratch repository, what a location
//!   is, what is asked for, and gix's errors in our terms.
//!
//! Nothing here imports this file: the files import each other directly, and this file only
//! names what the rest of the crate uses.

mod by_id;
mod classify;
mod deadline;
mod full;
mod lazy;
mod location;
mod merge_bases;
mod merge_commit;
mod negotiation;
mod open;
mod partial;
mod progress;
mod rounds;
mod scratch;
mod session;
mod spec;
mod tree_merge;
mod want;

pub(crate) use lazy::promisor;
pub(crate) use location::Location;
pub(crate) use open::{open_merged, open_rev};
pub use spec::{FetchOptions, FetchSpec, PullRef};
