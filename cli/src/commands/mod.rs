//! One module per subcommand; [`run`] dispatches.

mod check;
mod init;
mod prowgen;
mod resolve;
mod schema;
mod tag;
mod validate;

use clap::CommandFactory;

use crate::args::{Cli, Command};
use crate::exit::{ExitStatus, Failure};
use crate::output;

/// Runs the chosen subcommand.
pub(crate) fn run(cli: Cli) -> Result<ExitStatus, Failure> {
    let format = cli.global.output;
    match cli.command {
        Command::Validate(args) => validate::run(&args, format),
        Command::Resolve(args) => resolve::run(&args, format),
        Command::Check(args) => check::run(&args, format),
        Command::Tag(args) => tag::run_tag(&args, format),
        Command::Run(args) => tag::run_run(&args, format),
        Command::Prowgen(args) => prowgen::run(&args, format),
        Command::Init(args) => init::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Completions(args) => {
            let mut buffer = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "ci-operator", &mut buffer);
            output::stdout(&String::from_utf8_lossy(&buffer))?;
            Ok(ExitStatus::Success)
        }
        Command::Man => {
            let mut buffer = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut buffer)
                .map_err(|e| {
                    Failure::input(anyhow::Error::new(e).context("rendering the man page"))
                })?;
            output::stdout(&String::from_utf8_lossy(&buffer))?;
            Ok(ExitStatus::Success)
        }
    }
}

/// Reads a file the user named on the command line (exit 1 when it cannot be read).
pub(crate) fn read_user_file(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    fs_err::read(path).map_err(Failure::input)
}

/// A config that failed validation: every problem, one per line, with file and position.
#[derive(Debug)]
pub(crate) struct InvalidDocument {
    /// The file.
    pub(crate) file: String,
    /// What kind of document (`config`, `.ci-operator.yaml`).
    pub(crate) what: &'static str,
    /// The problems (errors first matter; warnings are shown too).
    pub(crate) diagnostics: Vec<config_model::Diagnostic>,
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

/// `FILE:LINE:COLUMN: PATH: MESSAGE`, with `warning: ` before the path for warnings.
pub(crate) fn render_diagnostic(file: &str, d: &config_model::Diagnostic) -> String {
    let warning = if d.is_error() { "" } else { "warning: " };
    format!("{file}:{}:{}: {warning}{d}", d.pos.line, d.pos.column)
}

/// Reads, parses and validates the config named by `--config`.
pub(crate) fn load_config(path: &std::path::Path) -> Result<config_model::ValidConfig, Failure> {
    let bytes = read_user_file(path)?;
    parse_and_validate(path, &bytes)
}

/// Parses and validates a config; any problem is an input failure listing all of them.
pub(crate) fn parse_and_validate(
    path: &std::path::Path,
    bytes: &[u8],
) -> Result<config_model::ValidConfig, Failure> {
    let file = path.display().to_string();
    let invalid = |diagnostics: Vec<config_model::Diagnostic>| {
        let snippets = yaml_snippets(&file, bytes, &diagnostics);
        Failure::input(InvalidDocument {
            file: file.clone(),
            what: "config",
            diagnostics,
        })
        .with_snippets(snippets)
    };
    let config =
        config_model::parse_config_bytes(bytes).map_err(|e| invalid(vec![e.to_diagnostic()]))?;
    let valid = config_model::validate_config(config).map_err(invalid)?;
    for warning in valid.warnings() {
        tracing::warn!("{}", render_diagnostic(&file, warning));
    }
    Ok(valid)
}

/// The source lines of the first few errors, for a person reading the terminal.
fn yaml_snippets(
    file: &str,
    bytes: &[u8],
    diagnostics: &[config_model::Diagnostic],
) -> Vec<String> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Vec::new();
    };
    diagnostics
        .iter()
        .filter(|d| d.is_error() && d.pos.is_known())
        .take(3)
        .filter_map(|d| output::snippet(file, text, d.pos.line, d.pos.column))
        .collect()
}

/// Every diagnostic of a config file (for `validate`).
pub(crate) fn config_diagnostics(bytes: &[u8]) -> Vec<config_model::Diagnostic> {
    match config_model::parse_config_bytes(bytes) {
        Ok(config) => config_model::diagnostics(&config),
        Err(error) => vec![error.to_diagnostic()],
    }
}

/// Every diagnostic of a `.ci-operator.yaml` (for `validate`).
pub(crate) fn in_repo_diagnostics(bytes: &[u8]) -> Vec<config_model::Diagnostic> {
    match config_model::parse_in_repo(bytes) {
        Ok(in_repo) => in_repo.warnings,
        Err(error) => error.diagnostics(),
    }
}
