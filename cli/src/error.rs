//! What the cli itself refuses or fails at, as typed errors: one enum per operation.
//!
//! The libraries' errors say what went wrong in a config, a repository or a cluster; these say
//! what went wrong with the command line, the files it names, the policy, and the cli's own
//! writes. None of them picks an exit code: `exit.rs` maps every variant, with the libraries'
//! errors, in one place.

use std::io;
use std::path::PathBuf;

use config_model::{Diagnostic, InvalidImageStreamTag};

/// The command line asks for something that cannot be done (exit 2).
#[derive(Debug, thiserror::Error)]
pub(crate) enum UsageError {
    /// No SOURCE on the command line and no `JOB_SPEC`.
    #[error(
        "no repository to read: pass --repo DIR, --repo DIR_OR_URL --rev REV, or --job-spec JSON (or set JOB_SPEC)"
    )]
    NoSource,
    /// A path named on the command line does not exist or cannot be read.
    #[error("{} cannot be read; check the path", path.display())]
    UnreadablePath {
        /// The path.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: io::Error,
    },
    /// `-o junit` for a command other than `audit`.
    #[error("`-o junit` is only for `audit`: use `-o text`, `-o yaml` or `-o json`")]
    JunitOnlyForAudit,
    /// `--root` is not a valid imagestreamtag.
    #[error("--root `{text}` is not NAMESPACE/NAME:TAG (e.g. openshift/release:golang-1.22)")]
    InvalidRoot {
        /// What was given.
        text: String,
        /// Which member breaks which rule.
        #[source]
        source: InvalidImageStreamTag,
    },
}

/// A file or directory named on the command line cannot be used (exit 1).
#[derive(Debug, thiserror::Error)]
pub(crate) enum UserFileError {
    /// Reading failed (fs-err's message names the path).
    #[error(transparent)]
    Read(io::Error),
    /// The file is not UTF-8 text.
    #[error("{} is not UTF-8", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
    },
    /// `--repo` of `init` is not a directory.
    #[error("{} is not a directory: --repo takes the repository's work tree", path.display())]
    NotADirectory {
        /// The path.
        path: PathBuf,
    },
    /// Something that is not a regular file (a directory, a symlink) is in the way.
    #[error("{} exists and is not a regular file; remove it first", path.display())]
    NotARegularFile {
        /// The path.
        path: PathBuf,
    },
}

/// A document that failed its checks: every problem, one per line, with file and position
/// (exit 1).
#[derive(Debug)]
pub(crate) struct InvalidDocument {
    /// The file.
    pub(crate) file: String,
    /// What kind of document (`config`, `.ci-operator.yaml`).
    pub(crate) what: &'static str,
    /// The problems (errors first matter; warnings are shown too).
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for InvalidDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let errors = self.diagnostics.iter().filter(|d| d.is_error()).count();
        let plural = if errors == 1 { "problem" } else { "problems" };
        write!(
            f,
            "{} is not a valid {} ({errors} {plural}):",
            self.file, self.what
        )?;
        for d in &self.diagnostics {
            write!(f, "\n  {}", render_diagnostic(&self.file, d))?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidDocument {}

/// `FILE:LINE:COLUMN: PATH: MESSAGE`, with `warning: ` before the path for warnings: the form
/// of `validate`'s report, of warnings on stderr and of problems inside an error.
pub(crate) fn render_diagnostic(file: &str, d: &Diagnostic) -> String {
    let warning = if d.is_error() { "" } else { "warning: " };
    format!("{file}:{}:{}: {warning}{d}", d.pos.line, d.pos.column)
}

/// `JOB_SPEC` (or `--job-spec`) cannot be read (exit 1).
#[derive(Debug, thiserror::Error)]
#[error("{origin} is not a valid Prow job spec")]
pub(crate) struct InvalidJobSpec {
    /// `--job-spec` or `JOB_SPEC`.
    pub(crate) origin: &'static str,
    /// Why.
    #[source]
    pub(crate) source: config_model::job_spec::Error,
}

/// `--allowed-root-namespaces` refuses a root the repository chose (exit 1).
#[derive(Debug, thiserror::Error)]
#[error(
    "{pipeline_tag}: {chosen_by} chose the build root {root}, from namespace `{namespace}`, which is not allowed (allowed: {allowed}): use an imagestreamtag from an allowed namespace"
)]
pub(crate) struct NamespaceNotAllowed {
    /// `root` or `root-<org.repo>`.
    pub(crate) pipeline_tag: String,
    /// The file(s) that chose it.
    pub(crate) chosen_by: String,
    /// The root.
    pub(crate) root: String,
    /// Its namespace.
    pub(crate) namespace: String,
    /// The allowed namespaces, comma-separated.
    pub(crate) allowed: String,
}

