//! Unit tests of the nearest-tag ranking and the messages.

use super::*;

const RELEASE_TAGS: &[&str] = &[
    "golang-1.21",
    "golang-1.22",
    "rhel-8-release-golang-1.22-openshift-4.17",
    "rhel-9-release-golang-1.22-openshift-4.16",
    "rhel-9-release-golang-1.22-openshift-4.17",
    "rhel-9-release-golang-1.23-openshift-4.18",
    "nodejs-18",
];

fn tag(t: &str) -> ImageStreamTag {
    ImageStreamTag::new("openshift", "release", t).unwrap()
}

#[test]
fn a_typo_finds_the_tag() {
    assert_eq!(
        nearest_tags(
            "rhel-9-release-golang-1.22-openshift-4.71",
            RELEASE_TAGS.iter().copied()
        ),
        vec![
            "rhel-9-release-golang-1.22-openshift-4.17",
            "rhel-9-release-golang-1.22-openshift-4.16",
            "rhel-8-release-golang-1.22-openshift-4.17",
        ]
    );
    assert_eq!(
        nearest_tags("golang-1.2", RELEASE_TAGS.iter().copied())[..2],
        ["golang-1.21", "golang-1.22"]
    );
}

#[test]
fn unrelated_names_suggest_nothing() {
    assert!(nearest_tags("python-3.11", RELEASE_TAGS.iter().copied()).is_empty());
    assert!(nearest_tags("x", std::iter::empty()).is_empty());
}

#[test]
fn messages() {
    let missing = |t: &str, finding| {
        MissingTag {
            tag: tag(t),
            finding,
        }
        .to_string()
    };
    insta::assert_snapshot!(missing("golang-1.2", TagFinding::TagMissing {
        nearest: nearest_tags("golang-1.2", RELEASE_TAGS.iter().copied()),
        tags: RELEASE_TAGS.len(),
    }), @"imagestreamtag openshift/release:golang-1.2 does not exist: imagestream openshift/release has no tag `golang-1.2`; did you mean `golang-1.21`, `golang-1.22` or `rhel-8-release-golang-1.22-openshift-4.17`?");
    insta::assert_snapshot!(missing("python-3", TagFinding::TagMissing { nearest: vec![], tags: 7 }), @"imagestreamtag openshift/release:python-3 does not exist: imagestream openshift/release has no tag `python-3` and none of its 7 tags has a similar name");
    insta::assert_snapshot!(missing("a", TagFinding::TagMissing { nearest: vec![], tags: 0 }), @"imagestreamtag openshift/release:a does not exist: imagestream openshift/release has no tag `a` (it has no tags at all)");
    insta::assert_snapshot!(missing("a", TagFinding::StreamMissing), @"imagestreamtag openshift/release:a does not exist: there is no imagestream release in namespace openshift");
    insta::assert_snapshot!(missing("a", TagFinding::NotImported { reason: None, message: None }), @"imagestreamtag openshift/release:a has no image: its tag was never imported and the stream gives no reason");
}
