//! Unit tests of the tagging flow's pure parts.

use super::*;
use crate::types::{ImageStreamStatus, NamedTagEventList, TagEvent};

const DIGEST: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

#[test]
fn digests_are_recognised() {
    assert!(is_digest(DIGEST));
    assert!(!is_digest("sha256:xyz"));
    assert!(!is_digest("latest"));
    assert!(!is_digest(":0123456789abcdef0123456789abcdef"));
}

fn stream(repository: &str, reference: &str) -> ImageStream {
    ImageStream {
        status: Some(ImageStreamStatus {
            docker_image_repository: repository.to_owned(),
            public_docker_image_repository: Some("registry.example.com/ns/pipeline".to_owned()),
            tags: vec![NamedTagEventList {
                tag: "root".to_owned(),
                items: vec![TagEvent {
                    docker_image_reference: reference.to_owned(),
                    image: DIGEST.to_owned(),
                    ..TagEvent::default()
                }],
                conditions: vec![],
            }],
        }),
        ..pipeline_stream("ns")
    }
}

#[test]
fn pull_spec_prefers_the_integrated_registry() {
    let s = stream("image-registry.svc:5000/ns/pipeline", "quay.io/a/b@x");
    insta::assert_snapshot!(pull_spec_from_stream(&s, "root", DIGEST).unwrap(), @"image-registry.svc:5000/ns/pipeline@sha256:1111111111111111111111111111111111111111111111111111111111111111");
    let s = stream("", "quay.io/a/b@x");
    insta::assert_snapshot!(pull_spec_from_stream(&s, "root", DIGEST).unwrap(), @"quay.io/a/b@x");
    let s = stream("", "");
    insta::assert_snapshot!(pull_spec_from_stream(&s, "root", DIGEST).unwrap(), @"registry.example.com/ns/pipeline@sha256:1111111111111111111111111111111111111111111111111111111111111111");
}

#[test]
fn same_source_defaults_the_namespace() {
    let wanted = ObjectReference {
        kind: "ImageStreamImage".to_owned(),
        namespace: Some("ns".to_owned()),
        name: format!("release@{DIGEST}"),
    };
    let implicit = ObjectReference {
        namespace: None,
        ..wanted.clone()
    };
    assert!(same_source(&implicit, &wanted, "ns"));
    assert!(!same_source(&implicit, &wanted, "other"));
    let tag = ObjectReference {
        kind: "ImageStreamTag".to_owned(),
        ..wanted.clone()
    };
    assert!(!same_source(&tag, &wanted, "ns"));
}
