//! The cluster explains a missing tag: the stream is missing, the nearest existing tags, the
//! import's failure; and only failure paths pay for the extra read.

use tagger::{MissingTag, TagFinding};

use super::*;

/// A fake whose `openshift/release` stream has the tags a real one has around the root.
fn release_stream() -> FakeOpenShift {
    let fake = seeded();
    for (n, tag) in [
        "rhel-8-release-golang-1.22-openshift-4.17",
        "rhel-9-release-golang-1.22-openshift-4.16",
        "rhel-9-release-golang-1.22-openshift-4.17",
        "rhel-9-release-golang-1.23-openshift-4.18",
        "nodejs-18",
    ]
    .iter()
    .enumerate()
    {
        fake.seed_tag(
            "openshift",
            "release",
            tag,
            &format!("sha256:{:064x}", n + 10),
            &[],
        );
    }
    fake
}

async fn tag_error(fake: &FakeOpenShift, root: ImageStreamTag) -> tagger::Error {
    let client = client(fake).await;
    let mut request = request();
    request.root = root;
    tagger::tag(&client, &request, &options())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn a_typo_names_the_nearest_tags() {
    let fake = release_stream();

    let err = tag_error(
        &fake,
        ist(
            "openshift",
            "release",
            "rhel-9-release-golang-1.22-openshift-4.71",
        ),
    )
    .await;

    let tagger::Error::TagMissing(missing) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(
        missing.finding,
        TagFinding::TagMissing {
            nearest: vec![
                "rhel-9-release-golang-1.22-openshift-4.17".to_owned(),
                "rhel-9-release-golang-1.22-openshift-4.16".to_owned(),
                "rhel-8-release-golang-1.22-openshift-4.17".to_owned(),
            ],
            tags: 6,
        }
    );
    insta::assert_snapshot!(err, @"imagestreamtag openshift/release:rhel-9-release-golang-1.22-openshift-4.71 does not exist: imagestream openshift/release has no tag `rhel-9-release-golang-1.22-openshift-4.71`; did you mean `rhel-9-release-golang-1.22-openshift-4.17`, `rhel-9-release-golang-1.22-openshift-4.16` or `rhel-8-release-golang-1.22-openshift-4.17`?");
    assert_eq!(fake.writes(), 0);
}

#[tokio::test]
async fn a_missing_stream_is_named() {
    let fake = seeded();

    let err = tag_error(&fake, ist("ocp", "builder", "rhel-9-golang-1.22")).await;

    insta::assert_snapshot!(err, @"imagestreamtag ocp/builder:rhel-9-golang-1.22 does not exist: there is no imagestream builder in namespace ocp");
}

#[tokio::test]
async fn a_tag_whose_import_failed_quotes_the_condition() {
    let fake = seeded();
    fake.fail_resolutions(Some((
        "NotFound",
        "Internal error occurred: quay.io/openshift/ci:golang-1.25: manifest unknown",
    )));
    fake.seed_spec_tag(
        "openshift",
        "release",
        "golang-1.25",
        "DockerImage",
        "",
        "quay.io/openshift/ci:golang-1.25",
    );
    fake.fail_resolutions(None);
    let started = std::time::Instant::now();

    let err = tag_error(&fake, ist("openshift", "release", "golang-1.25")).await;

    // At once: no retrying for minutes.
    assert!(started.elapsed() < Duration::from_secs(5));
    insta::assert_snapshot!(err, @"imagestreamtag openshift/release:golang-1.25 has no image: its import failed: NotFound: Internal error occurred: quay.io/openshift/ci:golang-1.25: manifest unknown");
}

#[tokio::test]
async fn an_unreadable_stream_still_gives_an_answer() {
    let fake = seeded();
    let client = client(&fake).await;
    fake.forbid_namespace("ocp");

    let missing =
        tagger::explain_missing_tag(&client, &ist("ocp", "builder", "x"), &options()).await;

    assert_eq!(
        missing,
        MissingTag {
            tag: ist("ocp", "builder", "x"),
            finding: TagFinding::Unexplained {
                problem: "forbidden: cannot get imagestream builder in namespace ocp".to_owned()
            },
        }
    );
    assert_eq!(fake.requests(), 1);
    insta::assert_json_snapshot!(missing, @r#"
    {
      "tag": {
        "namespace": "ocp",
        "name": "builder",
        "tag": "x"
      },
      "finding": "unexplained",
      "problem": "forbidden: cannot get imagestream builder in namespace ocp"
    }
    "#);
}

#[tokio::test]
async fn success_pays_nothing_for_explanations() {
    let fake = release_stream();
    let client = client(&fake).await;

    tagger::tag(&client, &request(), &options()).await.unwrap();
    assert_eq!(fake.requests(), 4);
    fake.clear_log();
    tagger::tag(&client, &request(), &options()).await.unwrap();
    assert_eq!(fake.requests(), 2);
    assert!(
        fake.log_lines()
            .iter()
            .all(|l| !l.contains("/imagestreams/"))
    );
}
