//! `--root` parsing.

use super::parse_root;

#[test]
fn roots() {
    assert_eq!(
        parse_root("openshift/release:golang-1.22")
            .unwrap()
            .to_string(),
        "openshift/release:golang-1.22"
    );
    for bad in [
        "release:golang",
        "openshift/release",
        "a/b/c:d",
        "/b:c",
        "a/:c",
        "a/b:",
        "a/b:c@sha256",
        "Open_Shift/release:1",
    ] {
        assert!(parse_root(bad).is_err(), "{bad}");
    }
}
