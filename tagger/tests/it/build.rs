//! Root builds (`project_image`): cache hits pin without building, misses build once per key
//! and namespace, failures explain themselves, faults are retried.

use std::time::Duration;

use serde_json::Value;
use tagger::{
    BuildDockerfile, BuildImageInput, CacheOutcome, ErrorKind, Outcome, RootBuildRequest, RootBuilt,
};
use testkit::openshift::{BuildOutcome, Fault, archive};

use super::*;

/// The build key used throughout.
const KEY: &str = "root-0123456789abcdef0123";
/// Another job namespace.
const OTHER_NS: &str = "ci-op-5678";

fn build_request(namespace: &str) -> RootBuildRequest {
    RootBuildRequest {
        namespace: namespace.to_owned(),
        pipeline_tag: "root".to_owned(),
        key: KEY.to_owned(),
        cache: ist("build-cache", "openshift-origin-root", KEY),
        dockerfile: BuildDockerfile::Path("images/root/Dockerfile".to_owned()),
        build_args: vec![("GO_VERSION".to_owned(), "1.22".to_owned())],
        image_inputs: vec![BuildImageInput {
            from: root(),
            as_: vec!["registry.ci.openshift.org/openshift/release:golang-1.22".to_owned()],
        }],
    }
}

/// The files the archive holds, and the archive.
fn archive_files() -> Vec<(&'static str, &'static [u8])> {
    vec![
        (
            "images/root/Dockerfile",
            b"FROM registry.ci.openshift.org/openshift/release:golang-1.22\nCOPY hack/tools.sh /usr/bin/\n",
        ),
        ("hack/tools.sh", b"#!/bin/sh\necho tools\n"),
    ]
}

fn archive_bytes() -> Vec<u8> {
    archive::write(&archive_files())
}

/// The pinned `pipeline:root` of `namespace`: its `tag.from` and its resolved image.
fn pipeline_root(fake: &FakeOpenShift, namespace: &str) -> (Value, Value) {
    let tag = fake
        .image_stream_tag(namespace, "pipeline", "root")
        .unwrap();
    (
        tag["tag"]["from"].clone(),
        tag["image"]["metadata"]["name"].clone(),
    )
}

/// Runs `build_and_pin` after a cache miss, as the cli does.
async fn build(client: &kube::Client, namespace: &str) -> Result<RootBuilt, tagger::Error> {
    let request = build_request(namespace);
    assert!(
        tagger::pin_from_cache(client, &request, &options())
            .await?
            .is_none()
    );
    tagger::build_and_pin(client, &request, &archive_bytes(), &options()).await
}

