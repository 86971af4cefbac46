//! Cases from Go's `path/filepath` match tests, plus the class-matches-`/` corner BuildKit
//! inherits.

use super::{BadPattern, go_match, has_wildcards};

#[track_caller]
fn check(pattern: &str, name: &str, expected: Result<bool, BadPattern>) {
    assert_eq!(go_match(pattern, name), expected, "{pattern:?} vs {name:?}");
}

#[test]
fn go_cases() {
    let ok = |b| Ok(b);
    check("abc", "abc", ok(true));
    check("*", "abc", ok(true));
    check("*c", "abc", ok(true));
    check("a*", "a", ok(true));
    check("a*", "abc", ok(true));
    check("a*", "ab/c", ok(false));
    check("a*/b", "abc/b", ok(true));
    check("a*/b", "a/c/b", ok(false));
    check("a*b*c*d*e*/f", "axbxcxdxe/f", ok(true));
    check("a*b*c*d*e*/f", "axbxcxdxexxx/f", ok(true));
    check("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", ok(false));
    check("a*b*c*d*e*/f", "axbxcxdxexxx/fff", ok(false));
    check("a*b?c*x", "abxbbxdbxebxczzx", ok(true));
    check("a*b?c*x", "abxbbxdbxebxczzy", ok(false));
    check("ab[c]", "abc", ok(true));
    check("ab[b-d]", "abc", ok(true));
    check("ab[e-g]", "abc", ok(false));
    check("ab[^c]", "abc", ok(false));
    check("ab[^b-d]", "abc", ok(false));
    check("ab[^e-g]", "abc", ok(true));
    check("a\\*b", "a*b", ok(true));
    check("a\\*b", "ab", ok(false));
    check("a?b", "a☺b", ok(true));
    check("a[^a]b", "a☺b", ok(true));
    check("a???b", "a☺b", ok(false));
    check("a[^a][^a][^a]b", "a☺b", ok(false));
    check("[a-ζ]*", "α", ok(true));
    check("*[a-ζ]", "A", ok(false));
    check("a?b", "a/b", ok(false));
    check("a*b", "a/b", ok(false));
    check("[\\]a]", "]", ok(true));
    check("[\\-]", "-", ok(true));
    check("[x\\-]", "x", ok(true));
    check("[x\\-]", "-", ok(true));
    check("[x\\-]", "z", ok(false));
    check("[\\-x]", "x", ok(true));
    check("[\\-x]", "a", ok(false));
    check("[]a]", "]", Err(BadPattern));
    check("[-]", "-", Err(BadPattern));
    check("[x-]", "x", Err(BadPattern));
    check("[x-]", "z", Err(BadPattern));
    check("[-x]", "a", Err(BadPattern));
    check("\\", "a", Err(BadPattern));
    check("[a-b-c]", "a", Err(BadPattern));
    check("[", "a", Err(BadPattern));
    check("[^", "a", Err(BadPattern));
    check("[^bc", "a", Err(BadPattern));
    check("a[", "a", Err(BadPattern));
    check("a[", "ab", Err(BadPattern));
    check("a[", "x", Err(BadPattern));
    check("a/b[", "x", Err(BadPattern));
    check("*x", "xxx", ok(true));
}

#[test]
fn a_negated_class_matches_a_slash_as_in_go() {
    check("a[^x]b", "a/b", Ok(true));
    check("a[/]b", "a/b", Ok(true));
}

#[test]
fn wildcards_are_found_outside_escapes() {
    assert!(has_wildcards("*.go"));
    assert!(has_wildcards("a[bc]"));
    assert!(!has_wildcards("a\\*b"));
    assert!(!has_wildcards("plain"));
}
