//! Tests of path checking.

use super::RepoPath;
use crate::error::UnsafePathReason;

fn check(path: &str, expected: Result<&[&str], UnsafePathReason>) {
    let got = RepoPath::parse(path);
    match expected {
        Ok(components) => assert_eq!(got.expect("a safe path").components(), components, "{path}"),
        Err(reason) => assert_eq!(got, Err(reason), "{path}"),
    }
}

#[test]
fn plain_paths_split_into_components() {
    check(".ci-operator.yaml", Ok(&[".ci-operator.yaml"]));
    check(
        "images/base/Dockerfile",
        Ok(&["images", "base", "Dockerfile"]),
    );
    check("./Dockerfile", Ok(&["Dockerfile"]));
    check("build//Dockerfile", Ok(&["build", "Dockerfile"]));
    check("dir/", Ok(&["dir"]));
    check("..foo/bar..", Ok(&["..foo", "bar.."]));
    check(".github/x", Ok(&[".github", "x"]));
}

#[test]
fn escaping_paths_are_refused() {
    check("../etc/passwd", Err(UnsafePathReason::ParentDir));
    check("a/../../b", Err(UnsafePathReason::ParentDir));
    check("a/..", Err(UnsafePathReason::ParentDir));
    check("/etc/passwd", Err(UnsafePathReason::Absolute));
    check(".git/config", Err(UnsafePathReason::GitDir));
    check("sub/.GIT/config", Err(UnsafePathReason::GitDir));
    check("", Err(UnsafePathReason::Empty));
    check("./", Err(UnsafePathReason::Empty));
    check("a\0b", Err(UnsafePathReason::Nul));
}

#[test]
fn the_root_is_an_empty_path_only_where_asked_for() {
    for root in ["", ".", "./", "./.", ".//."] {
        assert_eq!(
            RepoPath::parse_or_root(root).map(|path| path.components().len()),
            Ok(0),
            "{root:?}"
        );
    }
    assert_eq!(
        RepoPath::parse_or_root("a/b")
            .expect("a safe path")
            .components(),
        ["a", "b"]
    );
    assert_eq!(
        RepoPath::parse_or_root("/"),
        Err(UnsafePathReason::Absolute)
    );
    assert_eq!(
        RepoPath::parse_or_root("a/.."),
        Err(UnsafePathReason::ParentDir)
    );
}
