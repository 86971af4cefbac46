//! A local repository at a revision: only its object database is read.

use insta::assert_snapshot;
use repo_source::Snapshot;

use crate::repos::{CI_OPERATOR_121, CI_OPERATOR_122, fixture, unchanged};
use crate::{read, render_error};

#[test]
fn reads_a_commit_by_sha_branch_tag_and_expression() {
    let fixture = fixture();
    unchanged(|| {
        for (rev, expected) in [
            (fixture.sha("pr1"), CI_OPERATOR_122),
            ("pr1", CI_OPERATOR_122),
            ("refs/heads/pr1", CI_OPERATOR_122),
            (&fixture.sha("pr1")[..10], CI_OPERATOR_122),
            ("main", CI_OPERATOR_121),
            ("v1.0", CI_OPERATOR_121),
            ("pr1~1", CI_OPERATOR_121),
        ] {
            for repo in [&fixture.work, &fixture.bare] {
                let snapshot = Snapshot::local(repo, rev).unwrap();
                assert_eq!(
                    read(&snapshot, ".ci-operator.yaml"),
                    expected,
                    "{rev} in {}",
                    repo.display()
                );
            }
        }
    });
}

#[test]
fn the_dirty_work_tree_is_not_read() {
    let fixture = fixture();
    unchanged(|| {
        let snapshot = Snapshot::local(&fixture.work, "HEAD").unwrap();
        assert_eq!(read(&snapshot, ".ci-operator.yaml"), CI_OPERATOR_121);
    });
}

#[test]
fn describes_the_revision() {
    let fixture = fixture();
    let snapshot = Snapshot::local(&fixture.bare, "pr1").unwrap();
    let revision = snapshot.revision();
    assert_eq!(revision.commit(), Some(fixture.sha("pr1")));
    assert_eq!(
        revision.tree().unwrap(),
        testkit::git::git(&fixture.bare, &["rev-parse", "pr1^{tree}"])
    );
    assert_eq!(
        crate::redact(revision.description()),
        format!(
            "`pr1` ({}) of `[fixture]/origin.git`",
            &fixture.sha("pr1")[..7]
        )
    );
    let by_sha = Snapshot::local(&fixture.bare, fixture.sha("pr1")).unwrap();
    assert_eq!(
        crate::redact(by_sha.revision().description()),
        format!("{} of `[fixture]/origin.git`", &fixture.sha("pr1")[..7])
    );
}

#[test]
fn missing_files_and_parents_are_absent() {
    let fixture = fixture();
    let snapshot = Snapshot::local(&fixture.bare, "main").unwrap();
    assert_eq!(read(&snapshot, "no-such-file"), "absent");
    assert_eq!(read(&snapshot, "no/such/dir/Dockerfile"), "absent");
    // A file where a directory is expected.
    assert_eq!(read(&snapshot, "README.md/Dockerfile"), "absent");
    assert_eq!(
        read(&snapshot, "./images//base/Dockerfile").lines().next(),
        Some("FROM registry.ci.openshift.org/ocp/4.16:base")
    );
}

