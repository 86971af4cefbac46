//! The fake itself: discovery, conventions the tagger does not exercise (watch, update
//! conflicts, imports), and use from a plain thread.

use kube::api::{Api, Patch, PatchParams, PostParams};
use kube::runtime::wait::await_condition;
use tagger::types::{ImageStream, ImageStreamImage, ImageStreamTag, ObjectReference, TagReference};

use super::*;

#[tokio::test]
async fn discovery_lists_the_image_group() {
    let fake = seeded();
    let client = client(&fake).await;
    let discovery = kube::Discovery::new(client).run().await.unwrap();
    let group = discovery
        .groups()
        .find(|g| g.name() == "image.openshift.io")
        .unwrap();
    let mut kinds: Vec<String> = group
        .recommended_resources()
        .into_iter()
        .map(|(resource, _)| resource.plural)
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        ["imagestreamimages", "imagestreams", "imagestreamtags"]
    );
}

#[tokio::test]
async fn typed_api_reads_streams_tags_and_images() {
    let fake = seeded();
    let client = client(&fake).await;
    let tags: Api<ImageStreamTag> = Api::namespaced(client.clone(), "openshift");
    let istag = tags.get("release:golang-1.22").await.unwrap();
    assert_eq!(istag.digest(), Some(ROOT_DIGEST));
    assert_eq!(
        istag.labels().unwrap()["io.openshift.release"],
        "golang-1.22"
    );
    let images: Api<ImageStreamImage> = Api::namespaced(client.clone(), "openshift");
    let isi = images.get(&format!("release@{ROOT_DIGEST}")).await.unwrap();
    assert_eq!(isi.image.metadata.name.as_deref(), Some(ROOT_DIGEST));
    let missing = images
        .get(&format!("release@{OTHER_DIGEST}"))
        .await
        .unwrap_err();
    assert!(matches!(missing, kube::Error::Api(s) if s.code == 404 && s.reason == "NotFound"));
    let streams: Api<ImageStream> = Api::namespaced(client, "openshift");
    let stream = streams.get("release").await.unwrap();
    assert_eq!(
        stream.status_tag("golang-1.22").unwrap().items[0].image,
        ROOT_DIGEST
    );
}

