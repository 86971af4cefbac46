//! The command line: subcommands and flags, as the contract in design.md fixes them.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// Write .ci-operator.yaml (atomically) instead of printing it.
    #[arg(long)]
    pub(crate) write: bool,
    /// With --write, replace an existing, different .ci-operator.yaml.
    #[arg(long, requires = "write")]
    pub(crate) force: bool,
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