#[test]
fn hostile_content_is_refused() {
    let fixture = fixture();
    let snapshot = unchanged(|| Snapshot::local(&fixture.bare, "hostile").unwrap());
    let short = &fixture.sha("hostile")[..7];
    let mut report = String::new();
    for path in [
        ".ci-operator.yaml",
        "images-link/base/Dockerfile",
        "images-link",
        "chain-1",
        "images/escape",
        "sub",
        "sub/Dockerfile",
        "images",
        "big.bin",
        "../etc/passwd",
        "/etc/passwd",
        ".git/config",
        "",
    ] {
        report.push_str(&format!(
            "{path}: {}\n",
            read(&snapshot, path).replace(short, "[sha]")
        ));
    }
    assert_snapshot!(report, @r"
    .ci-operator.yaml: Refused: `.ci-operator.yaml` at `hostile` ([sha]) of `[fixture]/origin.git` is a symbolic link, which is never followed
    images-link/base/Dockerfile: Refused: `images-link` (in `images-link/base/Dockerfile`) at `hostile` ([sha]) of `[fixture]/origin.git` is a symbolic link, which is never followed
    images-link: Refused: `images-link` at `hostile` ([sha]) of `[fixture]/origin.git` is a symbolic link, which is never followed
    chain-1: Refused: `chain-1` at `hostile` ([sha]) of `[fixture]/origin.git` is a symbolic link, which is never followed
    images/escape: Refused: `images/escape` at `hostile` ([sha]) of `[fixture]/origin.git` is a symbolic link, which is never followed
    sub: Refused: `sub` at `hostile` ([sha]) of `[fixture]/origin.git` is a submodule, whose files are not part of this repository
    sub/Dockerfile: Refused: `sub` (in `sub/Dockerfile`) at `hostile` ([sha]) of `[fixture]/origin.git` is a submodule, whose files are not part of this repository
    images: Refused: `images` at `hostile` ([sha]) of `[fixture]/origin.git` is a directory, not a file
    big.bin: Refused: `big.bin` at `hostile` ([sha]) of `[fixture]/origin.git` is 2097152 bytes, over the limit of 1048576 bytes
    ../etc/passwd: Refused: path `../etc/passwd` is refused: it has a `..` component
    /etc/passwd: Refused: path `/etc/passwd` is refused: it is absolute
    .git/config: Refused: path `.git/config` is refused: it has a `.git` component
    : Refused: path `` is refused: it is empty
    ");
    // Under a larger limit the big file reads.
    assert_eq!(
        snapshot
            .read("big.bin", 4 * crate::MIB)
            .unwrap()
            .unwrap()
            .len(),
        2 * 1024 * 1024
    );
}

#[test]
fn unknown_revision_and_non_repository_are_errors() {
    let fixture = fixture();
    let err = Snapshot::local(&fixture.bare, "no-such-branch").unwrap_err();
    assert_snapshot!(render_error(&err), @"Unreadable: revision `no-such-branch` is not a commit of `[fixture]/origin.git`");
    let err =
        Snapshot::local(&fixture.bare, "0000000000000000000000000000000000000001").unwrap_err();
    assert_snapshot!(render_error(&err), @"Unreadable: revision `0000000000000000000000000000000000000001` is not a commit of `[fixture]/origin.git`");
    let dir = tempfile::tempdir().unwrap();
    let err = Snapshot::local(dir.path(), "main").unwrap_err();
    let message = format!("{err}").replace(&dir.path().display().to_string(), "[dir]");
    assert_snapshot!(message, @"cannot open git repository `[dir]`");
    assert_eq!(err.kind(), repo_source::ErrorKind::Unreadable);
}

#[test]
fn open_at_a_path_reads_locally() {
    let fixture = fixture();
    unchanged(|| {
        let snapshot =
            Snapshot::open_at(fixture.bare.to_str().unwrap(), "pr1", &Default::default()).unwrap();
        assert_eq!(read(&snapshot, ".ci-operator.yaml"), CI_OPERATOR_122);
        assert!(snapshot.revision().description().starts_with("`pr1`"));
    });
}

#[test]
fn open_at_refuses_unknown_schemes() {
    for location in [
        "ftp://example.com/repo.git",
        "git://example.com/repo.git",
        "",
    ] {
        let err = Snapshot::open_at(location, "main", &Default::default()).unwrap_err();
        assert_eq!(err.kind(), repo_source::ErrorKind::Input, "{location}");
    }
    let err =
        Snapshot::open_at("git://example.com/repo.git", "main", &Default::default()).unwrap_err();
    assert_snapshot!(render_error(&err), @"Input: `git://example.com/repo.git` is not a repository location (a path, `file://`, `http://` or `https://` URL)");
}
