//! Exit codes: the one mapping from every error the cli can end with to the status it means.
//!
//! 0 success, 1 a problem in the input, 2 usage, 3 the repository could not be read, 4 the
//! cluster failed. The code is picked from the error's type, never from its text: each library
//! error (and each of the cli's own, in `error.rs`) implements [`Classified`] below with a
//! `match` over every variant or kind and no catch-all arm, so a variant added to a library
//! does not compile until it is mapped here. Call sites turn a typed error into a [`Failure`]
//! with `?` or `Failure::from`; none of them picks a status.

use std::process::ExitCode;

use crate::error::{
    AuditError, BaseNamespaceNotAllowed, InitError, InvalidDocument, InvalidJobSpec,
    NamespaceNotAllowed, OutputError, ProjectImageError, TagError, UsageError, UserFileError,
    WriteError,
};

/// The process's exit status, as the command-line contract defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExitStatus {
    /// Everything worked.
    Success,
    /// A problem in the input: config, in-repo file, Dockerfile, job spec, inference, drift,
    /// validation problems.
    Input,
    /// The command line was wrong.
    Usage,
    /// The repository could not be read: fetch failed, revision missing, merge conflict.
    Repository,
    /// The cluster failed: API error, authorisation, deadline.
    Cluster,
}

impl ExitStatus {
    /// The status of a command that reports findings (validation problems, drift): they are
    /// problems in the input, printed as the result rather than as an error.
    pub(crate) fn of_findings(found: bool) -> ExitStatus {
        if found {
            ExitStatus::Input
        } else {
            ExitStatus::Success
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        ExitCode::from(match status {
            ExitStatus::Success => 0,
            ExitStatus::Input => 1,
            ExitStatus::Usage => 2,
            ExitStatus::Repository => 3,
            ExitStatus::Cluster => 4,
        })
    }
}

/// An error on its way to the user, with the exit status its type means.
#[derive(Debug)]
pub(crate) struct Failure {
    /// The exit status.
    pub(crate) status: ExitStatus,
    /// The error and its chain of causes.
    pub(crate) error: anyhow::Error,
    /// Source lines the error points at (YAML, Dockerfiles), printed after the causes.
    pub(crate) snippets: Vec<String>,
}

impl Failure {
    /// Adds source snippets to show under the error.
    pub(crate) fn with_snippets(mut self, snippets: Vec<String>) -> Failure {
        self.snippets.extend(snippets);
        self
    }
}

/// An error whose type says which exit status it means.
pub(crate) trait Classified: std::error::Error + Send + Sync + 'static {
    /// The exit status.
    fn status(&self) -> ExitStatus;
}

impl<E: Classified> From<E> for Failure {
    fn from(error: E) -> Failure {
        Failure {
            status: error.status(),
            error: anyhow::Error::new(error),
            snippets: Vec::new(),
        }
    }
}

impl Classified for resolver::Error {
    fn status(&self) -> ExitStatus {
        use resolver::Error;
        match self {
            Error::Unreadable { .. } => ExitStatus::Repository,
            Error::Refused { .. }
            | Error::NoRepository { .. }
            | Error::InRepoFileSyntax { .. }
            | Error::InRepoFileInvalid { .. }
            | Error::Inference { .. }
            | Error::ProjectImage { .. }
            | Error::InvalidImageStreamTag { .. }
            | Error::NoBuildRoot { .. }
            | Error::NoInRepoRoot { .. } => ExitStatus::Input,
        }
    }
}

impl Classified for resolver::FileError {
    fn status(&self) -> ExitStatus {
        match self.kind() {
            resolver::FileErrorKind::Unreadable => ExitStatus::Repository,
            resolver::FileErrorKind::Refused => ExitStatus::Input,
        }
    }
}

impl Classified for repo_source::Error {
    fn status(&self) -> ExitStatus {
        match self.kind() {
            repo_source::ErrorKind::Unreadable => ExitStatus::Repository,
            repo_source::ErrorKind::Refused | repo_source::ErrorKind::Input => ExitStatus::Input,
        }
    }
}

impl Classified for tagger::Error {
    fn status(&self) -> ExitStatus {
        match self.kind() {
            tagger::ErrorKind::Input => ExitStatus::Input,
            tagger::ErrorKind::Cluster | tagger::ErrorKind::Conflict => ExitStatus::Cluster,
        }
    }
}

impl Classified for resolver::RootBuildError {
    fn status(&self) -> ExitStatus {
        use resolver::{PlanError, RootBuildError};
        match self {
            RootBuildError::Resolve(error) => error.status(),
            RootBuildError::Plan { source, .. } => match source {
                PlanError::Files(error) => error.status(),
                PlanError::OutsideContext { .. }
                | PlanError::NotAFile { .. }
                | PlanError::Circular { .. }
                | PlanError::OutsideRepository { .. }
                | PlanError::Ignore(_) => ExitStatus::Input,
            },
        }
    }
}

