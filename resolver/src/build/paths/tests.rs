//! Go's `path.Clean` cases.

use super::go_clean;

#[test]
fn cleans_as_go_does() {
    for (input, expected) in [
        ("", "."),
        (".", "."),
        ("./a/", "a"),
        ("a//b/./c/..", "a/b"),
        ("../x", "../x"),
        ("a/../../x", "../x"),
        ("/../x", "/x"),
        ("/", "/"),
        ("//a", "/a"),
    ] {
        assert_eq!(go_clean(input), expected, "{input}");
    }
}
