//! Big histories in one process: a `git fast-import` stream with the isolated identity.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Stdio};

use super::command::git_command;

/// A running `git fast-import --quiet` in a repository; commits are written to it in order and
/// take effect at [`FastImport::finish`].
pub struct FastImport {
    child: Child,
    input: BufWriter<ChildStdin>,
}

impl FastImport {
    /// Starts `git fast-import` in `repo` (a work or bare repository).
    pub fn start(repo: &Path) -> FastImport {
        let mut child = git_command(repo)
            .args(["fast-import", "--quiet"])
            .stdin(Stdio::piped())
            .spawn()
            .expect("git fast-import runs");
        let input = BufWriter::new(child.stdin.take().expect("stdin is piped"));
        FastImport { child, input }
    }

    /// Starts a commit on `branch` (`refs/heads/<branch>`), committed by the isolated identity at
    /// `date` (seconds since the Unix epoch, UTC), with `mark` (`:<mark>` names it later) and
    /// `message` (a newline is added, as `git commit` does). Without [`FastImport::from`] it
    /// follows the branch's previous commit in this stream.
    pub fn commit(&mut self, branch: &str, mark: Option<usize>, date: u64, message: &str) {
        let mark = mark
            .map(|mark| format!("mark :{mark}\n"))
            .unwrap_or_default();
        self.emit(
            format!(
                "commit refs/heads/{branch}\n{mark}committer Committer <committer@example.com> {date} +0000\ndata {}\n{message}\n",
                message.len() + 1
            )
            .as_bytes(),
        );
    }

    /// Makes the commit just started a child of `parent` (a SHA, a ref or `:<mark>`).
    pub fn from(&mut self, parent: &str) {
        self.emit(format!("from {parent}\n").as_bytes());
    }

    /// Adds or replaces the regular file `path` in the commit just started.
    pub fn file(&mut self, path: &str, content: &[u8]) {
        self.emit(format!("M 100644 inline {path}\ndata {}\n", content.len()).as_bytes());
        self.emit(content);
        self.emit(b"\n");
    }

    /// Ends the stream and waits for `git fast-import` to write everything.
    pub fn finish(self) {
        let FastImport { mut child, input } = self;
        let stdin = input
            .into_inner()
            .map_err(|err| err.into_error())
            .expect("git fast-import reads its input");
        // Closing stdin ends the stream.
        drop(stdin);
        let status = child.wait().expect("git fast-import runs");
        assert!(status.success(), "git fast-import failed: {status}");
    }

    fn emit(&mut self, bytes: &[u8]) {
        self.input
            .write_all(bytes)
            .expect("git fast-import reads its input");
    }
}
