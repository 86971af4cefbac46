//! The isolated `git` command every helper runs.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The date of the first commit (seconds since the Unix epoch, UTC); commits made with
/// [`commit`](super::commit) are dated a minute later per commit already in the repository.
pub const EPOCH: u64 = 1_700_000_000;

/// A `git` command with the isolated environment, run in `dir`, dated [`EPOCH`].
pub fn git_command(dir: &Path) -> Command {
    git_command_at(dir, EPOCH)
}

/// A `git` command with the isolated environment, run in `dir`, with author and committer dated
/// `date` (seconds since the Unix epoch, UTC).
pub fn git_command_at(dir: &Path, date: u64) -> Command {
    let date = format!("{date} +0000");
    let mut command = Command::new("git");
    // Variables such as GIT_DIR or GIT_INDEX_FILE (set when tests run inside a git hook) would
    // point every command at another repository.
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("GIT_") {
            command.env_remove(key);
        }
    }
    command
        .current_dir(dir)
        .env("HOME", empty_home())
        .env("XDG_CONFIG_HOME", empty_home())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_AUTHOR_NAME", "Author")
        .env("GIT_AUTHOR_EMAIL", "author@example.com")
        .env("GIT_COMMITTER_NAME", "Committer")
        .env("GIT_COMMITTER_EMAIL", "committer@example.com")
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .args([
            "-c",
            "init.defaultBranch=main",
            // Submodules cloned from local paths.
            "-c",
            "protocol.file.allow=always",
        ]);
    command
}

/// An empty directory for `HOME`, shared by every command of every test process: nothing under
/// the real home (credentials, attributes, hooks) can reach a test.
fn empty_home() -> &'static Path {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        let home = std::env::temp_dir().join("testkit-empty-home");
        fs_err::create_dir_all(&home).expect("the empty home directory can be created");
        home
    })
}

/// Runs `git args` in `dir` and returns stdout, trimmed; panics with stderr when git fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = git_command(dir).args(args).output().expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} in {} failed: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Runs `git args` in `dir` with `input` on stdin; returns stdout, trimmed.
pub fn git_stdin(dir: &Path, args: &[&str], input: &[u8]) -> String {
    let mut child = git_command(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("git runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input)
        .expect("git reads stdin");
    let output = child.wait_with_output().expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} in {} failed: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}
