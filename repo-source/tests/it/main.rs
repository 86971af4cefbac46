//! Integration tests of repo-source against real repositories built with the `git` CLI.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers panic on failure, like the tests"
)]

mod branch_tip;
mod credentials;
mod equivalence;
mod http;
mod job_specs;
mod local;
mod partial;
mod remote;
mod repos;
mod tree;
mod work_tree;

use repo_source::{Error, Snapshot};

/// The limit the resolver passes for `.ci-operator.yaml`.
pub(crate) const MIB: u64 = 1024 * 1024;

/// A read as text: the file's content, `absent`, or `<kind>: <message>` (not redacted).
pub(crate) fn render(result: Result<Option<Vec<u8>>, Error>) -> String {
    match result {
        Ok(Some(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
        Ok(None) => "absent".to_owned(),
        Err(err) => format!("{:?}: {err}", err.kind()),
    }
}

/// `<kind>: <message>`, with the fixture's and temporary directories' paths replaced.
pub(crate) fn render_error(err: &Error) -> String {
    redact(&format!("{:?}: {err}", err.kind()))
}

/// Replaces machine-specific paths and ports in `text`.
pub(crate) fn redact(text: &str) -> String {
    let fixture = repos::fixture();
    let mut text = text.replace(&fixture.root.display().to_string(), "[fixture]");
    text = text.replace(&std::env::temp_dir().display().to_string(), "[tmp]");
    // `http://127.0.0.1:<port>/` -> `http://127.0.0.1:[port]/`.
    while let Some(start) = text.find("127.0.0.1:") {
        let rest = &text[start + "127.0.0.1:".len()..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            break;
        }
        text = format!("{}127.0.0.1﹕[port]{}", &text[..start], &rest[digits..]);
    }
    text.replace('﹕', ":")
}

/// Reads `path` from `snapshot` with a limit of 1 MiB, rendered and redacted.
pub(crate) fn read(snapshot: &Snapshot, path: &str) -> String {
    redact(&render(snapshot.read(path, MIB)))
}

#[test]
fn snapshot_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Snapshot>();
    assert_send_sync::<Error>();
}
