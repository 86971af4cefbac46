//! Mapping an image pull spec to the imagestreamtag it names on the CI registries.
//!
//! `registry.ci.openshift.org/<ns>/<name>[:<tag>]` (and the decommissioned
//! `registry.svc.ci.openshift.org`) name `<ns>/<name>:<tag>`, the tag defaulting to `latest`;
//! `quay-proxy.ci.openshift.org/openshift/ci:<ns>_<name>_<tag>` names the same thing in QCI,
//! where namespace, name and tag are joined by `_` (namespaces never contain `_`; tags may,
//! and so may image stream names, though CI's do not: the tag is everything after the second
//! `_`, as ci-tools decodes it). Everything else names no imagestreamtag.
//!
//! Whether the namespace, name and tag found are valid is config-model's rule
//! ([`ImageStreamTag::new`]), the one every crate uses; this file only knows the registries.

use config_model::ImageStreamTag;

/// The CI registries whose paths are `<namespace>/<name>`.
const CI_REGISTRIES: [&str; 2] = ["registry.ci.openshift.org", "registry.svc.ci.openshift.org"];

/// The QCI proxy, whose one repository encodes the imagestreamtag in the tag.
const QCI_PROXY: &str = "quay-proxy.ci.openshift.org/openshift/ci";

/// Why a pull spec names no imagestreamtag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NotIst {
    /// Another registry, or Docker Hub.
    NotCiRegistry,
    /// A `@sha256:...` reference.
    Digest,
    /// On a CI registry, but not in the `<namespace>/<name>[:<tag>]` form, or with a member
    /// that breaks OpenShift's rules; the text says why (the rule).
    Malformed(&'static str),
    /// Empty after expansion.
    Empty,
}

/// Why a pull spec names no imagestreamtag (see [`pullspec_image_stream_tag`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PullSpecError {
    /// Another registry than the CI registries and the QCI proxy, or Docker Hub.
    #[error("the image is not on a CI registry")]
    NotCiRegistry,
    /// A `@sha256:...` reference, which names an image, not a tag.
    #[error("a reference by digest names no imagestreamtag")]
    Digest,
    /// On a CI registry, but not in the `<namespace>/<name>[:<tag>]` form, or with a
    /// namespace, name or tag that breaks OpenShift's rules.
    #[error("not an imagestreamtag reference: {why}")]
    Malformed {
        /// What the form should be.
        why: &'static str,
    },
    /// The pull spec is empty.
    #[error("the pull spec is empty")]
    Empty,
}

impl From<NotIst> for PullSpecError {
    fn from(not: NotIst) -> Self {
        match not {
            NotIst::NotCiRegistry => PullSpecError::NotCiRegistry,
            NotIst::Digest => PullSpecError::Digest,
            NotIst::Malformed(why) => PullSpecError::Malformed { why },
            NotIst::Empty => PullSpecError::Empty,
        }
    }
}

/// The imagestreamtag an image pull spec names on the CI registries:
/// `registry.ci.openshift.org/<ns>/<name>[:<tag>]` (and the decommissioned
/// `registry.svc.ci.openshift.org`) name `<ns>/<name>:<tag>`, the tag defaulting to `latest`;
/// `quay-proxy.ci.openshift.org/openshift/ci:<ns>_<name>_<tag>` names the same in QCI.
///
/// ```
/// let ist = resolver::pullspec_image_stream_tag(
///     "registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.24-openshift-4.20",
/// )
/// .unwrap();
/// assert_eq!(ist.to_string(), "ocp/builder:rhel-9-golang-1.24-openshift-4.20");
/// let qci = resolver::pullspec_image_stream_tag(
///     "quay-proxy.ci.openshift.org/openshift/ci:ocp_4.20_base-rhel9",
/// );
/// assert_eq!(qci.unwrap().to_string(), "ocp/4.20:base-rhel9");
/// assert_eq!(
///     resolver::pullspec_image_stream_tag("docker.io/library/golang:1.24"),
///     Err(resolver::PullSpecError::NotCiRegistry)
/// );
/// ```
///
/// # Errors
///
/// [`PullSpecError`] says why the pull spec names no imagestreamtag.
pub fn pullspec_image_stream_tag(pullspec: &str) -> Result<ImageStreamTag, PullSpecError> {
    to_image_stream_tag(pullspec).map_err(PullSpecError::from)
}

/// The imagestreamtag a pull spec names, or why it names none.
pub(crate) fn to_image_stream_tag(pullspec: &str) -> Result<ImageStreamTag, NotIst> {
    if pullspec.is_empty() {
        return Err(NotIst::Empty);
    }
    if pullspec.contains('@') {
        return Err(NotIst::Digest);
    }
    if let Some(tag) = pullspec.strip_prefix(QCI_PROXY) {
        let Some(tag) = tag.strip_prefix(':') else {
            return Err(if tag.is_empty() {
                NotIst::Malformed("a QCI reference needs a `<namespace>_<name>_<tag>` tag")
            } else {
                NotIst::NotCiRegistry
            });
        };
        let mut parts = tag.splitn(3, '_');
        let (Some(namespace), Some(name), Some(tag)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(NotIst::Malformed("a QCI tag is `<namespace>_<name>_<tag>`"));
        };
        return checked(namespace, name, tag);
    }
    let Some((host, path)) = pullspec.split_once('/') else {
        return Err(NotIst::NotCiRegistry);
    };
    if !CI_REGISTRIES.contains(&host) {
        return Err(NotIst::NotCiRegistry);
    }
    let (repository, tag) = match path.rsplit_once(':') {
        Some((repository, tag)) => (repository, tag),
        None => (path, "latest"),
    };
    let Some((namespace, name)) = repository.split_once('/') else {
        return Err(NotIst::Malformed(
            "an image on a CI registry is `<namespace>/<name>[:<tag>]`",
        ));
    };
    if name.contains('/') {
        return Err(NotIst::Malformed(
            "an image on a CI registry is `<namespace>/<name>[:<tag>]`",
        ));
    }
    checked(namespace, name, tag)
}

/// The checked imagestreamtag; a member that breaks OpenShift's rules makes the reference
/// malformed, with the rule as the reason.
fn checked(namespace: &str, name: &str, tag: &str) -> Result<ImageStreamTag, NotIst> {
    ImageStreamTag::new(namespace, name, tag).map_err(|invalid| NotIst::Malformed(invalid.problem))
}

#[cfg(test)]
mod tests;
