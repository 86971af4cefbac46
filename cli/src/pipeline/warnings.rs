//! Warnings (unknown keys of `.ci-operator.yaml`, config warnings): each goes to stderr as it
//! is found, in every output mode, and machine output carries the list as `warnings`.

use config_model::{Diagnostic, Pos};
use serde::Serialize;

use crate::error::render_diagnostic;
use crate::output;

/// One warning, as `-o json|yaml` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Warning {
    /// The file: the config's path, or `.ci-operator.yaml` of the repository read.
    pub(crate) file: String,
    /// 1-based line (0 when unknown).
    pub(crate) line: u32,
    /// 1-based column (0 when unknown).
    pub(crate) column: u32,
    /// The field path (`build_root_image.use_build_cache`).
    pub(crate) path: String,
    /// What is wrong and what to do.
    pub(crate) message: String,
}

impl Warning {
    /// A diagnostic of `file`.
    pub(crate) fn new(file: &str, diagnostic: &Diagnostic) -> Warning {
        Warning {
            file: file.to_owned(),
            line: diagnostic.pos.line,
            column: diagnostic.pos.column,
            path: diagnostic.path.clone(),
            message: diagnostic.message.clone(),
        }
    }
}

/// Prints each warning on stderr (`FILE:LINE:COLUMN: warning: PATH: MESSAGE`, as `validate`
/// prints them) and keeps them for machine output.
pub(crate) fn shown(found: Vec<(String, Diagnostic)>) -> Vec<Warning> {
    found
        .iter()
        .map(|(file, diagnostic)| {
            output::note(&render_diagnostic(file, diagnostic));
            Warning::new(file, diagnostic)
        })
        .collect()
}

/// An `inputs.<name>.as` entry of the config that replaces nothing, as a warning about the
/// config.
pub(crate) fn unused_input(unused: &resolver::UnusedInput) -> Diagnostic {
    let text = unused.to_string();
    let prefix = format!("{}: ", unused.field);
    let message = text.strip_prefix(&prefix).unwrap_or(&text);
    Diagnostic::warning(
        Pos {
            line: unused.line,
            column: unused.column,
        },
        unused.field.clone(),
        message,
    )
}
