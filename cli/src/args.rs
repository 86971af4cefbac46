//! The command line: subcommands and flags, as the contract in design.md fixes them.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use config_model::ImageStreamTag;

use crate::audit::report::Verdict;
use crate::error::UsageError;

/// Decides a job's build root and pins it into the job namespace's `pipeline:root`.
#[derive(Debug, Parser)]
#[command(
    name = "ci-operator",
    version,
    about = "Decides a job's build root and pins it into the job namespace's pipeline:root",
    max_term_width = 100
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
}

/// Flags every subcommand takes.
#[derive(Debug, Args)]
pub(crate) struct GlobalArgs {
    /// Output format.
    #[arg(short = 'o', long = "output", global = true, value_enum, default_value_t = OutputFormat::Text)]
    pub(crate) output: OutputFormat,
    /// More logs on stderr (repeat for more); `RUST_LOG` overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub(crate) verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// For people.
    Text,
    /// For machines, as YAML.
    Yaml,
    /// For machines, as JSON.
    Json,
    /// JUnit XML, for Prow's result views (`audit` only).
    Junit,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Validate configs and in-repo files (directories are searched for *.yaml; a file named
    /// .ci-operator.yaml is checked as an in-repo file).
    Validate(ValidateArgs),
    /// Resolve every build root of a config.
    Resolve(ResolveArgs),
    /// Pin an imagestreamtag into the job namespace as pipeline:root.
    Tag(TagArgs),
    /// Resolve every build root, then tag each: what a job pod does.
    Run(RunArgs),
    /// Compare the in-repo build root with the root each promoted Dockerfile implies.
    Check(CheckArgs),
    /// Print the Prow decoration_config the config's jobs need.
    Prowgen(ProwgenArgs),
    /// Create .ci-operator.yaml for a repository from its config's image_stream_tag.
    Init(InitArgs),
    /// Check every branch that reads its build root from the repository, at its tip
    ///
    /// One verdict per config and build root: unreachable, invalid, unresolved, tag-missing,
    /// drift, go-behind or ok.
    Audit(AuditArgs),
    /// Print the JSON Schema of a config or of .ci-operator.yaml, for editors.
    Schema(SchemaArgs),
    /// Print shell completions.
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    #[command(hide = true)]
    Man,
}

/// `validate`.
#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// Files or directories.
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
    /// Treat warnings as errors.
    #[arg(long)]
    pub(crate) strict: bool,
}

/// Where the tested repository is read from. Without any of these, `JOB_SPEC` is used.
#[derive(Debug, Args, Clone)]
pub(crate) struct SourceArgs {
    /// A work tree (read as it is on disk), or with --rev a git repository (path or
    /// file://, http(s):// URL).
    #[arg(long, value_name = "DIR_OR_URL")]
    pub(crate) repo: Option<String>,
    /// The revision to read with --repo: a SHA, branch or tag.
    #[arg(long, requires = "repo", value_name = "REV")]
    pub(crate) rev: Option<String>,
    /// Prow's job spec as JSON (default: the JOB_SPEC environment variable).
    #[arg(long, value_name = "JSON", conflicts_with = "repo")]
    pub(crate) job_spec: Option<String>,
    /// Where Prow clones repositories (`<base-dir>/src/github.com/org/repo`).
    #[arg(long, value_name = "DIR", default_value = "/home/prow/go")]
    pub(crate) base_dir: PathBuf,
    /// Deadline for the whole command, e.g. 90s, 5m.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = crate::timeout::parse_duration)]
    pub(crate) timeout: Duration,
    /// Namespaces a repository-chosen root may come from (comma-separated; default: any).
    #[arg(
        long,
        value_name = "NS,...",
        env = "CI_OPERATOR_ALLOWED_ROOT_NAMESPACES",
        value_delimiter = ','
    )]
    pub(crate) allowed_root_namespaces: Vec<String>,
}

