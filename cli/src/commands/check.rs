//! `ci-operator check`: does `.ci-operator.yaml` agree with the Dockerfiles the config promotes?

use std::time::Instant;

use crate::args::{CheckArgs, OutputFormat};
use crate::exit::{ExitStatus, Failure};
use crate::output;
use crate::source::{Repositories, Source, resolver_failure};

pub(crate) fn run(args: &CheckArgs, format: OutputFormat) -> Result<ExitStatus, Failure> {
    let deadline = Instant::now() + args.source.timeout;
    let config = super::load_config(&args.config)?;
    let source = Source::from_args(&args.source)?;
    let repositories = Repositories::new(source, &config, deadline);
    let files = repositories.primary()?;
    let report = resolver::check_drift(&config, files).map_err(resolver_failure)?;
    // The report is printed whatever the verdicts: exit 1 on drift still shows why.
    let text = output::render(format, &report, || {
        let mut text = report.to_string();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text
    })?;
    output::stdout(&text)?;
    Ok(if report.has_drift() {
        ExitStatus::Input
    } else {
        ExitStatus::Success
    })
}