/// `init` cannot do what it was asked (exit 1).
#[derive(Debug, thiserror::Error)]
pub(crate) enum InitError {
    /// The config has no `build_root`.
    #[error("{}: no build_root: nothing to move into .ci-operator.yaml", config.display())]
    NoBuildRoot {
        /// The config.
        config: PathBuf,
    },
    /// `build_root` is neither `image_stream_tag` nor `from_repository`, and no `--root`.
    #[error(
        "{}: build_root has no image_stream_tag; init moves a configured image_stream_tag into .ci-operator.yaml (or pass --root NS/NAME:TAG)",
        config.display()
    )]
    NoImageStreamTag {
        /// The config.
        config: PathBuf,
    },
    /// The config's text has no top-level `build_root:` line to rewrite.
    #[error("{}: no top-level `build_root:` block to rewrite", config.display())]
    NoBuildRootBlock {
        /// The config.
        config: PathBuf,
    },
    /// The config's `image_stream_tag` breaks a rule (validation reports it too).
    #[error("{}: build_root.image_stream_tag is not a valid imagestreamtag", config.display())]
    InvalidConfiguredRoot {
        /// The config.
        config: PathBuf,
        /// Which member breaks which rule.
        #[source]
        source: InvalidImageStreamTag,
    },
    /// The config reads its root from the repository, the repository names none, and option B
    /// infers none.
    #[error(
        "{}: build_root reads from the repository, whose .ci-operator.yaml names no build root, and none can be inferred from the promoted Dockerfiles: pass --root NS/NAME:TAG to write one",
        config.display()
    )]
    CannotInfer {
        /// The config.
        config: PathBuf,
        /// Why option B failed.
        #[source]
        source: Box<resolver::Error>,
    },
    /// The existing `.ci-operator.yaml` is not YAML that can be edited.
    #[error("{} cannot be read as YAML; fix it, then run init again", file.display())]
    UnreadableInRepoFile {
        /// The file.
        file: PathBuf,
        /// The parser's error.
        #[source]
        source: Box<config_model::in_repo::Error>,
    },
    /// Adding or replacing `build_root_image` in the existing file's text did not give a file
    /// that names the root (an unusual layout, such as a flow mapping).
    #[error(
        "{} is laid out in a way init cannot edit without rewriting it: add `build_root_image` with namespace `{}`, name `{}` and tag `{}` by hand",
        file.display(), root.namespace(), root.name(), root.tag()
    )]
    CannotEdit {
        /// The file.
        file: PathBuf,
        /// The root to add.
        root: config_model::ImageStreamTag,
    },
    /// The existing file names another root, and `--force` was not given.
    #[error(
        "{} exists with a different build root; not replaced (the diff is above): pass --force to replace it",
        file.display()
    )]
    DifferentRoot {
        /// The file.
        file: PathBuf,
    },
}

/// Writing a file atomically failed (exit 1).
#[derive(Debug, thiserror::Error)]
pub(crate) enum WriteError {
    /// The temporary file could not be created.
    #[error("creating a temporary file in {}", dir.display())]
    TempFile {
        /// Where.
        dir: PathBuf,
        /// What the OS said.
        #[source]
        source: io::Error,
    },
    /// Writing or syncing it failed.
    #[error("writing {}", path.display())]
    Write {
        /// The target.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: io::Error,
    },
    /// Renaming it onto the target failed.
    #[error("renaming into {}", path.display())]
    Rename {
        /// The target.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: io::Error,
    },
}

