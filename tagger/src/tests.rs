//! Unit tests of request validation and the small public types.

use super::*;

fn request() -> TagRequest {
    TagRequest::new(
        "ci-op-1234",
        ImageStreamTagReference::new("openshift", "release", "golang-1.22"),
    )
}

#[test]
fn valid_request_passes() {
    request().validate().unwrap();
}

#[test]
fn invalid_names_are_input_errors() {
    let mut r = request();
    r.namespace = "CI_op".to_owned();
    let err = r.validate().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Input);
    insta::assert_snapshot!(err, @"invalid namespace `CI_op`: must be 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit");

    let mut r = request();
    r.pipeline_tag = "root:x".to_owned();
    insta::assert_snapshot!(r.validate().unwrap_err(), @"invalid pipeline tag `root:x`: must be up to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'");

    let mut r = request();
    r.root = ImageStreamTagReference::new("openshift", "Release", "4.10");
    insta::assert_snapshot!(r.validate().unwrap_err(), @"invalid root name `Release`: must be lowercase letters, digits, '-' or '.', starting and ending with a letter or digit");
}

#[test]
fn keyed_pipeline_tags_are_valid() {
    let mut r = request();
    r.pipeline_tag = "root-openshift.ci-tools".to_owned();
    r.validate().unwrap();
}

#[test]
fn build_cache_reference() {
    let mut cache = BuildCache {
        org: "openshift".to_owned(),
        repo: "ci-tools".to_owned(),
        branch: "main".to_owned(),
        variant: None,
    };
    insta::assert_snapshot!(cache.reference(), @"build-cache/openshift-ci-tools:main");
    cache.variant = Some("okd".to_owned());
    insta::assert_snapshot!(cache.reference(), @"build-cache/openshift-ci-tools:main-okd");
}

#[test]
fn durations_read_like_flags() {
    use crate::error::format_duration;
    use std::time::Duration;
    assert_eq!(format_duration(Duration::from_secs(300)), "5m");
    assert_eq!(format_duration(Duration::from_secs(90)), "1m30s");
    assert_eq!(format_duration(Duration::from_secs(2)), "2s");
    assert_eq!(format_duration(Duration::from_millis(250)), "250ms");
    assert_eq!(format_duration(Duration::from_secs(3600)), "1h");
}
