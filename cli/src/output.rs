//! Everything the binary writes: results on stdout, errors and logs on stderr.
//!
//! Results go through [`stdout`] so that a closed pipe (`ci-operator resolve | head -1`) ends
//! the process quietly with 0, as command-line tools do.

// This module is where printing is allowed.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use repo_source::redact_credentials;

use crate::args::OutputFormat;
use crate::error::OutputError;
use crate::exit::Failure;

/// Logs on stderr: warnings by default, more with `-v`, errors only with `-q`; `RUST_LOG`
/// overrides both.
pub(crate) fn init_logging(verbose: u8, quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        (false, _) => "trace",
    };
    let default = if verbose >= 2 {
        level.to_owned()
    } else {
        format!("{level},cli={level}")
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| RedactingStderr)
        .with_target(verbose >= 2)
        .without_time()
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

/// Prints `error: <what>` and one line per cause.
pub(crate) fn report(failure: &Failure) {
    let mut text = format!("error: {}\n", failure.error);
    let mut previous = failure.error.to_string();
    for cause in failure.error.chain().skip(1) {
        // Some libraries repeat their source in their own message; print each text once.
        let cause_text = cause.to_string();
        if previous.contains(&cause_text) {
            continue;
        }
        previous = cause_text;
        for (i, line) in cause.to_string().lines().enumerate() {
            if i == 0 {
                text.push_str(&format!("  caused by: {line}\n"));
            } else {
                text.push_str(&format!("    {line}\n"));
            }
        }
    }
    for snippet in &failure.snippets {
        text.push_str(snippet);
    }
    let _ = std::io::stderr().write_all(redact_credentials(&text).as_bytes());
}

/// The line of `text` at `line` (1-based) with a caret under `column`, as compilers show it:
///
/// ```text
///   --> Dockerfile:1:6
///    |
///  1 | FROM docker.io/library/golang:1.22
///    |      ^
/// ```
pub(crate) fn snippet(file: &str, text: &str, line: u32, column: u32) -> Option<String> {
    let source = text
        .lines()
        .nth(usize::try_from(line).ok()?.checked_sub(1)?)?;
    // Long lines (minified files, hostile input) are cut: the caret's surroundings matter.
    let shown: String = source.chars().take(200).collect();
    let number = line.to_string();
    let pad = " ".repeat(number.len());
    let caret_at = usize::try_from(column.max(1) - 1)
        .ok()?
        .min(shown.chars().count());
    let before: String = shown
        .chars()
        .take(caret_at)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    Some(format!(
        "{pad}--> {file}:{line}:{column}\n{pad} |\n{number} | {shown}\n{pad} | {before}^\n"
    ))
}

/// `-q` was given: notes are not shown.
static QUIET: AtomicBool = AtomicBool::new(false);

/// A note or a warning for the person at the terminal (stderr, not a log line, in every
/// output mode): shown unless `-q`.
pub(crate) fn note(text: &str) {
    if !QUIET.load(Ordering::Relaxed) {
        let _ = writeln!(std::io::stderr(), "{}", redact_credentials(text));
    }
}

/// Writes a result to stdout; a closed pipe ends the process quietly.
pub(crate) fn stdout(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(error) => Err(OutputError::Stdout(error).into()),
    }
}

/// Renders a value as YAML or JSON (pretty, with a final newline), or the given text.
pub(crate) fn render<T: Serialize>(
    format: OutputFormat,
    value: &T,
    text: impl FnOnce() -> String,
) -> Result<String, Failure> {
    match format {
        OutputFormat::Text => Ok(text()),
        OutputFormat::Json => {
            let mut json = serde_json::to_string_pretty(value).map_err(OutputError::Json)?;
            json.push('\n');
            Ok(json)
        }
        OutputFormat::Yaml => yaml(value),
        // `commands::run` refuses `-o junit` for every command but `audit`, which renders it.
        OutputFormat::Junit => Err(crate::error::UsageError::JunitOnlyForAudit.into()),
    }
}

/// YAML that YAML 1.1 readers (kubectl, oc) read back the same: serde-saphyr quotes `"4.10"`
/// and `"yes"`.
pub(crate) fn yaml<T: Serialize>(value: &T) -> Result<String, Failure> {
    // Plain scalars: long values stay on one line, greppable, as kubectl prints them.
    let mut options = serde_saphyr::SerializerOptions::default();
    options.prefer_block_scalars = false;
    Ok(serde_saphyr::to_string_with_options(value, options).map_err(OutputError::Yaml)?)
}

/// stderr for log lines, with credentials in URLs redacted (gix and kube log URLs at debug).
struct RedactingStderr;

impl Write for RedactingStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        std::io::stderr().write_all(redact_credentials(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}
