//! `ci-operator resolve`: every build root of a config, and how each was chosen.

use std::time::Instant;

use resolver::ResolvedRoot;
use serde::Serialize;

use crate::args::{OutputFormat, ResolveArgs};
use crate::exit::{ExitStatus, Failure};
use crate::output;
use crate::pipeline::{self, Warning};

/// `resolve -o json|yaml`: `{"roots": [...], "warnings": [...]}`.
#[derive(Serialize)]
struct Resolution<'a> {
    roots: &'a [ResolvedRoot],
    warnings: &'a [Warning],
}

pub(crate) fn run(args: &ResolveArgs, format: OutputFormat) -> Result<ExitStatus, Failure> {
    let deadline = Instant::now() + args.source.timeout;
    let loaded = pipeline::load(&args.config)?;
    let resolved = pipeline::resolve(&loaded, &args.source, deadline)?;
    let document = Resolution {
        roots: &resolved.roots,
        warnings: &resolved.warnings,
    };
    let text = output::render(format, &document, || render_text(&resolved.roots))?;
    output::stdout(&text)?;
    Ok(ExitStatus::Success)
}

/// Each root's explanation.
fn render_text(roots: &[ResolvedRoot]) -> String {
    if roots.is_empty() {
        return "the config has no build root\n".to_owned();
    }
    let mut text = String::new();
    for root in roots {
        let rendered = pipeline::explain(root);
        text.push_str(&rendered);
        if !rendered.ends_with('\n') {
            text.push('\n');
        }
    }
    text
}