#[tokio::test]
async fn miss_builds_once_and_uploads_the_archive() {
    let fake = seeded();
    let client = client(&fake).await;
    let request = build_request(NS);

    let miss = tagger::pin_from_cache(&client, &request, &options())
        .await
        .unwrap();
    assert!(miss.is_none());
    assert_eq!(fake.requests(), 2);
    assert_eq!(fake.writes(), 0);
    fake.clear_log();

    let built = tagger::build_and_pin(&client, &request, &archive_bytes(), &options())
        .await
        .unwrap();

    assert_eq!(built.cache, CacheOutcome::Miss);
    assert_eq!(built.build.as_deref(), Some("root-0123456789abcdef0123-1"));
    assert!(built.build_started);
    assert_eq!(built.outcome, Outcome::Created);
    assert_eq!(built.cache_kept, None);
    assert_eq!(built.pull_spec, pinned_pull_spec(&built.digest));
    assert_eq!(built.requests, fake.requests());
    // The fake held exactly the files sent, once.
    let uploads = fake.uploads();
    assert_eq!(uploads.len(), 1);
    let sent: Vec<(String, Vec<u8>)> = archive_files()
        .into_iter()
        .map(|(p, b)| (p.to_owned(), b.to_vec()))
        .collect();
    assert_eq!(uploads[0].files(), sent);
    assert_eq!(fake.builds(NS).len(), 1);
    // pipeline:root is pinned to the build's output by digest; the cache from the same image.
    let (from, image) = pipeline_root(&fake, NS);
    assert_eq!(from["kind"], "ImageStreamImage");
    assert_eq!(from["namespace"], NS);
    assert_eq!(from["name"], format!("pipeline@{}", built.digest));
    assert_eq!(image, built.digest.as_str());
    let cache = fake
        .image_stream_tag("build-cache", "openshift-origin-root", KEY)
        .unwrap();
    assert_eq!(cache["tag"]["from"], from);
    assert_eq!(cache["image"]["metadata"]["name"], built.digest.as_str());
    assert_eq!(fake.imports(), 0);
    let mut config = fake.build_config(NS, KEY).unwrap();
    config["metadata"]["annotations"][tagger::CLAIM_ANNOTATION] = "[CLAIM]".into();
    insta::assert_yaml_snapshot!("build_config", config);
    let log: Vec<String> = fake
        .log_lines()
        .into_iter()
        .map(|l| l.replace(&built.digest, "[DIGEST]"))
        // Whether (and how long) the build is watched depends on timing.
        .filter(|l| !l.contains("watch=true"))
        .collect();
    insta::assert_debug_snapshot!("miss_requests", log);
    insta::assert_json_snapshot!("miss_result", built, {".digest" => "[DIGEST]", ".pull_spec" => "[PULL_SPEC]", ".requests" => "[N]"});
}

#[tokio::test]
async fn rerun_hits_the_cache_and_writes_nothing() {
    let fake = seeded();
    let client = client(&fake).await;
    let first = build(&client, NS).await.unwrap();
    fake.clear_log();

    let again = tagger::pin_from_cache(&client, &build_request(NS), &options())
        .await
        .unwrap()
        .unwrap();

    assert_eq!(again.cache, CacheOutcome::Hit);
    assert_eq!(again.outcome, Outcome::AlreadyPresent);
    assert_eq!(again.digest, first.digest);
    assert_eq!(again.pull_spec, first.pull_spec);
    assert_eq!(again.build, None);
    assert_eq!(fake.requests(), 2);
    assert_eq!(again.requests, 2);
    assert_eq!(fake.writes(), 0);
    assert_eq!(fake.uploads().len(), 1);
}

#[tokio::test]
async fn hit_in_another_namespace_costs_four_requests_and_one_per_base() {
    let fake = seeded();
    let client = client(&fake).await;
    let first = build(&client, NS).await.unwrap();
    fake.clear_log();

    let digests = tagger::image_digests(&client, &[root()], &options())
        .await
        .unwrap();
    let hit = tagger::pin_from_cache(&client, &build_request(OTHER_NS), &options())
        .await
        .unwrap()
        .unwrap();

    assert_eq!(digests.get(&root()).map(String::as_str), Some(ROOT_DIGEST));
    assert_eq!(hit.cache, CacheOutcome::Hit);
    assert_eq!(hit.digest, first.digest);
    assert_eq!(hit.requests, 4);
    assert_eq!(fake.requests(), 1 + 4);
    assert!(fake.builds(OTHER_NS).is_empty());
    assert_eq!(fake.uploads().len(), 1);
    let (from, image) = pipeline_root(&fake, OTHER_NS);
    assert_eq!(from["kind"], "ImageStreamImage");
    assert_eq!(from["namespace"], "build-cache");
    assert_eq!(
        from["name"],
        format!("openshift-origin-root@{}", first.digest)
    );
    assert_eq!(image, first.digest.as_str());
}

