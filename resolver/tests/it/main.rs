//! Integration tests of the resolver: the corpus, strategies through the public API, the drift
//! check and hostile input.

mod api;
mod build;
mod corpus;
mod corpus_files;
mod drift;
mod hostile;
mod parts;

/// A config from YAML, validated.
pub(crate) fn config(yaml: &str) -> config_model::ValidConfig {
    let parsed = config_model::parse_config(yaml).expect("test configs parse");
    config_model::validate_config(parsed).expect("test configs are valid")
}

/// An error and its causes, one per line, as the CLI prints them.
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut out = format!("error: {error}");
    let mut source = error.source();
    while let Some(s) = source {
        out.push_str(&format!("\n  caused by: {s}"));
        source = s.source();
    }
    out
}
