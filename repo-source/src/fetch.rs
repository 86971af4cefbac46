//! Fetching from a remote into a scratch repository, and merging PRs there in memory.
//!
//! Only what is needed is fetched: the base commit and each PR head at depth 1 (protocol v2),
//! then, while the history is too short to find a merge base, deeper (16, 64, 256, 1024
//! commits more, then everything). The PRs are merged one after the other with gix's merge,
//! which produces the tree `git merge` produces; merge commits and merged objects stay in
//! memory. The scratch repository lives in a temporary directory owned by the resulting
//! [`Snapshot`](crate::Snapshot), so it is removed when that is dropped, or at once on error.
//!
//! gix's network IO is blocking. Each fetch runs on its own thread; the calling thread waits for
//! it until the caller's deadline, then sets gix's interrupt flag and returns
//! [`Error::Deadline`]. The worker thread still owns the scratch directory and removes it when
//! gix notices the flag (or the connection ends).

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use gix::ObjectId;
use gix::remote::Direction;
use gix::remote::fetch::{Shallow, Status, Tags};
use tempfile::TempDir;

use crate::error::{BoxError, Error};
use crate::git::{self, describe};
use crate::partial::{self, Partial};
use crate::progress::Tasks;
use crate::prow::PullRef;
use crate::session::Session;
use crate::snapshot::Revision;

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

/// How to fetch.
#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    /// Give up at this instant with [`Error::Deadline`]; `None` waits as long as the transport
    /// does.
    pub deadline: Option<Instant>,
    /// Log the progress of the fetch (objects, bytes) every second through `tracing` at info
    /// level, for a terminal. Without it, only one summary line per fetch is logged.
    pub progress: bool,
    /// Where to create the scratch directory; the system's temporary directory when `None`.
    pub scratch_parent: Option<PathBuf>,
}

/// Where a repository is: a local path or a URL to fetch from.
pub(crate) enum Location {
    Path(PathBuf),
    Url(String),
}

impl Location {
    /// `file://`, `http://`, `https://` and `ssh://` are URLs; anything else with `://` (or
    /// scp-like `host:path`) is refused; the rest is a path.
    pub(crate) fn parse(location: &str) -> Result<Location, Error> {
        let lower = location.to_ascii_lowercase();
        if ["file://", "http://", "https://", "ssh://"]
            .iter()
            .any(|scheme| lower.starts_with(scheme))
        {
            check_url(location)?;
            return Ok(Location::Url(location.to_owned()));
        }
        if location.contains("://") || location.is_empty() {
            return Err(Error::InvalidLocation {
                location: location.to_owned(),
                source: None,
            });
        }
        Ok(Location::Path(PathBuf::from(location)))
    }
}

fn check_url(url: &str) -> Result<(), Error> {
    let parsed =
        gix::url::parse(gix::bstr::BStr::new(url)).map_err(|err| Error::InvalidLocation {
            location: url.to_owned(),
            source: Some(Box::new(err)),
        })?;
    use gix::url::Scheme;
    match parsed.scheme {
        Scheme::File | Scheme::Http | Scheme::Https | Scheme::Ssh => Ok(()),
        Scheme::Git | Scheme::Ext | Scheme::Helper(_) | Scheme::HelperUrl(_) => {
            Err(Error::InvalidLocation {
                location: url.to_owned(),
                source: None,
            })
        }
    }
}

