//! The rounds of one partial fetch: each is a request sent through the open session, its
//! failure put in our terms for the remote.

use std::sync::atomic::AtomicBool;

use crate::error::Error;
use crate::url::RemoteUrl;

use super::classify::{classify, fetch_error};
use super::progress::Tasks;
use super::scratch::gix_remote;
use super::session::{Received, Request, Session};
use super::want::Want;

/// An open session to `url`, with what each of its requests needs.
pub(crate) struct Rounds<'a, 'remote, 'repo> {
    pub(crate) session: &'a mut Session<'remote, 'repo>,
    pub(crate) url: &'a RemoteUrl,
    pub(crate) interrupt: &'a AtomicBool,
    pub(crate) progress: &'a Tasks,
}

impl Rounds<'_, '_, '_> {
    /// Sends `request` and writes what it receives into `repo`; a failure names `wants` where
    /// the server says it lacks one.
    pub(crate) fn fetch(
        &mut self,
        repo: &gix::Repository,
        request: &Request,
        wants: &[Want],
    ) -> Result<Received, Error> {
        self.session
            .fetch(repo, request, self.progress, self.interrupt)
            .map_err(|failure| fetch_error(self.url, wants, failure))
    }
}

/// Connects to `url` from `repo` (a failure to connect names `wants`) and runs `job` over the
/// rounds of that session; `None`, without running it, when the server does not offer partial
/// fetches.
pub(crate) fn with_partial_rounds<T>(
    repo: &gix::Repository,
    url: &RemoteUrl,
    wants: &[Want],
    interrupt: &AtomicBool,
    progress: &Tasks,
    job: impl FnOnce(&mut Rounds<'_, '_, '_>) -> Result<T, Error>,
) -> Result<Option<T>, Error> {
    let remote = gix_remote(repo, url, wants)?;
    let mut session =
        Session::connect(&remote, progress).map_err(|err| classify(url, wants, err, true))?;
    if !session.supports_partial() {
        return Ok(None);
    }
    job(&mut Rounds {
        session: &mut session,
        url,
        interrupt,
        progress,
    })
    .map(Some)
}

/// The root tree of `commit`, which a round must have sent.
pub(crate) fn root_tree(
    repo: &gix::Repository,
    commit: gix::ObjectId,
    url: &RemoteUrl,
) -> Result<gix::ObjectId, Error> {
    let read = || -> Result<gix::ObjectId, crate::error::BoxError> {
        let tree = repo.find_commit(commit)?.tree_id()?.detach();
        if !repo.has_object(tree) {
            return Err(format!("the root tree {tree} of {commit} was not sent").into());
        }
        Ok(tree)
    };
    read().map_err(|source| Error::Fetch {
        url: url.clone(),
        source: url.cause(source),
    })
}

/// The commit an id names (a commit, or a tag of one).
pub(crate) fn peel_to_commit(
    repo: &gix::Repository,
    id: gix::ObjectId,
) -> Result<gix::ObjectId, crate::error::BoxError> {
    let object = repo.find_object(id)?;
    Ok(object.peel_to_commit()?.id)
}
