//! A remote over HTTP (`git http-backend` behind the test server): shallow fetches, broken
//! servers, unreachable hosts and deadlines.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use insta::assert_snapshot;
use repo_source::{Error, ErrorKind, FetchOptions, Snapshot};
use testkit::git::git;
use testkit::git::http::{Fault, FaultOn, GitHttpServer};

use crate::read;
use crate::remote::{describe, fetch_error, fetch_like_git, options, spec};
use crate::repos::{CI_OPERATOR_122, fixture, unchanged};

fn server() -> GitHttpServer {
    GitHttpServer::start(&fixture().root)
}

#[test]
fn presubmit_over_http_fetches_a_shallow_history() {
    let server = server();
    let snapshot = fetch_like_git(&spec(
        &server.url("origin.git"),
        "base",
        &[(12, "pr1"), (13, "pr2")],
    ));
    assert_eq!(read(&snapshot, ".ci-operator.yaml"), CI_OPERATOR_122);
    let ours = server.bytes_sent();

    // A full clone through the same server, for comparison.
    server.reset_counters();
    let dir = tempfile::tempdir().unwrap();
    git(
        dir.path(),
        &[
            "clone",
            "-q",
            "--bare",
            &server.url("origin.git"),
            "full.git",
        ],
    );
    let full = server.bytes_sent();
    assert!(
        ours * 2 < full,
        "a shallow fetch took {ours} bytes, a full clone {full}"
    );
}

#[test]
fn a_far_merge_base_over_http_deepens_like_over_file() {
    let server = server();
    let snapshot = fetch_like_git(&spec(&server.url("origin.git"), "base", &[(7, "old")]));
    assert_eq!(
        read(&snapshot, "images/base/Dockerfile"),
        "FROM registry.ci.openshift.org/ocp/4.17:base\nRUN true\n"
    );
}

#[test]
fn a_conflict_over_http() {
    let server = server();
    let err = fetch_error(&spec(
        &server.url("origin.git"),
        "base",
        &[(12, "pr1"), (99, "conflict")],
    ));
    assert!(matches!(err, Error::Conflict { pr: 99, .. }), "{err}");
}

#[test]
fn a_missing_sha_over_http() {
    let server = server();
    let missing = "1234567890123456789012345678901234567890";
    let err = fetch_error(&spec(&server.url("origin.git"), "base", &[(13, missing)]));
    assert_snapshot!(describe(&err), @"Unreadable: `http://127.0.0.1:[port]/origin.git` does not have `1234567890123456789012345678901234567890`");
}

#[test]
fn open_at_an_http_url() {
    let server = server();
    let scratch = tempfile::tempdir().unwrap();
    let snapshot =
        unchanged(|| Snapshot::open_at(&server.url("origin.git"), "pr1", &options(scratch.path())))
            .unwrap();
    assert_eq!(read(&snapshot, ".ci-operator.yaml"), CI_OPERATOR_122);
    assert_snapshot!(describe_revision(&snapshot), @"`pr1` (<pr1>) from `http://127.0.0.1:[port]/origin.git`");
}

fn describe_revision(snapshot: &Snapshot) -> String {
    let mut text = crate::redact(snapshot.revision().description());
    for (name, sha) in &fixture().shas {
        text = text.replace(&sha[..7], &format!("<{name}>"));
    }
    text
}

/// The error of a fetch through a server with `fault`.
fn faulty(fault: Fault, on: FaultOn) -> Error {
    let server = server();
    server.set_fault(Some((fault, on)));
    fetch_error(&spec(&server.url("origin.git"), "base", &[(12, "pr1")]))
}

#[test]
fn a_dropped_connection_is_a_failed_fetch() {
    let err = faulty(Fault::DropConnection, FaultOn::All);
    assert_snapshot!(describe(&err), @"Unreadable: the connection to `http://127.0.0.1:[port]/origin.git` broke during the fetch");
    let err = faulty(Fault::DropConnection, FaultOn::Fetch);
    assert_snapshot!(describe(&err), @"Unreadable: the connection to `http://127.0.0.1:[port]/origin.git` broke during the fetch");
    let err = faulty(Fault::DropConnection, FaultOn::Post);
    assert_snapshot!(describe(&err), @"Unreadable: the connection to `http://127.0.0.1:[port]/origin.git` broke during the fetch");
}

#[test]
fn garbage_is_a_failed_fetch() {
    let err = faulty(Fault::Garbage, FaultOn::All);
    assert_snapshot!(describe(&err), @"Unreadable: `http://127.0.0.1:[port]/origin.git` replied with something that is not git's protocol");
    let err = faulty(Fault::Garbage, FaultOn::Fetch);
    assert_snapshot!(describe(&err), @"Unreadable: `http://127.0.0.1:[port]/origin.git` replied with something that is not git's protocol");
    let err = faulty(Fault::Garbage, FaultOn::Post);
    assert_snapshot!(describe(&err), @"Unreadable: `http://127.0.0.1:[port]/origin.git` replied with something that is not git's protocol");
}

#[test]
fn a_truncated_pack_is_a_failed_fetch() {
    let err = faulty(Fault::Truncate, FaultOn::Fetch);
    assert_snapshot!(describe(&err), @"Unreadable: the connection to `http://127.0.0.1:[port]/origin.git` broke during the fetch");
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn an_unreachable_remote_is_its_own_error() {
    // A port nothing listens on: bound, then closed.
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/origin.git");
    let err = fetch_error(&spec(&url, "base", &[(12, "pr1")]));
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert_snapshot!(describe(&err), @"Unreadable: cannot connect to `http://127.0.0.1:[port]/origin.git`");
}

#[test]
fn a_stalled_server_is_abandoned_at_the_deadline() {
    let server = server();
    server.set_fault(Some((Fault::Stall(Duration::from_secs(2)), FaultOn::Fetch)));
    let scratch = tempfile::tempdir().unwrap();
    let options = FetchOptions {
        deadline: Some(Instant::now() + Duration::from_millis(500)),
        progress: false,
        scratch_parent: Some(scratch.path().to_owned()),
    };
    let err = unchanged(|| {
        Snapshot::fetch_merged(
            &spec(&server.url("origin.git"), "base", &[(12, "pr1")]),
            &options,
        )
        .unwrap_err()
    });
    assert!(matches!(err, Error::Deadline { .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Unreadable);
    let message = describe(&err);
    let seconds = message.rsplit(' ').next().unwrap().to_owned();
    assert_snapshot!(message.replace(&seconds, "[seconds]"), @"Unreadable: fetching from `http://127.0.0.1:[port]/origin.git` did not finish within [seconds]");
    // The abandoned fetch removes its scratch directory once the server gives up.
    let give_up = Instant::now() + Duration::from_secs(60);
    while fs_err::read_dir(scratch.path()).unwrap().count() > 0 && Instant::now() < give_up {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(fs_err::read_dir(scratch.path()).unwrap().count(), 0);
}
