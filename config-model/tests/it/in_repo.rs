//! `.ci-operator.yaml`: warnings for unknown keys, every error at once, kept texts.

use config_model::{StageRef, parse_in_repo};

use crate::render_all;

/// The outcome of reading an in-repo file, one line per diagnostic, then the build root.
fn check(yaml: &str) -> String {
    match parse_in_repo(yaml.as_bytes()) {
        Ok(in_repo) => {
            let root = in_repo.config.build_root_image.expect("checked");
            let what = match (root.image_stream_tag(), &root.from_dockerfile) {
                (Some(tag), None) => format!("ok: {tag}"),
                (None, Some(from)) => format!(
                    "ok: from_dockerfile image={:?} stage={:?}",
                    from.image.as_ref().map(|i| i.value.as_str()),
                    from.stage.as_ref().map(|s| &s.value)
                ),
                other => panic!("accepted an unusable root: {other:?}"),
            };
            if in_repo.warnings.is_empty() {
                what
            } else {
                format!("{}\n{what}", render_all(&in_repo.warnings))
            }
        }
        Err(err) => format!("{}\nerror: {err}", render_all(&err.diagnostics())),
    }
}

#[test]
fn image_stream_tag() {
    insta::assert_snapshot!(check("
build_root_image:
  namespace: openshift
  name: release
  tag: 4.10
"), @"ok: openshift/release:4.10");
}

#[test]
fn members_must_be_non_empty() {
    insta::assert_snapshot!(check("
build_root_image:
  namespace: openshift
  name: release
"), @"
    3:3: build_root_image: invalid .ci-operator.yaml: all build_root_image members (namespace, name, tag) must be non-empty
    error: invalid .ci-operator.yaml: all build_root_image members (namespace, name, tag) must be non-empty
    ");
    insta::assert_snapshot!(check("
build_root_image:
  namespace: openshift
  name: ''
  tag: golang-1.22
"), @"
    4:9: build_root_image: invalid .ci-operator.yaml: all build_root_image members (namespace, name, tag) must be non-empty
    error: invalid .ci-operator.yaml: all build_root_image members (namespace, name, tag) must be non-empty
    ");
}

#[test]
fn typo_of_a_required_key() {
    insta::assert_snapshot!(check("
build_root_image:
  namespace: openshift
  nmae: release
  tag: golang-1.22
"), @"
    3:3: build_root_image: invalid .ci-operator.yaml: all build_root_image members (namespace, name, tag) must be non-empty
    warning 4:3: build_root_image.nmae: unknown key, ignored; did you mean `name`?
    error: invalid .ci-operator.yaml: all build_root_image members (namespace, name, tag) must be non-empty
    ");
    insta::assert_snapshot!(check("
build_root_imag:
  namespace: openshift
  name: release
  tag: golang-1.22
"), @"
    warning 2:1: build_root_imag: unknown key, ignored; did you mean `build_root_image`?
    2:1: build_root_image: required: write `build_root_image: {namespace: NS, name: NAME, tag: TAG}` to name the build root, or `build_root_image: {from_dockerfile: {}}` to infer it from a Dockerfile
    error: invalid .ci-operator.yaml: build_root_image: required: write `build_root_image: {namespace: NS, name: NAME, tag: TAG}` to name the build root, or `build_root_image: {from_dockerfile: {}}` to infer it from a Dockerfile
    ");
}

#[test]
fn real_world_extra_keys_are_warnings() {
    insta::assert_snapshot!(check("
build_root_image:
  use_build_cache: true
  namespace: openshift
  name: release
  tag: golang-1.23
project_image:
  dockerfile_path: base.Dockerfile
tests:
- as: unit
"), @"
    warning 3:3: build_root_image.use_build_cache: unknown key, ignored: `use_build_cache` belongs to `build_root` in the ci-operator config, not to .ci-operator.yaml
    warning 7:1: project_image: unknown key, ignored: `project_image` belongs to `build_root` in the ci-operator config, not to .ci-operator.yaml
    warning 9:1: tests: unknown key, ignored (known keys here: `build_root_image`)
    ok: openshift/release:golang-1.23
    ");
}

#[test]
fn from_dockerfile() {
    insta::assert_snapshot!(check("
build_root_image:
  from_dockerfile:
    image: operator
    stage: builder
"), @r#"ok: from_dockerfile image=Some("operator") stage=Some(Name("builder"))"#);
    insta::assert_snapshot!(check("
build_root_image:
  from_dockerfile:
    stage: 1
"), @"ok: from_dockerfile image=None stage=Some(Index(1))");
    insta::assert_snapshot!(check("
build_root_image:
  from_dockerfile:
    stage: '0'
"), @"ok: from_dockerfile image=None stage=Some(Index(0))");
    insta::assert_snapshot!(check("
build_root_image:
  from_dockerfile: {}
"), @"ok: from_dockerfile image=None stage=None");
    insta::assert_snapshot!(check("
build_root_image:
  from_dockerfile:
"), @"ok: from_dockerfile image=None stage=None");
}

#[test]
fn from_dockerfile_errors_all_at_once() {
    insta::assert_snapshot!(check("
build_root_image:
  namespace: openshift
  from_dockerfile:
    image: ''
    stage: -1
    stgae: 2
"), @"
    3:3: build_root_image: invalid .ci-operator.yaml: all build_root_image members (namespace, name, tag) must be non-empty
    5:5: build_root_image: namespace, name and tag, and from_dockerfile are mutually exclusive: name an imagestreamtag or infer the root from a Dockerfile, not both
    5:12: build_root_image.from_dockerfile.image: must not be empty: name an `images[].to` of the config, or leave `image` out
    6:12: build_root_image.from_dockerfile.stage: `-1` is negative: stage indexes count from 0, the first `FROM`
    warning 7:5: build_root_image.from_dockerfile.stgae: unknown key, ignored; did you mean `stage`?
    error: invalid .ci-operator.yaml: all build_root_image members (namespace, name, tag) must be non-empty (and 3 more)
    ");
    insta::assert_snapshot!(check("
build_root_image:
  from_dockerfile:
    stage: 1.5
"), @"
    4:12: build_root_image.from_dockerfile.stage: the number `1.5` is not a stage: write a stage name (`FROM ... AS name`) or a 0-based index
    error: invalid .ci-operator.yaml: build_root_image.from_dockerfile.stage: the number `1.5` is not a stage: write a stage name (`FROM ... AS name`) or a 0-based index
    ");
    insta::assert_snapshot!(check("
build_root_image:
  from_dockerfile:
    stage: ''
"), @"
    4:12: build_root_image.from_dockerfile.stage: must not be empty: write a stage name (`FROM ... AS name`) or a 0-based index, or leave `stage` out
    error: invalid .ci-operator.yaml: build_root_image.from_dockerfile.stage: must not be empty: write a stage name (`FROM ... AS name`) or a 0-based index, or leave `stage` out
    ");
}

#[test]
fn missing_build_root_image() {
    insta::assert_snapshot!(check(""), @"
    1:1: build_root_image: required: write `build_root_image: {namespace: NS, name: NAME, tag: TAG}` to name the build root, or `build_root_image: {from_dockerfile: {}}` to infer it from a Dockerfile
    error: invalid .ci-operator.yaml: build_root_image: required: write `build_root_image: {namespace: NS, name: NAME, tag: TAG}` to name the build root, or `build_root_image: {from_dockerfile: {}}` to infer it from a Dockerfile
    ");
    insta::assert_snapshot!(check("# license\n\ntests: []\n"), @"
    warning 3:1: tests: unknown key, ignored (known keys here: `build_root_image`)
    3:1: build_root_image: required: write `build_root_image: {namespace: NS, name: NAME, tag: TAG}` to name the build root, or `build_root_image: {from_dockerfile: {}}` to infer it from a Dockerfile
    error: invalid .ci-operator.yaml: build_root_image: required: write `build_root_image: {namespace: NS, name: NAME, tag: TAG}` to name the build root, or `build_root_image: {from_dockerfile: {}}` to infer it from a Dockerfile
    ");
    insta::assert_snapshot!(check("build_root_image:\n"), @"
    1:17: build_root_image: required: write `build_root_image: {namespace: NS, name: NAME, tag: TAG}` to name the build root, or `build_root_image: {from_dockerfile: {}}` to infer it from a Dockerfile
    error: invalid .ci-operator.yaml: build_root_image: required: write `build_root_image: {namespace: NS, name: NAME, tag: TAG}` to name the build root, or `build_root_image: {from_dockerfile: {}}` to infer it from a Dockerfile
    ");
    insta::assert_snapshot!(check("build_root_image: {}\n"), @"
    1:19: build_root_image: invalid .ci-operator.yaml: all build_root_image members (namespace, name, tag) must be non-empty
    error: invalid .ci-operator.yaml: all build_root_image members (namespace, name, tag) must be non-empty
    ");
}

#[test]
fn parse_errors() {
    insta::assert_snapshot!(check("build_root_image:\n  tag: a\n  tag: b\n"), @"
    3:3: build_root_image: duplicate key `tag`: a key may appear once in a mapping, remove one of them
    error: invalid .ci-operator.yaml
    ");
    insta::assert_snapshot!(check("- build_root_image\n"), @"
    1:1: the document is a list, not a mapping: a .ci-operator.yaml is a mapping of keys such as `build_root_image:`
    error: invalid .ci-operator.yaml
    ");
    insta::assert_snapshot!(check("build_root_image: openshift/release:golang-1.22\n"), @"
    1:19: build_root_image: invalid value: expected a mapping
    error: invalid .ci-operator.yaml
    ");
}

#[test]
fn stage_ref_values() {
    let in_repo = parse_in_repo(b"build_root_image:\n  from_dockerfile:\n    stage: 2\n").unwrap();
    let from = in_repo
        .config
        .build_root_image
        .unwrap()
        .value
        .from_dockerfile
        .unwrap();
    assert_eq!(from.value.stage.unwrap().value, StageRef::Index(2));
}

#[test]
fn members_follow_openshift_rules() {
    insta::assert_snapshot!(check("
build_root_image:
  namespace: Open_Shift
  name: \"rel ease\"
  tag: \"a b\"
"), @"
    3:14: build_root_image.namespace: `Open_Shift` is not a valid namespace: a namespace is a DNS-1123 label (1 to 63 lowercase letters, digits and `-`, starting and ending with a letter or digit); write the namespace that holds the image stream, such as `openshift` or `ocp`
    4:9: build_root_image.name: `rel ease` is not a valid image stream name: an image stream name is 1 to 253 lowercase letters and digits, in runs joined by a single `.`, `_` or `-` (OpenShift's `[a-z0-9]+([._-][a-z0-9]+)*`); write the image stream's name as `oc get imagestreams` lists it, such as `release` or `builder`
    5:8: build_root_image.tag: `a b` is not a valid tag: a tag is 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`; write a tag of the image stream, such as `golang-1.22` or `4.20`
    error: invalid .ci-operator.yaml: build_root_image.namespace: `Open_Shift` is not a valid namespace: a namespace is a DNS-1123 label (1 to 63 lowercase letters, digits and `-`, starting and ending with a letter or digit); write the namespace that holds the image stream, such as `openshift` or `ocp` (and 2 more)
    ");
    insta::assert_snapshot!(check("
build_root_image:
  namespace: openshift
  name: ''
  tag: .hidden
"), @"
    4:9: build_root_image: invalid .ci-operator.yaml: all build_root_image members (namespace, name, tag) must be non-empty
    5:8: build_root_image.tag: `.hidden` is not a valid tag: a tag is 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`; write a tag of the image stream, such as `golang-1.22` or `4.20`
    error: invalid .ci-operator.yaml: all build_root_image members (namespace, name, tag) must be non-empty (and 1 more)
    ");
}

#[test]
fn empty_build_root_image_keeps_the_established_text() {
    insta::assert_snapshot!(check("build_root_image:\n  namespace: ''\n  name: ''\n  tag: ''\n"), @"
    2:14: build_root_image: invalid .ci-operator.yaml: all build_root_image members (namespace, name, tag) must be non-empty
    error: invalid .ci-operator.yaml: all build_root_image members (namespace, name, tag) must be non-empty
    ");
    let err = parse_in_repo(b"build_root_image: {}\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid .ci-operator.yaml: all build_root_image members (namespace, name, tag) must be non-empty"
    );
}

#[test]
fn the_root_is_only_ever_checked() {
    let in_repo =
        parse_in_repo(b"build_root_image:\n  namespace: ocp\n  name: builder\n  tag: '4.10'\n")
            .unwrap();
    let root = in_repo.config.build_root_image.unwrap().value;
    let ist = root.image_stream_tag().unwrap();
    assert_eq!(
        (ist.namespace(), ist.name(), ist.tag()),
        ("ocp", "builder", "4.10")
    );
    // Built in code with a bad member: no reference comes out.
    let mut bad = root;
    bad.tag = Some(config_model::Located::new("a b".to_owned()));
    assert_eq!(bad.image_stream_tag(), None);
}
