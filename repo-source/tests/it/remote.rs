//! A remote over `file://` and plain paths: shallow fetch, deepening, PRs merged in memory.

use std::path::Path;
use std::time::{Duration, Instant};

use insta::assert_snapshot;
use repo_source::{ErrorKind, FetchOptions, FetchSpec, PullRef, Snapshot};

use crate::repos::{CI_OPERATOR_121, CI_OPERATOR_122, fixture, git_merged_tree, unchanged};
use crate::{read, redact};

/// Options with a generous deadline and the scratch directory under `scratch`.
pub(crate) fn options(scratch: &Path) -> FetchOptions {
    FetchOptions {
        deadline: Some(Instant::now() + Duration::from_secs(120)),
        progress: true,
        scratch_parent: Some(scratch.to_owned()),
    }
}

/// A spec for the fixture's commits by name: base and PRs as `(number, name)`.
pub(crate) fn spec(url: &str, base: &str, pulls: &[(u64, &str)]) -> FetchSpec {
    let fixture = fixture();
    FetchSpec {
        url: url.to_owned(),
        base: fixture
            .shas
            .get(base)
            .cloned()
            .unwrap_or_else(|| base.to_owned()),
        pulls: pulls
            .iter()
            .map(|(number, name)| PullRef {
                number: *number,
                sha: fixture
                    .shas
                    .get(*name)
                    .cloned()
                    .unwrap_or_else(|| (*name).to_owned()),
            })
            .collect(),
    }
}

/// Fetches `spec` and checks the merged tree against Prow's `git merge --no-ff`; the scratch
/// directory is gone once the snapshot is dropped.
pub(crate) fn fetch_like_git(spec: &FetchSpec) -> Snapshot {
    let scratch = tempfile::tempdir().unwrap();
    let snapshot = unchanged(|| Snapshot::fetch_merged(spec, &options(scratch.path()))).unwrap();
    let pulls: Vec<&str> = spec.pulls.iter().map(|pull| pull.sha.as_str()).collect();
    assert_eq!(
        snapshot.revision().tree().unwrap(),
        git_merged_tree(&spec.base, &pulls)
    );
    assert_eq!(fs_err::read_dir(scratch.path()).unwrap().count(), 1);
    snapshot
}

/// Fetches `spec`, expecting an error; the scratch directory is removed.
pub(crate) fn fetch_error(spec: &FetchSpec) -> repo_source::Error {
    let scratch = tempfile::tempdir().unwrap();
    let err = unchanged(|| Snapshot::fetch_merged(spec, &options(scratch.path()))).unwrap_err();
    assert_eq!(
        fs_err::read_dir(scratch.path()).unwrap().count(),
        0,
        "the scratch directory is left"
    );
    err
}

/// The error's kind and message with SHAs of the fixture replaced by their names.
pub(crate) fn describe(err: &repo_source::Error) -> String {
    let mut text = redact(&format!("{:?}: {err}", err.kind()));
    for (name, sha) in &fixture().shas {
        text = text.replace(sha.as_str(), &format!("<{name}>"));
        text = text.replace(&sha[..7], &format!("<{name}>"));
    }
    text
}

#[test]
fn postsubmit_reads_the_base_commit() {
    let spec = spec(&fixture().file_url(), "base", &[]);
    let snapshot = fetch_like_git(&spec);
    assert_eq!(read(&snapshot, ".ci-operator.yaml"), CI_OPERATOR_121);
    assert_eq!(snapshot.revision().commit(), Some(fixture().sha("base")));
    assert_eq!(
        describe(&repo_source::Error::NoRefs).len(),
        "Input: the job clones no repository: `refs` is unset and `extra_refs` is empty".len()
    );
    assert_snapshot!(redact(snapshot.revision().description()).replace(&fixture().sha("base")[..7], "<base>"), @"<base> from `file://[fixture]/origin.git`");
}

#[test]
fn presubmit_merges_the_pr_like_git() {
    let snapshot = fetch_like_git(&spec(&fixture().file_url(), "base", &[(12, "pr1")]));
    assert_eq!(read(&snapshot, ".ci-operator.yaml"), CI_OPERATOR_122);
    let dockerfile = read(&snapshot, "Dockerfile");
    // Both sides' changes: the PR's first line, the base's last line.
    assert!(
        dockerfile.starts_with("FROM registry.ci.openshift.org/openshift/release:golang-1.22"),
        "{dockerfile}"
    );
    assert!(dockerfile.contains("\"--base\""), "{dockerfile}");
    let mut description = redact(snapshot.revision().description());
    for name in ["base", "pr1"] {
        description = description.replace(&fixture().sha(name)[..7], &format!("<{name}>"));
    }
    assert_snapshot!(description, @"the merge of PR #12 (<pr1>) onto <base> from `file://[fixture]/origin.git`");
}

