//! The tagger's errors, and how a caller should classify them.

use std::path::PathBuf;
use std::time::Duration;

/// Everything that can go wrong while tagging.
///
/// Every message names the object, the namespace and the verb, so a user can run the same
/// `oc` command to look. The server's own text is the `source`, never part of the message.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request itself is malformed (a name Kubernetes would refuse).
    #[error("invalid {field} `{value}`: {problem}")]
    InvalidRequest {
        /// `namespace`, `pipeline tag`, `root.name`, ...
        field: &'static str,
        /// The value given.
        value: String,
        /// What is wrong with it.
        problem: &'static str,
    },

    /// `--kubeconfig` named a file that cannot be used.
    #[error("cannot use kubeconfig {}", path.display())]
    Kubeconfig {
        /// The file.
        path: PathBuf,
        /// Why, without the file's content.
        #[source]
        source: KubeconfigProblem,
    },

    /// No kubeconfig and no in-cluster service account.
    #[error(
        "cannot find cluster credentials: no usable KUBECONFIG or ~/.kube/config, and not running in a cluster"
    )]
    NoCredentials {
        /// Why the kubeconfig could not be used, without its content.
        #[source]
        source: KubeconfigProblem,
    },

    /// The client could not be built from a valid configuration (TLS setup, proxy).
    #[error("cannot build a kubernetes client")]
    Client {
        /// Why.
        #[source]
        source: Box<kube::Error>,
    },

    /// The client could not produce credentials for a request (an exec plugin or token file
    /// failed). Not retried: kube has already tried what the kubeconfig says.
    #[error("cannot {verb} {object} in namespace {namespace}: no credentials")]
    Credentials {
        /// What was asked.
        verb: &'static str,
        /// `imagestreamtag release:golang-1.22`.
        object: String,
        /// Where.
        namespace: String,
        /// What the client reported.
        #[source]
        source: Box<kube::Error>,
    },

    /// 401: the credentials were rejected.
    #[error(
        "unauthorized: cannot {verb} {object} in namespace {namespace}: the credentials were rejected"
    )]
    Unauthorized {
        /// What was asked.
        verb: &'static str,
        /// `imagestreamtag release:golang-1.22`.
        object: String,
        /// Where.
        namespace: String,
        /// The server's answer.
        #[source]
        source: Box<ApiStatus>,
    },

    /// 403: the credentials may not do this.
    #[error("forbidden: cannot {verb} {object} in namespace {namespace}")]
    Forbidden {
        /// What was asked.
        verb: &'static str,
        /// `imagestreamtag release:golang-1.22`.
        object: String,
        /// Where.
        namespace: String,
        /// The server's answer (names the user and the missing permission).
        #[source]
        source: Box<ApiStatus>,
    },

    /// 404: the object does not exist.
    #[error("not found: cannot {verb} {object} in namespace {namespace}")]
    NotFound {
        /// What was asked.
        verb: &'static str,
        /// `imagestreamtag release:golang-1.22`.
        object: String,
        /// Where.
        namespace: String,
        /// The server's answer.
        #[source]
        source: Box<ApiStatus>,
    },

    /// Another error the server will repeat if asked again (400, 405, 409, 422, ...).
    #[error("cannot {verb} {object} in namespace {namespace}: the server answered {}", source.describe())]
    Api {
        /// What was asked.
        verb: &'static str,
        /// `imagestreamtag release:golang-1.22`.
        object: String,
        /// Where.
        namespace: String,
        /// The server's answer.
        #[source]
        source: Box<ApiStatus>,
    },

    /// The server answered with something that is not the expected object.
    #[error("cannot {verb} {object} in namespace {namespace}: unexpected answer: {problem}")]
    Unexpected {
        /// What was asked.
        verb: &'static str,
        /// `imagestreamtag release:golang-1.22`.
        object: String,
        /// Where.
        namespace: String,
        /// What is wrong with the answer.
        problem: String,
        /// The decoding error, if that is what it was.
        #[source]
        source: Option<serde_json::Error>,
    },

    /// The source imagestreamtag exists but points at no image (a spec tag never imported).
    #[error(
        "imagestreamtag {root} has no image: its tag was never resolved, so there is no digest to pin"
    )]
    SourceNotResolved {
        /// `openshift/release:golang-1.22`.
        root: String,
    },

    /// The pipeline tag already exists and points at another image.
    #[error(
        "pipeline:{pipeline_tag} in namespace {namespace} already points at {existing}, not at {wanted} (the digest of {root}); delete the tag or use a fresh namespace"
    )]
    Conflict {
        /// The job namespace.
        namespace: String,
        /// `root`.
        pipeline_tag: String,
        /// What the tag points at now.
        existing: String,
        /// What this run wanted it to point at.
        wanted: String,
        /// The imagestreamtag the wanted image was read from.
        root: Box<config_model::ImageStreamTag>,
    },

    /// The pipeline tag exists with the right source, but the server reported it cannot resolve it.
    #[error(
        "pipeline:{pipeline_tag} in namespace {namespace} cannot be resolved to {digest}: {}: {}", condition.reason, condition.message
    )]
    TagFailed {
        /// The job namespace.
        namespace: String,
        /// `root`.
        pipeline_tag: String,
        /// The wanted digest.
        digest: String,
        /// The stream's condition for the tag (`reason`, `message`).
        condition: Box<crate::types::TagEventCondition>,
    },

    /// The source imagestreamtag does not exist or has no image; one read of its ImageStream
    /// says why (the stream is missing, the nearest existing tags, the import's failure).
    #[error("{0}")]
    TagMissing(Box<crate::missing_tag::finding::MissingTag>),

    /// A root build ended `Failed`, `Error` or `Cancelled`: its reason, message and log tail.
    #[error("{0}")]
    BuildFailed(Box<crate::build::failure::BuildFailure>),

    /// The deadline passed (retrying a failing request, or waiting for the tag to resolve).
    #[error(
        "deadline of {} passed while trying to {action} ({attempts} attempt{})",
        format_duration(*timeout),
        if *attempts == 1 { "" } else { "s" }
    )]
    Deadline {
        /// `get imagestreamtag release:golang-1.22 in namespace openshift`.
        action: String,
        /// The whole run's time limit.
        timeout: Duration,
        /// How many attempts were made.
        attempts: u32,
        /// The last failure, if an attempt failed.
        #[source]
        last: Option<Box<Transient>>,
    },
}

