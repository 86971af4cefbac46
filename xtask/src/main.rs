//! `cargo xtask`: maintainer tasks (CI, generated files, benchmarks, the man page).
//!
//! Nothing depends on this crate. It calls `$CARGO` and finds the workspace root from its own
//! manifest directory, so it works from any directory.

// xtask talks to the person at the terminal; printing is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod ci;
#[cfg(test)]
mod tidy;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

/// Maintainer tasks for the ci-operator workspace.
#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    command: Task,
}

#[derive(Subcommand)]
enum Task {
    /// What CI runs: format check, clippy with warnings denied, the schema check, every test
    /// and the README's quick start.
    Ci,
    /// Regenerate the committed JSON Schemas (`--check` fails instead when they are stale).
    Schema {
        /// Fail when a committed schema differs from the generated one; write nothing.
        #[arg(long)]
        check: bool,
    },
    /// Run benchmarks and print one table; with names, only those (validate, resolve, fetch,
    /// tag, run).
    Bench {
        /// Which benchmarks; all when none is given.
        names: Vec<String>,
    },
    /// Write the man page to `target/man/ci-operator.1`.
    Man,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    match args.command {
        Task::Ci => ci::run(),
        Task::Schema { check } => schema(check),
        Task::Bench { names } => bench::run(&names),
        Task::Man => man(),
    }
}

/// The workspace root, from this crate's manifest directory.
pub(crate) fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// `$CARGO` (the cargo that runs us), in the workspace root.
pub(crate) fn cargo() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(project_root());
    command
}

/// Runs a command, failing with its rendering when it does not succeed.
pub(crate) fn run_checked(command: &mut Command) -> anyhow::Result<()> {
    eprintln!("$ {}", render(command));
    let status = command
        .status()
        .with_context(|| format!("could not start `{}`", render(command)))?;
    if !status.success() {
        bail!("`{}` failed ({status})", render(command));
    }
    Ok(())
}

fn render(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

fn schema(check: bool) -> anyhow::Result<()> {
    let mut command = cargo();
    command.args(["test", "-p", "config-model", "--", "schema"]);
    if !check {
        command.env("UPDATE_SCHEMA", "1");
    }
    run_checked(&mut command)
}

fn man() -> anyhow::Result<()> {
    let out_dir = project_root().join("target").join("man");
    fs_err::create_dir_all(&out_dir)?;
    let output = cargo()
        .args(["run", "--quiet", "-p", "cli", "--", "man"])
        .output()
        .context("running `ci-operator man`")?;
    if !output.status.success() {
        bail!(
            "`ci-operator man` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let path = out_dir.join("ci-operator.1");
    fs_err::write(&path, &output.stdout)?;
    println!("wrote {}", path.display());
    Ok(())
}
