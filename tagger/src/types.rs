//! Typed `image.openshift.io/v1` resources: `ImageStream`, `ImageStreamTag`, `ImageStreamImage`.
//!
//! Only the fields the tagger reads or writes are modelled; serde ignores the rest of what the
//! server sends. Each type serializes its own `apiVersion` and `kind`, because a real apiserver
//! may refuse a body without them (k8s-openapi types do the same). The `kube::Resource` impls
//! are written by hand ([`crate::resource`]).

use std::collections::BTreeMap;

use kube::core::ObjectMeta;
use serde::{Deserialize, Serialize};

use crate::resource::openshift_resource;

/// The API group and version of every OpenShift image resource.
pub const API_VERSION: &str = "image.openshift.io/v1";

openshift_resource!(
    ImageStream,
    "image.openshift.io",
    "ImageStream",
    "imagestreams"
);
openshift_resource!(
    ImageStreamTag,
    "image.openshift.io",
    "ImageStreamTag",
    "imagestreamtags"
);
openshift_resource!(
    ImageStreamImage,
    "image.openshift.io",
    "ImageStreamImage",
    "imagestreamimages"
);

fn api_version() -> String {
    API_VERSION.to_owned()
}

/// A stream of images: spec tags (what should be tagged) and status tags (what was resolved).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStream {
    /// Always `image.openshift.io/v1`.
    #[serde(default = "api_version")]
    pub api_version: String,
    /// Always `ImageStream`.
    #[serde(default = "ImageStream::kind_name")]
    pub kind: String,
    /// Name, namespace, resourceVersion.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// What the stream should contain.
    #[serde(default)]
    pub spec: ImageStreamSpec,
    /// What the server resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ImageStreamStatus>,
}

impl ImageStream {
    fn kind_name() -> String {
        "ImageStream".to_owned()
    }

    /// An empty stream with the given lookup policy, ready to be created.
    pub fn new(namespace: &str, name: &str, local_lookup: bool) -> Self {
        ImageStream {
            api_version: api_version(),
            kind: Self::kind_name(),
            metadata: ObjectMeta {
                name: Some(name.to_owned()),
                namespace: Some(namespace.to_owned()),
                ..ObjectMeta::default()
            },
            spec: ImageStreamSpec {
                lookup_policy: Some(ImageLookupPolicy {
                    local: local_lookup,
                }),
                tags: Vec::new(),
            },
            status: None,
        }
    }

    /// The status entry of a tag, if the server has resolved it at least once.
    pub fn status_tag(&self, tag: &str) -> Option<&NamedTagEventList> {
        self.status.as_ref()?.tags.iter().find(|t| t.tag == tag)
    }
}

/// `ImageStream.spec`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStreamSpec {
    /// Whether pods in the namespace may use the stream's tags as image names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookup_policy: Option<ImageLookupPolicy>,
    /// The spec tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<TagReference>,
}

/// `lookupPolicy`: `local: true` lets pods and builds in the namespace refer to `pipeline:root`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageLookupPolicy {
    /// Resolve tags of this stream locally.
    #[serde(default)]
    pub local: bool,
}

/// A spec tag: where the tag's image comes from and how it is referenced.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagReference {
    /// The tag name (`root`).
    #[serde(default)]
    pub name: String,
    /// The source of the tag's image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<ObjectReference>,
    /// Which generation of the stream set this tag (set by the server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
    /// How the image is imported; only `importMode` is set by the tagger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_policy: Option<TagImportPolicy>,
    /// `Local` makes pulls go through the integrated registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_policy: Option<TagReferencePolicy>,
}

/// A reference to an image (`kind` is `ImageStreamImage`, `ImageStreamTag` or `DockerImage`):
/// the source of a tag, a build's input or output.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectReference {
    /// `ImageStreamImage`, `ImageStreamTag` or `DockerImage`.
    #[serde(default)]
    pub kind: String,
    /// The source namespace; absent means the namespace of the object that refers to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `<stream>@<digest>`, `<stream>:<tag>` or a pull spec.
    #[serde(default)]
    pub name: String,
}

impl std::fmt::Display for ObjectReference {
    /// `ImageStreamImage openshift/release@sha256:...`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) if !ns.is_empty() => write!(f, "{} {}/{}", self.kind, ns, self.name),
            _ => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

/// `tag.importPolicy`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagImportPolicy {
    /// `Legacy` or `PreserveOriginal` (keep manifest lists whole).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_mode: Option<String>,
    /// Re-import periodically (never set by the tagger).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled: Option<bool>,
}

/// `tag.referencePolicy`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagReferencePolicy {
    /// `Source` or `Local`.
    #[serde(rename = "type", default)]
    pub type_: String,
}

