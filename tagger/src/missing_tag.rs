//! The cluster explains a missing tag: one read of the ImageStream of an imagestreamtag that
//! does not exist (or has no image) says whether the stream is missing, which existing tags are
//! closest, or why the import failed.
//!
//! Only failure paths call this: a successful tag never pays the extra request.

pub(crate) mod finding;

use config_model::ImageStreamTag;
use kube::Resource;
use kube::api::GetParams;
use tokio::time::Instant;

use crate::Options;
use crate::api::{Answer, Cluster, Target, Verb};
use crate::types::ImageStream;

pub use finding::{MAX_SUGGESTIONS, MissingTag, TagFinding, nearest_tags};

/// Reads the ImageStream of `tag` once and says why `tag` cannot be used.
///
/// Never fails: when the stream cannot be read either, the finding says so
/// ([`TagFinding::Unexplained`]). The read is retried like any other within `options.timeout`.
pub async fn explain_missing_tag(
    client: &kube::Client,
    tag: &ImageStreamTag,
    options: &Options,
) -> MissingTag {
    let cluster = Cluster::new(client, options, Instant::now() + options.timeout);
    explain(&cluster, tag).await
}

/// [`explain_missing_tag`] within a run's deadline.
pub(crate) async fn explain(cluster: &Cluster<'_>, tag: &ImageStreamTag) -> MissingTag {
    let finding = match read_stream(cluster, tag).await {
        Ok(Some(stream)) => finding_from(&stream, tag.tag()),
        Ok(None) => TagFinding::StreamMissing,
        Err(problem) => TagFinding::Unexplained { problem },
    };
    MissingTag {
        tag: tag.clone(),
        finding,
    }
}

/// The stream, `None` when it does not exist, or why it could not be read.
async fn read_stream(
    cluster: &Cluster<'_>,
    tag: &ImageStreamTag,
) -> Result<Option<ImageStream>, String> {
    let target = Target {
        verb: Verb::Get,
        kind: "imagestream",
        namespace: tag.namespace(),
        name: tag.name(),
    };
    let path = ImageStream::url_path(&(), Some(tag.namespace()));
    let build = || kube::core::Request::new(path.as_str()).get(tag.name(), &GetParams::default());
    match cluster.send::<ImageStream>(target, &build).await {
        Ok(Answer::Ok(stream)) => Ok(Some(stream)),
        Ok(Answer::Failed(status)) if status.code == 404 => Ok(None),
        Ok(Answer::Failed(status)) => Err(target.error(status).to_string()),
        Err(err) => Err(err.to_string()),
    }
}

/// What the stream says about `wanted`.
fn finding_from(stream: &ImageStream, wanted: &str) -> TagFinding {
    let status = stream.status_tag(wanted);
    if status.is_some_and(|s| s.items.first().is_some_and(|e| !e.image.is_empty())) {
        return TagFinding::Appeared;
    }
    let in_spec = stream.spec.tags.iter().any(|t| t.name == wanted);
    if in_spec || status.is_some() {
        // The newest failing condition; OpenShift keeps one per tag.
        let condition = status.and_then(|s| {
            s.conditions
                .iter()
                .filter(|c| c.status != "True")
                .max_by_key(|c| c.generation)
        });
        let text = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
        return TagFinding::NotImported {
            reason: condition.and_then(|c| text(&c.reason)),
            message: condition.and_then(|c| text(&c.message)),
        };
    }
    let mut names: Vec<&str> = stream.spec.tags.iter().map(|t| t.name.as_str()).collect();
    if let Some(status) = &stream.status {
        names.extend(status.tags.iter().map(|t| t.tag.as_str()));
    }
    names.sort_unstable();
    names.dedup();
    TagFinding::TagMissing {
        nearest: nearest_tags(wanted, names.iter().copied()),
        tags: names.len(),
    }
}

#[cfg(test)]
mod tests;
