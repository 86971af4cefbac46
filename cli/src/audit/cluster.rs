//! `--kubeconfig`: does each root's imagestreamtag exist in the cluster?
//!
//! Each distinct root is read once (`GET imagestreamtags/<name>:<tag>`), however many configs
//! name it, several at once. Only reads: the audit never writes to a cluster.
//!
//! SEAM(missing-tag explanation): a 404 is reported as plain "not found" here. The tagger is
//! getting a function that, on that 404, reads the ImageStream once and names the nearest
//! existing tags (or says the stream itself is missing, or quotes the import condition);
//! [`explain_missing`] is the one place to call it from.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use config_model::ImageStreamTag;
use tagger::types;

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
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let lookup = match tokio::time::timeout(timeout, lookup(&client, &root)).await {
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

async fn lookup(client: &kube::Client, root: &ImageStreamTag) -> Lookup {
    let api: kube::Api<types::ImageStreamTag> =
        kube::Api::namespaced(client.clone(), root.namespace());
    match api
        .get_opt(&format!("{}:{}", root.name(), root.tag()))
        .await
    {
        Ok(Some(_)) => Lookup::Exists,
        Ok(None) => Lookup::Missing(explain_missing(root)),
        Err(error) => Lookup::Failed(format!(
            "could not read imagestreamtag `{root}`: {}",
            chain(&error)
        )),
    }
}

/// Why `root` is missing, for the `tag-missing` verdict (see the module's SEAM note).
fn explain_missing(root: &ImageStreamTag) -> String {
    format!(
        "imagestreamtag `{}:{}` not found in namespace `{}`",
        root.name(),
        root.tag(),
        root.namespace()
    )
}
