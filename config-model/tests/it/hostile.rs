//! Hostile inputs are refused with a clear error naming the line, in bounded time and memory:
//! each input is big enough that an unbounded parser would take seconds and gigabytes.

use config_model::parse::{self, ErrorKind};
use config_model::{parse_config, parse_config_bytes, parse_in_repo};

/// `LINE:COL: MESSAGE` of a config that must fail to parse.
fn refuse(yaml: &str) -> String {
    refuse_bytes(yaml.as_bytes())
}

fn refuse_bytes(bytes: &[u8]) -> String {
    let err = parse_config_bytes(bytes).expect_err("hostile input accepted");
    render(&err)
}

fn render(err: &parse::Error) -> String {
    match err.pos {
        Some(pos) => format!("{pos}: {err}"),
        None => format!("-: {err}"),
    }
}

/// Nine anchors, each aliasing the previous one nine times: 9^9 nodes when expanded. Under a
/// key this crate ignores, so only the budget can stop it (typed keys fail sooner, on types).
fn exponential_bomb() -> String {
    let mut yaml = String::from(
        "zz_unknown:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (previous, name) = (pair[0], pair[1]);
        let aliases = vec![format!("*{previous}"); 9].join(",");
        yaml.push_str(&format!("  {name}: &{name} [{aliases}]\n"));
    }
    yaml
}

#[test]
fn exponential_alias_bomb() {
    insta::assert_snapshot!(refuse(&exponential_bomb()), @"7:16: the document is too large or too deeply nested (more than 250000 nodes, counting aliases): remove aliases that repeat large parts, or deep nesting");
}

#[test]
fn linear_alias_amplification() {
    // One 150 000-item anchor aliased 95 times: 300 KB that expand to 14 million nodes.
    let mut yaml = String::from("zz_unknown:\n  big: &big [");
    yaml.push_str(&vec!["1"; 150_000].join(","));
    yaml.push_str("]\n  refs: [");
    yaml.push_str(&vec!["*big"; 95].join(","));
    yaml.push_str("]\n");
    assert!(yaml.len() > 300_000 && yaml.len() < 310_000);
    insta::assert_snapshot!(refuse(&yaml), @"3:10: the document is too large or too deeply nested (more than 250000 nodes, counting aliases): remove aliases that repeat large parts, or deep nesting");
}

#[test]
fn alias_bomb_in_in_repo_file() {
    let yaml = exponential_bomb().replace("zz_unknown", "build_root_image");
    let err = parse_in_repo(yaml.as_bytes()).expect_err("alias bomb accepted");
    let config_model::in_repo::Error::Parse(err) = err else {
        panic!("not a parse error: {err}");
    };
    assert!(matches!(err.kind, ErrorKind::TooComplex { .. }), "{err}");
}