#[test]
fn two_prs_are_merged_in_order_like_git() {
    let snapshot = fetch_like_git(&spec(
        &fixture().file_url(),
        "base",
        &[(12, "pr1"), (13, "pr2")],
    ));
    assert_eq!(read(&snapshot, ".ci-operator.yaml"), CI_OPERATOR_122);
    assert_eq!(
        read(&snapshot, "images/extra/Dockerfile"),
        "FROM registry.ci.openshift.org/ocp/4.16:tools\n"
    );
}

#[test]
fn a_far_merge_base_deepens_the_shallow_fetch() {
    let snapshot = fetch_like_git(&spec(
        &fixture().file_url(),
        "base",
        &[(7, "old"), (12, "pr1")],
    ));
    assert_eq!(
        read(&snapshot, "images/base/Dockerfile"),
        "FROM registry.ci.openshift.org/ocp/4.17:base\nRUN true\n"
    );
}

#[test]
fn a_plain_path_is_a_remote_too() {
    let url = fixture().bare.display().to_string();
    let snapshot = fetch_like_git(&spec(&url, "base", &[(12, "pr1")]));
    assert_eq!(read(&snapshot, ".ci-operator.yaml"), CI_OPERATOR_122);
}

#[test]
fn a_base_ref_without_sha_is_fetched_by_name() {
    let snapshot = fetch_like_git(&spec(
        &fixture().file_url(),
        "refs/heads/main",
        &[(12, "pr1")],
    ));
    assert_eq!(read(&snapshot, ".ci-operator.yaml"), CI_OPERATOR_122);
    assert!(
        snapshot
            .revision()
            .description()
            .contains("onto `refs/heads/main` (")
    );
}

#[test]
fn a_conflict_names_the_pr_and_the_paths() {
    let err = fetch_error(&spec(&fixture().file_url(), "base", &[(99, "conflict")]));
    assert_snapshot!(describe(&err), @"Unreadable: PR #99 (<conflict>) does not merge cleanly onto <base>: conflict in `Dockerfile`");
    let err = fetch_error(&spec(
        &fixture().file_url(),
        "base",
        &[(12, "pr1"), (99, "conflict")],
    ));
    assert_snapshot!(describe(&err), @"Unreadable: PR #99 (<conflict>) does not merge cleanly onto the merge of PR #12 (<pr1>) onto <base>: conflict in `.ci-operator.yaml`, `Dockerfile`");
}

#[test]
fn a_missing_sha_is_its_own_error() {
    let missing = "1234567890123456789012345678901234567890";
    let err = fetch_error(&spec(
        &fixture().file_url(),
        "base",
        &[(12, "pr1"), (13, missing)],
    ));
    assert_snapshot!(describe(&err), @"Unreadable: `file://[fixture]/origin.git` does not have `1234567890123456789012345678901234567890`");
    let err = fetch_error(&spec(&fixture().file_url(), "no-such-branch", &[]));
    assert_snapshot!(describe(&err), @"Unreadable: `file://[fixture]/origin.git` does not have `no-such-branch`");
}

#[test]
fn unrelated_histories_are_an_error() {
    let err = fetch_error(&spec(&fixture().file_url(), "base", &[(5, "orphan")]));
    assert_snapshot!(describe(&err), @"Unreadable: PR #5 (<orphan>) shares no history with <base>");
}

#[test]
fn a_missing_repository_cannot_be_connected_to() {
    let err = fetch_error(&spec("file:///nonexistent/origin.git", "base", &[]));
    assert_snapshot!(describe(&err), @"Unreadable: cannot connect to `file:///nonexistent/origin.git`");
}

#[test]
fn hostile_content_of_a_pr_is_refused_at_the_merged_revision() {
    let snapshot = fetch_like_git(&spec(&fixture().file_url(), "base", &[(66, "hostile")]));
    let mut report = String::new();
    for path in [
        ".ci-operator.yaml",
        "images-link/base/Dockerfile",
        "sub",
        "big.bin",
        "images",
    ] {
        report.push_str(&format!("{path}: {}\n", describe_read(&snapshot, path)));
    }
    assert_snapshot!(report, @"
    .ci-operator.yaml: Refused: `.ci-operator.yaml` at the merge of PR #66 (<hostile>) onto <base> from `file://[fixture]/origin.git` is a symbolic link, which is never followed
    images-link/base/Dockerfile: Refused: `images-link` (in `images-link/base/Dockerfile`) at the merge of PR #66 (<hostile>) onto <base> from `file://[fixture]/origin.git` is a symbolic link, which is never followed
    sub: Refused: `sub` at the merge of PR #66 (<hostile>) onto <base> from `file://[fixture]/origin.git` is a submodule, whose files are not part of this repository
    big.bin: Refused: `big.bin` at the merge of PR #66 (<hostile>) onto <base> from `file://[fixture]/origin.git` is 2097152 bytes, over the limit of 1048576 bytes
    images: Refused: `images` at the merge of PR #66 (<hostile>) onto <base> from `file://[fixture]/origin.git` is a directory, not a file
    ");
}

fn describe_read(snapshot: &Snapshot, path: &str) -> String {
    match snapshot.read(path, crate::MIB) {
        Ok(Some(_)) => "read".to_owned(),
        Ok(None) => "absent".to_owned(),
        Err(err) => describe(&err),
    }
}

#[test]
fn open_at_a_url_fetches_one_revision() {
    let scratch = tempfile::tempdir().unwrap();
    let fixture = fixture();
    unchanged(|| {
        for rev in [fixture.sha("pr1"), "pr1", "refs/heads/pr1"] {
            let snapshot =
                Snapshot::open_at(&fixture.file_url(), rev, &options(scratch.path())).unwrap();
            assert_eq!(
                read(&snapshot, ".ci-operator.yaml"),
                CI_OPERATOR_122,
                "{rev}"
            );
            assert_eq!(snapshot.revision().commit(), Some(fixture.sha("pr1")));
        }
        let snapshot =
            Snapshot::open_at(&fixture.file_url(), "v1.0", &options(scratch.path())).unwrap();
        assert_eq!(snapshot.revision().commit(), Some(fixture.sha("c2")));
        let err = Snapshot::open_at(&fixture.file_url(), "no-such-rev", &options(scratch.path()))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unreadable);
    });
    assert_eq!(fs_err::read_dir(scratch.path()).unwrap().count(), 0);
}

