//! Unit tests of SHA checks.

use super::is_sha;

#[test]
fn shas() {
    assert!(is_sha("a1a5f4bd6aa1d7b649b1706401a3ccb60e85da26"));
    assert!(is_sha(&"ab".repeat(32)));
    assert!(!is_sha("a1a5f4b"));
    assert!(!is_sha("main"));
    assert!(!is_sha("g1a5f4bd6aa1d7b649b1706401a3ccb60e85da26"));
}
