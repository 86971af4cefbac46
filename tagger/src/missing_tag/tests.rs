//! Unit tests of what a stream says about a missing tag.

use super::*;
use crate::types::{
    ImageStreamStatus, NamedTagEventList, TagEvent, TagEventCondition, TagReference,
};

fn stream(spec: &[&str], status: Vec<NamedTagEventList>) -> ImageStream {
    let mut stream = ImageStream::new("openshift", "release", false);
    stream.spec.tags = spec
        .iter()
        .map(|name| TagReference {
            name: (*name).to_owned(),
            ..TagReference::default()
        })
        .collect();
    stream.status = Some(ImageStreamStatus {
        tags: status,
        ..ImageStreamStatus::default()
    });
    stream
}

fn resolved(tag: &str) -> NamedTagEventList {
    NamedTagEventList {
        tag: tag.to_owned(),
        items: vec![TagEvent {
            image: "sha256:1".to_owned(),
            ..TagEvent::default()
        }],
        conditions: Vec::new(),
    }
}

#[test]
fn spec_tag_without_image_quotes_its_condition() {
    let failing = NamedTagEventList {
        tag: "golang-1.23".to_owned(),
        items: Vec::new(),
        conditions: vec![TagEventCondition {
            type_: "ImportSuccess".to_owned(),
            status: "False".to_owned(),
            reason: "NotFound".to_owned(),
            message: "quay.io/x/y:1: not found".to_owned(),
            generation: 2,
        }],
    };
    let s = stream(
        &["golang-1.22", "golang-1.23"],
        vec![resolved("golang-1.22"), failing],
    );
    assert_eq!(
        finding_from(&s, "golang-1.23"),
        TagFinding::NotImported {
            reason: Some("NotFound".to_owned()),
            message: Some("quay.io/x/y:1: not found".to_owned()),
        }
    );
    let pending = stream(&["golang-1.24"], Vec::new());
    assert_eq!(
        finding_from(&pending, "golang-1.24"),
        TagFinding::NotImported {
            reason: None,
            message: None
        }
    );
}

#[test]
fn absent_tag_names_the_nearest_of_spec_and_status_tags() {
    // A pushed tag exists only in status.
    let s = stream(
        &["golang-1.22"],
        vec![resolved("golang-1.22"), resolved("golang-1.21")],
    );
    assert_eq!(
        finding_from(&s, "golang-1.2"),
        TagFinding::TagMissing {
            nearest: vec!["golang-1.21".to_owned(), "golang-1.22".to_owned()],
            tags: 2,
        }
    );
}

#[test]
fn a_tag_resolved_since_is_reported_as_such() {
    let s = stream(&["golang-1.22"], vec![resolved("golang-1.22")]);
    assert_eq!(finding_from(&s, "golang-1.22"), TagFinding::Appeared);
}
