//! One module per subcommand; [`run`] dispatches. Commands share the steps of
//! `crate::pipeline`, never each other's modules.

mod check;
mod completions;
mod init;
mod prowgen;
mod resolve;
mod run;
mod schema;
mod tag;
mod validate;

use crate::args::{Cli, Command, OutputFormat};
use crate::exit::{ExitStatus, Failure};

/// Runs the chosen subcommand.
pub(crate) fn run(cli: Cli) -> Result<ExitStatus, Failure> {
    let format = cli.global.output;
    if format == OutputFormat::Junit && !matches!(cli.command, Command::Audit(_)) {
        return Err(crate::error::UsageError::JunitOnlyForAudit.into());
    }
    match cli.command {
        Command::Validate(args) => validate::run(&args, format),
        Command::Resolve(args) => resolve::run(&args, format),
        Command::Check(args) => check::run(&args, format),
        Command::Tag(args) => tag::run(&args, format),
        Command::Run(args) => run::run(&args, format),
        Command::Prowgen(args) => prowgen::run(&args, format),
        Command::Init(args) => init::run(&args),
        Command::Audit(args) => crate::audit::run(&args, format),
        Command::Schema(args) => schema::run(&args),
        Command::Completions(args) => completions::completions(&args),
        Command::Man => completions::man(),
    }
}
