//! Every kept message text, verbatim, for the input that causes it.

use crate::check_config as check;

#[test]
fn build_root_from_repository_and_image_stream_tag() {
    insta::assert_snapshot!(check("
build_root:
  from_repository: true
  image_stream_tag:
    namespace: openshift
    name: release
    tag: golang-1.22
"), @"3:3: build_root: from_repository and image_stream_tag are mutually exclusive");
}

#[test]
fn build_root_image_stream_tag_and_project_image() {
    insta::assert_snapshot!(check("
build_root:
  image_stream_tag: {namespace: openshift, name: release, tag: golang-1.22}
  project_image:
    dockerfile_path: Dockerfile.build
"), @"3:3: build_root: image_stream_tag and project_image are mutually exclusive");
}

#[test]
fn build_root_project_image_and_from_repository() {
    insta::assert_snapshot!(check("
build_root:
  project_image: {dockerfile_path: Dockerfile.build}
  from_repository: true
"), @"3:3: build_root: project_image and from_repository are mutually exclusive");
}

#[test]
fn build_root_all_three_reports_each_pair() {
    insta::assert_snapshot!(check("
build_root:
  project_image: {dockerfile_path: Dockerfile.build}
  from_repository: true
  image_stream_tag: {namespace: openshift, name: release, tag: golang-1.22}
"), @"
    3:3: build_root: from_repository and image_stream_tag are mutually exclusive
    3:3: build_root: image_stream_tag and project_image are mutually exclusive
    3:3: build_root: project_image and from_repository are mutually exclusive
    ");
}

#[test]
fn build_root_with_nothing() {
    insta::assert_snapshot!(check("
build_root:
  use_build_cache: true
"), @"3:3: build_root: you have to specify one of project_image, image_stream_tag or from_repository");
}

#[test]
fn from_repository_false_alone_is_nothing() {
    insta::assert_snapshot!(check("
build_root:
  from_repository: false
"), @"3:3: build_root: you have to specify one of project_image, image_stream_tag or from_repository");
}

#[test]
fn from_repository_with_build_cache_is_fine() {
    insta::assert_snapshot!(check("
build_root:
  from_repository: true
  use_build_cache: true
"), @"valid");
}

#[test]
fn image_stream_tag_members_required() {
    insta::assert_snapshot!(check("
build_root:
  image_stream_tag:
    namespace: ''
    name: release
"), @"
    4:5: build_root.image_stream_tag.tag: value required but not provided
    4:16: build_root.image_stream_tag.namespace: value required but not provided
    ");
}

#[test]
fn image_stream_tag_null_member_is_empty() {
    insta::assert_snapshot!(check("
build_root:
  image_stream_tag:
    namespace: openshift
    name: release
    tag:
"), @"6:8: build_root.image_stream_tag.tag: value required but not provided");
}

#[test]
fn numeric_tags_keep_their_text() {
    let config = config_model::parse_config(
        "build_root:\n  image_stream_tag:\n    namespace: openshift\n    name: release\n    tag: 4.10\nbase_images:\n  go:\n    namespace: openshift\n    name: release\n    tag: \"1.18\"\n  old:\n    namespace: openshift\n    name: release\n    tag: 1.20\n",
    )
    .unwrap();
    let root = config.build_root.unwrap();
    let tag = &root.image_stream_tag.as_ref().unwrap().tag;
    assert_eq!(tag.value, "4.10");
    assert_eq!(tag.pos.to_string(), "5:10");
    assert_eq!(config.base_images["go"].tag.value, "1.18");
    assert_eq!(config.base_images["old"].tag.value, "1.20");
}

#[test]
fn duplicate_image_names() {
    insta::assert_snapshot!(check("
binary_build_commands: make build
test_binary_build_commands: make test-bin
rpm_build_commands: make rpms
build_root:
  from_repository: true
base_images:
  bin:
    namespace: ci
    name: bin
    tag: latest
  os:
    namespace: ocp
    name: ubi
    tag: '9'
images:
- to: root
  dockerfile_path: Dockerfile
- to: test-bin
- to: os
- to: rpms
- to: operator
- to: operator
"), @"
    9:5: base_images.bin: duplicate image name 'bin' (previously defined by field 'binary_build_commands')
    17:3: images[0]: duplicate image name 'root' (previously defined by field 'build_root')
    19:3: images[1]: duplicate image name 'test-bin' (previously defined by field 'test_binary_build_commands')
    20:3: images[2]: duplicate image name 'os' (previously defined by field 'base_images.os')
    21:3: images[3]: duplicate image name 'rpms' (previously defined by field 'rpm_build_commands')
    23:3: images[5]: duplicate image name 'operator' (previously defined by field 'images[4]')
    ");
}

#[test]
fn duplicate_image_names_in_items_form() {
    insta::assert_snapshot!(check("
build_root:
  from_repository: true
images:
  items:
  - to: root
  - to: src
"), @"6:5: images.items[0]: duplicate image name 'root' (previously defined by field 'build_root')");
}

#[test]
fn images_to_must_be_set() {
    insta::assert_snapshot!(check("
build_root:
  from_repository: true
images:
- dockerfile_path: a/Dockerfile
- to: ''
- to: real
"), @"
    5:3: images[0]: `to` must be set
    6:3: images[1]: `to` must be set
    ");
}

#[test]
fn dockerfile_literal_exclusive() {
    insta::assert_snapshot!(check("
build_root:
  from_repository: true
images:
- to: a
  dockerfile_literal: FROM x
  context_dir: dir
- to: b
  dockerfile_literal: FROM x
  dockerfile_path: Dockerfile
- to: c
  dockerfile_literal: FROM x
  context_dir: ''
"), @"
    5:3: images[0]: dockerfile_literal is mutually exclusive with context_dir and dockerfile_path
    8:3: images[1]: dockerfile_literal is mutually exclusive with context_dir and dockerfile_path
    ");
}

#[test]
fn images_without_any_build_root() {
    insta::assert_snapshot!(check("
images:
- to: a
"), @"3:3: build_root: value required when `images` are built: set one of project_image, image_stream_tag or from_repository");
}

#[test]
fn images_with_only_keyed_build_roots() {
    insta::assert_snapshot!(check("
build_roots:
  openshift.api:
    from_repository: true
images:
- to: a
  ref: openshift.api
"), @"valid");
}

#[test]
fn build_roots_are_validated_beside_build_root() {
    insta::assert_snapshot!(check("
build_root:
  from_repository: true
build_roots:
  openshift.api:
    from_repository: true
    image_stream_tag:
      namespace: ocp
      name: builder
      tag: ''
  not-a-key:
    from_repository: true
  openshift.origin: {}
"), @"
    6:5: build_roots[openshift.api]: from_repository and image_stream_tag are mutually exclusive
    10:12: build_roots[openshift.api].image_stream_tag.tag: value required but not provided
    12:5: build_roots[not-a-key]: `not-a-key` is not an `org.repo` key: write the GitHub organisation and repository joined by a dot (`openshift.api`)
    13:21: build_roots[openshift.origin]: you have to specify one of project_image, image_stream_tag or from_repository
    ");
}

#[test]
fn empty_document_is_the_empty_config() {
    insta::assert_snapshot!(check(""), @"valid");
    insta::assert_snapshot!(check("# nothing here\n"), @"valid");
    insta::assert_snapshot!(check("---\n"), @"valid");
}

#[test]
fn unknown_top_level_keys_are_ignored() {
    insta::assert_snapshot!(check("
resources:
  '*': {requests: {cpu: 100m}}
releases:
  latest: {release: {channel: stable, version: '4.20'}}
tests:
- as: unit
  commands: make test
  container: {from: src}
build_root:
  from_repository: true
"), @"valid");
}

#[test]
fn type_errors_name_the_position() {
    insta::assert_snapshot!(check("
build_root:
  image_stream_tag:
    namespace: [a]
"), @"parse error 4:16: build_root.image_stream_tag.namespace: invalid value: expected a string");
    insta::assert_snapshot!(check("
build_root:
  from_repository: maybe
"), @"parse error 3:20: build_root.from_repository: invalid value: invalid boolean");
    insta::assert_snapshot!(check("
images: 12
"), @"parse error 2:1: images: invalid value: invalid type: integer `12`, expected a list of images or a mapping with `items`");
}

#[test]
fn byte_order_mark_and_crlf_are_read() {
    let yaml = "\u{feff}build_root:\r\n  image_stream_tag:\r\n    namespace: openshift\r\n    name: release\r\n    tag: golang-1.22\r\n";
    let config = config_model::parse_config_bytes(yaml.as_bytes()).unwrap();
    let root = config.build_root.unwrap();
    let tag = root.image_stream_tag.as_ref().unwrap();
    assert_eq!(tag.value.to_string(), "openshift/release:golang-1.22");
    assert_eq!(tag.tag.pos.to_string(), "5:10");
}

#[test]
fn diagnostics_serialize_for_json_output() {
    let config = config_model::parse_config("build_root:\n  from_repository: false\n").unwrap();
    let diagnostics = config_model::diagnostics(&config);
    insta::assert_snapshot!(serde_json::to_string(&diagnostics).unwrap(), @r#"[{"severity":"error","pos":{"line":2,"column":3},"path":"build_root","message":"you have to specify one of project_image, image_stream_tag or from_repository"}]"#);
    insta::assert_snapshot!(diagnostics[0].render(Some("ci-operator/config/o/r/o-r-main.yaml")), @"ci-operator/config/o/r/o-r-main.yaml:2:3: build_root: you have to specify one of project_image, image_stream_tag or from_repository");
    let err = config_model::parse_config("a: 1\na: 2\n").unwrap_err();
    insta::assert_snapshot!(err.to_diagnostic().render(Some("c.yaml")), @"c.yaml:2:1: duplicate key `a`: a key may appear once in a mapping, remove one of them");
}

#[test]
fn image_stream_tag_members_follow_openshift_rules() {
    insta::assert_snapshot!(check("
build_root:
  image_stream_tag:
    namespace: Open_Shift
    name: rel ease
    tag: a b
"), @"
    4:16: build_root.image_stream_tag.namespace: `Open_Shift` is not a valid namespace: a namespace is a DNS-1123 label (1 to 63 lowercase letters, digits and `-`, starting and ending with a letter or digit); write the namespace that holds the image stream, such as `openshift` or `ocp`
    5:11: build_root.image_stream_tag.name: `rel ease` is not a valid image stream name: an image stream name is 1 to 253 lowercase letters and digits, in runs joined by a single `.`, `_` or `-` (OpenShift's `[a-z0-9]+([._-][a-z0-9]+)*`); write the image stream's name as `oc get imagestreams` lists it, such as `release` or `builder`
    6:10: build_root.image_stream_tag.tag: `a b` is not a valid tag: a tag is 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`; write a tag of the image stream, such as `golang-1.22` or `4.20`
    ");
}

#[test]
fn keyed_build_roots_and_base_images_follow_openshift_rules() {
    insta::assert_snapshot!(check("
build_roots:
  openshift.api:
    image_stream_tag: {namespace: ocp, name: builder--x, tag: '-1'}
base_images:
  os:
    namespace: ocp.prod
    name: ubi
    tag: 'rhel:9'
  no-namespace:
    name: ubi
    tag: '9'
"), @"
    4:46: build_roots[openshift.api].image_stream_tag.name: `builder--x` is not a valid image stream name: an image stream name is 1 to 253 lowercase letters and digits, in runs joined by a single `.`, `_` or `-` (OpenShift's `[a-z0-9]+([._-][a-z0-9]+)*`); write the image stream's name as `oc get imagestreams` lists it, such as `release` or `builder`
    4:63: build_roots[openshift.api].image_stream_tag.tag: `-1` is not a valid tag: a tag is 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`; write a tag of the image stream, such as `golang-1.22` or `4.20`
    7:16: base_images.os.namespace: `ocp.prod` is not a valid namespace: a namespace is a DNS-1123 label (1 to 63 lowercase letters, digits and `-`, starting and ending with a letter or digit); write the namespace that holds the image stream, such as `openshift` or `ocp`
    9:10: base_images.os.tag: `rhel:9` is not a valid tag: a tag is 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`; write a tag of the image stream, such as `golang-1.22` or `4.20`
    ");
}

#[test]
fn empty_members_keep_the_required_text_beside_bad_ones() {
    insta::assert_snapshot!(check("
build_root:
  image_stream_tag:
    namespace: ''
    name: Release
    tag: golang-1.22
"), @"
    4:16: build_root.image_stream_tag.namespace: value required but not provided
    5:11: build_root.image_stream_tag.name: `Release` is not a valid image stream name: an image stream name is 1 to 253 lowercase letters and digits, in runs joined by a single `.`, `_` or `-` (OpenShift's `[a-z0-9]+([._-][a-z0-9]+)*`); write the image stream's name as `oc get imagestreams` lists it, such as `release` or `builder`
    ");
}

#[test]
fn namespace_and_name_too_long_together() {
    let yaml = format!(
        "build_root:\n  image_stream_tag:\n    namespace: {}\n    name: {}\n    tag: t\n",
        "n".repeat(63),
        "a".repeat(200)
    );
    insta::assert_snapshot!(check(&yaml), @"4:11: build_root.image_stream_tag.name: `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…` is not a valid image stream name: `namespace/name` is at most 255 characters (OpenShift's limit for an image repository); write the image stream's name as `oc get imagestreams` lists it, such as `release` or `builder`");
}

#[test]
fn references_check_every_member() {
    use config_model::{ImageStreamTagReference, Member};
    let reference = ImageStreamTagReference::new("ocp", "builder", "4.10");
    assert_eq!(reference.checked().unwrap().to_string(), "ocp/builder:4.10");
    let reference = ImageStreamTagReference::new("ocp", "Builder", "4.10");
    assert_eq!(reference.checked().unwrap_err().member, Member::Name);
}