/// The merged revision of `spec`, prefetching the objects of `hints` (paths the caller will
/// read).
///
/// From a server that offers partial fetches (protocol v2 with `filter`), only commits, the
/// trees both sides changed and the objects read are fetched ([`crate::partial`]); the snapshot
/// fetches what a read needs later. Otherwise, or when the merge needs rename detection or a
/// virtual merge base, the history is fetched shallow, with all trees and blobs, and merged by
/// gix's full merge.
pub(crate) fn fetch_merged(
    spec: &FetchSpec,
    options: &FetchOptions,
    hints: &[String],
) -> Result<(git::Tree, Revision), Error> {
    check_url(&spec.url)?;
    let spec = spec.clone();
    let hints = hints.to_vec();
    let scratch_parent = options.scratch_parent.clone();
    let lazy = options.clone();
    let url = spec.url.clone();
    let (result, fallback) = run_with_deadline(&url, options, true, move |interrupt, progress| {
        let url = spec.url.as_str();
        let wants = spec_wants(&spec);
        check_wants(url, &wants)?;
        let scratch = Scratch::new(url, scratch_parent.clone())?;
        let partial = {
            let remote = remote(&scratch.repo, url, &wants)?;
            let mut session = Session::connect(&remote, progress)
                .map_err(|err| classify(url, &wants, err, true))?;
            if session.supports_partial() {
                partial::merged(
                    &mut session,
                    &scratch.repo,
                    url,
                    &spec,
                    &wants,
                    &hints,
                    interrupt,
                    progress,
                )?
            } else {
                Partial::Fallback(
                    "the server does not offer partial fetches (protocol v2 with `filter`)"
                        .to_owned(),
                )
            }
        };
        match partial {
            Partial::Done(merged) => Ok((
                Ok((
                    scratch.into_lazy_tree(merged.tree, merged.memory, lazy),
                    merged.revision,
                )),
                None,
            )),
            Partial::Fallback(reason) => {
                drop(scratch);
                let full = Scratch::new(url, scratch_parent)
                    .and_then(|scratch| merged(&spec, scratch, interrupt, progress));
                Ok((full, Some(reason)))
            }
        }
    })?;
    // Logged here, on the caller's thread, like the summary line.
    if let Some(reason) = fallback {
        tracing::info!(
            target: "repo_source::fetch",
            "fetched shallow history with all files from `{}` instead of only the files read: {reason}",
            crate::error::redact_url(&url)
        );
    }
    result.map_err(|err| err.redacted(crate::error::Secret::of(&url).as_ref()))
}

/// `rev` (a SHA or a ref name) of the repository at `url`: partially (the commit and its root
/// tree, the rest fetched by the reads) when the server allows, else at depth 1.
pub(crate) fn fetch_rev(
    url: &str,
    rev: &str,
    options: &FetchOptions,
) -> Result<(git::Tree, Revision), Error> {
    check_url(url)?;
    let url = url.to_owned();
    let rev = rev.to_owned();
    let scratch_parent = options.scratch_parent.clone();
    let lazy = options.clone();
    run_with_deadline(&url.clone(), options, true, move |interrupt, progress| {
        let wants = [Want::new(&rev, "rev")];
        check_wants(&url, &wants)?;
        let scratch = Scratch::new(&url, scratch_parent)?;
        let partial = {
            let remote = remote(&scratch.repo, &url, &wants)?;
            let mut session = Session::connect(&remote, progress)
                .map_err(|err| classify(&url, &wants, err, true))?;
            if session.supports_partial() {
                Some(partial::single(
                    &mut session,
                    &scratch.repo,
                    &url,
                    &rev,
                    &wants,
                    interrupt,
                    progress,
                )?)
            } else {
                None
            }
        };
        if let Some(merged) = partial {
            return Ok((
                scratch.into_lazy_tree(merged.tree, None, lazy),
                merged.revision,
            ));
        }
        tracing::debug!(
            target: "repo_source::fetch",
            "fetching `{rev}` with all files from `{}`: the server does not offer partial fetches",
            crate::error::redact_url(&url)
        );
        scratch.fetch(&wants, Shallow::DepthAtRemote(one()), interrupt, progress)?;
        let commit = scratch.resolve(&wants[0])?;
        let tree = tree_of(&scratch.repo, commit, &url)?;
        let revision = Revision::new(
            Some(commit.to_string()),
            Some(tree.to_string()),
            format!("{} from `{url}`", describe(&rev, &commit)),
        );
        Ok((scratch.into_tree(tree, None), revision))
    })
}

/// The wants of `spec`: the base, then each PR's SHA (or head ref when it has none).
fn spec_wants(spec: &FetchSpec) -> Vec<Want> {
    let mut wants = vec![Want::new(&spec.base, "base")];
    for (index, pull) in spec.pulls.iter().enumerate() {
        // Without a SHA, Prow merges whatever the PR's head ref points to.
        let source = match pull.sha.as_str() {
            "" => format!("refs/pull/{}/head", pull.number),
            sha => sha.to_owned(),
        };
        wants.push(Want::new(&source, &format!("pull-{index}")));
    }
    wants
}