#[test]
fn a_criss_cross_history_merges_through_a_virtual_base_like_git() {
    let (_dir, bare, base, pr) = crate::repos::criss_cross();
    let before = crate::repos::state(&bare);
    let scratch = tempfile::tempdir().unwrap();
    let spec = FetchSpec {
        url: format!("file://{}", bare.display()),
        base: base.clone(),
        pulls: vec![PullRef {
            number: 3,
            sha: pr.clone(),
        }],
    };
    let snapshot = Snapshot::fetch_merged(&spec, &options(scratch.path())).unwrap();
    assert_eq!(
        snapshot.revision().tree().unwrap(),
        crate::repos::git_merged_tree_in(&bare, &base, &[&pr])
    );
    assert_eq!(read(&snapshot, "f"), "a\nB\nc\nd\n");
    assert_eq!(read(&snapshot, "g"), "3\n");
    assert_eq!(crate::repos::state(&bare), before);
}

/// Collects the messages of `tracing` events on the current thread.
#[derive(Clone, Default)]
pub(crate) struct Capture(std::sync::Arc<std::sync::Mutex<Vec<(tracing::Level, String)>>>);

impl Capture {
    /// Every message captured, at any level.
    pub(crate) fn lines(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|(_, message)| message.clone())
            .collect()
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Message(String);
        impl tracing::field::Visit for Message {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "message" {
                    self.0 = format!("{value:?}");
                }
            }
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        self.0
            .lock()
            .unwrap()
            .push((*event.metadata().level(), message.0));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn a_fetch_logs_one_summary_line_at_info() {
    let capture = Capture::default();
    let scratch = tempfile::tempdir().unwrap();
    let options = FetchOptions {
        progress: false,
        ..options(scratch.path())
    };
    let spec = spec(&fixture().file_url(), "base", &[(7, "old")]);
    tracing::subscriber::with_default(capture.clone(), || Snapshot::fetch_merged(&spec, &options))
        .unwrap();
    let lines: Vec<String> = capture
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|(level, _)| *level <= tracing::Level::INFO)
        .map(|(_, message)| redact(message))
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let words: Vec<&str> = lines[0].split(' ').collect();
    assert_eq!(words[0], "fetched");
    assert_eq!(words[2], "objects,");
    assert!(
        lines[0].contains("bytes from `file://[fixture]/origin.git` in 3 round(s), "),
        "{}",
        lines[0]
    );
}

#[test]
fn a_revision_that_is_refspec_syntax_is_refused() {
    for rev in [
        "",
        "main:refs/heads/x",
        "+main",
        "^main",
        "refs/heads/*",
        "a b",
    ] {
        let err = fetch_error(&spec(&fixture().file_url(), rev, &[]));
        assert!(
            matches!(err, repo_source::Error::RevisionNotFound { .. }),
            "{rev}: {err:?}"
        );
    }
    let err = fetch_error(&spec(&fixture().file_url(), "main:x", &[]));
    assert_snapshot!(describe(&err), @"Unreadable: revision `main:x` is not a commit of `file://[fixture]/origin.git`");
}

#[test]
fn a_pr_without_sha_merges_its_head_ref() {
    // The fixture has no `refs/pull/*`, so this shows the ref Prow would fetch.
    let mut spec = spec(&fixture().file_url(), "base", &[(12, "pr1")]);
    spec.pulls[0].sha = String::new();
    let err = fetch_error(&spec);
    assert_snapshot!(describe(&err), @"Unreadable: `file://[fixture]/origin.git` does not have `refs/pull/12/head`");
}
