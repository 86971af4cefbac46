//! The `ci-operator` binary: decides a job's build root and pins it into `pipeline:root`.
//!
//! This crate composes the others (config-model, repo-source, resolver, tagger). It is the
//! only crate that reads environment variables, prints, starts the tokio runtime and picks
//! exit codes; the libraries return typed values and errors.
//!
//! Layout: `args` (the command line), `commands` (one module per subcommand, dispatch in
//! `commands/mod.rs`), `pipeline` (the steps the commands share: load, choose the source,
//! resolve, apply the policy, tag), `source` (SOURCE and the resolver's file adapter),
//! `documents` (configs read from the command line), `error` (the cli's own errors), `exit`
//! (the one mapping from every error to its exit code), `output` (the only place that prints).

mod args;
mod audit;
mod commands;
mod documents;
mod error;
mod exit;
mod interrupt;
mod output;
mod pipeline;
mod source;
mod timeout;

use std::process::ExitCode;

use clap::Parser;

use crate::args::Cli;
use crate::exit::ExitStatus;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // Help and version go to stdout with 0; usage errors to stderr with 2.
            let status = if error.use_stderr() {
                ExitStatus::Usage
            } else {
                ExitStatus::Success
            };
            let _ = error.print();
            return status.into();
        }
    };
    output::init_logging(cli.global.verbose, cli.global.quiet);
    interrupt::install();
    let result = commands::run(cli);
    interrupt::cleanup();
    match result {
        Ok(status) => status.into(),
        Err(failure) => {
            output::report(&failure);
            failure.status.into()
        }
    }
}
