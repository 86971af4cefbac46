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
//! Where each rule lives (paths under `resolver/src/`):
//!
//! | rule | file |
//! |---|---|
//! | which strategy a `build_root` asks for; `resolve`, `resolve_all` | `strategy.rs` |
//! | the [`Strategy`] trait and the [`Context`] of a root | `strategy/context.rs` |
//! | `build_root.image_stream_tag` | `strategy/configured_image_stream_tag.rs` |
//! | option A: reading `.ci-operator.yaml` and its root | `strategy/in_repo_file.rs` |
//! | option B: running the inference, saying where the root came from | `strategy/promotion_dockerfile.rs` |
//! | `project_image`: the build plan | `strategy/project_image.rs` |
//! | `from_repository: true`: A, else B | `strategy/from_repository.rs` |
//! | option B's image choice (`from_dockerfile.image`, candidates, single-stage skip, agreement) | `infer/image_choice.rs` |
//! | option B's stage choice (`from_dockerfile.stage`, copied by the final stage, first) | `infer/stage.rs` |
//! | the `FROM` mapping and its order (`images[].from`, `inputs.<name>.as`, `ARG`s, pull spec) | `infer/from_mapping.rs` |
//! | the global `ARG` scope (defaults, `build_args`) | `infer/from_mapping.rs` |
//! | `ARG` expansion, as BuildKit does it | `expand.rs` |
//! | pull spec to imagestreamtag (CI registries, QCI) | `pullspec.rs` |
//! | reading each Dockerfile once | `infer/loader.rs` |
//! | parsing a Dockerfile's stages and global `ARG`s | `dockerfile.rs` |
//! | the drift check and its verdicts | `drift.rs` |
//! | what resolution returns, and its text | `root.rs`, `base.rs` |
//! | every error and its message | `error.rs` (imports nothing that imports it) |
//! | reading repository files safely; listing directories with git ids | `files.rs` |
//! | a `project_image` root build: inputs, key, archive ([`root_build_plan`], [`RootBuildPlan`]) | `build.rs`, `build/` |
//! | `COPY`/`ADD`/`RUN --mount` sources, globs (Go's `filepath.Match`), `.dockerignore` (moby) | `build/instructions.rs`, `build/glob.rs`, `build/ignore.rs`, `build/inputs.rs` |
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

mod base;
mod build;
mod dockerfile;
mod drift;
mod error;
mod expand;
mod files;
mod gomod;
mod infer;
mod pullspec;
mod root;
mod strategy;
mod unused_inputs;

pub use base::{ImageBase, StageBase};
pub use build::{
    ArchiveError, ArchiveSummary, BaseImage, BuildDockerfile, BuildInput, BuildKey,
    IgnorePatternError, MAX_ARCHIVE_BYTES, MissingDigest, MissingSource, PlanError, RemoteSource,
    RootBuildError, RootBuildPlan, RootBuildRequest, go_clean, plan_root_build,
};
pub use dockerfile::{Dockerfile, GlobalArg, Location, Stage, SyntaxError};
pub use drift::{DriftReport, ImageDrift, Verdict, VersionDifference, check_drift};
pub use error::{Error, ImageFailure, InferenceError, Problem};
pub use expand::{ExpandError, expand_arg};
pub use files::{
    EntryKind, FileError, FileErrorKind, InMemoryFiles, InvalidObjectId, MAX_DOCKERFILE_BYTES,
    MAX_IN_REPO_FILE_BYTES, RepoFiles, TreeEntry, git_blob_id, git_tree_id,
};
pub use gomod::{
    GO_MOD_FILE, GoDirective, GoDirectiveKind, GoMod, GoModCheck, GoRelease, MAX_GO_MOD_BYTES,
    check_go_mod,
};
pub use pullspec::{PullSpecError, pullspec_image_stream_tag};
pub use root::{
    BuildPlan, ConfigSource, DockerfileSource, FromDockerfileRequest, InRepoFileSource,
    ResolvedRoot, Source, StrategyKind,
};
pub use strategy::{
    ConfiguredImageStreamTag, Context, FromRepository, InRepoFile, ProjectImage,
    PromotionDockerfile, RepoFilesProvider, Repositories, Strategy, resolve, resolve_all,
    root_build_plan, strategy_for,
};
pub use unused_inputs::{UnusedInput, unused_inputs};
