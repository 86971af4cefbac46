//! Block edits keep everything else byte for byte.

use super::{append_block, has_block, replace_block};

const FROM_REPOSITORY: &str = "build_root:\n  from_repository: true\n";

#[test]
fn rewrites_block_and_keeps_the_rest() {
    let text = "base_images: {}\nbuild_root:\n  image_stream_tag:\n    name: release\n\n    tag: golang-1.22\nimages: []\n";
    insta::assert_snapshot!(replace_block(text, "build_root", FROM_REPOSITORY).unwrap(), @r"
    base_images: {}
    build_root:
      from_repository: true
    images: []
    ");
}

#[test]
fn rewrites_flow_mapping() {
    let text = "build_root: {image_stream_tag: {namespace: a, name: b, tag: c}}\ntests: []\n";
    insta::assert_snapshot!(replace_block(text, "build_root", FROM_REPOSITORY).unwrap(), @r"
    build_root:
      from_repository: true
    tests: []
    ");
}

#[test]
fn a_comment_after_the_key_opens_a_block() {
    let text = "# top\nbuild_root_image: # the root\n  namespace: a\n  name: b\n  tag: c\n# after\ntests: []\n";
    insta::assert_snapshot!(replace_block(text, "build_root_image", "build_root_image: {}\n").unwrap(), @r"
    # top
    build_root_image: {}
    # after
    tests: []
    ");
}

#[test]
fn no_block() {
    assert_eq!(
        replace_block("tests: []\n", "build_root", FROM_REPOSITORY),
        None
    );
    assert!(!has_block("build_roots:\n  a.b: {}\n", "build_root"));
    assert!(has_block("x: 1\nbuild_root:\n  a: 1\n", "build_root"));
}

#[test]
fn appends_on_a_line_of_its_own() {
    assert_eq!(append_block("a: 1", "b: 2\n"), "a: 1\nb: 2\n");
    assert_eq!(append_block("a: 1\n\n", "b: 2\n"), "a: 1\n\nb: 2\n");
    assert_eq!(append_block("", "b: 2\n"), "b: 2\n");
}