impl Classified for resolver::ArchiveError {
    fn status(&self) -> ExitStatus {
        use resolver::ArchiveError;
        match self {
            ArchiveError::Files(error) => error.status(),
            // The repository changed under the run (a work tree edited meanwhile).
            ArchiveError::Vanished { .. } => ExitStatus::Repository,
            ArchiveError::NotAFile { .. }
            | ArchiveError::OutsideContext { .. }
            | ArchiveError::TooBig { .. }
            | ArchiveError::Write(_) => ExitStatus::Input,
        }
    }
}

impl Classified for config_model::parse::Error {
    fn status(&self) -> ExitStatus {
        use config_model::parse::ErrorKind;
        match self.kind {
            ErrorKind::TooLarge { .. }
            | ErrorKind::InvalidUtf8
            | ErrorKind::NulByte
            | ErrorKind::NotAMapping { .. }
            | ErrorKind::DuplicateKey { .. }
            | ErrorKind::MultipleDocuments
            | ErrorKind::TooComplex { .. }
            | ErrorKind::Syntax { .. }
            | ErrorKind::Invalid { .. } => ExitStatus::Input,
        }
    }
}

impl Classified for config_model::in_repo::Error {
    fn status(&self) -> ExitStatus {
        use config_model::in_repo::Error;
        match self {
            Error::Parse(_) | Error::Invalid { .. } => ExitStatus::Input,
        }
    }
}

impl Classified for config_model::job_spec::Error {
    fn status(&self) -> ExitStatus {
        use config_model::job_spec::Error;
        match self {
            Error::Json { .. } | Error::NotASha { .. } => ExitStatus::Input,
        }
    }
}

impl Classified for UsageError {
    fn status(&self) -> ExitStatus {
        match self {
            UsageError::NoSource
            | UsageError::UnreadablePath { .. }
            | UsageError::InvalidRoot { .. }
            | UsageError::JunitOnlyForAudit => ExitStatus::Usage,
        }
    }
}

impl Classified for UserFileError {
    fn status(&self) -> ExitStatus {
        match self {
            UserFileError::Read(_)
            | UserFileError::NotUtf8 { .. }
            | UserFileError::NotADirectory { .. }
            | UserFileError::NotARegularFile { .. } => ExitStatus::Input,
        }
    }
}

impl Classified for InvalidDocument {
    fn status(&self) -> ExitStatus {
        ExitStatus::Input
    }
}

impl Classified for InvalidJobSpec {
    fn status(&self) -> ExitStatus {
        ExitStatus::Input
    }
}

impl Classified for NamespaceNotAllowed {
    fn status(&self) -> ExitStatus {
        ExitStatus::Input
    }
}

impl Classified for InitError {
    fn status(&self) -> ExitStatus {
        match self {
            // Option B failed for the repository's own reasons; when it could not even read
            // the work tree, that is the repository's status.
            InitError::CannotInfer { source, .. } => source.status(),
            InitError::NoBuildRoot { .. }
            | InitError::NoImageStreamTag { .. }
            | InitError::NoBuildRootBlock { .. }
            | InitError::InvalidConfiguredRoot { .. }
            | InitError::UnreadableInRepoFile { .. }
            | InitError::CannotEdit { .. }
            | InitError::DifferentRoot { .. } => ExitStatus::Input,
        }
    }
}

impl Classified for WriteError {
    fn status(&self) -> ExitStatus {
        match self {
            WriteError::TempFile { .. } | WriteError::Write { .. } | WriteError::Rename { .. } => {
                ExitStatus::Input
            }
        }
    }
}

impl Classified for ProjectImageError {
    fn status(&self) -> ExitStatus {
        match self {
            ProjectImageError::Archive { source, .. } => source.status(),
            // Every base's digest was asked of the cluster: one missing is the cluster's doing.
            ProjectImageError::MissingDigest { .. } => ExitStatus::Cluster,
            ProjectImageError::NoRepositoryName { .. }
            | ProjectImageError::InvalidCacheName { .. }
            | ProjectImageError::InvalidInputImage { .. } => ExitStatus::Input,
        }
    }
}

impl Classified for BaseNamespaceNotAllowed {
    fn status(&self) -> ExitStatus {
        ExitStatus::Input
    }
}

impl Classified for TagError {
    fn status(&self) -> ExitStatus {
        match self {
            TagError::Runtime(_) | TagError::DeadlinePassed { .. } => ExitStatus::Cluster,
            TagError::InvalidRoot { .. } => ExitStatus::Input,
        }
    }
}

impl Classified for AuditError {
    fn status(&self) -> ExitStatus {
        match self {
            AuditError::NoRepoPlaceholder { .. } | AuditError::NotADirectory { .. } => {
                ExitStatus::Usage
            }
            AuditError::ReadTree { .. } => ExitStatus::Input,
            AuditError::Runtime(_) => ExitStatus::Repository,
        }
    }
}

impl Classified for OutputError {
    fn status(&self) -> ExitStatus {
        match self {
            OutputError::Stdout(_)
            | OutputError::Json(_)
            | OutputError::Yaml(_)
            | OutputError::ManPage(_) => ExitStatus::Input,
        }
    }
}