/// Refuses a want that is not one revision.
fn check_wants(url: &str, wants: &[Want]) -> Result<(), Error> {
    match wants.iter().find(|want| !want.is_valid()) {
        Some(want) => Err(Error::RevisionNotFound {
            rev: want.source.clone(),
            repository: format!("`{url}`"),
            source: None,
        }),
        None => Ok(()),
    }
}

/// A remote for `url` in `repo`, fetching no tags, with the crypto provider installed.
pub(crate) fn remote<'repo>(
    repo: &'repo gix::Repository,
    url: &str,
    wants: &[Want],
) -> Result<gix::Remote<'repo>, Error> {
    install_crypto_provider();
    let invalid = |source: BoxError| Error::InvalidLocation {
        location: url.to_owned(),
        source: Some(source),
    };
    repo.remote_at(url)
        .map_err(|err| invalid(err.into()))?
        .with_fetch_tags(Tags::None)
        .with_refspecs(
            wants
                .iter()
                .map(|want| gix::bstr::BString::from(want.refspec())),
            Direction::Fetch,
        )
        .map_err(|err| invalid(err.into()))
}

/// The blob `id` from `url`, for a partial clone that lacks it (needs a server that allows
/// wanting any object, as GitHub does and `git upload-pack` does with
/// `uploadpack.allowAnySHA1InWant`). `Ok(Err(size))` when it is over `max_bytes`; it is then
/// not read.
pub(crate) fn fetch_blob(
    url: &str,
    id: ObjectId,
    max_bytes: u64,
    options: &FetchOptions,
) -> Result<Result<Vec<u8>, u64>, Error> {
    check_url(url)?;
    let url = url.to_owned();
    let scratch_parent = options.scratch_parent.clone();
    run_with_deadline(&url.clone(), options, true, move |interrupt, progress| {
        let scratch = Scratch::new(&url, scratch_parent)?;
        let hex = id.to_string();
        scratch.fetch(
            &[Want::new(&hex, "blob")],
            Shallow::NoChange,
            interrupt,
            progress,
        )?;
        let fetch_failed = |source: BoxError| Error::Fetch {
            url: url.clone(),
            source,
        };
        let header = scratch
            .repo
            .find_header(id)
            .map_err(|err| fetch_failed(err.into()))?;
        if header.size() > max_bytes {
            return Ok(Err(header.size()));
        }
        let mut blob = scratch
            .repo
            .find_blob(id)
            .map_err(|err| fetch_failed(err.into()))?;
        Ok(Ok(blob.take_data()))
    })
}