#[test]
fn deep_nesting_flow() {
    let yaml = format!(
        "zz_unknown: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    insta::assert_snapshot!(refuse(&yaml), @"1:268: the document is too large or too deeply nested (nesting deeper than 64 levels): remove aliases that repeat large parts, or deep nesting");
}

#[test]
fn deep_nesting_block() {
    // `- - - ... x`: 100 000 nested block sequences on one line.
    let yaml = format!("zz_unknown:\n{}x\n", "- ".repeat(100_000));
    insta::assert_snapshot!(refuse(&yaml), @"2:127: the document is too large or too deeply nested (nesting deeper than 64 levels): remove aliases that repeat large parts, or deep nesting");
    // 1 000 nested block mappings.
    let mut nested = String::from("zz_unknown:\n");
    for depth in 0..1_000 {
        nested.push_str(&"  ".repeat(depth + 1));
        nested.push_str(&format!("k{depth}:\n"));
    }
    insta::assert_snapshot!(refuse(&nested), @"65:129: the document is too large or too deeply nested (nesting deeper than 64 levels): remove aliases that repeat large parts, or deep nesting");
}

#[test]
fn fifty_mib_file() {
    let line = "  - to: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n";
    let mut yaml = String::with_capacity(50 << 20);
    yaml.push_str("images:\n");
    while yaml.len() < 50 << 20 {
        yaml.push_str(line);
    }
    insta::assert_snapshot!(refuse(&yaml), @"-: the file is 52428818 bytes, over the 8 MiB limit for a ci-operator config: check that this is the right file");
    // The same content just under the limit is refused by the node budget, with a line.
    yaml.truncate(parse::MAX_CONFIG_BYTES - line.len());
    let cut = yaml.rfind('\n').unwrap() + 1;
    yaml.truncate(cut);
    insta::assert_snapshot!(refuse(&yaml), @"83334:5: the document is too large or too deeply nested (more than 250000 nodes, counting aliases): remove aliases that repeat large parts, or deep nesting");
}

#[test]
fn in_repo_file_over_one_mib() {
    let mut yaml = String::from("build_root_image:\n  namespace: ci\n  name: x\n  tag: y\n");
    yaml.push_str(&format!("# {}\n", "x".repeat(1 << 20)));
    let err = parse_in_repo(yaml.as_bytes()).unwrap_err();
    insta::assert_snapshot!(format!("{err}: {}", render(match &err {
        config_model::in_repo::Error::Parse(err) => err,
        other => panic!("{other}"),
    })), @"invalid .ci-operator.yaml: -: the file is 1048632 bytes, over the 1 MiB limit for a .ci-operator.yaml: check that this is the right file");
}

#[test]
fn duplicate_keys() {
    insta::assert_snapshot!(refuse("
build_root:
  from_repository: true
images: []
build_root:
  from_repository: true
"), @"5:1: duplicate key `build_root`: a key may appear once in a mapping, remove one of them");
    insta::assert_snapshot!(refuse("
build_root:
  image_stream_tag:
    namespace: a
    name: b
    tag: c
    tag: d
"), @"7:5: build_root.image_stream_tag: duplicate key `tag`: a key may appear once in a mapping, remove one of them");
    // In a part of the config this crate ignores.
    insta::assert_snapshot!(refuse("
resources:
  '*':
    requests: {cpu: 1}
    requests: {cpu: 2}
"), @"5:5: resources.*: duplicate key `requests`: a key may appear once in a mapping, remove one of them");
    // In a map.
    insta::assert_snapshot!(refuse("
base_images:
  go: {namespace: a, name: b, tag: c}
  go: {namespace: a, name: b, tag: d}
"), @"4:3: base_images: duplicate key `go`: a key may appear once in a mapping, remove one of them");
}

#[test]
fn invalid_utf8() {
    insta::assert_snapshot!(refuse_bytes(b"build_root:\n  from_repository: true\nimages:\n- to: caf\xe9\n"), @"4:10: the file is not valid UTF-8: save it as UTF-8 text");
}

#[test]
fn nul_byte() {
    insta::assert_snapshot!(refuse("build_root:\n  from_repository: tr\0ue\n"), @"2:22: the file contains a NUL byte: it is binary data, not YAML text");
}

#[test]
fn not_a_mapping() {
    insta::assert_snapshot!(refuse("# a list\n- build_root\n- images\n"), @"2:1: the document is a list, not a mapping: a ci-operator config is a mapping of keys such as `build_root:`");
    insta::assert_snapshot!(refuse("[a, b]\n"), @"1:1: the document is a list, not a mapping: a ci-operator config is a mapping of keys such as `build_root:`");
    insta::assert_snapshot!(refuse("---\nhello\n"), @r#"2:1: the document is a scalar (string "hello"), not a mapping: a ci-operator config is a mapping of keys such as `build_root:`"#);
    insta::assert_snapshot!(refuse("12\n"), @"1:1: the document is a scalar (integer `12`), not a mapping: a ci-operator config is a mapping of keys such as `build_root:`");
    insta::assert_snapshot!(refuse("true\n"), @"1:1: the document is a scalar (boolean `true`), not a mapping: a ci-operator config is a mapping of keys such as `build_root:`");
}

#[test]
fn several_documents() {
    insta::assert_snapshot!(refuse("build_root:\n  from_repository: true\n---\nimages: []\n"), @"4:1: the file holds more than one YAML document (`---`): keep only one");
}

#[test]
fn syntax_error() {
    insta::assert_snapshot!(refuse("build_root:\n  from_repository: true\n bad: [\n"), @"3:2: invalid YAML: while parsing a block mapping, did not find expected key");
    insta::assert_snapshot!(refuse("build_root:\n\tfrom_repository: true\n"), @"2:2: invalid YAML: tabs disallowed within this context (block indentation)");
    insta::assert_snapshot!(refuse("images: *nothing\n"), @"1:9: invalid YAML: an alias (`*name`) refers to an anchor (`&name`) that is not defined before it");
}

#[test]
fn snippets_are_short_and_separate() {
    let mut yaml = String::from("build_root:\n  from_repository: true\n");
    yaml.push_str(&format!("long: [{}]\n", vec!["1"; 100_000].join(",")));
    yaml.push_str("build_root: {}\n");
    let err = parse_config(&yaml).unwrap_err();
    assert!(matches!(err.kind, ErrorKind::DuplicateKey { .. }), "{err}");
    assert_eq!(err.pos.unwrap().to_string(), "4:1");
    assert!(!err.to_string().contains('\n'));
    let snippet = err.snippet.expect("a snippet");
    assert!(snippet.len() < 2_000, "snippet of {} bytes", snippet.len());
    insta::assert_snapshot!(snippet, @"
      |
    2 |   from_repository: true
    3 | long: [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,…
    4 | build_root: {}
      | ^ duplicate key `build_root`: a key may appear once in a mapping, remove one of them
    ");
}
