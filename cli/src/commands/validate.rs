//! `ci-operator validate PATH...`: every problem of every config and in-repo file, at once.
//!
//! The report goes to stdout, as linters print theirs, whatever the format; the exit code
//! says whether it holds errors. Files are read once each and checked in parallel (one thread per core); results are
//! printed in path order, so the output does not depend on scheduling.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::anyhow;
use config_model::{Diagnostic, IN_REPO_FILE_NAME, Severity};
use serde::Serialize;

use crate::args::{OutputFormat, ValidateArgs};
use crate::documents::{config_diagnostics, in_repo_diagnostics};
use crate::error::{UsageError, UserFileError};
use crate::exit::{ExitStatus, Failure};
use crate::output;

/// One problem, as `-o json` prints it.
#[derive(Debug, Serialize)]
struct Problem {
    file: String,
    line: u32,
    column: u32,
    severity: Severity,
    path: String,
    message: String,
}

/// The `-o json` document.
#[derive(Debug, Serialize)]
struct Report {
    files: usize,
    errors: usize,
    warnings: usize,
    problems: Vec<Problem>,
}

pub(crate) fn run(args: &ValidateArgs, format: OutputFormat) -> Result<ExitStatus, Failure> {
    let files = collect(&args.paths)?;
    let results = check_all(&files);

    let mut problems = Vec::new();
    for (file, diagnostics) in files.iter().zip(results) {
        let file = file.display().to_string();
        for d in diagnostics {
            let promoted = args.strict && d.severity == Severity::Warning;
            let severity = if promoted {
                Severity::Error
            } else {
                d.severity
            };
            let message = if promoted {
                format!("{} (a warning, made an error by --strict)", d.message)
            } else {
                d.message
            };
            problems.push(Problem {
                file: file.clone(),
                line: d.pos.line,
                column: d.pos.column,
                severity,
                path: d.path,
                message,
            });
        }
    }
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = problems.len() - errors;
    let report = Report {
        files: files.len(),
        errors,
        warnings,
        problems,
    };
    let text = output::render(format, &report, || render_text(&report))?;
    output::stdout(&text)?;
    Ok(ExitStatus::of_findings(errors > 0))
}

fn render_text(report: &Report) -> String {
    let mut text = String::new();
    for p in &report.problems {
        text.push_str(&format!("{}:{}:{}: ", p.file, p.line, p.column));
        if p.severity == Severity::Warning {
            text.push_str("warning: ");
        }
        if !p.path.is_empty() {
            text.push_str(&p.path);
            text.push_str(": ");
        }
        text.push_str(&p.message);
        text.push('\n');
    }
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    text.push_str(&format!(
        "{} checked: {}, {}\n",
        plural(report.files, "file"),
        plural(report.errors, "error"),
        plural(report.warnings, "warning")
    ));
    text
}

/// The files to check: named files as they are, directories searched for `*.yaml` and
/// `.ci-operator.yaml` (not following symlinks, skipping `.git`), in sorted order.
fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| UsageError::UnreadablePath {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found).map_err(UserFileError::Read)?;
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs_err::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let path = entry.path();
        let name = entry.file_name();
        if kind.is_dir() {
            if name != ".git" {
                walk(&path, found)?;
            }
        } else if kind.is_file()
            && (name == IN_REPO_FILE_NAME || path.extension().is_some_and(|e| e == "yaml"))
        {
            found.push(path);
        }
    }
    Ok(())
}

/// Checks every file on a pool of threads; results are in the files' order.
fn check_all(files: &[PathBuf]) -> Vec<Vec<Diagnostic>> {
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Vec<Diagnostic>>> =
        files.iter().map(|_| Mutex::new(Vec::new())).collect();
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(files.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(file) = files.get(index) else { break };
                    let diagnostics = check_file(file);
                    if let Ok(mut slot) = results[index].lock() {
                        *slot = diagnostics;
                    }
                }
            });
        }
    });
    results
        .into_iter()
        .map(|m| m.into_inner().unwrap_or_default())
        .collect()
}

fn check_file(file: &Path) -> Vec<Diagnostic> {
    let bytes = match fs_err::read(file) {
        Ok(bytes) => bytes,
        Err(error) => {
            return vec![whole_file(
                anyhow!(error).to_string(),
                config_model::Pos::UNKNOWN,
            )];
        }
    };
    if file.file_name().is_some_and(|n| n == IN_REPO_FILE_NAME) {
        in_repo_diagnostics(&bytes)
    } else {
        config_diagnostics(&bytes)
    }
}

/// A problem with the whole document (it could not be read or parsed).
fn whole_file(message: String, pos: config_model::Pos) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        pos,
        path: String::new(),
        message,
    }
}