/// The full path: fetch base and PRs shallow with all their files, deepen as needed, merge.
fn merged(
    spec: &FetchSpec,
    scratch: Scratch,
    interrupt: &AtomicBool,
    progress: &Tasks,
) -> Result<(git::Tree, Revision), Error> {
    let url = &spec.url;
    let wants = spec_wants(spec);
    scratch.fetch(&wants, Shallow::DepthAtRemote(one()), interrupt, progress)?;
    let base = scratch.resolve(&wants[0])?;
    let mut heads = Vec::new();
    for want in &wants[1..] {
        heads.push(scratch.resolve(want)?);
    }

    let base_described = describe(&spec.base, &base);
    if spec.pulls.is_empty() {
        let tree = tree_of(&scratch.repo, base, url)?;
        let revision = Revision::new(
            Some(base.to_string()),
            Some(tree.to_string()),
            format!("{base_described} from `{url}`"),
        );
        return Ok((scratch.into_tree(tree, None), revision));
    }

    let repo = scratch.repo.clone().with_object_memory();
    let mut deepen = Deepen::default();
    let mut current = base;
    let mut onto = base_described.clone();
    let mut merged_prs = Vec::new();
    for (pull, &head) in spec.pulls.iter().zip(&heads) {
        let sha = match pull.sha.as_str() {
            "" => head.to_string(),
            sha => sha.to_owned(),
        };
        let merge_error = |source: BoxError| Error::Merge {
            pr: pull.number,
            sha: sha.clone(),
            onto: onto.clone(),
            source,
        };
        loop {
            match history_suffices(&repo, current, head).map_err(merge_error)? {
                History::Complete => break,
                History::Truncated => {
                    let Some(step) = deepen.next() else {
                        return Err(merge_error(
                            "the history is still shallow after fetching all of it".into(),
                        ));
                    };
                    tracing::debug!(target: "repo_source::fetch", pr = pull.number, ?step, "deepening to find the merge base");
                    scratch.fetch(&wants, step, interrupt, progress)?;
                }
                History::Unrelated => {
                    return Err(Error::UnrelatedHistories {
                        pr: pull.number,
                        sha: sha.clone(),
                        onto: onto.clone(),
                    });
                }
            }
        }
        let options = repo
            .tree_merge_options()
            .map_err(|err| merge_error(err.into()))?;
        let labels = gix::merge::blob::builtin_driver::text::Labels {
            ancestor: None,
            current: Some("HEAD".into()),
            other: Some(sha.as_str().into()),
        };
        let mut outcome = repo
            .merge_commits(current, head, labels, options.into())
            .map_err(|err| merge_error(err.into()))?;
        if outcome
            .tree_merge
            .has_unresolved_conflicts(gix::merge::tree::TreatAsUnresolved::default())
        {
            let paths: BTreeSet<String> = outcome
                .tree_merge
                .conflicts
                .iter()
                .filter(|conflict| {
                    conflict.is_unresolved(gix::merge::tree::TreatAsUnresolved::default())
                })
                .flat_map(|conflict| {
                    [
                        conflict.ours.location().to_string(),
                        conflict.theirs.location().to_string(),
                    ]
                })
                .collect();
            return Err(Error::Conflict {
                pr: pull.number,
                sha: sha.clone(),
                onto,
                paths: paths.into_iter().collect(),
            });
        }
        let tree = outcome
            .tree_merge
            .tree
            .write()
            .map_err(|err| merge_error(err.into()))?
            .detach();
        current = write_merge_commit(&repo, tree, current, head).map_err(merge_error)?;
        merged_prs.push(format!("#{} ({})", pull.number, short_sha(&sha)));
        onto = format!(
            "the merge of PR {} onto {base_described}",
            merged_prs.join(", ")
        );
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

pub(crate) fn short_sha(sha: &str) -> &str {
    sha.get(..7).unwrap_or(sha)
}

fn one() -> std::num::NonZeroU32 {
    std::num::NonZeroU32::MIN
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

/// Writes (to memory) the merge commit Prow's `git merge --no-ff -m merge` makes, with fixed
/// identities and dates: only its tree and parents matter.
pub(crate) fn write_merge_commit(
    repo: &gix::Repository,
    tree: ObjectId,
    ours: ObjectId,
    theirs: ObjectId,
) -> Result<ObjectId, BoxError> {
    let signature = gix::actor::Signature {
        name: "repo-source".into(),
        email: "repo-source@localhost".into(),
        time: gix::date::Time::new(0, 0),
    };
    let commit = gix::objs::Commit {
        tree,
        parents: [ours, theirs].into_iter().collect(),
        author: signature.clone(),
        committer: signature,
        encoding: None,
        message: "merge\n".into(),
        extra_headers: Vec::new(),
    };
    Ok(repo.write_object(&commit)?.detach())
}

/// The root tree of `commit`.
fn tree_of(repo: &gix::Repository, commit: ObjectId, url: &str) -> Result<ObjectId, Error> {
    let read =
        || -> Result<ObjectId, BoxError> { Ok(repo.find_commit(commit)?.tree_id()?.detach()) };
    read().map_err(|source| Error::Fetch {
        url: url.to_owned(),
        source,
    })
}

/// One thing to fetch and the scratch ref it lands in.
pub(crate) struct Want {
    /// The refspec source: a full SHA or a ref name.
    pub(crate) source: String,
    /// `refs/scratch/<name>`.
    local: String,
}

impl Want {
    pub(crate) fn new(source: &str, name: &str) -> Self {
        Want {
            source: source.to_owned(),
            local: format!("refs/scratch/{name}"),
        }
    }

    /// Whether the source can only mean one revision: not empty, no refspec syntax (`:`, `+`,
    /// `^`, `*`), no whitespace.
    fn is_valid(&self) -> bool {
        !self.source.is_empty()
            && !self.source.starts_with(['+', '^'])
            && !self
                .source
                .contains(|c: char| c == ':' || c == '*' || c.is_whitespace())
    }

    fn refspec(&self) -> String {
        format!("+{}:{}", self.source, self.local)
    }
}

/// A bare repository in a temporary directory.
struct Scratch {
    url: String,
    repo: gix::Repository,
    dir: TempDir,
}

impl Scratch {
    fn new(url: &str, parent: Option<PathBuf>) -> Result<Scratch, Error> {
        let scratch_error = |source: BoxError| Error::Scratch {
            url: url.to_owned(),
            source,
        };
        let dir = match parent {
            Some(parent) => tempfile::Builder::new()
                .prefix("repo-source-")
                .tempdir_in(parent),
            None => tempfile::Builder::new().prefix("repo-source-").tempdir(),
        }
        .map_err(|err| scratch_error(err.into()))?;
        let repo = gix::ThreadSafeRepository::init_opts(
            dir.path(),
            gix::create::Kind::Bare,
            gix::create::Options::default(),
            gix::open::Options::isolated(),
        )
        .map_err(|err| scratch_error(err.into()))?
        .to_thread_local();
        Ok(Scratch {
            url: url.to_owned(),
            repo,
            dir,
        })
    }

    fn fetch(
        &self,
        wants: &[Want],
        shallow: Shallow,
        interrupt: &AtomicBool,
        progress: &Tasks,
    ) -> Result<(), Error> {
        let url = &self.url;
        let started = Instant::now();
        let connect_error = |err: gix::Error| classify(url, wants, err, true);
        check_wants(url, wants)?;
        let remote = remote(&self.repo, url, wants)?;
        let connection = remote.connect(Direction::Fetch).map_err(connect_error)?;
        let prepare = connection
            .prepare_fetch(progress.root(), Default::default())
            .map_err(connect_error)?
            .with_shallow(shallow);
        // A ref name the remote does not advertise maps to nothing; gix would fetch the rest
        // (or fail with a message listing every refspec), so name the missing one here.
        let mapped: HashSet<usize> = prepare
            .ref_map()
            .mappings
            .iter()
            .filter_map(|mapping| match mapping.spec_index {
                gix::remote::fetch::refmap::SpecIndex::ExplicitInRemote(index) => Some(index),
                gix::remote::fetch::refmap::SpecIndex::Implicit(_) => None,
            })
            .collect();
        if let Some(want) = wants
            .iter()
            .enumerate()
            .find(|(index, _)| !mapped.contains(index))
            .map(|(_, want)| want)
        {
            return Err(Error::MissingCommit {
                url: url.clone(),
                rev: want.source.clone(),
                source: None,
            });
        }
        let outcome = prepare.receive(progress.root(), interrupt).map_err(|err| {
            match missing_from_local_remote(url, wants) {
                Some(rev) => Error::MissingCommit {
                    url: url.clone(),
                    rev,
                    source: Some(err.into()),
                },
                None => classify(url, wants, err, false),
            }
        })?;
        let (objects, bytes) = match &outcome.status {
            Status::Change {
                write_pack_bundle, ..
            } => (
                write_pack_bundle.index.num_objects,
                write_pack_bundle
                    .data_path
                    .as_ref()
                    .and_then(|path| std::fs::metadata(path).ok())
                    .map_or(0, |meta| meta.len()),
            ),
            Status::NoPackReceived { .. } => (0, 0),
        };
        tracing::debug!(
            target: "repo_source::fetch",
            "received {objects} objects, {bytes} bytes of pack from `{}` in {:.2}s",
            crate::error::redact_url(url),
            started.elapsed().as_secs_f64()
        );
        progress.record_pack(u64::from(objects), bytes);
        Ok(())
    }

    /// The commit a want landed on.
    fn resolve(&self, want: &Want) -> Result<ObjectId, Error> {
        let missing = |source: Option<BoxError>| Error::MissingCommit {
            url: self.url.clone(),
            rev: want.source.clone(),
            source,
        };
        let mut reference = self
            .repo
            .find_reference(want.local.as_str())
            .map_err(|err| missing(Some(err.into())))?;
        let id = reference
            .peel_to_id()
            .map_err(|err| missing(Some(err.into())))?;
        let object = id.object().map_err(|err| missing(Some(err.into())))?;
        let commit = object
            .peel_to_commit()
            .map_err(|err| missing(Some(err.into())))?;
        Ok(commit.id)
    }

    fn into_tree(self, tree: ObjectId, memory: Option<gix::odb::memory::Storage>) -> git::Tree {
        git::Tree::new(self.repo.into_sync(), tree, memory, Some(self.dir))
    }

    /// A tree of a partial fetch, whose reads fetch the objects they miss from the remote.
    fn into_lazy_tree(
        self,
        tree: ObjectId,
        memory: Option<gix::odb::memory::Storage>,
        options: FetchOptions,
    ) -> git::Tree {
        let url = self.url.clone();
        git::Tree::new(self.repo.into_sync(), tree, memory, Some(self.dir))
            .fetching_from(url, options)
    }
}

/// Turns a gix fetch error into ours: a missing commit, an unreachable remote, a lost
/// connection, a reply that is not git's protocol, or another failed fetch.
pub(crate) fn classify(url: &str, wants: &[Want], err: gix::Error, connecting: bool) -> Error {
    let invalid_reply = err.is_validation() || err.is_corrupted();
    let mut texts = Vec::new();
    let mut unreachable = false;
    let mut lost = false;
    for error in err.iter_errors() {
        visit(error, 0, &mut |error| {
            texts.push(error.to_string());
            if let Some(io) = error.downcast_ref::<std::io::Error>() {
                use std::io::ErrorKind::*;
                unreachable |= matches!(
                    io.kind(),
                    ConnectionRefused
                        | HostUnreachable
                        | NetworkUnreachable
                        | AddrNotAvailable
                        | TimedOut
                        | NotFound
                );
                lost |= matches!(
                    io.kind(),
                    UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe
                );
            }
            if let Some(http) = error.downcast_ref::<reqwest::Error>() {
                unreachable |= http.is_connect() || http.is_timeout();
                lost |= http.is_request() || http.is_body();
            }
        });
    }
    let err: BoxError = err.into();
    let all = texts.join("\n");
    // What `git upload-pack` answers for a SHA it does not have (v2 and v0).
    if all.contains("not our ref") || all.contains("no such remote ref") {
        let rev = wants
            .iter()
            .find(|want| all.contains(&want.source))
            .map_or_else(
                || {
                    wants
                        .iter()
                        .map(|want| want.source.as_str())
                        .collect::<Vec<_>>()
                        .join("`, `")
                },
                |want| want.source.clone(),
            );
        return Error::MissingCommit {
            url: url.to_owned(),
            rev,
            source: Some(err),
        };
    }
    let url = url.to_owned();
    if connecting && unreachable {
        Error::Connect { url, source: err }
    } else if lost {
        Error::ConnectionLost { url, source: err }
    } else if invalid_reply {
        Error::InvalidReply { url, source: err }
    } else {
        Error::Fetch { url, source: err }
    }
}

/// For a remote on this machine (`file://` or a path), the first wanted SHA its object database
/// does not have.
///
/// `git upload-pack` answers an unknown SHA with an `ERR` line and exits while gix may still be
/// writing the rest of its request; gix then reports the broken pipe, not the `ERR`. Looking
/// into the repository itself gives the right answer whichever side of that race gix was on.
pub(crate) fn missing_from_local_remote(url: &str, wants: &[Want]) -> Option<String> {
    let parsed = gix::url::parse(gix::bstr::BStr::new(url)).ok()?;
    if parsed.scheme != gix::url::Scheme::File {
        return None;
    }
    let path = gix::path::from_bstring(parsed.path).ok()?;
    let repo = gix::open_opts(path, gix::open::Options::isolated()).ok()?;
    wants
        .iter()
        .filter_map(|want| Some((want, ObjectId::from_hex(want.source.as_bytes()).ok()?)))
        .find(|(_, id)| !repo.has_object(*id))
        .map(|(want, _)| want.source.clone())
}

/// Calls `f` on `error` and everything below it, including what an `io::Error` wraps (gix's HTTP
/// transport wraps reqwest's error, inside a gix error, in an `io::Error` whose `source()` skips
/// both).
fn visit(
    error: &(dyn std::error::Error + 'static),
    depth: usize,
    f: &mut dyn FnMut(&(dyn std::error::Error + 'static)),
) {
    if depth > 32 {
        return;
    }
    f(error);
    if let Some(inner) = error
        .downcast_ref::<std::io::Error>()
        .and_then(std::io::Error::get_ref)
    {
        visit(inner, depth + 1, f);
    }
    if let Some(nested) = error.downcast_ref::<gix::Error>() {
        for inner in nested.iter_errors() {
            visit(inner, depth + 1, f);
        }
    } else if let Some(source) = error.source() {
        visit(source, depth + 1, f);
    }
}

/// reqwest panics on the first https request unless a rustls crypto provider is installed; the
/// workspace shares kube's `ring`. Installing twice is harmless (the second call reports that one
/// is already installed, which is what we want).
fn install_crypto_provider() {
    let _already_installed = rustls::crypto::ring::default_provider().install_default();
}

/// Runs `job` on its own thread and waits for it until `options.deadline`, logging progress
/// every second when asked, and one summary line (at info level when `summary`, else debug).
/// Credentials in `url` are redacted from every error and from the log.
pub(crate) fn run_with_deadline<T: Send + 'static>(
    url: &str,
    options: &FetchOptions,
    summary: bool,
    job: impl FnOnce(&AtomicBool, &Tasks) -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    let secret = crate::error::Secret::of(url);
    let shown = crate::error::redact_url(url);
    let started = Instant::now();
    let interrupt = Arc::new(AtomicBool::new(false));
    let tasks = Tasks::default();
    let (sender, receiver) = mpsc::channel();
    {
        let interrupt = Arc::clone(&interrupt);
        let tasks = tasks.clone();
        std::thread::Builder::new()
            .name("repo-source-fetch".to_owned())
            .spawn(move || {
                // The receiver is gone after a deadline; the result (and its scratch directory)
                // is then dropped here.
                let _gone = sender.send(job(&interrupt, &tasks));
            })
            .map_err(|err| Error::Scratch {
                url: shown.clone(),
                source: err.into(),
            })?;
    }
    let tick = Duration::from_secs(1);
    loop {
        let wait = match options.deadline {
            Some(deadline) => deadline.saturating_duration_since(Instant::now()).min(tick),
            None => tick,
        };
        match receiver.recv_timeout(wait) {
            Ok(result) => {
                let (objects, bytes, rounds) = tasks.totals();
                let seconds = started.elapsed().as_secs_f64();
                if rounds > 0 && summary {
                    tracing::info!(
                        target: "repo_source::fetch",
                        "fetched {objects} objects, {bytes} bytes from `{shown}` in {rounds} round(s), {seconds:.2}s",
                    );
                } else if rounds > 0 {
                    tracing::debug!(
                        target: "repo_source::fetch",
                        "fetched {objects} objects, {bytes} bytes from `{shown}` in {rounds} round(s), {seconds:.2}s",
                    );
                }
                return result.map_err(|err| err.redacted(secret.as_ref()));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if options
                    .deadline
                    .is_some_and(|deadline| Instant::now() >= deadline)
                {
                    interrupt.store(true, Ordering::Relaxed);
                    return Err(Error::Deadline {
                        url: shown,
                        waited: started.elapsed(),
                    });
                }
                if options.progress {
                    tasks.log();
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Error::Fetch {
                    url: shown,
                    source: "the fetch stopped without a result (it panicked)".into(),
                });
            }
        }
    }
}