/// Cluster access.
#[derive(Debug, Args, Clone)]
pub(crate) struct ClusterArgs {
    /// Path to a kubeconfig (default: KUBECONFIG, ~/.kube/config, then in-cluster).
    #[arg(long, value_name = "FILE")]
    pub(crate) kubeconfig: Option<PathBuf>,
    /// Print the objects that would be created, as YAML; touch no cluster.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

/// `resolve`.
#[derive(Debug, Args)]
pub(crate) struct ResolveArgs {
    /// The ci-operator config.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: PathBuf,
    #[command(flatten)]
    pub(crate) source: SourceArgs,
}

/// `tag`.
#[derive(Debug, Args)]
pub(crate) struct TagArgs {
    /// The job namespace.
    #[arg(long, value_name = "NS")]
    pub(crate) namespace: String,
    /// The imagestreamtag to pin, NAMESPACE/NAME:TAG.
    #[arg(long, value_name = "NS/NAME:TAG")]
    pub(crate) root: String,
    /// The tag in the pipeline stream.
    #[arg(long, value_name = "TAG", default_value = "root")]
    pub(crate) pipeline_tag: String,
    /// Deadline, e.g. 90s, 5m.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = crate::timeout::parse_duration)]
    pub(crate) timeout: Duration,
    #[command(flatten)]
    pub(crate) cluster: ClusterArgs,
}

/// `run`.
#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The ci-operator config.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: PathBuf,
    /// The job namespace.
    #[arg(long, value_name = "NS")]
    pub(crate) namespace: String,
    /// Building a promotion: never use the build cache.
    #[arg(long)]
    pub(crate) promote: bool,
    /// Where roots built from project_image are cached, as `<NS>/<org>-<repo>-root:<key>`.
    #[arg(long, value_name = "NS", default_value = "build-cache", value_parser = parse_namespace)]
    pub(crate) root_cache_namespace: String,
    #[command(flatten)]
    pub(crate) source: SourceArgs,
    #[command(flatten)]
    pub(crate) cluster: ClusterArgs,
}

/// `check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The ci-operator config.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: PathBuf,
    #[command(flatten)]
    pub(crate) source: SourceArgs,
}

/// `prowgen`.
#[derive(Debug, Args)]
pub(crate) struct ProwgenArgs {
    /// The ci-operator config.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: PathBuf,
}

/// `init`.
#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// The ci-operator config whose image_stream_tag to keep.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: PathBuf,
    /// The repository's work tree.
    #[arg(long, value_name = "DIR")]
    pub(crate) repo: PathBuf,
    /// The root to write, NAMESPACE/NAME:TAG (default: the config's image_stream_tag; for a
    /// config already on from_repository, the root the promoted Dockerfiles imply).
    #[arg(long, value_name = "NS/NAME:TAG")]
    pub(crate) root: Option<String>,
    /// Write .ci-operator.yaml (atomically) instead of printing it.
    #[arg(long)]
    pub(crate) write: bool,
    /// With --write, replace the build_root_image of a .ci-operator.yaml that names a
    /// different root (its other keys and comments are kept).
    #[arg(long, requires = "write")]
    pub(crate) force: bool,
}

/// `audit`.
#[derive(Debug, Args)]
pub(crate) struct AuditArgs {
    /// The config tree, in openshift/release's layout (`<org>/<repo>/<org>-<repo>-<branch>[__<variant>].yaml`).
    #[arg(value_name = "CONFIG_DIR")]
    pub(crate) config_dir: PathBuf,
    /// Where to fetch each repository from; `{org}` and `{repo}` are replaced.
    #[arg(
        long,
        value_name = "TEMPLATE",
        default_value = "https://github.com/{org}/{repo}.git"
    )]
    pub(crate) git_url_template: String,
    /// Check that each root's imagestreamtag exists in this cluster (read-only).
    #[arg(long, value_name = "FILE")]
    pub(crate) kubeconfig: Option<PathBuf>,
    /// Repositories fetched at once.
    #[arg(short = 'j', long = "jobs", value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub(crate) jobs: u16,
    /// Deadline per repository (its fetch and reads), e.g. 30s, 5m.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = crate::timeout::parse_duration)]
    pub(crate) timeout: Duration,
    /// Also audit configs that name their root, and say which could switch to
    /// from_repository without changing it.
    #[arg(long)]
    pub(crate) candidates: bool,
    /// The verdicts that make the exit code 1 (default: every verdict but ok).
    #[arg(long, value_name = "VERDICT,...", value_enum, value_delimiter = ',')]
    pub(crate) fail_on: Vec<Verdict>,
}

/// `schema`.
#[derive(Debug, Args)]
pub(crate) struct SchemaArgs {
    /// Which file.
    #[arg(value_enum)]
    pub(crate) which: SchemaKind,
}

/// The documents that have a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SchemaKind {
    /// A ci-operator config.
    Config,
    /// `.ci-operator.yaml`.
    InRepo,
}

/// `completions`.
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

/// `--root NS/NAME:TAG` of `tag` and `init`, checked by the one rule of a valid
/// imagestreamtag. Parsed by the command rather than by clap, so that the error names the
/// flag, the value and the rule it breaks, and exits 2 like every usage error.
pub(crate) fn parse_root(text: &str) -> Result<ImageStreamTag, UsageError> {
    text.parse().map_err(|source| UsageError::InvalidRoot {
        text: text.to_owned(),
        source,
    })
}

/// A namespace flag (`--root-cache-namespace`), checked as Kubernetes checks one: a usage error
/// that names the rule, before anything is read.
fn parse_namespace(text: &str) -> Result<String, String> {
    config_model::check_namespace(text)
        .map(|()| text.to_owned())
        .map_err(|rule| format!("`{text}` is not a namespace: {rule}"))
}

#[cfg(test)]
mod tests;
