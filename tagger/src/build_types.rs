//! Typed `build.openshift.io/v1` resources: `BuildConfig` and `Build`.
//!
//! Only the fields a root build writes or reads are modelled (binary source, Docker strategy,
//! image inputs, output, phase and output digest); serde ignores the rest of what the server
//! sends. As in [`crate::types`], each type serializes its own `apiVersion` and `kind`, the
//! `kube::Resource` impls are written by hand ([`crate::resource`]), and an image is referred to
//! by [`ObjectReference`].

use std::collections::BTreeMap;

use kube::core::ObjectMeta;
use serde::{Deserialize, Serialize};

use crate::resource::openshift_resource;
use crate::types::ObjectReference;

/// The API group and version of the build resources.
pub const BUILD_API_VERSION: &str = "build.openshift.io/v1";

/// The label OpenShift puts on every Build of a BuildConfig (value: the BuildConfig's name).
pub const BUILD_CONFIG_LABEL: &str = "openshift.io/build-config.name";

/// The annotation OpenShift puts on every Build: its number within the BuildConfig.
pub const BUILD_NUMBER_ANNOTATION: &str = "openshift.io/build.number";

openshift_resource!(
    BuildConfig,
    "build.openshift.io",
    "BuildConfig",
    "buildconfigs"
);
openshift_resource!(Build, "build.openshift.io", "Build", "builds");

fn api_version() -> String {
    BUILD_API_VERSION.to_owned()
}

fn build_config_kind() -> String {
    "BuildConfig".to_owned()
}

fn build_kind() -> String {
    "Build".to_owned()
}

/// A recipe for builds; each `instantiatebinary` makes one [`Build`] of it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildConfig {
    /// Always `build.openshift.io/v1`.
    #[serde(default = "api_version")]
    pub api_version: String,
    /// Always `BuildConfig`.
    #[serde(default = "build_config_kind")]
    pub kind: String,
    /// Name (the build key), namespace, labels, annotations, resourceVersion.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// What every build of it does.
    #[serde(default)]
    pub spec: BuildSpec,
    /// `lastVersion`: the number of the newest build started from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<BuildConfigStatus>,
}

impl BuildConfig {
    /// A BuildConfig to create.
    pub fn new(metadata: ObjectMeta, spec: BuildSpec) -> Self {
        BuildConfig {
            api_version: api_version(),
            kind: build_config_kind(),
            metadata,
            spec,
            status: None,
        }
    }

    /// `status.lastVersion`, 0 before the first build.
    pub fn last_version(&self) -> i64 {
        self.status.as_ref().map_or(0, |s| s.last_version)
    }
}

/// `BuildConfig.status`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildConfigStatus {
    /// The number of the newest build started from the BuildConfig.
    #[serde(default)]
    pub last_version: i64,
}

/// The part of `BuildConfig.spec` and `Build.spec` a root build uses (`CommonSpec`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildSpec {
    /// Where the context comes from: `Binary`, with image inputs and maybe a literal Dockerfile.
    #[serde(default)]
    pub source: BuildSource,
    /// How to build: `Docker`.
    #[serde(default)]
    pub strategy: BuildStrategy,
    /// Where the image goes.
    #[serde(default)]
    pub output: BuildOutput,
}

/// `spec.source`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildSource {
    /// `Binary`: the context is uploaded with `instantiatebinary`.
    #[serde(rename = "type", default)]
    pub type_: String,
    /// Present (empty) for a binary source: the upload is an archive, not a single file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary: Option<BinaryBuildSource>,
    /// A literal Dockerfile (`dockerfile_literal`), used instead of a file of the context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dockerfile: Option<String>,
    /// Images whose `FROM`s the build replaces (`inputs.<name>.as`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<ImageSource>,
}

/// `source.binary`: empty, as `oc start-build --from-dir` leaves it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BinaryBuildSource {
    /// Set only when the upload is one file; never for a root build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_file: Option<String>,
}

/// One entry of `source.images`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageSource {
    /// The image: an `ImageStreamTag` with its namespace.
    #[serde(default)]
    pub from: ObjectReference,
    /// The `FROM` names this image replaces.
    #[serde(rename = "as", default, skip_serializing_if = "Vec::is_empty")]
    pub as_: Vec<String>,
}

/// `spec.strategy`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildStrategy {
    /// `Docker`.
    #[serde(rename = "type", default)]
    pub type_: String,
    /// The Docker strategy's options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_strategy: Option<DockerBuildStrategy>,
}

/// `strategy.dockerStrategy`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DockerBuildStrategy {
    /// The Dockerfile's path relative to the context (absent with a literal Dockerfile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dockerfile_path: Option<String>,
    /// `--build-arg`s, sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub build_args: Vec<BuildArg>,
}