/// What a caller should do with an [`Error`]: the `ci-operator` exit code follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request was malformed before anything was sent (exit 1 in `ci-operator`).
    Input,
    /// The cluster could not be used: credentials, permissions, missing objects, server errors,
    /// deadline (exit 4).
    Cluster,
    /// The pipeline tag points at another image (exit 4, but worth telling apart: a re-run in the
    /// same namespace with another root, not an outage).
    Conflict,
}

impl Error {
    /// How to classify this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidRequest { .. } => ErrorKind::Input,
            Error::Conflict { .. } => ErrorKind::Conflict,
            Error::Kubeconfig { .. }
            | Error::NoCredentials { .. }
            | Error::Client { .. }
            | Error::Credentials { .. }
            | Error::Unauthorized { .. }
            | Error::Forbidden { .. }
            | Error::NotFound { .. }
            | Error::Api { .. }
            | Error::Unexpected { .. }
            | Error::SourceNotResolved { .. }
            | Error::TagFailed { .. }
            | Error::TagMissing(_)
            | Error::BuildFailed(_)
            | Error::Deadline { .. } => ErrorKind::Cluster,
        }
    }
}

/// A failure that was retried: the last one is kept when the deadline ends the retries.
#[derive(Debug, thiserror::Error)]
pub enum Transient {
    /// The server answered 429 or 5xx.
    #[error("the server answered {}", .0.describe())]
    Status(#[source] ApiStatus),
    /// The connection failed or was dropped.
    #[error("the connection failed")]
    Transport(#[source] kube::Error),
    /// No answer within the per-attempt timeout.
    #[error("no answer within {}", format_duration(*.0))]
    AttemptTimeout(Duration),
    /// The tag was not resolved yet when the deadline came.
    #[error("the tag was still not resolved to the pinned digest")]
    NotResolved,
    /// No Build of the key had started (another run held the claim to start it).
    #[error("no build of the key had started")]
    NoBuild,
    /// The Build was still in this phase.
    #[error("the build was still {0}")]
    BuildRunning(&'static str),
}

/// A Kubernetes `Status` answer (the body of every apiserver error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiStatus {
    /// The HTTP status code.
    pub code: u16,
    /// `NotFound`, `Forbidden`, `AlreadyExists`, `TooManyRequests`, ...
    pub reason: String,
    /// The server's sentence.
    pub message: String,
}

impl ApiStatus {
    /// `HTTP 500 (InternalError)`.
    pub(crate) fn describe(&self) -> String {
        if self.reason.is_empty() {
            format!("HTTP {}", self.code)
        } else {
            format!("HTTP {} ({})", self.code, self.reason)
        }
    }
}

impl std::fmt::Display for ApiStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.message.is_empty() {
            f.write_str(&self.describe())
        } else {
            f.write_str(&self.message)
        }
    }
}

impl std::error::Error for ApiStatus {}

/// `5m`, `1m30s`, `2s`, `250ms`: how users write `--timeout`.
pub(crate) fn format_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms == 0 || !ms.is_multiple_of(1000) {
        return format!("{ms}ms");
    }
    let secs = d.as_secs();
    match (secs / 3600, (secs / 60) % 60, secs % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m{s}s"),
        (h, 0, 0) => format!("{h}h"),
        (h, m, s) => format!("{h}h{m}m{s}s"),
    }
}

/// Why a kubeconfig could not be used, saying nothing of its content: a kubeconfig holds
/// tokens, and kube's YAML errors quote the lines around the problem.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct KubeconfigProblem(String);

impl KubeconfigProblem {
    /// Describes `error` by its kind and position only.
    pub(crate) fn new(error: &kube::config::KubeconfigError) -> Self {
        use kube::config::KubeconfigError;
        KubeconfigProblem(match error {
            KubeconfigError::Parse(parse) => match parse.location() {
                Some(location) => format!(
                    "not valid kubeconfig YAML at line {}, column {} (its content is not shown: a kubeconfig holds credentials)",
                    location.line(),
                    location.column()
                ),
                None => "not valid kubeconfig YAML (its content is not shown: a kubeconfig holds credentials)".to_owned(),
            },
            // The other variants name paths, contexts and URLs, never credentials.
            other => other.to_string(),
        })
    }

    /// The kubeconfig failure inside kube's "could not infer a config" error.
    pub(crate) fn inferred(error: &kube::config::InferConfigError) -> Self {
        match std::error::Error::source(error)
            .and_then(|s| s.downcast_ref::<kube::config::KubeconfigError>())
        {
            Some(kubeconfig) => KubeconfigProblem(format!(
                "not in a cluster, and no usable KUBECONFIG or ~/.kube/config: {}",
                KubeconfigProblem::new(kubeconfig).0
            )),
            None => KubeconfigProblem(
                "not in a cluster, and no usable KUBECONFIG or ~/.kube/config".to_owned(),
            ),
        }
    }
}
