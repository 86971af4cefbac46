//! The fetches of reads after a snapshot is made, each on a new connection within the caller's
//! deadline: the trees and blobs a partial fetch of ours left out ([`LazyObjects`]), and a blob
//! a partial clone of someone else's lacks ([`promisor`]). They implement the handles of
//! [`crate::fetcher`], which the git reader holds.

use gix::ObjectId;
use gix::odb::memory::Storage;
use gix::remote::fetch::Shallow;

use crate::error::{BoxError, Error};
use crate::fetcher::{BlobFetcher, ObjectFetcher};
use crate::url::RemoteUrl;

use super::by_id::{PREFETCH_ALLOC_LIMIT, prefetch_over};
use super::classify::fetch_error;
use super::deadline::run_with_deadline;
use super::location::check_url;
use super::rounds::{Rounds, with_partial_rounds};
use super::scratch::Scratch;
use super::session::{Failure, Request};
use super::spec::FetchOptions;
use super::want::Want;

/// Fetches by id from `url` into the scratch repository of a partial fetch.
pub(crate) struct LazyObjects {
    url: RemoteUrl,
    options: FetchOptions,
}

impl LazyObjects {
    pub(crate) fn new(url: RemoteUrl, options: FetchOptions) -> Self {
        LazyObjects { url, options }
    }
}

impl LazyObjects {
    /// Runs `job` on a new connection within the deadline, over the rounds of a partial
    /// session, in a thread-local view of `repo` (with `memory`); `None` when the server no
    /// longer offers partial fetches. A failure to connect names `wants`.
    fn in_session<T: Send + 'static>(
        &self,
        repo: &gix::ThreadSafeRepository,
        memory: Option<Storage>,
        wants: Vec<Want>,
        job: impl FnOnce(&mut Rounds<'_, '_, '_>, &gix::Repository) -> Result<T, Error> + Send + 'static,
    ) -> Result<Option<T>, Error> {
        let repo = repo.clone();
        let url = self.url.clone();
        run_with_deadline(
            &self.url,
            &self.options,
            false,
            move |interrupt, progress| {
                let mut repo = repo.to_thread_local();
                if let Some(memory) = memory {
                    repo.objects.set_object_memory(memory);
                }
                with_partial_rounds(&repo, &url, &wants, interrupt, progress, |rounds| {
                    job(rounds, &repo)
                })
            },
        )
    }
}

impl ObjectFetcher for LazyObjects {
    fn fetch_objects(
        &self,
        repo: &gix::ThreadSafeRepository,
        ids: Vec<ObjectId>,
        blob_limit: Option<u64>,
    ) -> Result<Result<(), u64>, Error> {
        let wants: Vec<Want> = ids
            .iter()
            .map(|id| Want::new(&id.to_string(), "object"))
            .collect();
        let fetched = self.in_session(repo, None, wants.clone(), move |rounds, repo| {
            let request = Request {
                first_blob_limit: blob_limit,
                // The header check refuses an oversized blob exactly; this bounds the memory of
                // what it cannot see (a tree, a blob that is not first), and never refuses a
                // buffer of gix's own for a small limit.
                alloc_limit: Some(
                    blob_limit
                        .and_then(|limit| usize::try_from(limit).ok())
                        .unwrap_or(0)
                        .max(PREFETCH_ALLOC_LIMIT),
                ),
                ..Request::objects(ids)
            };
            match rounds
                .session
                .fetch(repo, &request, rounds.progress, rounds.interrupt)
            {
                Ok(_) => Ok(Ok(())),
                Err(Failure::TooLarge(size)) => Ok(Err(size)),
                Err(failure) => Err(fetch_error(rounds.url, &wants, failure)),
            }
        })?;
        fetched.ok_or_else(|| Error::Fetch {
            url: self.url.clone(),
            source: "the server no longer offers partial fetches (`filter`)".into(),
        })
    }

    fn prefetch(
        &self,
        repo: &gix::ThreadSafeRepository,
        memory: Option<Storage>,
        root: ObjectId,
        paths: Vec<String>,
    ) -> Result<(), Error> {
        // A server that no longer offers partial fetches leaves every read its own round.
        self.in_session(repo, memory, Vec::new(), move |rounds, repo| {
            prefetch_over(rounds, repo, root, &paths)
        })
        .map(drop)
    }
}

/// The fetcher of the blobs a partial clone lacks, from its promisor remote `url`.
pub(crate) fn promisor(url: RemoteUrl, options: &FetchOptions) -> Box<dyn BlobFetcher> {
    Box::new(Promisor {
        url,
        options: options.clone(),
    })
}

struct Promisor {
    url: RemoteUrl,
    options: FetchOptions,
}

impl BlobFetcher for Promisor {
    fn remote(&self) -> &RemoteUrl {
        &self.url
    }

    /// Needs a server that allows wanting any object, as GitHub does and `git upload-pack` does
    /// with `uploadpack.allowAnySHA1InWant`.
    fn fetch_blob(&self, id: ObjectId, max_bytes: u64) -> Result<Result<Vec<u8>, u64>, Error> {
        check_url(&self.url)?;
        let url = self.url.clone();
        let scratch_parent = self.options.scratch_parent.clone();
        run_with_deadline(
            &self.url,
            &self.options,
            true,
            move |interrupt, progress| {
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
                    source: url.cause(source),
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
            },
        )
    }
}
