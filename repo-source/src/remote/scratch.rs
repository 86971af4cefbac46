//! The scratch repository a fetch writes into, a bare repository in a temporary directory
//! owned by the resulting [`Snapshot`](crate::Snapshot) (so it is removed when that is dropped,
//! or at once on error), and the gix remote that fetches into it.

use std::collections::HashSet;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use gix::ObjectId;
use gix::odb::memory::Storage;
use gix::remote::Direction;
use gix::remote::fetch::{Shallow, Status, Tags};
use tempfile::TempDir;

use crate::error::{BoxError, Error};
use crate::git;
use crate::url::RemoteUrl;

use super::classify::{classify, missing_from_local_remote};
use super::progress::Tasks;
use super::want::{Want, check_wants};

/// A remote for `url` in `repo`, fetching no tags, with the crypto provider installed.
pub(crate) fn gix_remote<'repo>(
    repo: &'repo gix::Repository,
    url: &RemoteUrl,
    wants: &[Want],
) -> Result<gix::Remote<'repo>, Error> {
    install_crypto_provider();
    let invalid = |source: BoxError| Error::InvalidLocation {
        location: url.to_string(),
        source: Some(url.cause(source)),
    };
    repo.remote_at(url.expose())
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

/// A bare repository in a temporary directory.
pub(crate) struct Scratch {
    url: RemoteUrl,
    pub(crate) repo: gix::Repository,
    dir: TempDir,
}

impl Scratch {
    pub(crate) fn new(url: &RemoteUrl, parent: Option<PathBuf>) -> Result<Scratch, Error> {
        let scratch_error = |source: BoxError| Error::Scratch {
            url: url.clone(),
            source: url.cause(source),
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
            url: url.clone(),
            repo,
            dir,
        })
    }

    /// Fetches `wants` with gix's porcelain (all files), `shallow` as asked.
    pub(crate) fn fetch(
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
        let remote = gix_remote(&self.repo, url, wants)?;
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
                    source: Some(url.cause(err)),
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
            url,
            started.elapsed().as_secs_f64()
        );
        progress.record_pack(u64::from(objects), bytes);
        Ok(())
    }

    /// Fetches `wants` with all their files, one commit deep, and returns the commit of each.
    pub(crate) fn fetch_full(
        &self,
        wants: &[Want],
        interrupt: &AtomicBool,
        progress: &Tasks,
    ) -> Result<Vec<ObjectId>, Error> {
        self.fetch(
            wants,
            Shallow::DepthAtRemote(NonZeroU32::MIN),
            interrupt,
            progress,
        )?;
        wants.iter().map(|want| self.commit_of(want)).collect()
    }

    /// The commit a want landed on.
    pub(crate) fn commit_of(&self, want: &Want) -> Result<ObjectId, Error> {
        let missing = |source: Option<BoxError>| Error::MissingCommit {
            url: self.url.clone(),
            rev: want.source.clone(),
            source: source.map(|source| self.url.cause(source)),
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

    /// The tree `tree` of this repository (with `memory`, the objects made in memory), which
    /// owns the scratch directory from now on.
    pub(crate) fn into_tree(self, tree: ObjectId, memory: Option<Storage>) -> git::Tree {
        git::Tree::new(self.repo.into_sync(), tree, memory, Some(self.dir))
    }
}

/// reqwest panics on the first https request unless a rustls crypto provider is installed; the
/// workspace shares kube's `ring`. Installing twice is harmless (the second call reports that one
/// is already installed, which is what we want).
fn install_crypto_provider() {
    let _already_installed = rustls::crypto::ring::default_provider().install_default();
}
