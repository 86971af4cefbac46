//! A directory Prow cloned: through git at `HEAD` when it is a repository, else from disk.

use std::os::unix::fs::symlink;
use std::path::Path;

use insta::assert_snapshot;
use repo_source::{ErrorKind, FetchOptions, Snapshot};
use testkit::git::{git, write};

use crate::repos::{CI_OPERATOR_121, CI_OPERATOR_122, fixture, state, unchanged};
use crate::{MIB, read, render_error};

/// A clone of the fixture in `dir/clone`, made with `git clone` plus `extra` options.
fn clone(dir: &Path, extra: &[&str]) -> std::path::PathBuf {
    let mut args = vec!["clone", "-q"];
    args.extend_from_slice(extra);
    let url = fixture().file_url();
    args.extend_from_slice(&[&url, "clone"]);
    git(dir, &args);
    dir.join("clone")
}

#[test]
fn a_git_work_tree_is_read_at_head_not_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let clone = clone(dir.path(), &[]);
    git(
        &clone,
        &["checkout", "-q", "--detach", fixture().sha("pr1")],
    );
    write(&clone, ".ci-operator.yaml", b"edited on disk\n");
    fs_err::remove_file(clone.join("Dockerfile")).unwrap();
    write(&clone, "untracked.txt", b"not committed\n");
    let before = state(&clone);
    let snapshot = Snapshot::work_tree(&clone, &FetchOptions::default()).unwrap();
    assert_eq!(read(&snapshot, ".ci-operator.yaml"), CI_OPERATOR_122);
    assert!(
        read(&snapshot, "Dockerfile")
            .starts_with("FROM registry.ci.openshift.org/openshift/release:golang-1.22")
    );
    assert_eq!(read(&snapshot, "untracked.txt"), "absent");
    assert_eq!(snapshot.revision().commit(), Some(fixture().sha("pr1")));
    assert!(
        snapshot
            .revision()
            .description()
            .starts_with(&format!("HEAD ({}) of `", &fixture().sha("pr1")[..7]))
    );
    assert_eq!(state(&clone), before, "reading changed the work tree");
}

#[test]
fn a_sparse_checkout_does_not_hide_files() {
    let dir = tempfile::tempdir().unwrap();
    let clone = clone(dir.path(), &["--no-checkout"]);
    git(
        &clone,
        &["sparse-checkout", "set", "--no-cone", "README.md"],
    );
    git(&clone, &["checkout", "-q", "main"]);
    assert!(!clone.join(".ci-operator.yaml").exists());
    let snapshot = Snapshot::work_tree(&clone, &FetchOptions::default()).unwrap();
    assert_eq!(read(&snapshot, ".ci-operator.yaml"), CI_OPERATOR_121);
}