#[tokio::test]
async fn create_twice_is_already_exists_and_stale_update_is_conflict() {
    let fake = seeded();
    let client = client(&fake).await;
    let streams: Api<ImageStream> = Api::namespaced(client, NS);
    let created = streams
        .create(
            &PostParams::default(),
            &ImageStream::new(NS, "pipeline", true),
        )
        .await
        .unwrap();
    let again = streams
        .create(
            &PostParams::default(),
            &ImageStream::new(NS, "pipeline", true),
        )
        .await
        .unwrap_err();
    let kube::Error::Api(status) = again else {
        panic!("{again:?}");
    };
    assert_eq!(
        (status.code, status.reason.as_str()),
        (409, "AlreadyExists")
    );
    insta::assert_snapshot!(status.message, @r#"imagestreams.image.openshift.io "pipeline" already exists"#);

    let mut changed = created.clone();
    changed.spec.lookup_policy = Some(tagger::types::ImageLookupPolicy { local: false });
    let updated = streams
        .replace("pipeline", &PostParams::default(), &changed)
        .await
        .unwrap();
    assert_ne!(
        updated.metadata.resource_version,
        created.metadata.resource_version
    );
    // `created` still carries the old resourceVersion.
    let stale = streams
        .replace("pipeline", &PostParams::default(), &created)
        .await
        .unwrap_err();
    assert!(matches!(stale, kube::Error::Api(s) if s.code == 409 && s.reason == "Conflict"));
}

#[tokio::test]
async fn docker_image_source_counts_an_import() {
    let fake = seeded();
    let client = client(&fake).await;
    let tags: Api<ImageStreamTag> = Api::namespaced(client, NS);
    let istag = ImageStreamTag::new(
        NS,
        "pipeline",
        TagReference {
            name: "imported".to_owned(),
            from: Some(ObjectReference {
                kind: "DockerImage".to_owned(),
                namespace: None,
                name: "quay.io/openshift/ci:x".to_owned(),
            }),
            ..TagReference::default()
        },
    );
    let created = tags.create(&PostParams::default(), &istag).await.unwrap();
    assert_eq!(created.digest(), None);
    assert_eq!(fake.imports(), 1);
    // The implicitly created stream has no local lookup, as on OpenShift.
    assert_eq!(created.lookup_policy.map(|p| p.local), Some(false));
}

#[tokio::test]
async fn istag_patch_retargets_and_resolves() {
    let fake = seeded();
    fake.seed_tag("openshift", "release", "golang-1.21", OTHER_DIGEST, &[]);
    let client = client(&fake).await;
    let tags: Api<ImageStreamTag> = Api::namespaced(client, NS);
    let body = |tag: &str| serde_json::json!({"tag": {"from": {"kind": "ImageStreamTag", "namespace": "openshift", "name": format!("release:{tag}")}}});
    tags.create(
        &PostParams::default(),
        &ImageStreamTag::new(
            NS,
            "pipeline",
            TagReference {
                name: "t".to_owned(),
                from: Some(ObjectReference {
                    kind: "ImageStreamTag".to_owned(),
                    namespace: Some("openshift".to_owned()),
                    name: "release:golang-1.22".to_owned(),
                }),
                ..TagReference::default()
            },
        ),
    )
    .await
    .unwrap();
    let patched = tags
        .patch(
            "pipeline:t",
            &PatchParams::default(),
            &Patch::Merge(body("golang-1.21")),
        )
        .await
        .unwrap();
    assert_eq!(patched.digest(), Some(OTHER_DIGEST));
}

#[tokio::test]
async fn watch_on_imagestreams_sees_the_tag_resolve() {
    let fake = seeded();
    fake.set_resolve_delay(Some(Duration::from_millis(100)));
    let client = client(&fake).await;
    tagger::tag(
        &client,
        &request(),
        &Options {
            // Long enough for the watch below to be the one that sees the resolution.
            ..options()
        },
    )
    .await
    .unwrap();
    // A second tag resolves later; a watcher on the stream sees it.
    let tags: Api<ImageStreamTag> = Api::namespaced(client.clone(), NS);
    tags.create(
        &PostParams::default(),
        &ImageStreamTag::new(
            NS,
            "pipeline",
            TagReference {
                name: "second".to_owned(),
                from: Some(ObjectReference {
                    kind: "ImageStreamImage".to_owned(),
                    namespace: Some("openshift".to_owned()),
                    name: format!("release@{ROOT_DIGEST}"),
                }),
                ..TagReference::default()
            },
        ),
    )
    .await
    .unwrap();
    let streams: Api<ImageStream> = Api::namespaced(client, NS);
    let resolved = |s: Option<&ImageStream>| {
        s.and_then(|s| s.status_tag("second"))
            .is_some_and(|t| t.items.first().is_some_and(|e| e.image == ROOT_DIGEST))
    };
    let found = tokio::time::timeout(
        Duration::from_secs(10),
        await_condition(streams, "pipeline", resolved),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(resolved(found.as_ref()));
    assert!(fake.log_lines().iter().any(|l| l.contains("watch=true")));
}

#[tokio::test]
async fn watch_on_imagestreamtags_is_refused() {
    let fake = seeded();
    let client = client(&fake).await;
    let tags: Api<ImageStreamTag> = Api::namespaced(client, "openshift");
    let err = tags
        .watch(&kube::api::WatchParams::default(), "0")
        .await
        .err()
        .unwrap();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 405),
        "{err:?}"
    );
}

#[test]
fn usable_from_a_plain_thread() {
    let fake = seeded();
    // A raw HTTP/1.1 request over std's TcpStream, as a process started by a CLI test would.
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", fake.port())).unwrap();
    write!(
        stream,
        "GET /apis/image.openshift.io/v1/namespaces/openshift/imagestreamtags/release:golang-1.22 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        testkit::openshift::TOKEN
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(answer.contains(ROOT_DIGEST));
}
