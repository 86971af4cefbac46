//! `ci-operator validate`.

use crate::helpers::{ci_operator, run, run_command};

#[test]
fn corpus_configs_validate_as_expected() {
    let cases = crate::corpus::cases();
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
    for case in cases {
        let config = case.dir.join("config.yaml");
        let result = run(&["validate", config.to_str().unwrap()]);
        let expected = if case.expected["valid"].as_bool().unwrap() {
            0
        } else {
            1
        };
        assert_eq!(
            result.code, expected,
            "{}: {}{}",
            case.name, result.stdout, result.stderr
        );
    }
}

#[test]
fn invalid_config_lists_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.yaml");
    fs_err::write(
        &file,
        "build_root:\n  from_repository: true\n  image_stream_tag:\n    namespace: \"\"\n    name: release\n    tag: golang-1.22\nimages:\n- to: root\n  dockerfile_path: Dockerfile\n- dockerfile_literal: FROM x\n  context_dir: a\n",
    )
    .unwrap();
    let result = run(&["validate", file.to_str().unwrap()]);
    insta::assert_snapshot!(result.render(&[(dir.path(), "[TMP]")]), @"
    exit: 1
    --- stdout
    [TMP]/bad.yaml:2:3: build_root: from_repository and image_stream_tag are mutually exclusive
    [TMP]/bad.yaml:4:16: build_root.image_stream_tag.namespace: value required but not provided
    [TMP]/bad.yaml:8:3: images[0]: duplicate image name 'root' (previously defined by field 'build_root')
    [TMP]/bad.yaml:10:3: images[1]: `to` must be set
    [TMP]/bad.yaml:10:3: images[1]: dockerfile_literal is mutually exclusive with context_dir and dockerfile_path
    1 file checked: 5 errors, 0 warnings
    --- stderr
    ");
}

#[test]
fn in_repo_file_with_a_typo_warns_and_strict_fails() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".ci-operator.yaml");
    fs_err::write(&file, "build_root_image:\n  namespace: openshift\n  name: release\n  tag: golang-1.22\n  use_build_cache: true\n").unwrap();
    let lenient = run(&["validate", dir.path().to_str().unwrap()]);
    let strict = run(&["validate", "--strict", dir.path().to_str().unwrap()]);
    insta::assert_snapshot!(lenient.render(&[(dir.path(), "[TMP]")]), @"
    exit: 0
    --- stdout
    [TMP]/.ci-operator.yaml:5:3: warning: build_root_image.use_build_cache: unknown key, ignored: `use_build_cache` belongs to `build_root` in the ci-operator config, not to .ci-operator.yaml
    1 file checked: 0 errors, 1 warning
    --- stderr
    ");
    insta::assert_snapshot!(strict.render(&[(dir.path(), "[TMP]")]), @"
    exit: 1
    --- stdout
    [TMP]/.ci-operator.yaml:5:3: build_root_image.use_build_cache: unknown key, ignored: `use_build_cache` belongs to `build_root` in the ci-operator config, not to .ci-operator.yaml (a warning, made an error by --strict)
    1 file checked: 1 error, 0 warnings
    --- stderr
    ");
}

#[test]
fn json_output() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.yaml");
    fs_err::write(&file, "build_root:\n  from_repository: true\n  image_stream_tag: {namespace: a, name: b, tag: c}\n").unwrap();
    let result = run(&["validate", "-o", "json", file.to_str().unwrap()]);
    insta::assert_snapshot!(result.render(&[(dir.path(), "[TMP]")]), @r#"
    exit: 1
    --- stdout
    {
      "files": 1,
      "errors": 1,
      "warnings": 0,
      "problems": [
        {
          "file": "[TMP]/c.yaml",
          "line": 2,
          "column": 3,
          "severity": "error",
          "path": "build_root",
          "message": "from_repository and image_stream_tag are mutually exclusive"
        }
      ]
    }
    --- stderr
    "#);
}

#[test]
fn hostile_yaml_is_refused_with_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("bomb.yaml");
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for level in 1..10 {
        let prev = (b'a' + level - 1) as char;
        let name = (b'a' + level) as char;
        text.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    fs_err::write(&bomb, text).unwrap();
    let dup = dir.path().join("dup.yaml");
    fs_err::write(
        &dup,
        "build_root:\n  from_repository: true\nbuild_root:\n  from_repository: false\n",
    )
    .unwrap();
    let list = dir.path().join("list.yaml");
    fs_err::write(&list, "- a\n- b\n").unwrap();
    let binary = dir.path().join("nul.yaml");
    fs_err::write(&binary, b"build_root:\n  from_repository: true\0\n").unwrap();
    let result = run(&["validate", dir.path().to_str().unwrap()]);
    insta::assert_snapshot!(result.render(&[(dir.path(), "[TMP]")]), @"
    exit: 1
    --- stdout
    [TMP]/bomb.yaml:6:14: the document is too large or too deeply nested (more than 250000 nodes, counting aliases): remove aliases that repeat large parts, or deep nesting
    [TMP]/dup.yaml:3:1: duplicate key `build_root`: a key may appear once in a mapping, remove one of them
    [TMP]/list.yaml:1:1: the document is a list, not a mapping: a ci-operator config is a mapping of keys such as `build_root:`
    [TMP]/nul.yaml:2:24: the file contains a NUL byte: it is binary data, not YAML text
    4 files checked: 4 errors, 0 warnings
    --- stderr
    ");
}

#[test]
fn missing_path_is_a_usage_error() {
    let result = run(&["validate", "/nonexistent/config.yaml"]);
    insta::assert_snapshot!(result.render(&[]), @"
    exit: 2
    --- stdout
    --- stderr
    error: /nonexistent/config.yaml cannot be read; check the path
      caused by: No such file or directory (os error 2)
    ");
}

#[test]
fn no_arguments_is_a_usage_error() {
    let result = run_command(ci_operator().arg("validate"));
    assert_eq!(result.code, 2);
}
