//! `cargo xtask ci`: exactly what CI runs, in the order that fails fastest.

use crate::{cargo, run_checked};

/// Format, lint, schema check, tests, and the README's quick start.
pub(crate) fn run() -> anyhow::Result<()> {
    run_checked(cargo().args(["fmt", "--all", "--check"]))?;
    run_checked(
        cargo()
            .args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ])
            .env("RUSTFLAGS", "-D warnings"),
    )?;
    // Tests: nextest when it is installed (parallel across binaries), else cargo test. The
    // schema staleness check and the layering/tidy checks are tests, so this covers them.
    let nextest = cargo()
        .args(["nextest", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if nextest {
        run_checked(
            cargo()
                .args([
                    "nextest",
                    "run",
                    "--workspace",
                    "--locked",
                    "--no-fail-fast",
                ])
                .env("RUSTFLAGS", "-D warnings"),
        )?;
        // nextest does not run doctests.
        run_checked(
            cargo()
                .args(["test", "--workspace", "--locked", "--doc"])
                .env("RUSTFLAGS", "-D warnings"),
        )?;
    } else {
        run_checked(
            cargo()
                .args(["test", "--workspace", "--locked"])
                .env("RUSTFLAGS", "-D warnings"),
        )?;
    }
    quick_start()
}

/// The README's first command: keep the quick start honest.
fn quick_start() -> anyhow::Result<()> {
    let readme = fs_err::read_to_string(crate::project_root().join("README.md"))?;
    // The first `cargo run -p cli` line of the README is the quick start's main command.
    let Some(command) = readme
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with("cargo run -p cli "))
    else {
        anyhow::bail!("README.md has no `cargo run` quick-start line");
    };
    let mut words = command.split_whitespace();
    words.next();
    let args: Vec<&str> = words.collect();
    run_checked(cargo().args(&args).env("RUSTFLAGS", "-D warnings"))
}
