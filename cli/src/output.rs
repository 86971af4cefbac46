//! Everything the binary writes: results on stdout, errors and logs on stderr.
//!
//! Results go through [`stdout`] so that a closed pipe (`ci-operator resolve | head -1`) ends
//! the process quietly with 0, as command-line tools do.

// This module is where printing is allowed.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use crate::args::OutputFormat;
use crate::exit::{Classify, Failure};

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
        .with_writer(std::io::stderr)
        .with_target(verbose >= 2)
        .without_time()
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

/// Prints `error: <what>` and one line per cause.
pub(crate) fn report(failure: &Failure) {
    let mut text = format!("error: {}\n", failure.error);
    for cause in failure.error.chain().skip(1) {
        for (i, line) in cause.to_string().lines().enumerate() {
            if i == 0 {
                text.push_str(&format!("  caused by: {line}\n"));
            } else {
                text.push_str(&format!("    {line}\n"));
            }
        }
    }
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// `-q` was given: notes are not shown.
static QUIET: AtomicBool = AtomicBool::new(false);

/// A note for the person at the terminal (stderr, not a log line): shown unless `-q`.
pub(crate) fn note(text: &str) {
    if !QUIET.load(Ordering::Relaxed) {
        let _ = writeln!(std::io::stderr(), "{text}");
    }
}

/// Writes a result to stdout; a closed pipe ends the process quietly.
pub(crate) fn stdout(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(error) => Err(Failure::input(
            anyhow::Error::new(error).context("writing to stdout"),
        )),
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
            let mut json = serde_json::to_string_pretty(value).input()?;
            json.push('\n');
            Ok(json)
        }
        OutputFormat::Yaml => yaml(value),
    }
}

/// YAML that YAML 1.1 readers (kubectl, oc) read back the same: serde-saphyr quotes `"4.10"`
/// and `"yes"`.
pub(crate) fn yaml<T: Serialize>(value: &T) -> Result<String, Failure> {
    serde_saphyr::to_string(value).input()
}
