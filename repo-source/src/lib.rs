//! Reading files of a git repository at a revision, safely.
//!
//! The build root of a PR job is read from the tested repository at the PR's *merged* revision.
//! This crate gets there from three places and reads files from the result, a [`Snapshot`]:
//!
//! - a directory Prow already cloned ([`Snapshot::work_tree`], found with [`prow_work_dir`]),
//!   read through git at `HEAD` (so a sparse checkout does not hide files), else from disk;
//! - a local repository at a revision ([`Snapshot::local`], [`Snapshot::open_at`]), reading only
//!   its object database;
//! - a remote ([`Snapshot::fetch_merged`]): a partial fetch into a scratch directory, then each
//!   PR merged in memory, in order, into the tree `git merge --no-ff` would make.
//!
//! Besides reading files, a snapshot looks up and lists entries ([`Snapshot::entry`],
//! [`Snapshot::list_dir`]) as [`TreeEntry`]s with git's object ids, what a build keys its inputs
//! by: from git, straight from the trees; from disk, the ids `git add -A` would record (see
//! [`TreeEntry`]), so the same content has the same id from any source.
//!
//! # What a remote costs
//!
//! gix 0.90's fetch porcelain has no partial-clone filter, so this crate speaks protocol v2
//! through gix's lower layer (`gix::protocol::fetch` with its own negotiation). From a server
//! that offers `filter` (GitHub does; `git upload-pack` with `uploadpack.allowFilter`), it
//! fetches the base and each PR head with their root trees; each PR's own commits, without
//! trees, by claiming the base as had (their parents outside the PR are the merge-base
//! candidates); the merge bases with their root trees; then only the trees that both sides of a
//! merge changed and the blobs both changed, by id. Directories changed on one side only are
//! taken whole, unread, as git's `ort` merge does; the merged tree is byte-identical to git's.
//! Looking up an entry fetches only the trees above it, listing a directory its tree too: a
//! directory's id comes from its parent tree, a file's from its directory, no blob is fetched.
//! Reads fetch the trees and the blob on their path by id, one round each, or all together with
//! [`Snapshot::fetch_merged_for`] / [`Snapshot::prefetch`]. On the benchmark's repository (20 000
//! files, a PR 200 commits behind), reading `.ci-operator.yaml` at the merged revision costs
//! about 2 KB and 0.15 s, where Prow's blobless clone costs 1.1 MB and 0.9 s.
//!
//! The full path, kept as the fallback, fetches the base and PR heads shallow with all their
//! files, deepened until every merge base is known, and merges with gix's full merge (rename
//! detection included). It is taken, and logged at info level, when the server offers no partial
//! fetch; when a PR has several merge bases (a criss-cross history: git merges through a virtual
//! base); and when a path is deleted on one side and changed on the other, deleted on both, added
//! on both, or changes type while changed on both sides (where rename detection can change the
//! result). gix's merge has no directory-rename detection: where git would report a conflict
//! for a file added to a directory the other side renamed, both paths merge it where it was added.
//!
//! A file's size is known only once its blob arrives: a read fetches the blob alone and stops
//! receiving as soon as the pack entry's header shows a size over the limit, before its content
//! ([`Error::TooLarge`] with the exact size). A prefetch, which knows no limit, refuses objects
//! over 16 MiB and leaves them to their read.
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
//!   [`Error::NotAFile`], [`Error::NotADirectory`], [`Error::TooLarge`]): an input problem the
//!   user fixes.
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
//! objects, bytes and time, and one when it takes the full path and why; with
//! [`FetchOptions::progress`] also the progress every second. Reads that fetch log at debug
//! level.
//!
//! # Credentials
//!
//! A remote's URL is held as a [`RemoteUrl`], which can only display itself redacted: the user
//! information (`https://user:token@host/…`) and credential query parameters (`?access_token=…`)
//! appear as `***` in every error (sources included), revision description and log line, as they
//! are made. [`redact_credentials`] applies the same rule to any text, for callers that print
//! messages of other libraries.
//!
//! It deliberately knows nothing of ci-operator configs or Prow's JSON: it speaks paths,
//! revisions and bytes ([`CloneRef`] is a plain struct the caller fills from `JOB_SPEC`), and no
//! gix type appears in its API. It never writes to a repository it did not create. Fetching a
//! local path or `file://` URL runs `git upload-pack`, so the `git` binary must be installed.
//!
//! # Layout
//!
//! No module imports one that imports it back, directly or around a loop:
//!
//! - `snapshot`: [`Snapshot`], which picks the reader for a source: `disk` (files on disk, no
//!   symlink followed) with `disk_tree` (their entries and git ids), or `git` (a tree of a
//!   repository); `read` is one read's or look-up's request and its errors, `path` the check of
//!   a requested path, `revision` the [`Revision`] shown, `entry` the [`TreeEntry`] given;
//! - `remote/`: everything that talks to a remote (see its module doc): the public
//!   [`FetchSpec`] / [`FetchOptions`] / [`PullRef`], the partial fetch by round, the tree merge,
//!   the full fallback, the protocol session and the deadline;
//! - `fetcher`: the handles (`ObjectFetcher`, `BlobFetcher`) through which `git` fetches what a
//!   read lacks; `remote` implements them, so `git` needs no fetch code;
//! - `prow`: Prow's refs ([`CloneRef`], [`tested_ref`], [`prow_work_dir`]);
//! - `error`: [`Error`] and [`ErrorKind`]; `url`: [`RemoteUrl`] and [`redact_credentials`], the
//!   one redaction rule.
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
mod disk_tree;
mod entry;
mod error;
mod fetcher;
mod git;
mod path;
mod prow;
mod read;
mod remote;
mod revision;
mod snapshot;
mod url;

pub use entry::{EntryKind, TreeEntry};
pub use error::{Error, ErrorKind, UnsafePathReason};
pub use prow::{CloneRef, prow_work_dir, tested_ref};
pub use remote::{FetchOptions, FetchSpec, PullRef};
pub use revision::Revision;
pub use snapshot::Snapshot;
pub use url::{RemoteUrl, redact_credentials};
