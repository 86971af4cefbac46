//! Runs the binary and renders what it did as one text for a snapshot.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root.
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The corpus of real configs.
pub(crate) fn corpus() -> PathBuf {
    root().join("corpus").join("cases")
}

/// What one run of the binary did.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    /// `exit: N`, then stdout and stderr, with the given paths replaced by placeholders.
    pub(crate) fn render(&self, replace: &[(&Path, &str)]) -> String {
        let mut text = format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        for (path, name) in replace {
            text = text.replace(&path.display().to_string(), name);
        }
        text.replace(&root().display().to_string(), "[ROOT]")
    }
}

/// A command for the binary with a clean environment (no JOB_SPEC, KUBECONFIG or RUST_LOG from
/// the machine running the tests).
pub(crate) fn ci_operator() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ci-operator"));
    for var in [
        "JOB_SPEC",
        "KUBECONFIG",
        "RUST_LOG",
        "LOCAL_IMAGE_ROOT",
        "CI_OPERATOR_ALLOWED_ROOT_NAMESPACES",
    ] {
        command.env_remove(var);
    }
    command.env("NO_COLOR", "1").current_dir(root());
    command
}

/// Runs the binary with arguments.
pub(crate) fn run(args: &[&str]) -> Run {
    run_command(ci_operator().args(args))
}

/// Runs a prepared command.
pub(crate) fn run_command(command: &mut Command) -> Run {
    let output = command.output().expect("the binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
