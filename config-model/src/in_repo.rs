//! `.ci-operator.yaml`, the in-repo file that names a repository's build root.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::config::ImageStreamTagReference;
use crate::position::Located;

/// The file name of the in-repo file, at the repository root.
pub const IN_REPO_FILE_NAME: &str = ".ci-operator.yaml";

/// The contents of `.ci-operator.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
pub struct InRepoConfig {
    /// The build root the repository asks for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_root_image: Option<Located<BuildRootImage>>,
}

/// `build_root_image`: either an imagestreamtag (option A) or "infer it from a Dockerfile"
/// (option B, chosen by the repository). Validation refuses a file that says both.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
pub struct BuildRootImage {
    /// Namespace of the image stream (option A).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<Located<String>>,
    /// Name of the image stream (option A).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Located<String>>,
    /// Tag (option A).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<Located<String>>,
    /// Infer the root from a Dockerfile of the config's `images` (option B).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_dockerfile: Option<Located<FromDockerfile>>,
}

impl BuildRootImage {
    /// The imagestreamtag, when namespace, name and tag are all given.
    pub fn image_stream_tag(&self) -> Option<ImageStreamTagReference> {
        match (&self.namespace, &self.name, &self.tag) {
            (Some(namespace), Some(name), Some(tag)) => Some(ImageStreamTagReference {
                namespace: namespace.clone(),
                name: name.clone(),
                tag: tag.clone(),
            }),
            _ => None,
        }
    }
}

/// `build_root_image.from_dockerfile`: which image and stage to infer the root from. Both are
/// optional; the resolver's rules fill in what is missing.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
pub struct FromDockerfile {
    /// An `images[].to` of the config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Located<String>>,
    /// A stage name, or a 0-based stage index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Located<StageRef>>,
}

/// A Dockerfile stage, by `AS` name or by 0-based index.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum StageRef {
    /// The stage's position in the file, from 0.
    Index(usize),
    /// The stage's `AS` name.
    Name(String),
}
