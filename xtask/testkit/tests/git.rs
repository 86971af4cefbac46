//! The isolated git helpers: the same steps give the same SHAs, and each helper builds what it
//! says it builds.

use std::path::Path;

use testkit::git::{
    EPOCH, FastImport, clone_bare, commit_file, commit_staged, git, init, merged_tree_like_prow,
    stage_gitlink, symlink, write,
};

/// A repository with two commits; returns their SHAs.
fn two_commits(work: &Path) -> (String, String) {
    init(work);
    let first = commit_file(work, "a.txt", "one\n", "first");
    let second = commit_file(work, "b/c.txt", "two\n", "second");
    (first, second)
}

#[test]
fn the_same_steps_give_the_same_shas_anywhere() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    let first = two_commits(&one.path().join("work"));
    let second = two_commits(&two.path().join("elsewhere"));
    assert_eq!(first, second);
}

#[test]
fn commits_have_the_fixed_identity_and_are_a_minute_apart() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    two_commits(&work);
    let log = git(&work, &["log", "--format=%an <%ae> %at / %cn <%ce> %ct"]);
    assert_eq!(
        log,
        format!(
            "Author <author@example.com> {later} / Committer <committer@example.com> {later}\n\
             Author <author@example.com> {EPOCH} / Committer <committer@example.com> {EPOCH}",
            later = EPOCH + 60
        )
    );
    assert_eq!(git(&work, &["branch", "--show-current"]), "main");
}

#[test]
fn symlinks_and_gitlinks_are_committed_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    let (first, _) = two_commits(&work);
    symlink(&work, "links/passwd", "/etc/passwd");
    write(&work, "deep/er/file.bin", &[0, 1, 2]);
    git(&work, &["add", "-A"]);
    stage_gitlink(&work, "sub", &first);
    // `commit` would stage the work tree again, where `sub` does not exist.
    commit_staged(&work, "links");
    let tree = git(&work, &["ls-tree", "-r", "HEAD"]);
    assert!(
        tree.contains(&format!("160000 commit {first}\tsub")),
        "{tree}"
    );
    assert!(tree.contains("120000 blob "), "{tree}");
    assert!(tree.contains("100644 blob "), "{tree}");
    assert!(tree.contains("\tdeep/er/file.bin"), "{tree}");
    assert!(tree.contains("\tlinks/passwd"), "{tree}");
    assert_eq!(
        git(&work, &["cat-file", "blob", "HEAD:links/passwd"]),
        "/etc/passwd"
    );
}

#[test]
fn merged_tree_like_prow_merges_every_pull_onto_the_base() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    let (first, _) = two_commits(&work);
    git(&work, &["checkout", "-q", "-b", "pr", &first]);
    let pr = commit_file(&work, "pr.txt", "pr\n", "pr");
    git(&work, &["checkout", "-q", "main"]);
    let bare = clone_bare(&work, dir.path(), "origin.git");
    let url = format!("file://{}", bare.display());
    let merged = merged_tree_like_prow(&url, "main", &[&pr]);
    git(&work, &["merge", "-q", "--no-ff", "-m", "merge", &pr]);
    assert_eq!(merged, git(&work, &["rev-parse", "HEAD^{tree}"]));
    let files = git(&work, &["ls-tree", "-r", "--name-only", &merged]);
    assert_eq!(files, "a.txt\nb/c.txt\npr.txt");
}

#[test]
fn fast_import_writes_marked_and_parented_commits() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    init(&work);
    let mut import = FastImport::start(&work);
    import.commit("main", Some(1), EPOCH, "one");
    import.file("f", b"1\n");
    import.commit("main", Some(2), EPOCH + 60, "two");
    import.file("f", b"2\n");
    import.commit("side", None, EPOCH + 120, "side");
    import.from(":1");
    import.file("g", b"side\n");
    import.finish();
    assert_eq!(git(&work, &["rev-list", "--count", "main"]), "2");
    assert_eq!(
        git(&work, &["merge-base", "main", "side"]),
        git(&work, &["rev-parse", "main~1"])
    );
    assert_eq!(git(&work, &["log", "-1", "--format=%B", "side"]), "side");
    assert_eq!(git(&work, &["show", "side:g"]), "side");
}