/// One build argument (a Kubernetes `EnvVar` with a plain value).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildArg {
    /// The `ARG` name.
    #[serde(default)]
    pub name: String,
    /// Its value.
    #[serde(default)]
    pub value: String,
}

/// `spec.output`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildOutput {
    /// The `ImageStreamTag` the image is pushed to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<ObjectReference>,
}

/// One run of a BuildConfig.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Build {
    /// Always `build.openshift.io/v1`.
    #[serde(default = "api_version")]
    pub api_version: String,
    /// Always `Build`.
    #[serde(default = "build_kind")]
    pub kind: String,
    /// Name `<key>-<n>`, labels (`openshift.io/build-config.name`), annotations (build number).
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Where the build is.
    #[serde(default)]
    pub status: BuildStatus,
}

impl Build {
    /// The Build's name.
    pub fn name(&self) -> &str {
        self.metadata.name.as_deref().unwrap_or("")
    }

    /// `openshift.io/build.number`, falling back to the name's `-<n>` suffix.
    pub fn number(&self) -> Option<i64> {
        let annotations: Option<&BTreeMap<String, String>> = self.metadata.annotations.as_ref();
        annotations
            .and_then(|a| a.get(BUILD_NUMBER_ANNOTATION))
            .and_then(|n| n.parse().ok())
            .or_else(|| self.name().rsplit_once('-')?.1.parse().ok())
    }

    /// The phase as an enum.
    pub fn phase(&self) -> BuildPhase {
        BuildPhase::from_api(&self.status.phase)
    }

    /// `status.output.to.imageDigest`, when the build pushed its image.
    pub fn output_digest(&self) -> Option<&str> {
        self.status
            .output
            .to
            .as_ref()
            .map(|to| to.image_digest.as_str())
            .filter(|d| !d.is_empty())
    }
}

/// `Build.status`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildStatus {
    /// `New`, `Pending`, `Running`, `Complete`, `Failed`, `Error` or `Cancelled`.
    #[serde(default)]
    pub phase: String,
    /// A CamelCase reason for a failure (`DockerBuildFailed`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// What went wrong, for people.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// The last lines of the log of a failed build, as the server keeps them.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub log_snippet: String,
    /// The pushed image.
    #[serde(default)]
    pub output: BuildStatusOutput,
}

/// `status.output`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildStatusOutput {
    /// The pushed image's digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<BuildStatusOutputTo>,
}

/// `status.output.to`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildStatusOutputTo {
    /// `sha256:...`.
    #[serde(default)]
    pub image_digest: String,
}

/// A Build's phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BuildPhase {
    /// Created, not scheduled yet.
    New,
    /// Its pod is being scheduled.
    Pending,
    /// Building.
    Running,
    /// Built and pushed.
    Complete,
    /// The build itself failed (a `RUN` step, a missing file).
    Failed,
    /// Something prevented the build from running.
    Error,
    /// Someone cancelled it.
    Cancelled,
    /// A phase this client does not know; treated as still running.
    Unknown,
}

impl BuildPhase {
    /// Reads the API's spelling.
    pub fn from_api(phase: &str) -> Self {
        match phase {
            "" | "New" => BuildPhase::New,
            "Pending" => BuildPhase::Pending,
            "Running" => BuildPhase::Running,
            "Complete" => BuildPhase::Complete,
            "Failed" => BuildPhase::Failed,
            "Error" => BuildPhase::Error,
            "Cancelled" => BuildPhase::Cancelled,
            _ => BuildPhase::Unknown,
        }
    }

    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            BuildPhase::New => "New",
            BuildPhase::Pending => "Pending",
            BuildPhase::Running => "Running",
            BuildPhase::Complete => "Complete",
            BuildPhase::Failed => "Failed",
            BuildPhase::Error => "Error",
            BuildPhase::Cancelled => "Cancelled",
            BuildPhase::Unknown => "Unknown",
        }
    }

    /// `Failed`, `Error` or `Cancelled`: it will never push an image.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            BuildPhase::Failed | BuildPhase::Error | BuildPhase::Cancelled
        )
    }

    /// Still on its way (`New`, `Pending`, `Running`, or a phase we do not know).
    pub fn is_active(self) -> bool {
        matches!(
            self,
            BuildPhase::New | BuildPhase::Pending | BuildPhase::Running | BuildPhase::Unknown
        )
    }
}

impl std::fmt::Display for BuildPhase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A list of Builds (`GET builds?labelSelector=...`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct BuildList {
    /// The list's resourceVersion, to watch from.
    #[serde(default)]
    pub metadata: kube::core::ListMeta,
    /// The Builds.
    #[serde(default)]
    pub items: Vec<Build>,
}
