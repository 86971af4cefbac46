//! What a partial fetch sends over the wire: reads fetch only their path, named paths come with
//! the fetch, and a server without partial fetches gets the full path, said in the log.

use repo_source::Snapshot;
use testkit::git::git;
use testkit::git::http::GitHttpServer;

use crate::remote::{Capture, fetch_like_git, options, spec};
use crate::repos::{CI_OPERATOR_122, fixture};
use crate::{MIB, read};

const NESTED: &str = "images/base/Dockerfile";
const NESTED_CONTENT: &str = "FROM registry.ci.openshift.org/ocp/4.16:base\nRUN true\n";

#[test]
fn a_read_fetches_only_the_trees_and_the_blob_on_its_path() {
    let server = GitHttpServer::start(&fixture().root);
    let snapshot = fetch_like_git(&spec(&server.url("origin.git"), "base", &[(12, "pr1")]));
    // `images` is unchanged on both sides: the merge took its tree id without reading it, so
    // reading a file two directories down fetches `images`, `images/base` and the blob, one
    // connection each (a capability advertisement and one `fetch`).
    server.reset_counters();
    assert_eq!(read(&snapshot, NESTED), NESTED_CONTENT);
    assert_eq!(server.requests(), 6);
    assert!(server.bytes_sent() < 4_000, "{}", server.bytes_sent());
    // Read again: nothing is fetched.
    server.reset_counters();
    assert_eq!(read(&snapshot, NESTED), NESTED_CONTENT);
    assert_eq!(read(&snapshot, "images/no-such-file"), "absent");
    assert_eq!(server.requests(), 0);
}

#[test]
fn named_paths_come_with_the_fetch() {
    let server = GitHttpServer::start(&fixture().root);
    let scratch = tempfile::tempdir().unwrap();
    let spec = spec(&server.url("origin.git"), "base", &[(12, "pr1")]);
    let paths = [".ci-operator.yaml", NESTED, "no/such/file", "../refused"];
    let snapshot = Snapshot::fetch_merged_for(&spec, &options(scratch.path()), &paths).unwrap();
    // A handshake; the tips, the PR's commits, the merge base; the three versions of
    // `Dockerfile`, which both sides changed, to merge them; then one round per directory level
    // of the named paths, the blobs riding along: 3 levels.
    assert_eq!(server.requests(), 1 + 3 + 1 + 3);
    server.reset_counters();
    assert_eq!(read(&snapshot, ".ci-operator.yaml"), CI_OPERATOR_122);
    assert_eq!(read(&snapshot, NESTED), NESTED_CONTENT);
    assert_eq!(read(&snapshot, "no/such/file"), "absent");
    assert_eq!(server.requests(), 0);

    // The same through `prefetch` after the fetch: one more connection, then nothing.
    let snapshot = Snapshot::fetch_merged(&spec, &options(scratch.path())).unwrap();
    server.reset_counters();
    snapshot.prefetch(&paths).unwrap();
    assert_eq!(server.requests(), 1 + 3);
    server.reset_counters();
    assert_eq!(read(&snapshot, NESTED), NESTED_CONTENT);
    assert_eq!(server.requests(), 0);
}

#[test]
fn a_server_without_partial_fetches_gets_the_full_path_and_the_log_says_so() {
    let dir = tempfile::tempdir().unwrap();
    git(
        dir.path(),
        &[
            "clone",
            "-q",
            "--bare",
            fixture().bare.to_str().unwrap(),
            "no-filter.git",
        ],
    );
    let bare = dir.path().join("no-filter.git");
    git(&bare, &["config", "uploadpack.allowFilter", "false"]);
    let scratch = tempfile::tempdir().unwrap();
    let capture = Capture::default();
    let spec = spec(
        &format!("file://{}", bare.display()),
        "base",
        &[(12, "pr1")],
    );
    let snapshot = tracing::subscriber::with_default(capture.clone(), || {
        Snapshot::fetch_merged(&spec, &options(scratch.path()))
    })
    .unwrap();
    assert_eq!(
        snapshot.revision().tree(),
        Some(crate::repos::git_merged_tree(&spec.base, &[&spec.pulls[0].sha]).as_str())
    );
    assert_eq!(read(&snapshot, ".ci-operator.yaml"), CI_OPERATOR_122);
    let lines = capture.lines().join("\n");
    assert!(
        lines.contains(
            "instead of only the files read: the server does not offer partial fetches (protocol v2 with `filter`)"
        ),
        "{lines}"
    );
    assert_eq!(
        snapshot.read(NESTED, MIB).unwrap().unwrap(),
        NESTED_CONTENT.as_bytes()
    );
}
