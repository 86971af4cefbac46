//! What every API group of the fake shares: the accepted token, the user named in 403s, the one
//! timestamp, and the counters behind `resourceVersion` and `uid`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The bearer token the fake accepts.
pub const TOKEN: &str = "fake-token";
/// The user named in 403 messages.
pub const USER: &str = "system:serviceaccount:ci:ci-operator";
/// Every timestamp the fake writes (deterministic snapshots).
pub const TIMESTAMP: &str = "2026-01-01T00:00:00Z";

/// Cluster-wide counters, shared by the store of every group: resource versions grow across all
/// objects (as etcd's revision does) and uids never repeat.
#[derive(Clone, Default)]
pub(crate) struct Counters {
    resource_version: Arc<AtomicU64>,
    uid: Arc<AtomicU64>,
}

impl Counters {
    /// The next resource version (the first is 1).
    pub(crate) fn next_resource_version(&self) -> u64 {
        self.resource_version.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// The latest resource version handed out (a list's `metadata.resourceVersion`).
    pub(crate) fn resource_version(&self) -> u64 {
        self.resource_version.load(Ordering::SeqCst)
    }

    /// A new uid: `00000000-0000-0000-0000-<12 digits>`.
    pub(crate) fn next_uid(&self) -> String {
        let uid = self.uid.fetch_add(1, Ordering::SeqCst) + 1;
        format!("00000000-0000-0000-0000-{uid:012}")
    }
}
