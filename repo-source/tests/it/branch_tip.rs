//! A branch's tip by its name, with the files to read named up front
//! ([`Snapshot::open_at_for`], what `ci-operator audit` fetches for each branch).

use std::time::{Duration, Instant};

use repo_source::{FetchOptions, Snapshot};
use testkit::git::http::GitHttpServer;

use crate::read;

const PATHS: [&str; 3] = [".ci-operator.yaml", "go.mod", "images/app/Dockerfile"];

/// `acme/tool.git` with `main` and `release-4.1`, each holding the three files and a few more.
fn served() -> (tempfile::TempDir, GitHttpServer) {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    testkit::git::init(&work);
    for (branch, go) in [("main", "1.22"), ("release-4.1", "1.19")] {
        testkit::git::git(&work, &["checkout", "-q", "-B", branch]);
        testkit::git::write(
            &work,
            ".ci-operator.yaml",
            format!("build_root_image:\n  namespace: ocp\n  name: builder\n  tag: golang-{go}\n")
                .as_bytes(),
        );
        testkit::git::write(&work, "go.mod", format!("module m\n\ngo {go}\n").as_bytes());
        testkit::git::write(
            &work,
            "images/app/Dockerfile",
            format!("FROM registry.ci.openshift.org/ocp/builder:golang-{go}\n").as_bytes(),
        );
        for n in 0..20 {
            testkit::git::write(
                &work,
                &format!("pkg/f{n}.go"),
                format!("package pkg // {branch} {n}\n").as_bytes(),
            );
        }
        testkit::git::commit(&work, &format!("{branch} files"));
    }
    let parent = dir.path().join("served").join("acme");
    fs_err::create_dir_all(&parent).unwrap();
    testkit::git::clone_bare(&work, &parent, "tool.git");
    let server = GitHttpServer::start(&dir.path().join("served"));
    (dir, server)
}

fn options(scratch: &std::path::Path) -> FetchOptions {
    FetchOptions {
        deadline: Some(Instant::now() + Duration::from_secs(60)),
        progress: false,
        scratch_parent: Some(scratch.to_owned()),
    }
}

#[test]
fn a_branch_tip_with_its_named_files_needs_no_more_requests() {
    let (dir, server) = served();
    let scratch = tempfile::tempdir().unwrap();
    let snapshot = Snapshot::open_at_for(
        &server.url("acme/tool.git"),
        "release-4.1",
        &options(scratch.path()),
        &PATHS,
    )
    .unwrap();
    assert!(
        snapshot
            .revision()
            .description()
            .starts_with("`release-4.1`"),
        "{}",
        snapshot.revision().description()
    );
    let fetched = server.bytes_sent();
    server.reset_counters();
    assert_eq!(read(&snapshot, "go.mod"), "module m\n\ngo 1.19\n");
    assert_eq!(
        read(&snapshot, "images/app/Dockerfile"),
        "FROM registry.ci.openshift.org/ocp/builder:golang-1.19\n"
    );
    assert!(read(&snapshot, ".ci-operator.yaml").contains("golang-1.19"));
    assert_eq!(server.requests(), 0, "the reads fetched nothing more");
    // Only the commit, the trees on the paths and three blobs: not the other files.
    assert!(fetched < 8 * 1024, "{fetched} bytes");
    drop(dir);
}

#[test]
fn without_named_files_each_read_fetches_what_it_misses() {
    let (_dir, server) = served();
    let scratch = tempfile::tempdir().unwrap();
    let snapshot = Snapshot::open_at(
        &server.url("acme/tool.git"),
        "main",
        &options(scratch.path()),
    )
    .unwrap();
    server.reset_counters();
    assert_eq!(read(&snapshot, "go.mod"), "module m\n\ngo 1.22\n");
    assert!(server.requests() > 0);
}
