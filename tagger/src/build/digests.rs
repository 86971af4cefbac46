//! The current digests of the key's base images: one GET each, concurrently; a missing one
//! explains itself.

use std::collections::BTreeMap;

use config_model::ImageStreamTag;
use tokio::time::Instant;

use crate::Options;
use crate::api::Cluster;
use crate::error::Error;
use crate::pin::read_explained;

pub(crate) async fn image_digests(
    client: &kube::Client,
    tags: &[ImageStreamTag],
    options: &Options,
) -> Result<BTreeMap<ImageStreamTag, String>, Error> {
    let cluster = Cluster::new(client, options, Instant::now() + options.timeout);
    let mut unique: Vec<&ImageStreamTag> = tags.iter().collect();
    unique.sort();
    unique.dedup();
    let reads = unique.iter().map(|tag| async {
        let (_, digest) = read_explained(&cluster, tag).await?;
        Ok::<_, Error>(((*tag).clone(), digest))
    });
    let found = futures::future::try_join_all(reads).await?;
    Ok(found.into_iter().collect())
}
