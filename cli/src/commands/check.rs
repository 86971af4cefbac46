//! `ci-operator check`: does `.ci-operator.yaml` agree with the Dockerfiles the config promotes?

use std::time::Instant;

use resolver::DriftReport;
use serde::Serialize;

use crate::args::{CheckArgs, OutputFormat};
use crate::exit::{ExitStatus, Failure};
use crate::output;
use crate::pipeline::{self, Warning};

/// `check -o json|yaml`: the drift report's keys, then `warnings`.
#[derive(Serialize)]
struct CheckDocument<'a> {
    #[serde(flatten)]
    report: &'a DriftReport,
    warnings: &'a [Warning],
}

pub(crate) fn run(args: &CheckArgs, format: OutputFormat) -> Result<ExitStatus, Failure> {
    let deadline = Instant::now() + args.source.timeout;
    let loaded = pipeline::load(&args.config)?;
    let checked = pipeline::check(&loaded, &args.source, deadline)?;
    let document = CheckDocument {
        report: &checked.report,
        warnings: &checked.warnings,
    };
    // The report is printed whatever the verdicts: exit 1 on drift still shows why.
    let text = output::render(format, &document, || {
        let mut text = pipeline::explain_drift(&checked.report);
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text
    })?;
    output::stdout(&text)?;
    Ok(ExitStatus::of_findings(checked.report.has_drift()))
}
