//! What can go wrong, and what the user does about it.
//!
//! [`Error`] is what resolution returns. [`InferenceError`] says why option B found no root,
//! [`ImageFailure`] and [`Problem`] why one image gives none. Only [`Error::Unreadable`] means
//! the repository could not be read (the CLI's exit 3); everything else is a problem in the
//! config, the in-repo file or the Dockerfiles.

use std::fmt;

use config_model::InvalidImageStreamTag;

use crate::base::ImageBase;
use crate::dockerfile::Location;
use crate::expand::ExpandError;
use crate::files::{FileError, FileErrorKind};

/// Resolution failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The repository could not be read (IO, object database, network).
    #[error("{field}: cannot read the repository at {revision}")]
    Unreadable {
        /// `build_root` or `build_roots[org.repo]`.
        field: String,
        /// The revision read.
        revision: String,
        /// What failed, with the path.
        #[source]
        source: FileError,
    },
    /// A file of the repository was refused: an unsafe path, a symlink, a file too big.
    #[error("{field}: a file of the repository at {revision} was refused")]
    Refused {
        /// `build_root` or `build_roots[org.repo]`.
        field: String,
        /// The revision read.
        revision: String,
        /// Which file and why.
        #[source]
        source: FileError,
    },
    /// The job has no repository for the `ref` a build root is read from.
    #[error(
        "{field}: the job has no repository `{org_repo}` to read the build root from: add it to the job's refs or extra_refs"
    )]
    NoRepository {
        /// `build_root` or `build_roots[org.repo]`.
        field: String,
        /// The `org.repo` asked for.
        org_repo: String,
    },
    /// `.ci-operator.yaml` cannot be read as YAML of its schema.
    #[error("{field}: `.ci-operator.yaml` at {revision} is not a valid in-repo file")]
    InRepoFileSyntax {
        /// `build_root` or `build_roots[org.repo]`.
        field: String,
        /// The revision read.
        revision: String,
        /// The parser's error, with line and column.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// `.ci-operator.yaml` parses but does not say a usable root.
    #[error("{field}: `.ci-operator.yaml`:{at} at {revision}: {problem}")]
    InRepoFileInvalid {
        /// `build_root` or `build_roots[org.repo]`.
        field: String,
        /// The revision read.
        revision: String,
        /// Where in the file.
        at: Location,
        /// What is wrong and what to do.
        problem: String,
    },
    /// Option B found no root.
    #[error("{field}: {}", inference_summary(.revision, .in_repo_file.as_ref()))]
    Inference {
        /// `build_root` or `build_roots[org.repo]`.
        field: String,
        /// The revision read.
        revision: String,
        /// Where `.ci-operator.yaml` asked for option B (`from_dockerfile`); `None` when there
        /// is no `.ci-operator.yaml` and B was tried by convention.
        in_repo_file: Option<Location>,
        /// Why inference failed.
        #[source]
        source: Box<InferenceError>,
    },
    /// The Dockerfile of a `project_image` root is missing or invalid.
    #[error("{field}.project_image: {dockerfile}{}: {problem}", at.map(|a| format!(":{a}")).unwrap_or_default())]
    ProjectImage {
        /// `build_root` or `build_roots[org.repo]`.
        field: String,
        /// The Dockerfile's repository path (or the literal's field path).
        dockerfile: String,
        /// Where in the Dockerfile.
        at: Option<Location>,
        /// What is wrong.
        problem: Box<Problem>,
    },
    /// The config's imagestreamtag breaks OpenShift's rules (validation refuses such a config,
    /// with the member's line and column).
    #[error("{field}.{}: {problem}", problem.member.key())]
    InvalidImageStreamTag {
        /// `build_root.image_stream_tag` or `build_roots[org.repo].image_stream_tag`.
        field: String,
        /// Which member, and the rule it breaks.
        problem: InvalidImageStreamTag,
    },
    /// The config names no way to get the root (a config that skipped validation).
    #[error(
        "{field}: you have to specify one of project_image, image_stream_tag or from_repository"
    )]
    NoBuildRoot {
        /// `build_root` or `build_roots[org.repo]`.
        field: String,
    },
    /// `check` needs an imagestreamtag in `.ci-operator.yaml` to compare with.
    #[error("{field}: {}", no_in_repo_root(.revision, .from_dockerfile))]
    NoInRepoRoot {
        /// `build_root` or `build_roots[org.repo]`.
        field: String,
        /// The revision read.
        revision: String,
        /// The file exists but asks for `from_dockerfile`.
        from_dockerfile: bool,
    },
}

