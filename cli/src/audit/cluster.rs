//! `--kubeconfig`: does each root's imagestreamtag exist in the cluster?
//!
//! Each distinct root is read once (`GET imagestreamtags/<name>:<tag>`), however many configs
//! name it, several at once. Only reads: the audit never writes to a cluster.
//!
//! A missing tag explains itself through the tagger (the nearest existing tags, a missing
//! stream, or the import condition of a tag without an image), as it does for `run`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use config_model::ImageStreamTag;

use super::text::chain;

/// What the cluster says of one root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// The tag exists.
    Exists,
    /// It does not: why, for the verdict's reason.
    Missing(String),
    /// The cluster could not say (API error, authorisation, deadline).
    Failed(String),
}

/// Reads every root in `roots` from the cluster of `kubeconfig`, at most `jobs` at once, each
/// within `timeout`.
pub(crate) async fn lookup_all(
    kubeconfig: &Path,
    roots: BTreeSet<ImageStreamTag>,
    jobs: usize,
    timeout: Duration,
) -> Result<BTreeMap<ImageStreamTag, Lookup>, tagger::Error> {
    let client = tagger::client_from(Some(kubeconfig)).await?;
    let permits = Arc::new(tokio::sync::Semaphore::new(jobs.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for root in roots {
        let client = client.clone();
        let permits = permits.clone();
        let options = tagger::Options {
            timeout,
            ..tagger::Options::default()
        };
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let lookup = match tokio::time::timeout(timeout, lookup(&client, &root, &options)).await
            {
                Ok(lookup) => lookup,
                Err(_) => Lookup::Failed(format!(
                    "reading imagestreamtag `{root}` took longer than {}s",
                    timeout.as_secs()
                )),
            };
            (root, lookup)
        });
    }
    let mut found = BTreeMap::new();
    while let Some(joined) = tasks.join_next().await {
        if let Ok((root, lookup)) = joined {
            found.insert(root, lookup);
        }
    }
    Ok(found)
}

async fn lookup(client: &kube::Client, root: &ImageStreamTag, options: &tagger::Options) -> Lookup {
    // The tagger's digest read is the one a job's `run` makes; on a 404, or a tag without an
    // image, it reads the ImageStream once and names the nearest tags, or says the stream is
    // missing, or quotes the import condition.
    match tagger::image_digests(client, std::slice::from_ref(root), options).await {
        Ok(_) => Lookup::Exists,
        Err(tagger::Error::TagMissing(missing)) => Lookup::Missing(missing.to_string()),
        Err(error) => Lookup::Failed(format!(
            "could not read imagestreamtag `{root}`: {}",
            chain(&error)
        )),
    }
}
