//! `ci-operator completions SHELL` and the hidden `ci-operator man`: the command line itself,
//! rendered for shells and for man.

use clap::CommandFactory;

use crate::args::{Cli, CompletionsArgs};
use crate::error::OutputError;
use crate::exit::{ExitStatus, Failure};
use crate::output;

/// Shell completions.
pub(crate) fn completions(args: &CompletionsArgs) -> Result<ExitStatus, Failure> {
    let mut buffer = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "ci-operator", &mut buffer);
    output::stdout(&String::from_utf8_lossy(&buffer))?;
    Ok(ExitStatus::Success)
}

/// The man page (roff).
pub(crate) fn man() -> Result<ExitStatus, Failure> {
    let mut buffer = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buffer)
        .map_err(OutputError::ManPage)?;
    output::stdout(&String::from_utf8_lossy(&buffer))?;
    Ok(ExitStatus::Success)
}