#[test]
fn a_blob_missing_from_a_partial_clone_is_fetched_from_the_promisor() {
    let dir = tempfile::tempdir().unwrap();
    // Prow's clone with `sparse_checkout_files`: blobless, only the listed files checked out.
    let clone = unchanged(|| {
        let clone = clone(dir.path(), &["--filter=blob:none", "--no-checkout"]);
        git(
            &clone,
            &["sparse-checkout", "set", "--no-cone", ".ci-operator.yaml"],
        );
        git(&clone, &["checkout", "-q", "main"]);
        clone
    });
    let before = state(&clone);
    let scratch = tempfile::tempdir().unwrap();
    let options = FetchOptions {
        scratch_parent: Some(scratch.path().to_owned()),
        ..FetchOptions::default()
    };
    let snapshot = Snapshot::work_tree(&clone, &options).unwrap();
    let dockerfile = unchanged(|| read(&snapshot, "Dockerfile"));
    assert!(
        dockerfile.starts_with("FROM registry.ci.openshift.org/openshift/release:golang-1.21"),
        "{dockerfile}"
    );
    assert_eq!(read(&snapshot, ".ci-operator.yaml"), CI_OPERATOR_121);
    // The fetched blob went to a scratch directory, not into Prow's clone, and that is gone.
    assert_eq!(state(&clone), before);
    assert_eq!(fs_err::read_dir(scratch.path()).unwrap().count(), 0);
    // The size limit applies to fetched blobs too.
    let err = snapshot.read("Dockerfile", 10).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Refused);

    // Without a reachable promisor, the error names the path and says why.
    git(
        &clone,
        &["remote", "set-url", "origin", "/nonexistent/origin.git"],
    );
    let snapshot = Snapshot::work_tree(&clone, &options).unwrap();
    let err = snapshot.read("images/base/Dockerfile", MIB).unwrap_err();
    let message = format!("{:?}: {err}", err.kind())
        .replace(&clone.display().to_string(), "[clone]")
        .replace(&fixture().sha("main")[..7], "[sha]");
    let object = message
        .split("object ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_owned();
    assert_snapshot!(message.replace(&object, "[object]"), @"Unreadable: `images/base/Dockerfile` at HEAD ([sha]) of `[clone]`: object [object] is missing from the repository (a partial clone) and could not be fetched from `/nonexistent/origin.git`");
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn a_directory_that_is_not_a_repository_is_read_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    write(&root, ".ci-operator.yaml", CI_OPERATOR_122.as_bytes());
    write(&root, "images/base/Dockerfile", b"FROM base\n");
    write(&root, "big.bin", &vec![b'x'; 2 * 1024 * 1024]);
    symlink("/etc/passwd", root.join("passwd")).unwrap();
    symlink("images", root.join("images-link")).unwrap();
    symlink("chain-2", root.join("chain-1")).unwrap();
    symlink("/etc/passwd", root.join("chain-2")).unwrap();
    symlink("../../../../../../etc/passwd", root.join("images/escape")).unwrap();
    let fifo = root.join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );

    let snapshot = Snapshot::work_tree(&root, &FetchOptions::default()).unwrap();
    let mut report = String::new();
    for path in [
        ".ci-operator.yaml",
        "images/base/Dockerfile",
        "missing",
        "missing/Dockerfile",
        ".ci-operator.yaml/x",
        "passwd",
        "images-link/base/Dockerfile",
        "chain-1",
        "images/escape",
        "images",
        "big.bin",
        "fifo",
        "../repo/.ci-operator.yaml",
        "/etc/passwd",
    ] {
        let rendered =
            crate::render(snapshot.read(path, MIB)).replace(&root.display().to_string(), "[repo]");
        report.push_str(&format!("{path}: {}\n", rendered.trim_end()));
    }
    assert_snapshot!(report, @"
    .ci-operator.yaml: build_root_image:
      namespace: openshift
      name: release
      tag: golang-1.22
    images/base/Dockerfile: FROM base
    missing: absent
    missing/Dockerfile: absent
    .ci-operator.yaml/x: absent
    passwd: Refused: `passwd` at the files on disk in `[repo]` is a symbolic link, which is never followed
    images-link/base/Dockerfile: Refused: `images-link` (in `images-link/base/Dockerfile`) at the files on disk in `[repo]` is a symbolic link, which is never followed
    chain-1: Refused: `chain-1` at the files on disk in `[repo]` is a symbolic link, which is never followed
    images/escape: Refused: `images/escape` at the files on disk in `[repo]` is a symbolic link, which is never followed
    images: Refused: `images` at the files on disk in `[repo]` is a directory, not a file
    big.bin: Refused: `big.bin` at the files on disk in `[repo]` is 2097152 bytes, over the limit of 1048576 bytes
    fifo: Refused: `fifo` at the files on disk in `[repo]` is not a regular file
    ../repo/.ci-operator.yaml: Refused: path `../repo/.ci-operator.yaml` is refused: it has a `..` component
    /etc/passwd: Refused: path `/etc/passwd` is refused: it is absolute
    ");
    assert_eq!(Snapshot::disk(&root).unwrap().revision().commit(), None);
}

#[test]
fn a_missing_work_tree_is_an_error() {
    let err = Snapshot::work_tree(
        Path::new("/nonexistent/work-tree"),
        &FetchOptions::default(),
    )
    .unwrap_err();
    assert_snapshot!(render_error(&err), @"Unreadable: work tree `/nonexistent/work-tree` does not exist or is not a directory");
}
