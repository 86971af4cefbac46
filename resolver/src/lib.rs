//! Strategies that turn a validated ci-operator config and the files of the tested repository
//! into build roots: the imagestreamtag that becomes `pipeline:root` (or a build plan for
//! `project_image`), with an explanation of every choice.
//!
//! The ways to get a root are [`Strategy`] implementations: [`ConfiguredImageStreamTag`]
//! (`build_root.image_stream_tag`), [`InRepoFile`] (option A, `.ci-operator.yaml`),
//! [`PromotionDockerfile`] (option B, inferred from the promoted Dockerfiles),
//! [`ProjectImage`] (a build plan) and [`FromRepository`], which chooses between A and B as
//! `from_repository: true` asks. [`resolve_all`] resolves every root of a config;
//! [`check_drift`] compares an in-repo root with the Dockerfiles. The pieces of option B are
//! usable alone, on files from anywhere: [`Dockerfile::parse`] reads a Dockerfile's stages and
//! global `ARG`s, [`expand_arg`] expands a `FROM` token as BuildKit does, and
//! [`pullspec_image_stream_tag`] maps a pull spec to the imagestreamtag it names.
//!
//! What it deliberately does not do: any IO. It reads files only through the [`RepoFiles`]
//! trait (the CLI implements it over git; [`InMemoryFiles`] serves tests and other programs),
//! and it never talks to a cluster. It depends on neither gix, kube nor tokio.
//!
//! ```
//! use resolver::{InMemoryFiles, Repositories, StrategyKind};
//!
//! let yaml = "build_root:\n  from_repository: true\nimages:\n- dockerfile_path: Dockerfile\n  to: app\n";
//! let config = config_model::validate_config(config_model::parse_config(yaml).unwrap()).unwrap();
//! let files = InMemoryFiles::new("work tree /src").with_file(
//!     "Dockerfile",
//!     "FROM registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.24-openshift-4.20 AS builder\n\
//!      FROM registry.ci.openshift.org/ocp/4.20:base-rhel9\n\
//!      COPY --from=builder /bin/app /bin/app\n",
//! );
//! let roots = resolver::resolve_all(&config, &Repositories::new(&files)).unwrap();
//! assert_eq!(roots[0].strategy, StrategyKind::Dockerfile);
//! assert_eq!(
//!     roots[0].image_stream_tag.as_ref().unwrap().to_string(),
//!     "ocp/builder:rhel-9-golang-1.24-openshift-4.20"
//! );
//! ```

mod dockerfile;
mod drift;
mod error;
mod expand;
mod files;
mod infer;
mod pullspec;
mod root;
mod strategy;

pub use dockerfile::{Dockerfile, GlobalArg, Location, Stage, SyntaxError};
pub use drift::{DriftReport, ImageDrift, Verdict, VersionDifference, check_drift};
pub use error::{Error, ImageFailure, InferenceError, Problem};
pub use expand::{ExpandError, expand_arg};
pub use files::{
    FileError, FileErrorKind, InMemoryFiles, MAX_DOCKERFILE_BYTES, MAX_IN_REPO_FILE_BYTES,
    RepoFiles,
};
pub use pullspec::{PullSpecError, pullspec_image_stream_tag};
pub use root::{
    BuildPlan, ConfigSource, DockerfileSource, FromDockerfileRequest, ImageBase, InRepoFileSource,
    ResolvedRoot, Source, StageBase, StrategyKind,
};
pub use strategy::{
    ConfiguredImageStreamTag, Context, FromRepository, InRepoFile, ProjectImage,
    PromotionDockerfile, RepoFilesProvider, Repositories, Strategy, resolve, resolve_all,
    strategy_for,
};
