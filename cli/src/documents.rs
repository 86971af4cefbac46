//! The documents a user names on the command line: reading a config and checking it, with
//! every problem at its line, and the diagnostics `validate` reports for each kind of file.

use std::path::Path;

use config_model::{Diagnostic, ValidConfig};

use crate::error::{InvalidDocument, UserFileError, render_diagnostic};
use crate::exit::Failure;
use crate::output;

/// Reads a file the user named on the command line (exit 1 when it cannot be read).
pub(crate) fn read_user_file(path: &Path) -> Result<Vec<u8>, Failure> {
    Ok(fs_err::read(path).map_err(UserFileError::Read)?)
}

/// Reads, parses and validates the config named by `--config`.
pub(crate) fn load_config(path: &Path) -> Result<ValidConfig, Failure> {
    let bytes = read_user_file(path)?;
    parse_and_validate(path, &bytes)
}

/// Parses and validates a config; any problem is an input failure listing all of them, with
/// the lines of the first few under it. Warnings go to stderr (and stay in the result, for
/// machine output).
pub(crate) fn parse_and_validate(path: &Path, bytes: &[u8]) -> Result<ValidConfig, Failure> {
    let file = path.display().to_string();
    let invalid = |diagnostics: Vec<Diagnostic>| {
        let snippets = yaml_snippets(&file, bytes, &diagnostics);
        Failure::from(InvalidDocument {
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
        output::note(&render_diagnostic(&file, warning));
    }
    Ok(valid)
}

/// The source lines of the first few errors, for a person reading the terminal.
fn yaml_snippets(file: &str, bytes: &[u8], diagnostics: &[Diagnostic]) -> Vec<String> {
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
pub(crate) fn config_diagnostics(bytes: &[u8]) -> Vec<Diagnostic> {
    match config_model::parse_config_bytes(bytes) {
        Ok(config) => config_model::diagnostics(&config),
        Err(error) => vec![error.to_diagnostic()],
    }
}

/// Every diagnostic of a `.ci-operator.yaml` (for `validate`).
pub(crate) fn in_repo_diagnostics(bytes: &[u8]) -> Vec<Diagnostic> {
    match config_model::parse_in_repo(bytes) {
        Ok(in_repo) => in_repo.warnings,
        Err(error) => error.diagnostics(),
    }
}

/// The warnings of a `.ci-operator.yaml`, whether or not it has errors too (the errors are
/// the resolver's to report; a misspelt key often explains them).
pub(crate) fn in_repo_warnings(bytes: &[u8]) -> Vec<Diagnostic> {
    in_repo_diagnostics(bytes)
        .into_iter()
        .filter(|d| !d.is_error())
        .collect()
}
