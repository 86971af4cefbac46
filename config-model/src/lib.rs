//! Types of the ci-operator config, of the in-repo `.ci-operator.yaml` and of Prow's
//! `JOB_SPEC`; hardened YAML loading that keeps positions; validation that reports every
//! problem; JSON Schemas for editors.
//!
//! What it does:
//! - [`parse_config`] / [`parse_config_bytes`] read a config. Only the keys the build-root
//!   feature needs are modelled; every other key of a real config is accepted and ignored.
//!   Names and tags keep the text users wrote (`tag: 4.10` is `4.10`).
//! - [`validate_config`] (or [`diagnostics`]) checks it and reports every problem at once, each
//!   a [`Diagnostic`] with a line, a column, and the field path users write
//!   (`build_roots[org.repo]`, `images[2]`), keeping ci-tools' message texts.
//! - [`parse_in_repo`] reads and checks `.ci-operator.yaml`: unknown keys are warnings with a
//!   "did you mean" hint, never errors.
//! - [`ImageStreamTag`] is the one checked imagestreamtag reference (`namespace/name:tag`):
//!   the rules of a valid namespace, image stream name and tag ([`check_namespace`],
//!   [`check_stream_name`], [`check_tag`], OpenShift's) live there and nowhere else. Validation
//!   reports a member that breaks them at its position; [`BuildRootImage::image_stream_tag`]
//!   and [`ImageStreamTagReference::checked`] give the checked type.
//! - [`parse_job_spec`] reads Prow's `JOB_SPEC`.
//! - [`config_schema`] and [`in_repo_schema`] give the JSON Schemas (draft-07).
//!
//! Every document is untrusted (a pull request author owns `.ci-operator.yaml`): loading is
//! bounded in size ([`parse::MAX_CONFIG_BYTES`], [`parse::MAX_IN_REPO_BYTES`]), nodes, depth
//! and aliases, and refuses duplicate keys, invalid UTF-8 and NUL bytes with a
//! [`parse::Error`] that names the line and column.
//!
//! What it does not do: no IO (it is given bytes or text, never a path), no git, no cluster,
//! no Dockerfiles. Deciding a build root from a config and a repository is the `resolver`'s
//! job.
//!
//! ```
//! use config_model::{parse_config, validate_config};
//!
//! let config = parse_config("build_root:\n  from_repository: true\n").unwrap();
//! let valid = validate_config(config).unwrap();
//! assert!(valid.config().build_root.as_ref().unwrap().is_from_repository());
//!
//! let config = parse_config(
//!     "build_root:\n  from_repository: true\n  image_stream_tag:\n    namespace: ci\n    name: go\n    tag: '1.22'\n",
//! )
//! .unwrap();
//! let problems = validate_config(config).unwrap_err();
//! assert_eq!(
//!     problems[0].render(Some("config.yaml")),
//!     "config.yaml:2:3: build_root: from_repository and image_stream_tag are mutually exclusive",
//! );
//! ```

mod config;
mod diagnostic;
mod image_stream_tag;
pub mod in_repo;
pub mod job_spec;
pub mod parse;
mod position;
mod quote;
mod schema;
mod validate;

pub use config::{
    BuildArg, BuildRoot, Config, ImageBuildInputs, ImageItem, ImageSourcePath,
    ImageStreamTagReference, Images, Metadata, ProjectImageBuild, Promotion, PromotionTarget,
    Prowgen, TestStep, join_repo_path,
};
pub use diagnostic::{Diagnostic, Severity};
pub use image_stream_tag::{
    ImageStreamTag, InvalidImageStreamTag, Member, check_namespace, check_stream_name, check_tag,
};
pub use in_repo::{
    BuildRootImage, FromDockerfile, IN_REPO_FILE_NAME, InRepo, InRepoConfig, StageRef,
    parse_in_repo,
};
pub use job_spec::{JobSpec, Pull, Refs, parse_job_spec};
pub use position::{Located, Pos};
pub use schema::{config_schema, in_repo_schema};
pub use validate::{ValidConfig, diagnostics, validate_config};

/// Parses a ci-operator config from text (at most [`parse::MAX_CONFIG_BYTES`]).
///
/// An empty document is the empty config. A list, a scalar, several documents, duplicate
/// keys, an alias bomb or nesting past 64 levels are refused. Semantic checks are
/// [`validate_config`]'s.
pub fn parse_config(text: &str) -> Result<Config, parse::Error> {
    parse::load_str(text, parse::Document::Config)
}

/// Parses a ci-operator config from bytes: as [`parse_config`], after checking the size and
/// that the bytes are UTF-8 (the error points at the first bad byte).
pub fn parse_config_bytes(bytes: &[u8]) -> Result<Config, parse::Error> {
    parse::load_bytes(bytes, parse::Document::Config)
}
