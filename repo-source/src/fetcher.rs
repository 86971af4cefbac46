//! The handles through which reads fetch what a repository lacks, so that the git reader needs
//! no fetch code: the `remote` module implements them and gives them to [`crate::git::Tree`].

use gix::ObjectId;
use gix::odb::memory::Storage;

use crate::error::Error;
use crate::url::RemoteUrl;

/// Fetches trees and blobs by id into the scratch repository of a partial fetch of ours.
pub(crate) trait ObjectFetcher: Send + Sync {
    /// Fetches the objects `ids` into `repo` in one round, refusing a first blob over
    /// `blob_limit` from its pack header: `Ok(Err(size))`.
    fn fetch_objects(
        &self,
        repo: &gix::ThreadSafeRepository,
        ids: Vec<ObjectId>,
        blob_limit: Option<u64>,
    ) -> Result<Result<(), u64>, Error>;

    /// Fetches into `repo`, in as few rounds as their depth needs, the trees and blobs of
    /// `paths` under the tree `root` (which may be in `memory`) that `repo` lacks.
    fn prefetch(
        &self,
        repo: &gix::ThreadSafeRepository,
        memory: Option<Storage>,
        root: ObjectId,
        paths: Vec<String>,
    ) -> Result<(), Error>;
}

/// Fetches a blob a partial clone of someone else's lacks, from its promisor remote, into a
/// scratch directory of its own.
pub(crate) trait BlobFetcher: Send + Sync {
    /// The remote, for messages.
    fn remote(&self) -> &RemoteUrl;

    /// The blob `id`, or `Ok(Err(size))` when it is over `max_bytes` (it is then not read).
    fn fetch_blob(&self, id: ObjectId, max_bytes: u64) -> Result<Result<Vec<u8>, u64>, Error>;
}
