//! Reading files of a git repository at a revision, safely.
//!
//! The build root of a PR job is read from the tested repository at the PR's *merged* revision.
//! This crate gets there from three places and reads files from the result, a [`Snapshot`]:
//!
//! - a directory Prow already cloned ([`Snapshot::work_tree`], found with [`prow_work_dir`]),
//!   read through git at `HEAD` (so a sparse checkout does not hide files), else from disk;
//! - a local repository at a revision ([`Snapshot::local`], [`Snapshot::open_at`]), reading only
//!   its object database;
//! - a remote ([`Snapshot::fetch_merged`]): a shallow fetch of the base commit and each PR head
//!   into a scratch directory, deepened only as far as the merge base needs, then each PR merged
//!   in memory, in order, with the tree `git merge --no-ff` would make.
//!
//! The repository belongs to the PR author, so its content is untrusted: symlinks, submodules,
//! paths leaving the repository, directories and files over the caller's size limit are refused
//! with an error naming the path and the revision ([`ErrorKind::Refused`]); a missing file is
//! `Ok(None)`.
//!
//! # Errors
//!
//! [`Error::kind`] sorts every error into one of three [`ErrorKind`]s, for exit codes:
//!
//! - [`ErrorKind::Refused`] — the repository was read, but the file asked for is refused
//!   ([`Error::UnsafePath`], [`Error::Symlink`], [`Error::Submodule`], [`Error::Directory`],
//!   [`Error::NotAFile`], [`Error::TooLarge`]): an input problem the user fixes.
//! - [`ErrorKind::Input`] — the caller's description of the source is unusable
//!   ([`Error::NoRefs`], [`Error::AmbiguousRefs`], [`Error::NoRefForKey`], [`Error::InvalidRef`],
//!   [`Error::InvalidKey`], [`Error::InvalidLocation`]).
//! - [`ErrorKind::Unreadable`] — the repository could not be read: everything else, from a
//!   missing work tree or revision to an unreachable remote ([`Error::Connect`]), a lost
//!   connection, a reply that is not git ([`Error::InvalidReply`]), a missing commit
//!   ([`Error::MissingCommit`]), the deadline ([`Error::Deadline`]) and merge conflicts
//!   ([`Error::Conflict`]).
//!
//! # Logging
//!
//! Fetches log through `tracing` (target `repo_source::fetch`): one info line per fetch with
//! objects, bytes and time; with [`FetchOptions::progress`] also the progress every second.
//!
//! It deliberately knows nothing of ci-operator configs or Prow's JSON: it speaks paths,
//! revisions and bytes ([`CloneRef`] is a plain struct the caller fills from `JOB_SPEC`), and no
//! gix type appears in its API. It never writes to a repository it did not create. Fetching a
//! local path or `file://` URL runs `git upload-pack`, so the `git` binary must be installed.
//!
//! ```no_run
//! use repo_source::{FetchOptions, Snapshot};
//!
//! # fn main() -> Result<(), repo_source::Error> {
//! let snapshot = Snapshot::local("/src/my-repo".as_ref(), "main")?;
//! match snapshot.read(".ci-operator.yaml", 1 << 20)? {
//!     Some(bytes) => println!("{} bytes at {}", bytes.len(), snapshot.revision()),
//!     None => println!("no .ci-operator.yaml at {}", snapshot.revision()),
//! }
//! # let _ = FetchOptions::default();
//! # Ok(())
//! # }
//! ```

mod disk;
mod error;
mod fetch;
mod git;
mod partial;
mod path;
mod progress;
mod prow;
mod session;
mod snapshot;
mod tree_merge;

pub use error::{Error, ErrorKind, UnsafePathReason};
pub use fetch::{FetchOptions, FetchSpec};
pub use prow::{CloneRef, PullRef, prow_work_dir, tested_ref};
pub use snapshot::{Revision, Snapshot};
