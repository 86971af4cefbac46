//! Integration tests of config-model: the corpus, kept message texts, hostile inputs, the
//! in-repo file, JOB_SPEC, the JSON Schemas, and property tests.

// `allow-unwrap-in-tests` covers `#[test]` functions only, not the helpers they share.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a panic is a test failure"
)]

mod corpus;
mod hostile;
mod in_repo;
mod job_spec;
mod messages;
mod props;
mod schema;

use std::path::PathBuf;

use config_model::{Diagnostic, parse_config, validate_config};

/// The workspace's corpus directory.
fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus")
}

/// Parses and validates a config and renders the outcome one line per problem:
/// `LINE:COL: PATH: MESSAGE`, `parse error LINE:COL: MESSAGE`, or `valid`.
fn check_config(yaml: &str) -> String {
    match parse_config(yaml) {
        Err(err) => format!(
            "parse error {}: {err}",
            err.pos.map_or("-".to_owned(), |p| p.to_string())
        ),
        Ok(config) => match validate_config(config) {
            Ok(valid) if valid.warnings().is_empty() => "valid".to_owned(),
            Ok(valid) => render_all(valid.warnings()),
            Err(diagnostics) => render_all(&diagnostics),
        },
    }
}

/// One line per diagnostic, warnings marked.
fn render_all(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            if d.is_error() {
                d.render(None)
            } else {
                format!("warning {}", d.render(None))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