fn inference_summary(revision: &str, in_repo_file: Option<&Location>) -> String {
    match in_repo_file {
        None => format!(
            "`.ci-operator.yaml` does not exist at {revision}, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below"
        ),
        Some(at) => format!(
            "`.ci-operator.yaml`:{at} at {revision} asks to infer the build root from a Dockerfile, and that failed"
        ),
    }
}

fn no_in_repo_root(revision: &str, from_dockerfile: &bool) -> String {
    if *from_dockerfile {
        format!(
            "`.ci-operator.yaml` at {revision} asks for `from_dockerfile`: there is no in-repo imagestreamtag to check the Dockerfiles against"
        )
    } else {
        format!(
            "`.ci-operator.yaml` does not exist at {revision}: there is no in-repo root to check the Dockerfiles against"
        )
    }
}

impl Error {
    /// Whether the repository could not be read (the CLI's exit 3); every other error is a
    /// problem in the input (exit 1).
    pub fn is_repository_unreadable(&self) -> bool {
        matches!(self, Error::Unreadable { .. })
    }

    /// The inference error, when option B failed.
    pub fn inference(&self) -> Option<&InferenceError> {
        match self {
            Error::Inference { source, .. } => Some(source),
            _ => None,
        }
    }

    pub(crate) fn from_file(field: &str, revision: String, source: FileError) -> Error {
        match source.kind() {
            FileErrorKind::Unreadable => Error::Unreadable {
                field: field.to_owned(),
                revision,
                source,
            },
            FileErrorKind::Refused => Error::Refused {
                field: field.to_owned(),
                revision,
                source,
            },
        }
    }
}

/// Why option B found no root.
#[derive(Debug, Clone, thiserror::Error)]
pub enum InferenceError {
    /// No image is left to infer from.
    #[error("no image to infer the root from: {why}")]
    NoImage {
        /// Why none is left.
        why: String,
    },
    /// `from_dockerfile.image` names no image of the config.
    #[error(
        "no image `{name}` in the config's `images` (`.ci-operator.yaml`:{at} `build_root_image.from_dockerfile.image`): name one of {known}"
    )]
    UnknownImage {
        /// The name asked for.
        name: String,
        /// Where in `.ci-operator.yaml`.
        at: Location,
        /// The images that could be named, quoted and comma-separated.
        known: String,
    },
    /// The image named by `from_dockerfile.image` gives no root.
    #[error("{failure}")]
    Image {
        /// Why.
        failure: ImageFailure,
    },
    /// Images give different roots.
    #[error(
        "images disagree: {}: name the image to use in `.ci-operator.yaml` as `build_root_image.from_dockerfile.image`{}",
        disagreement(.roots),
        skipped_suffix(.skipped)
    )]
    Disagree {
        /// Each image that gave a root, in config order.
        roots: Vec<ImageBase>,
        /// Images skipped, and why.
        skipped: Vec<ImageFailure>,
    },
    /// No image gives a root.
    #[error("no image gives a build root: {}", join_failures(.failures))]
    AllFailed {
        /// Each image and why, single-stage skips first, then the others in config order.
        failures: Vec<ImageFailure>,
    },
}

