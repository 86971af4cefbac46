//! `.dockerignore` reading and matching, with cases from moby's patternmatcher tests.

use super::{DockerIgnore, IgnorePatternError};

/// Whether `path` is ignored, walking from the context root as BuildKit does.
fn ignored(dockerignore: &str, path: &str) -> bool {
    let ignore = DockerIgnore::parse(dockerignore.as_bytes()).unwrap();
    let mut parent = ignore.root_matches();
    let mut prefix = String::new();
    let mut result = false;
    for part in path.split('/') {
        if !prefix.is_empty() {
            prefix.push('/');
        }
        prefix.push_str(part);
        let (is_ignored, info) = ignore.matches(&prefix, &parent);
        result = is_ignored;
        parent = info;
    }
    result
}

#[track_caller]
fn check(dockerignore: &str, path: &str, expected: bool) {
    assert_eq!(
        ignored(dockerignore, path),
        expected,
        "{dockerignore:?} vs {path:?}"
    );
}

#[test]
fn moby_cases() {
    check("**", "file", true);
    check("**", "file/", true);
    check("**/", "file", true);
    check("**/**", "dir/file", true);
    check("dir/**", "dir/file", true);
    check("**/dir", "dir", true);
    check("**/dir", "dir/file", true);
    check("**/dir2/*", "dir/dir2/file", true);
    check("**/file", "dir/dir/file", true);
    check("**/**/file", "dir/dir/file", true);
    check("**/dir/dir2/file", "dir/dir2/file", true);
    check("**/dir/**", "dir/dir2/file", true);
    check("**/dir/**", "dir/file", true);
    check("**/file", "file", true);
    check("**/.x", ".x", true);
    check("*", "abc", true);
    check("*c", "abc", true);
    check("a*", "a", true);
    check("a*", "abc", true);
    check("a*", "ab/c", true);
    check("a*/b", "abc/b", true);
    check("a*/b", "a/c/b", false);
    check("a*b*c*d*e*/f", "axbxcxdxe/f", true);
    check("a*b?c*x", "abxbbxdbxebxczzx", true);
    check("ab[c]", "abc", true);
    check("ab[^c]", "abc", false);
    check("a\\*b", "a*b", true);
    check("a?b", "a/b", false);
    check("a*b", "a/b", false);
    check("pkg/**/*.go", "pkg/a/b/c.go", true);
    check("pkg/**/*.go", "pkg/c.go", true);
    check("pkg/**/*.go", "pkg/c.txt", false);
    check("abc.def", "abcdef", false);
    check("abc.def", "abc.def", true);
    check("abc+", "abcc", false);
    check("**foo", "barfoo", true);
}

#[test]
fn comments_cleaning_and_leading_slashes() {
    let text = "# comment\n  \n/vendor\n./docs/\n!docs/keep.md\n";
    check(text, "vendor", true);
    check(text, "vendor/x.go", true);
    check(text, "docs/a.md", true);
    check(text, "docs/keep.md", false);
    check(text, "src/main.go", false);
    // A comment is a line starting with `#`, not an indented one.
    check(" #x", "#x", true);
}

#[test]
fn exceptions_apply_in_order() {
    check("*.md\n!README.md", "README.md", false);
    check("*.md\n!README.md", "CHANGES.md", true);
    check("!README.md\n*.md", "README.md", true);
    check("docs\n!docs/keep", "docs/keep/file", false);
    check("docs\n!docs/keep", "docs/other", true);
}

#[test]
fn invalid_and_unsupported_patterns_are_refused() {
    let err = DockerIgnore::parse(b"ok\n[\n").unwrap_err();
    assert_eq!(
        err,
        IgnorePatternError::Invalid {
            line: 2,
            pattern: "[".to_owned()
        }
    );
    insta::assert_snapshot!(err, @".dockerignore:2: `[` is not a valid pattern");
    let err = DockerIgnore::parse(b"!\n").unwrap_err();
    insta::assert_snapshot!(err, @".dockerignore:1: `!` is not a valid pattern");
    let err = DockerIgnore::parse(b"a\\d\n").unwrap_err();
    insta::assert_snapshot!(err, @".dockerignore:1: `a\\d` uses a form this reader does not support (a `\\` before a letter, a digit or a non-ASCII character): write it with `*`, `?`, `**` and plain `[...]` classes");
    let err = DockerIgnore::parse(b"[[:alpha:]]\n").unwrap_err();
    insta::assert_snapshot!(err, @".dockerignore:1: `[[:alpha:]]` uses a form this reader does not support (a `[:name:]` class): write it with `*`, `?`, `**` and plain `[...]` classes");
}

#[test]
fn uniform_below_knows_which_patterns_cannot_reach_a_directory() {
    let ignore = DockerIgnore::parse(b"docs/**\n*.md\n").unwrap();
    let (_, src) = ignore.matches("src", &ignore.root_matches());
    assert!(ignore.uniform_below("src", &src));
    // `docs/**` ignores what `docs` holds, not `docs` itself.
    let (docs_ignored, docs) = ignore.matches("docs", &ignore.root_matches());
    assert!(!docs_ignored);
    assert!(!ignore.uniform_below("docs", &docs));
    let deep = DockerIgnore::parse(b"**/*.md\n").unwrap();
    let (_, src) = deep.matches("src", &deep.root_matches());
    assert!(!deep.uniform_below("src", &src));
}