/// Tagging could not start or finish in time on the cli's side (exit 4).
#[derive(Debug, thiserror::Error)]
pub(crate) enum TagError {
    /// The async runtime could not be started.
    #[error("starting the async runtime")]
    Runtime(#[source] io::Error),
    /// `--timeout` passed between two roots.
    #[error("the deadline (--timeout) passed before pipeline:{pipeline_tag} was tagged")]
    DeadlinePassed {
        /// The tag not reached.
        pipeline_tag: String,
    },
    /// `--root` is written NAMESPACE/NAME:TAG but a member breaks OpenShift's rules: a problem
    /// in the input, like a bad `--namespace` (a text not of that form is a usage error).
    #[error("--root `{text}` is not a valid imagestreamtag")]
    InvalidRoot {
        /// What was given.
        text: String,
        /// Which member breaks which rule.
        #[source]
        source: InvalidImageStreamTag,
    },
}

/// A root built from `project_image` cannot be named, keyed or uploaded (exit 1; 3 when the
/// repository cannot be read while archiving; 4 when a base's digest is missing).
#[derive(Debug, thiserror::Error)]
pub(crate) enum ProjectImageError {
    /// The cache is named after the repository, and no name is known.
    #[error(
        "pipeline:{pipeline_tag}: the cache of a root built from project_image is named after the repository `<org>-<repo>-root`, and none is known: run with JOB_SPEC, or set zz_generated_metadata.org and zz_generated_metadata.repo in the config"
    )]
    NoRepositoryName {
        /// `root` or `root-<org.repo>`.
        pipeline_tag: String,
    },
    /// The repository's name gives no valid cache imagestream.
    #[error(
        "pipeline:{pipeline_tag}: the cache imagestream of `{org_repo}` is not a valid imagestreamtag"
    )]
    InvalidCacheName {
        /// `root` or `root-<org.repo>`.
        pipeline_tag: String,
        /// `org/repo`.
        org_repo: String,
        /// Which member breaks which rule.
        #[source]
        source: InvalidImageStreamTag,
    },
    /// `project_image.inputs.<name>` names a base image that is not a valid imagestreamtag.
    #[error(
        "pipeline:{pipeline_tag}: project_image.inputs.{name} is the base image `{name}`, which is not a valid imagestreamtag"
    )]
    InvalidInputImage {
        /// `root` or `root-<org.repo>`.
        pipeline_tag: String,
        /// The input's name.
        name: String,
        /// Which member breaks which rule.
        #[source]
        source: InvalidImageStreamTag,
    },
    /// The cluster gave no digest for a base the key covers.
    #[error("pipeline:{pipeline_tag}: the key of the root build cannot be computed")]
    MissingDigest {
        /// `root` or `root-<org.repo>`.
        pipeline_tag: String,
        /// Which base.
        #[source]
        source: Box<resolver::MissingDigest>,
    },
    /// The archive of the build context was refused; nothing was uploaded.
    #[error("pipeline:{pipeline_tag}: the build context was not uploaded: its archive was refused")]
    Archive {
        /// `root` or `root-<org.repo>`.
        pipeline_tag: String,
        /// Why.
        #[source]
        source: resolver::ArchiveError,
    },
}

/// `--allowed-root-namespaces` refuses a base of a `project_image` build that the repository's
/// Dockerfile chose (exit 1).
#[derive(Debug, thiserror::Error)]
#[error(
    "pipeline:{pipeline_tag}: {at} builds the root on {base} (`FROM {text}`), from namespace `{namespace}`, which is not allowed (allowed: {allowed}): use a base image from an allowed namespace",
    namespace = .base.split('/').next().unwrap_or_default()
)]
pub(crate) struct BaseNamespaceNotAllowed {
    /// `root` or `root-<org.repo>`.
    pub(crate) pipeline_tag: String,
    /// `<Dockerfile>:<line>` of the `FROM`.
    pub(crate) at: String,
    /// The imagestreamtag it maps to, `namespace/name:tag`.
    pub(crate) base: String,
    /// The `FROM` image as written.
    pub(crate) text: String,
    /// The allowed namespaces, comma-separated.
    pub(crate) allowed: String,
}

/// `audit` cannot start: its arguments or its config tree (exit 2, or 1 for a tree that
/// cannot be read). What it finds in the tree is its report, not an error.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AuditError {
    /// `--git-url-template` would fetch every repository from one URL.
    #[error(
        "--git-url-template `{template}` has no `{{repo}}`: every repository would be fetched from the same URL"
    )]
    NoRepoPlaceholder {
        /// The template, credentials redacted.
        template: String,
    },
    /// CONFIG_DIR is not a directory.
    #[error("{} is not a directory: give the directory that holds `<org>/<repo>/*.yaml`", path.display())]
    NotADirectory {
        /// CONFIG_DIR.
        path: PathBuf,
    },
    /// A directory of the tree cannot be listed.
    #[error("cannot read the config directory {}", path.display())]
    ReadTree {
        /// The directory.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: io::Error,
    },
    /// The async runtime could not be started.
    #[error("starting the async runtime")]
    Runtime(#[source] io::Error),
}

/// A result could not be rendered or written (exit 1).
#[derive(Debug, thiserror::Error)]
pub(crate) enum OutputError {
    /// stdout failed (other than a closed pipe, which ends the process quietly).
    #[error("writing to stdout")]
    Stdout(#[source] io::Error),
    /// A value could not be rendered as JSON.
    #[error(transparent)]
    Json(serde_json::Error),
    /// A value could not be rendered as YAML.
    #[error(transparent)]
    Yaml(serde_saphyr::SerializeError),
    /// The man page could not be rendered.
    #[error("rendering the man page")]
    ManPage(#[source] io::Error),
}
