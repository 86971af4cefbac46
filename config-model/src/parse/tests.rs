//! Unit tests of positions computed without the parser.

use super::{content_start, pos_of_offset, quote};

#[test]
fn offsets_become_lines_and_character_columns() {
    let text = "a: 1\nbé: x\n";
    assert_eq!(pos_of_offset(text.as_bytes(), 0).to_string(), "1:1");
    assert_eq!(pos_of_offset(text.as_bytes(), 5).to_string(), "2:1");
    // After `bé: ` (5 bytes, 4 characters).
    assert_eq!(pos_of_offset(text.as_bytes(), 10).to_string(), "2:5");
}

#[test]
fn content_starts_after_comments_directives_and_markers() {
    assert_eq!(content_start("").to_string(), "1:1");
    assert_eq!(content_start("# c\n\n  - a\n").to_string(), "3:3");
    assert_eq!(content_start("%YAML 1.2\n---\nhello\n").to_string(), "3:1");
    assert_eq!(content_start("--- [a]\n").to_string(), "1:5");
    assert_eq!(content_start("---x\n").to_string(), "1:1");
}

#[test]
fn quotes_are_cropped_and_flattened() {
    assert_eq!(quote("a\nb"), "a b");
    let long = "x".repeat(100);
    assert_eq!(quote(&long).chars().count(), 61);
    assert!(quote(&long).ends_with('…'));
}