#[tokio::test]
async fn five_concurrent_runs_in_one_namespace_start_one_build() {
    let fake = seeded();
    let client = client(&fake).await;
    let mut runs = tokio::task::JoinSet::new();
    for _ in 0..5 {
        let client = client.clone();
        runs.spawn(async move {
            tagger::build_and_pin(&client, &build_request(NS), &archive_bytes(), &options()).await
        });
    }

    let mut results = Vec::new();
    while let Some(joined) = runs.join_next().await {
        results.push(joined.unwrap().unwrap());
    }

    assert_eq!(fake.uploads().len(), 1);
    assert_eq!(fake.builds(NS).len(), 1);
    assert_eq!(results.iter().filter(|r| r.build_started).count(), 1);
    assert!(results.iter().all(|r| r.digest == results[0].digest));
    assert_eq!(
        results
            .iter()
            .filter(|r| r.outcome == Outcome::Created)
            .count(),
        1
    );
}

#[tokio::test]
async fn failing_build_explains_itself_with_the_end_of_its_log() {
    let fake = seeded();
    let client = client(&fake).await;
    let log: String = (1..=30)
        .map(|n| format!("build output line {n}\n"))
        .collect();
    fake.set_build_outcome(BuildOutcome::Fail {
        phase: "Failed".to_owned(),
        reason: "DockerBuildFailed".to_owned(),
        message: "Docker build strategy has failed.".to_owned(),
        log: log + "error: build error: exit status 2\n",
    });

    let err = build(&client, NS).await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Cluster);
    assert!(matches!(err, tagger::Error::BuildFailed(_)), "{err:?}");
    insta::assert_snapshot!("failed_build", err.to_string());
    // Nothing was pinned and nothing cached.
    assert!(fake.image_stream_tag(NS, "pipeline", "root").is_none());
    assert!(
        fake.image_stream("build-cache", "openshift-origin-root")
            .is_none()
    );
}

