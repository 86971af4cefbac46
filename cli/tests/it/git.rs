//! Git repositories for the binary's tests, built with the `git` CLI in an isolated
//! environment (fixed identities and dates, no global or system config).

use std::path::Path;
use std::process::Command;

/// Runs `git args` in `dir` and returns stdout, trimmed; panics with stderr when git fails.
pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Author")
        .env("GIT_AUTHOR_EMAIL", "author@example.com")
        .env("GIT_COMMITTER_NAME", "Committer")
        .env("GIT_COMMITTER_EMAIL", "committer@example.com")
        .env("GIT_AUTHOR_DATE", "1700000000 +0000")
        .env("GIT_COMMITTER_DATE", "1700000000 +0000")
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "protocol.file.allow=always",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Writes a file and commits everything; returns the commit.
pub(crate) fn commit_file(dir: &Path, path: &str, content: &str, message: &str) -> String {
    let file = dir.join(path);
    fs_err::create_dir_all(file.parent().unwrap()).unwrap();
    fs_err::write(&file, content).unwrap();
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

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
    fs_err::create_dir_all(&work).unwrap();
    git(&work, &["init", "-q"]);
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
    git(
        dir.path(),
        &["clone", "-q", "--bare", work.to_str().unwrap(), "repo.git"],
    );
    let bare = dir.path().join("repo.git");
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