/// `ImageStream.status`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStreamStatus {
    /// The stream's repository in the integrated registry, as pods in the cluster pull it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub docker_image_repository: String,
    /// The same repository as seen from outside the cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_docker_image_repository: Option<String>,
    /// History per tag, newest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<NamedTagEventList>,
}

/// The resolution history of one tag.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NamedTagEventList {
    /// The tag name.
    #[serde(default)]
    pub tag: String,
    /// Resolved images, newest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<TagEvent>,
    /// Why the latest spec could not be resolved, if it could not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<TagEventCondition>,
}

/// One resolution of a tag.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagEvent {
    /// When the tag was resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// The pull spec recorded for the image.
    #[serde(default)]
    pub docker_image_reference: String,
    /// The image digest (`sha256:...`).
    #[serde(default)]
    pub image: String,
    /// The spec generation this event resolves.
    #[serde(default)]
    pub generation: i64,
}

/// A failure to resolve a tag.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagEventCondition {
    /// `ImportSuccess`.
    #[serde(rename = "type", default)]
    pub type_: String,
    /// `True`, `False` or `Unknown`.
    #[serde(default)]
    pub status: String,
    /// A machine-readable reason (`NotFound`).
    #[serde(default)]
    pub reason: String,
    /// What went wrong.
    #[serde(default)]
    pub message: String,
    /// The spec generation the condition is about.
    #[serde(default)]
    pub generation: i64,
}

/// A tag of a stream, seen on its own: the spec tag, the stream's lookup policy and the image.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStreamTag {
    /// Always `image.openshift.io/v1`.
    #[serde(default = "api_version")]
    pub api_version: String,
    /// Always `ImageStreamTag`.
    #[serde(default = "ImageStreamTag::kind_name")]
    pub kind: String,
    /// Name `<stream>:<tag>`, namespace.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The spec tag; absent for a tag that only exists in status (a push).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<TagReference>,
    /// The stream's lookup policy (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookup_policy: Option<ImageLookupPolicy>,
    /// Why the tag is not resolved, if it is not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<TagEventCondition>,
    /// The resolved image; absent or nameless while the tag is not resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
}

impl ImageStreamTag {
    fn kind_name() -> String {
        "ImageStreamTag".to_owned()
    }

    /// An object to create: `<stream>:<tag>` in `namespace`, with the given spec tag.
    pub fn new(namespace: &str, stream: &str, tag: TagReference) -> Self {
        ImageStreamTag {
            api_version: api_version(),
            kind: Self::kind_name(),
            metadata: ObjectMeta {
                name: Some(format!("{stream}:{}", tag.name)),
                namespace: Some(namespace.to_owned()),
                ..ObjectMeta::default()
            },
            tag: Some(tag),
            lookup_policy: None,
            conditions: Vec::new(),
            image: None,
        }
    }

    /// The digest of the resolved image (`image.metadata.name`), if resolved.
    pub fn digest(&self) -> Option<&str> {
        self.image
            .as_ref()?
            .metadata
            .name
            .as_deref()
            .filter(|d| !d.is_empty())
    }

    /// The labels of the resolved image (`image.dockerImageMetadata.Config.Labels`).
    pub fn labels(&self) -> Option<&BTreeMap<String, String>> {
        self.image
            .as_ref()?
            .docker_image_metadata
            .as_ref()?
            .config
            .as_ref()?
            .labels
            .as_ref()
    }
}

/// An image, as embedded in an `ImageStreamTag` or `ImageStreamImage`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    /// `name` is the digest.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The pull spec; in a tag with `referencePolicy: Local`, through the integrated registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_image_reference: Option<String>,
    /// The image config, as Docker wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_image_metadata: Option<DockerImageMetadata>,
}

/// `dockerImageMetadata` (Docker's capitalised keys).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DockerImageMetadata {
    /// The container config.
    #[serde(rename = "Config", default, skip_serializing_if = "Option::is_none")]
    pub config: Option<DockerConfig>,
}

/// `dockerImageMetadata.Config`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DockerConfig {
    /// The image labels.
    #[serde(rename = "Labels", default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
}

/// An image of a stream addressed by digest (`<stream>@<digest>`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStreamImage {
    /// Always `image.openshift.io/v1`.
    #[serde(default = "api_version")]
    pub api_version: String,
    /// Always `ImageStreamImage`.
    #[serde(default = "ImageStreamImage::kind_name")]
    pub kind: String,
    /// Name `<stream>@<digest>`, namespace.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The image.
    #[serde(default)]
    pub image: Image,
}

impl ImageStreamImage {
    fn kind_name() -> String {
        "ImageStreamImage".to_owned()
    }
}
