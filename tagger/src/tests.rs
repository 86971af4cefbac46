//! Unit tests of request validation and the small public types.

use super::*;

fn request() -> TagRequest {
    let root = ImageStreamTag::new("openshift", "release", "golang-1.22").unwrap();
    TagRequest::new("ci-op-1234", root)
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
    insta::assert_snapshot!(err, @"invalid namespace `CI_op`: a namespace is a DNS-1123 label (1 to 63 lowercase letters, digits and `-`, starting and ending with a letter or digit)");

    let mut r = request();
    r.pipeline_tag = "root:x".to_owned();
    insta::assert_snapshot!(r.validate().unwrap_err(), @"invalid pipeline tag `root:x`: a tag is 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`");

    let mut r = request();
    r.build_cache = Some(BuildCache {
        org: "Azure".to_owned(),
        repo: "ARO-HCP".to_owned(),
        branch: "main".to_owned(),
        variant: None,
    });
    insta::assert_snapshot!(r.validate().unwrap_err(), @"invalid build cache name `Azure-ARO-HCP`: an image stream name is 1 to 253 lowercase letters and digits, in runs joined by a single `.`, `_` or `-` (OpenShift's `[a-z0-9]+([._-][a-z0-9]+)*`)");
    r.build_cache = Some(BuildCache {
        org: "openshift".to_owned(),
        repo: "api".to_owned(),
        branch: "release/4.20".to_owned(),
        variant: None,
    });
    insta::assert_snapshot!(r.validate().unwrap_err(), @"invalid build cache tag `release/4.20`: a tag is 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`");
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
    insta::assert_snapshot!(cache.reference().unwrap(), @"build-cache/openshift-ci-tools:main");
    cache.variant = Some("okd".to_owned());
    insta::assert_snapshot!(cache.reference().unwrap(), @"build-cache/openshift-ci-tools:main-okd");
    let mut r = request();
    r.build_cache = Some(cache);
    assert_eq!(
        r.validate().unwrap().map(|c| c.to_string()).as_deref(),
        Some("build-cache/openshift-ci-tools:main-okd")
    );
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
