//! Git repositories for the binary's tests, built with `testkit::git` (the `git` CLI in an
//! isolated environment: fixed identities and dates, no global or system config).

use testkit::git::{clone_bare, commit_file, git, init};

/// `.ci-operator.yaml` naming `openshift/release:golang-<go>`.
pub(crate) fn in_repo(go: &str) -> String {
    format!("build_root_image:\n  namespace: openshift\n  name: release\n  tag: golang-{go}\n")
}

/// The shas of a repository made for a PR job.
pub(crate) struct PrRepo {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) base: String,
    pub(crate) pr_bump: String,
    pub(crate) pr_other: String,
    pub(crate) pr_conflict: String,
}

/// A bare repository `repo.git` under a temporary directory, with `main` (golang-1.21 in
/// `.ci-operator.yaml`), a PR that bumps it to 1.22, a PR that adds a file, and a PR that
/// conflicts with the bump (1.23).
pub(crate) fn pr_repo() -> PrRepo {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    init(&work);
    commit_file(&work, "README.md", "hello\n", "readme");
    let base0 = commit_file(&work, ".ci-operator.yaml", &in_repo("1.21"), "root 1.21");
    git(&work, &["checkout", "-q", "-b", "bump"]);
    let pr_bump = commit_file(&work, ".ci-operator.yaml", &in_repo("1.22"), "bump go");
    git(&work, &["checkout", "-q", "-b", "conflict", &base0]);
    let pr_conflict = commit_file(
        &work,
        ".ci-operator.yaml",
        &in_repo("1.23"),
        "bump go differently",
    );
    git(&work, &["checkout", "-q", "-b", "other", &base0]);
    let pr_other = commit_file(&work, "docs/x.md", "x\n", "docs");
    git(&work, &["checkout", "-q", "main"]);
    let base = commit_file(&work, "main.go", "package main\n", "code on main");
    let bare = clone_bare(&work, dir.path(), "repo.git");
    for (branch, sha) in [
        ("bump", &pr_bump),
        ("conflict", &pr_conflict),
        ("other", &pr_other),
    ] {
        git(&bare, &["update-ref", &format!("refs/heads/{branch}"), sha]);
    }
    git(&bare, &["config", "uploadpack.allowAnySHA1InWant", "true"]);
    git(&bare, &["config", "http.receivepack", "false"]);
    PrRepo {
        dir,
        base,
        pr_bump,
        pr_other,
        pr_conflict,
    }
}
