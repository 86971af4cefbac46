//! Building repositories: files, symlinks, commits, gitlinks, bare clones and Prow's merge.

use std::path::{Path, PathBuf};

use super::command::{EPOCH, git, git_command_at};

/// Creates `dir` (and its parents) and runs `git init -q` in it.
pub fn init(dir: &Path) {
    fs_err::create_dir_all(dir).expect("the repository directory can be created");
    git(dir, &["init", "-q"]);
}

/// Writes `content` to `dir/path`, creating parent directories.
pub fn write(dir: &Path, path: &str, content: &[u8]) {
    let path = dir.join(path);
    fs_err::create_dir_all(
        path.parent()
            .expect("a file under a directory has a parent"),
    )
    .expect("the parent directories can be created");
    fs_err::write(path, content).expect("the file can be written");
}

/// Creates the symbolic link `dir/path` pointing at `target` (taken literally), creating parent
/// directories.
pub fn symlink(dir: &Path, path: &str, target: &str) {
    let path = dir.join(path);
    fs_err::create_dir_all(
        path.parent()
            .expect("a link under a directory has a parent"),
    )
    .expect("the parent directories can be created");
    std::os::unix::fs::symlink(target, &path)
        .unwrap_or_else(|err| panic!("symlink {} -> {target}: {err}", path.display()));
}

/// Stages everything in `dir` and commits it (empty commits allowed); returns the commit SHA.
pub fn commit(dir: &Path, message: &str) -> String {
    git(dir, &["add", "-A"]);
    commit_staged(dir, message)
}

/// Commits what is staged in `dir`, dated [`EPOCH`] plus a minute per commit the repository
/// already has (so commits are ordered in time); returns the commit SHA.
pub fn commit_staged(dir: &Path, message: &str) -> String {
    let count: u64 = git(dir, &["rev-list", "--count", "--all"])
        .parse()
        .unwrap_or(0);
    let output = git_command_at(dir, EPOCH + 60 * count)
        .args(["commit", "-q", "--allow-empty", "-m", message])
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git commit in {} failed: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    git(dir, &["rev-parse", "HEAD"])
}

/// Writes `content` to `dir/path` and commits everything; returns the commit SHA.
pub fn commit_file(dir: &Path, path: &str, content: &str, message: &str) -> String {
    write(dir, path, content.as_bytes());
    commit(dir, message)
}

/// Stages a gitlink (a submodule entry, mode 160000) at `path` pointing at `commit`, without a
/// `.gitmodules` or a checkout: what a tree holds for a submodule. Commit it with
/// [`commit_staged`]: [`commit`] stages the work tree again, where `path` does not exist.
pub fn stage_gitlink(dir: &Path, path: &str, commit: &str) {
    git(
        dir,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{commit},{path}"),
        ],
    );
}

/// Clones `work` into `parent/name` as a bare repository that packs its objects (`--no-local`,
/// as a server's would be); returns its path.
pub fn clone_bare(work: &Path, parent: &Path, name: &str) -> PathBuf {
    let source = work
        .to_str()
        .expect("test repositories live under UTF-8 paths");
    git(
        parent,
        &["clone", "-q", "--bare", "--no-local", source, name],
    );
    parent.join(name)
}

/// Prow's clone step in an existing clone: checks out `base` detached, merges each of `pulls`
/// in order with `git merge --no-ff`; returns the merged tree's id.
pub fn merge_like_prow(clone: &Path, base: &str, pulls: &[&str]) -> String {
    git(clone, &["checkout", "-q", "--detach", base]);
    for pull in pulls {
        git(
            clone,
            &["merge", "-q", "--no-ff", "--no-stat", "-m", "merge", pull],
        );
    }
    git(clone, &["rev-parse", "HEAD^{tree}"])
}

/// The tree Prow's clone step gives: clones `url` into a throwaway directory, then
/// [`merge_like_prow`].
pub fn merged_tree_like_prow(url: &str, base: &str, pulls: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("a temporary directory can be created");
    git(dir.path(), &["clone", "-q", "--no-checkout", url, "clone"]);
    merge_like_prow(&dir.path().join("clone"), base, pulls)
}
