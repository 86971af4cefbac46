//! `--dry-run` rendering.

use tagger::BuildCache;

use super::*;

#[test]
fn dry_run_renders_stream_and_tag() {
    insta::assert_snapshot!(tagger::dry_run(&request()).unwrap());
}

#[test]
fn dry_run_keeps_numeric_looking_tags_as_strings() {
    let mut request = TagRequest::new(NS, crate::ist("ocp", "builder", "4.10"));
    request.pipeline_tag = "root-openshift.ci-tools".to_owned();
    let yaml = tagger::dry_run(&request).unwrap();
    insta::assert_snapshot!(yaml);
}

#[test]
fn dry_run_says_when_the_build_cache_may_be_used() {
    let mut request = request();
    request.build_cache = Some(BuildCache {
        org: "openshift".to_owned(),
        repo: "ci-tools".to_owned(),
        branch: "main".to_owned(),
        variant: Some("okd".to_owned()),
    });
    let yaml = tagger::dry_run(&request).unwrap();
    let header: Vec<&str> = yaml.lines().take_while(|l| l.starts_with('#')).collect();
    insta::assert_snapshot!(header.join("\n"), @"
    # Objects `ci-operator tag` would create in namespace ci-op-1234.
    # The digest in tag.from is read from the imagestreamtag openshift/release:golang-1.22 when the tag is created.
    # use_build_cache: the image of build-cache/openshift-ci-tools:main-okd replaces the root when its io.openshift.ci.from.root
    # label equals the root's digest.
    ");
    request.promote = true;
    let yaml = tagger::dry_run(&request).unwrap();
    let header: Vec<&str> = yaml.lines().take_while(|l| l.starts_with('#')).collect();
    insta::assert_snapshot!(header.join("\n"), @"
    # Objects `ci-operator tag` would create in namespace ci-op-1234.
    # The digest in tag.from is read from the imagestreamtag openshift/release:golang-1.22 when the tag is created.
    # The build cache build-cache/openshift-ci-tools:main-okd is not used: promotion jobs never use the build cache.
    ");
}

#[test]
fn dry_run_output_parses_as_the_objects_a_run_creates() {
    let yaml = tagger::dry_run(&request()).unwrap();
    let mut documents = yaml.split("---\n");
    let stream: tagger::types::ImageStream =
        serde_saphyr::from_str(documents.next().unwrap()).unwrap();
    let istag: tagger::types::ImageStreamTag =
        serde_saphyr::from_str(documents.next().unwrap()).unwrap();
    assert!(documents.next().is_none());
    assert!(stream.spec.lookup_policy.unwrap().local);
    let from = istag.tag.unwrap().from.unwrap();
    assert_eq!(from.kind, "ImageStreamImage");
    assert_eq!(istag.metadata.name.as_deref(), Some("pipeline:root"));
}

#[test]
fn dry_run_refuses_an_invalid_request() {
    let mut request = request();
    request.namespace = "Bad Namespace".to_owned();
    let err = tagger::dry_run(&request).unwrap_err();
    assert_eq!(err.kind(), tagger::ErrorKind::Input);
}