#[tokio::test]
async fn a_rerun_after_a_cancelled_build_builds_again() {
    let fake = seeded();
    let client = client(&fake).await;
    fake.set_build_outcome(BuildOutcome::Fail {
        phase: "Cancelled".to_owned(),
        reason: "CancelledBuild".to_owned(),
        message: "The build was cancelled by the user.".to_owned(),
        log: String::new(),
    });
    let err = build(&client, NS).await.unwrap_err();
    insta::assert_snapshot!(err, @r"
    build root-0123456789abcdef0123-1 in namespace ci-op-1234 ended Cancelled (CancelledBuild): The build was cancelled by the user.
    last 3 lines of its log:
      | Receiving source from STDIN as archive ...
      | 2 entries
      | STEP 1/2: FROM base
    ");
    fake.set_build_outcome(BuildOutcome::Complete);

    let built = build(&client, NS).await.unwrap();

    assert_eq!(built.build.as_deref(), Some("root-0123456789abcdef0123-2"));
    assert_eq!(fake.uploads().len(), 2);
}

#[tokio::test]
async fn faults_are_retried_and_a_lost_instantiate_answer_starts_no_second_build() {
    let fake = seeded();
    let client = client(&fake).await;
    fake.inject_on("POST", "buildconfigs", Fault::Status(503), 1);
    fake.inject_on(
        "GET",
        "/builds",
        Fault::TooManyRequests {
            retry_after_secs: 1,
        },
        1,
    );
    // The build starts, but its answer is lost: the run must find it, not start another.
    fake.inject_on("POST", "instantiatebinary", Fault::DropAfter, 1);
    fake.inject_on("GET", "/builds/", Fault::Status(500), 1);
    fake.inject_on("POST", "imagestreamtags", Fault::Drop, 1);

    let built = tagger::build_and_pin(&client, &build_request(NS), &archive_bytes(), &options())
        .await
        .unwrap();

    assert_eq!(fake.uploads().len(), 1);
    assert_eq!(fake.builds(NS).len(), 1);
    // The lost answer makes the run join the build as if another run had started it.
    assert!(!built.build_started);
    assert_eq!(pipeline_root(&fake, NS).1, built.digest.as_str());
}

#[tokio::test]
async fn a_claim_whose_run_crashed_is_taken_over_after_the_grace() {
    let fake = seeded();
    let client = client(&fake).await;
    // A run created the BuildConfig with its claim, then crashed before starting the build.
    let dry = tagger::dry_run_build(&build_request(NS)).unwrap();
    let config_yaml = dry.split("---\n").next().unwrap();
    let config: Value = serde_saphyr::from_str(config_yaml).unwrap();
    let mut config = config;
    config["metadata"]["annotations"][tagger::CLAIM_ANNOTATION] = "1.0/crashed-run".into();
    fake.seed_build_config(NS, config);
    let options = Options {
        build_claim_grace: Duration::from_millis(300),
        ..options()
    };

    let built = tagger::build_and_pin(&client, &build_request(NS), &archive_bytes(), &options)
        .await
        .unwrap();

    assert!(built.build_started);
    assert_eq!(built.build.as_deref(), Some("root-0123456789abcdef0123-1"));
    let claim = fake.build_config(NS, KEY).unwrap()["metadata"]["annotations"]
        [tagger::CLAIM_ANNOTATION]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(claim.starts_with("1.1/"), "{claim}");
}

#[tokio::test]
async fn across_namespaces_the_cache_keeps_the_first_image() {
    let fake = seeded();
    let client = client(&fake).await;
    let first = build(&client, NS).await.unwrap();

    // Another namespace missed the cache before the first run wrote it, and builds too.
    let second = tagger::build_and_pin(
        &client,
        &build_request(OTHER_NS),
        &archive_bytes(),
        &options(),
    )
    .await
    .unwrap();

    assert_ne!(second.digest, first.digest);
    assert_eq!(second.cache_kept.as_deref(), Some(first.digest.as_str()));
    assert_eq!(pipeline_root(&fake, OTHER_NS).1, second.digest.as_str());
    let cache = fake
        .image_stream_tag("build-cache", "openshift-origin-root", KEY)
        .unwrap();
    assert_eq!(cache["image"]["metadata"]["name"], first.digest.as_str());
}

#[tokio::test]
async fn a_build_that_never_ends_runs_into_the_deadline() {
    let fake = seeded();
    let client = client(&fake).await;
    fake.set_build_outcome(BuildOutcome::Hang);
    let options = Options {
        timeout: Duration::from_millis(1500),
        ..options()
    };

    let err = tagger::build_and_pin(&client, &build_request(NS), &archive_bytes(), &options)
        .await
        .unwrap_err();

    let tagger::Error::Deadline { action, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(
        action,
        "wait for build root-0123456789abcdef0123-1 in namespace ci-op-1234 to complete"
    );
}

#[tokio::test]
async fn a_missing_base_image_explains_itself() {
    let fake = seeded();
    let client = client(&fake).await;

    let err = tagger::image_digests(
        &client,
        &[root(), ist("openshift", "release", "golang-1.2")],
        &options(),
    )
    .await
    .unwrap_err();

    assert!(matches!(err, tagger::Error::TagMissing(_)), "{err:?}");
    insta::assert_snapshot!(err, @"imagestreamtag openshift/release:golang-1.2 does not exist: imagestream openshift/release has no tag `golang-1.2`; did you mean `golang-1.22`?");
}

#[test]
fn dry_run_shows_the_build_config_and_the_cache_tag() {
    let yaml = tagger::dry_run_build(&build_request(NS)).unwrap();
    insta::assert_snapshot!("dry_run_build", yaml);
    let mut literal = build_request(NS);
    literal.dockerfile = BuildDockerfile::Literal("FROM scratch\n".to_owned());
    let yaml = tagger::dry_run_build(&literal).unwrap();
    assert!(yaml.contains("dockerfile: \"FROM scratch\\n\""), "{yaml}");
    let mut bad = build_request(NS);
    bad.dockerfile = BuildDockerfile::Path("../Dockerfile".to_owned());
    let err = tagger::dry_run_build(&bad).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Input);
}
