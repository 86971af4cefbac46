//! Exit codes, and the failure type that carries one.
//!
//! The code is picked from the typed error of the library that failed, never from its text:
//! 1 a problem in the input, 2 usage, 3 the repository could not be read, 4 the cluster failed.

use std::process::ExitCode;

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

/// An error on its way to the user, with the exit status it means.
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
    /// A problem in the input (exit 1).
    pub(crate) fn input(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            status: ExitStatus::Input,
            error: error.into(),
            snippets: Vec::new(),
        }
    }

    /// A usage error (exit 2).
    pub(crate) fn usage(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            status: ExitStatus::Usage,
            error: error.into(),
            snippets: Vec::new(),
        }
    }

    /// The repository could not be read (exit 3).
    pub(crate) fn repository(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            status: ExitStatus::Repository,
            error: error.into(),
            snippets: Vec::new(),
        }
    }

    /// Adds source snippets to show under the error.
    pub(crate) fn with_snippets(mut self, snippets: Vec<String>) -> Failure {
        self.snippets.extend(snippets);
        self
    }

    /// The cluster failed (exit 4).
    pub(crate) fn cluster(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            status: ExitStatus::Cluster,
            error: error.into(),
            snippets: Vec::new(),
        }
    }
}

/// `result.input()?` and friends: classify an error at the call site.
pub(crate) trait Classify<T> {
    /// Classifies an error as a problem in the input.
    fn input(self) -> Result<T, Failure>;
}

impl<T, E: Into<anyhow::Error>> Classify<T> for Result<T, E> {
    fn input(self) -> Result<T, Failure> {
        self.map_err(Failure::input)
    }
}