fn disagreement(roots: &[ImageBase]) -> String {
    roots
        .iter()
        .map(|r| format!("{}={}", r.image, r.base.image_stream_tag_text()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn skipped_suffix(skipped: &[ImageFailure]) -> String {
    if skipped.is_empty() {
        String::new()
    } else {
        format!(" (skipped: {})", join_failures(skipped))
    }
}

fn join_failures(failures: &[ImageFailure]) -> String {
    failures
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// One image that gives no root, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImageFailure {
    /// The image (`images[].to`).
    pub image: String,
    /// Its Dockerfile's repository path, or the field path of a `dockerfile_literal`.
    pub dockerfile: String,
    /// Where in the Dockerfile, when it is about a line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Location>,
    /// Why.
    #[serde(serialize_with = "serialize_display")]
    pub problem: Problem,
}

fn serialize_display<S: serde::Serializer>(value: &Problem, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

impl fmt::Display for ImageFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.image, self.dockerfile)?;
        if let Some(at) = self.at {
            write!(f, ":{at}")?;
        }
        write!(f, ": {}", self.problem)
    }
}

/// Why one Dockerfile gives no root.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// Skipped: other candidates have multi-stage Dockerfiles.
    #[error("single-stage Dockerfile: a runtime base, not a builder")]
    SingleStage,
    /// The Dockerfile is not in the repository.
    #[error(
        "the Dockerfile does not exist at {revision}: fix `context_dir`/`dockerfile_path` or add the file"
    )]
    Missing {
        /// The revision read.
        revision: String,
    },
    /// The reader refused the Dockerfile.
    #[error("the Dockerfile was refused: {reason}")]
    Refused {
        /// Why (too big, unsafe path...).
        reason: String,
    },
    /// Not UTF-8 text.
    #[error("the Dockerfile is not UTF-8 text")]
    NotUtf8,
    /// Not a Dockerfile the reader understands.
    #[error("invalid Dockerfile: {message}")]
    Syntax {
        /// parse-dockerfile's message.
        message: String,
    },
    /// `from_dockerfile.stage` names no stage.
    #[error(
        "no stage `{stage}`: the Dockerfile has {count} stage(s); name an existing stage (`AS` name or index from 0) in `build_root_image.from_dockerfile.stage`"
    )]
    NoSuchStage {
        /// The stage asked for.
        stage: String,
        /// How many stages there are.
        count: usize,
    },
    /// The stage chain ends at `scratch`.
    #[error("stage {stage} is `FROM scratch`, which has no base image to build in")]
    Scratch {
        /// The stage index.
        stage: usize,
    },
    /// A pull spec on another registry or on Docker Hub.
    #[error(
        "`{pullspec}` is not on a CI registry: add an `inputs.<alias>.as` replacement for `{token}` and a `base_images.<alias>` entry"
    )]
    NotCiRegistry {
        /// The `FROM` token as written.
        token: String,
        /// After `ARG` expansion.
        pullspec: String,
    },
    /// A digest reference.
    #[error(
        "`{pullspec}` is a digest, which cannot name an imagestreamtag: add an `inputs.<alias>.as` replacement for `{token}` and a `base_images.<alias>` entry"
    )]
    Digest {
        /// The `FROM` token as written.
        token: String,
        /// After `ARG` expansion.
        pullspec: String,
    },
    /// On a CI registry, but not `<namespace>/<name>[:<tag>]`.
    #[error(
        "`{pullspec}` names no imagestreamtag ({why}): add an `inputs.<alias>.as` replacement for `{token}` and a `base_images.<alias>` entry"
    )]
    NotImageStreamTag {
        /// The `FROM` token as written.
        token: String,
        /// After `ARG` expansion.
        pullspec: String,
        /// What is wrong with it.
        why: String,
    },
    /// The `FROM` expands to nothing.
    #[error(
        "`{token}` expands to an empty image: give its ARG a value, or add an `inputs.<alias>.as` replacement for `{token}` and a `base_images.<alias>` entry"
    )]
    Empty {
        /// The `FROM` token as written.
        token: String,
    },
    /// `ARG` expansion failed (an unset ARG, a form not supported...).
    #[error(
        "`{token}`: {error}: give the ARG a default or a `build_args` entry, or add an `inputs.<alias>.as` replacement for `{token}` and a `base_images.<alias>` entry"
    )]
    Expansion {
        /// The `FROM` token as written.
        token: String,
        /// Why.
        error: ExpandError,
    },
    /// A replacement by a base image whose `base_images` entry breaks OpenShift's rules
    /// (validation refuses such a config, with the member's line and column).
    #[error(
        "`{via}` replaces the `FROM` by `pipeline:{name}`, and `base_images.{name}` is not a valid imagestreamtag: {problem}"
    )]
    InvalidBaseImage {
        /// `from:<name>` or `inputs.<name>.as`.
        via: String,
        /// The base image.
        name: String,
        /// Which member, and the rule it breaks.
        problem: InvalidImageStreamTag,
    },
    /// A replacement by a pipeline image that is not a base image (`src`, `bin`, a built
    /// image...).
    #[error(
        "`{via}` replaces the `FROM` by `pipeline:{name}`, which is not a `base_images` entry: only a base image can be a build root"
    )]
    PipelineImage {
        /// `from:<name>` or `inputs.<name>.as`.
        via: String,
        /// The pipeline image.
        name: String,
    },
}
