//! The plan of a root built from a Dockerfile, and why one cannot be made.

use std::collections::BTreeMap;

use config_model::ImageStreamTag;
use serde::Serialize;

use super::ignore::IgnorePatternError;
use crate::error::Error;
use crate::files::{EntryKind, FileError, FileErrorKind};

/// Everything a `project_image` root build reads, and so everything its key covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RootBuildPlan {
    /// The context directory, repository-relative; `""` is the repository root.
    pub context_dir: String,
    /// Where the Dockerfile comes from.
    pub dockerfile: BuildDockerfile,
    /// What the build reads from the context, sorted by path, none inside another.
    pub inputs: Vec<BuildInput>,
    /// URLs `ADD` fetches itself (not in the context; their text is in the key).
    pub remote_sources: Vec<RemoteSource>,
    /// Sources named by the Dockerfile that are not in the context (or are ignored by
    /// `.dockerignore`): the build will fail on them unless their stage is skipped.
    pub missing: Vec<MissingSource>,
    /// Why some read was widened to the whole context, if it was.
    pub notes: Vec<String>,
    /// `build_args`, sorted by name.
    pub build_args: Vec<(String, String)>,
    /// Every `FROM` of the Dockerfile that is not an earlier stage, in order.
    pub bases: Vec<BaseImage>,
    /// The config's `inputs`: pipeline image name to the `as` list it replaces.
    pub image_inputs: BTreeMap<String, Vec<String>>,
}

/// Where a root build's Dockerfile comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BuildDockerfile {
    /// A file of the repository (repository-relative path), inside the context.
    Path(String),
    /// `dockerfile_literal` of the config: not in the archive (it goes in the BuildConfig).
    Literal(String),
}

/// One input of the build: a file by its blob id, a directory by its tree id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct BuildInput {
    /// Relative to the context; `""` is the whole context.
    pub path: String,
    /// File, executable or directory (never a symlink or a submodule).
    pub kind: EntryKind,
    /// The git object id.
    pub id: String,
}

/// An `ADD` of a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemoteSource {
    /// Line of the `ADD`.
    pub line: usize,
    /// The URL as written.
    pub url: String,
}

/// A source that names nothing in the context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingSource {
    /// Line of the instruction.
    pub line: usize,
    /// The source, relative to the context.
    pub path: String,
}

/// A `FROM` of the Dockerfile that is not an earlier stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaseImage {
    /// The image as written.
    pub text: String,
    /// Its line.
    pub line: usize,
    /// The imagestreamtag it maps to (option B's mapping, `inputs.<name>.as` included), if
    /// any: the key then covers its current digest.
    pub image_stream_tag: Option<ImageStreamTag>,
}

/// Why the plan of a root build could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// A source leaves the context.
    #[error(
        "{dockerfile}:{line}: `{instruction}` source `{source_path}` is outside the build context: sources are relative to the context directory `{context}`"
    )]
    OutsideContext {
        /// The Dockerfile's path or `dockerfile_literal`.
        dockerfile: String,
        /// Line of the instruction.
        line: usize,
        /// `COPY`, `ADD` or `RUN --mount`.
        instruction: &'static str,
        /// The source as written.
        source_path: String,
        /// The context directory (`.` for the repository root).
        context: String,
    },
    /// A symlink or a submodule would be read.
    #[error(
        "{dockerfile}:{line}: `{instruction}` would read `{path}`, a {kind} in the repository: symlinks and submodules are not followed in a root build"
    )]
    NotAFile {
        /// The Dockerfile's path or `dockerfile_literal`.
        dockerfile: String,
        /// Line of the instruction (0 for the Dockerfile and `.dockerignore` themselves).
        line: usize,
        /// `COPY`, `ADD`, `RUN --mount` or `build`.
        instruction: &'static str,
        /// The repository path.
        path: String,
        /// Symlink or submodule.
        kind: EntryKind,
    },
    /// `inputs.root.as` names a `FROM`: the root would be built on itself.
    #[error(
        "{dockerfile}:{line}: `FROM {from}` would be replaced by `pipeline:root` through `inputs.root.as`: the root cannot be built on itself"
    )]
    Circular {
        /// The Dockerfile's path or `dockerfile_literal`.
        dockerfile: String,
        /// Line of the `FROM`.
        line: usize,
        /// The image as written.
        from: String,
    },
    /// The context directory or the Dockerfile path leaves the repository.
    #[error("`{path}` is outside the repository")]
    OutsideRepository {
        /// The path.
        path: String,
    },
    /// `.dockerignore` cannot be used.
    #[error(transparent)]
    Ignore(#[from] IgnorePatternError),
    /// The repository could not be listed or read.
    #[error("could not list the build context")]
    Files(#[from] FileError),
}

/// The digest of a base imagestreamtag is needed for the key but was not given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "line {line}: the digest of `{image_stream_tag}` (the base `FROM {text}`) is needed for the key of the root build"
)]
pub struct MissingDigest {
    /// The imagestreamtag.
    pub image_stream_tag: ImageStreamTag,
    /// Line of the `FROM`.
    pub line: usize,
    /// The `FROM` image as written.
    pub text: String,
}

impl PlanError {
    /// Whether the repository could not be read (the CLI's exit 3); every other error is a
    /// problem in the input.
    pub fn is_repository_unreadable(&self) -> bool {
        matches!(self, PlanError::Files(e) if e.kind() == FileErrorKind::Unreadable)
    }
}

/// Why the plan of a config's `project_image` root could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RootBuildError {
    /// Resolving the root failed as [`crate::resolve`] would.
    #[error(transparent)]
    Resolve(#[from] Error),
    /// The Dockerfile's inputs could not be resolved.
    #[error("{field}.project_image: the inputs of the root build could not be resolved")]
    Plan {
        /// `build_root` or `build_roots[org.repo]`.
        field: String,
        /// Why.
        #[source]
        source: PlanError,
    },
}

impl RootBuildError {
    /// Whether the repository could not be read (the CLI's exit 3); every other error is a
    /// problem in the input.
    pub fn is_repository_unreadable(&self) -> bool {
        match self {
            RootBuildError::Resolve(e) => e.is_repository_unreadable(),
            RootBuildError::Plan { source, .. } => source.is_repository_unreadable(),
        }
    }
}
