//! The tagging flow: objects created, request counts, idempotency, concurrency, recovery,
//! conflicts and the build cache.

use tagger::{BuildCache, BuildCacheSkipped, Choice, ErrorKind, Outcome, SkippedCache};

use super::*;

#[tokio::test]
async fn first_run_creates_stream_and_tag_in_four_requests() {
    let fake = seeded();
    let client = client(&fake).await;

    let tagged = tagger::tag(&client, &request(), &options()).await.unwrap();

    assert_eq!(tagged.outcome, Outcome::Created);
    assert_eq!(tagged.digest, ROOT_DIGEST);
    assert_eq!(tagged.root_digest, ROOT_DIGEST);
    assert_eq!(tagged.pull_spec, pinned_pull_spec(ROOT_DIGEST));
    assert_eq!(
        tagged.choice,
        Choice::Root {
            skipped_cache: None
        }
    );
    assert_pinned(&fake, "openshift", "release", ROOT_DIGEST);
    insta::assert_json_snapshot!("first_run_result", tagged);
    // The two GETs run concurrently, so their order is not fixed.
    let mut log = fake.log_lines();
    log[..2].sort();
    insta::assert_debug_snapshot!(log, @r#"
    [
        "GET /apis/image.openshift.io/v1/namespaces/ci-op-1234/imagestreamtags/pipeline:root -> 404",
        "GET /apis/image.openshift.io/v1/namespaces/openshift/imagestreamtags/release:golang-1.22 -> 200",
        "POST /apis/image.openshift.io/v1/namespaces/ci-op-1234/imagestreams -> 201",
        "POST /apis/image.openshift.io/v1/namespaces/ci-op-1234/imagestreamtags -> 201",
    ]
    "#);
    insta::assert_yaml_snapshot!(
        "pipeline_stream",
        fake.image_stream(NS, "pipeline").unwrap()
    );
    insta::assert_yaml_snapshot!(
        "pipeline_root_tag",
        fake.image_stream_tag(NS, "pipeline", "root").unwrap()
    );
}

#[tokio::test]
async fn second_run_writes_nothing_in_two_requests() {
    let fake = seeded();
    let client = client(&fake).await;
    let first = tagger::tag(&client, &request(), &options()).await.unwrap();
    let stream_before = fake.image_stream(NS, "pipeline").unwrap();
    fake.clear_log();

    let second = tagger::tag(&client, &request(), &options()).await.unwrap();

    assert_eq!(second.outcome, Outcome::AlreadyPresent);
    assert_eq!(second.pull_spec, first.pull_spec);
    assert_eq!(second.digest, first.digest);
    assert_eq!(fake.requests(), 2);
    assert_eq!(fake.writes(), 0);
    assert_eq!(fake.image_stream(NS, "pipeline").unwrap(), stream_before);
    assert_pinned(&fake, "openshift", "release", ROOT_DIGEST);
}

#[tokio::test]
async fn ten_concurrent_runs_make_one_tag_and_all_succeed() {
    let fake = seeded();
    let client = client(&fake).await;
    let request = request();
    let options = options();

    let runs = (0..10).map(|_| tagger::tag(&client, &request, &options));
    let results = futures_join_all(runs).await;

    let mut created = 0;
    for result in results {
        let tagged = result.unwrap();
        assert_eq!(tagged.digest, ROOT_DIGEST);
        assert_eq!(tagged.pull_spec, pinned_pull_spec(ROOT_DIGEST));
        if tagged.outcome == Outcome::Created {
            created += 1;
        }
    }
    assert_eq!(created, 1);
    assert_pinned(&fake, "openshift", "release", ROOT_DIGEST);
}

/// Runs futures concurrently on the current task (no extra dependency for `join_all`).
async fn futures_join_all<F: std::future::Future>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let mut set = Vec::new();
    for f in futures {
        set.push(Box::pin(f));
    }
    let mut outputs: Vec<Option<F::Output>> = (0..set.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in set.iter_mut().enumerate() {
            if outputs[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(out) => outputs[i] = Some(out),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().map(|o| o.unwrap()).collect()
}

#[tokio::test]
async fn ten_concurrent_runs_on_separate_clients_and_threads() {
    let fake = seeded();
    let mut handles = Vec::new();
    for _ in 0..10 {
        let kubeconfig = fake.kubeconfig_yaml();
        handles.push(std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("kubeconfig");
                fs_err::write(&path, kubeconfig).unwrap();
                let client = tagger::client_from(Some(&path)).await.unwrap();
                tagger::tag(&client, &request(), &options()).await
            })
        }));
    }
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let created = results
        .into_iter()
        .map(|r| r.unwrap())
        .filter(|t| t.outcome == Outcome::Created)
        .count();
    assert_eq!(created, 1);
    assert_pinned(&fake, "openshift", "release", ROOT_DIGEST);
}

#[tokio::test]
async fn recovers_after_crash_between_stream_and_tag() {
    let fake = seeded();
    fake.seed_stream(NS, "pipeline", true);
    let client = client(&fake).await;

    let tagged = tagger::tag(&client, &request(), &options()).await.unwrap();

    assert_eq!(tagged.outcome, Outcome::Created);
    assert_pinned(&fake, "openshift", "release", ROOT_DIGEST);
    // The stream's POST answers 409 and is tolerated; still four requests.
    assert_eq!(fake.requests(), 4);
    assert_eq!(fake.count("POST"), 2);
}

#[tokio::test]
async fn stream_made_without_local_lookup_is_patched() {
    let fake = seeded();
    // What OpenShift leaves when an imagestreamtag is created in a missing stream.
    fake.seed_stream(NS, "pipeline", false);
    let client = client(&fake).await;

    tagger::tag(&client, &request(), &options()).await.unwrap();

    assert_pinned(&fake, "openshift", "release", ROOT_DIGEST);
    assert_eq!(fake.count("PATCH"), 1);
    // The next run finds everything right and writes nothing.
    fake.clear_log();
    tagger::tag(&client, &request(), &options()).await.unwrap();
    assert_eq!(fake.writes(), 0);
}

#[tokio::test]
async fn tag_created_but_not_yet_resolved_is_waited_for() {
    let fake = seeded();
    fake.set_resolve_delay(Some(Duration::from_millis(100)));
    let client = client(&fake).await;

    let tagged = tagger::tag(&client, &request(), &options()).await.unwrap();

    assert_eq!(tagged.pull_spec, pinned_pull_spec(ROOT_DIGEST));
    assert_pinned(&fake, "openshift", "release", ROOT_DIGEST);
    // After the create, the stream was polled until its status showed the digest.
    let log = fake.log_lines();
    assert!(log.len() > 4, "{log:#?}");
    assert!(
        log[4..].iter().all(|l| l.starts_with(
            "GET /apis/image.openshift.io/v1/namespaces/ci-op-1234/imagestreams/pipeline "
        )),
        "{log:#?}"
    );
}

#[tokio::test]
async fn tag_pointing_at_another_image_is_a_conflict_naming_both() {
    let fake = seeded();
    fake.seed_tag("openshift", "release", "golang-1.21", OTHER_DIGEST, &[]);
    fake.seed_spec_tag(
        NS,
        "pipeline",
        "root",
        "ImageStreamImage",
        "openshift",
        &format!("release@{OTHER_DIGEST}"),
    );
    let client = client(&fake).await;
    fake.clear_log();

    let err = tagger::tag(&client, &request(), &options())
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Conflict);
    insta::assert_snapshot!(err, @"pipeline:root in namespace ci-op-1234 already points at ImageStreamImage openshift/release@sha256:2222222222222222222222222222222222222222222222222222222222222222, not at ImageStreamImage openshift/release@sha256:1111111111111111111111111111111111111111111111111111111111111111 (the digest of openshift/release:golang-1.22); delete the tag or use a fresh namespace");
    assert_eq!(fake.writes(), 0);
}

#[tokio::test]
async fn root_that_moved_since_the_first_run_is_a_conflict() {
    let fake = seeded();
    let client = client(&fake).await;
    tagger::tag(&client, &request(), &options()).await.unwrap();
    // The source tag moves to a new image between two runs of the same job.
    fake.seed_tag("openshift", "release", "golang-1.22", OTHER_DIGEST, &[]);

    let err = tagger::tag(&client, &request(), &options())
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.to_string().contains(ROOT_DIGEST) && err.to_string().contains(OTHER_DIGEST));
}

#[tokio::test]
async fn keyed_root_goes_to_its_own_tag() {
    let fake = seeded();
    let client = client(&fake).await;
    let mut request = request();
    request.pipeline_tag = "root-openshift.ci-tools".to_owned();

    let tagged = tagger::tag(&client, &request, &options()).await.unwrap();

    assert_eq!(tagged.pipeline_tag, "root-openshift.ci-tools");
    assert_eq!(
        fake.spec_tags(NS, "pipeline"),
        vec!["root-openshift.ci-tools".to_owned()]
    );
    let istag = fake
        .image_stream_tag(NS, "pipeline", "root-openshift.ci-tools")
        .unwrap();
    assert_eq!(istag["image"]["metadata"]["name"], ROOT_DIGEST);
}

fn cache_request() -> TagRequest {
    let mut request = request();
    request.build_cache = Some(BuildCache {
        org: "openshift".to_owned(),
        repo: "ci-tools".to_owned(),
        branch: "main".to_owned(),
        variant: None,
    });
    request
}

#[tokio::test]
async fn build_cache_built_from_the_root_is_used() {
    let fake = seeded();
    fake.seed_tag(
        "build-cache",
        "openshift-ci-tools",
        "main",
        CACHE_DIGEST,
        &[(tagger::BUILD_CACHE_ROOT_LABEL, ROOT_DIGEST)],
    );
    let client = client(&fake).await;

    let tagged = tagger::tag(&client, &cache_request(), &options())
        .await
        .unwrap();

    assert_eq!(tagged.digest, CACHE_DIGEST);
    assert_eq!(tagged.root_digest, ROOT_DIGEST);
    assert_eq!(
        tagged.source.to_string(),
        "build-cache/openshift-ci-tools:main"
    );
    insta::assert_snapshot!(tagged.choice, @"the build cache build-cache/openshift-ci-tools:main: its io.openshift.ci.from.root label is the root's digest sha256:1111111111111111111111111111111111111111111111111111111111111111");
    assert_pinned(&fake, "build-cache", "openshift-ci-tools", CACHE_DIGEST);

    // A re-run makes the same choice and writes nothing.
    fake.clear_log();
    let again = tagger::tag(&client, &cache_request(), &options())
        .await
        .unwrap();
    assert_eq!(again.outcome, Outcome::AlreadyPresent);
    assert_eq!(fake.writes(), 0);
}

#[tokio::test]
async fn stale_build_cache_is_skipped_for_the_root() {
    let fake = seeded();
    fake.seed_tag(
        "build-cache",
        "openshift-ci-tools",
        "main",
        CACHE_DIGEST,
        &[(tagger::BUILD_CACHE_ROOT_LABEL, OTHER_DIGEST)],
    );
    let client = client(&fake).await;

    let tagged = tagger::tag(&client, &cache_request(), &options())
        .await
        .unwrap();

    assert_eq!(tagged.digest, ROOT_DIGEST);
    assert_eq!(
        tagged.choice,
        Choice::Root {
            skipped_cache: Some(SkippedCache {
                cache: cache_request().build_cache.unwrap().reference().unwrap(),
                why: BuildCacheSkipped::Stale {
                    label: OTHER_DIGEST.to_owned()
                }
            })
        }
    );
    insta::assert_json_snapshot!(tagged.choice, @r#"
    {
      "tagged": "root",
      "skipped_cache": {
        "cache": {
          "namespace": "build-cache",
          "name": "openshift-ci-tools",
          "tag": "main"
        },
        "reason": "stale",
        "label": "sha256:2222222222222222222222222222222222222222222222222222222222222222"
      }
    }
    "#);
    insta::assert_snapshot!(tagged.choice, @"the root, not the build cache build-cache/openshift-ci-tools:main: it was built from sha256:2222222222222222222222222222222222222222222222222222222222222222, not from the root's digest");
    assert_pinned(&fake, "openshift", "release", ROOT_DIGEST);
}

#[tokio::test]
async fn build_cache_without_label_or_missing_is_skipped() {
    let fake = seeded();
    let client = client(&fake).await;
    let tagged = tagger::tag(&client, &cache_request(), &options())
        .await
        .unwrap();
    insta::assert_snapshot!(tagged.choice, @"the root, not the build cache build-cache/openshift-ci-tools:main: it does not exist");

    let fake = seeded();
    fake.seed_tag(
        "build-cache",
        "openshift-ci-tools",
        "main",
        CACHE_DIGEST,
        &[],
    );
    let client = super::client(&fake).await;
    let tagged = tagger::tag(&client, &cache_request(), &options())
        .await
        .unwrap();
    insta::assert_snapshot!(tagged.choice, @"the root, not the build cache build-cache/openshift-ci-tools:main: its image has no io.openshift.ci.from.root label");
    assert_pinned(&fake, "openshift", "release", ROOT_DIGEST);

    let fake = seeded();
    fake.seed_spec_tag(
        "build-cache",
        "openshift-ci-tools",
        "main",
        "DockerImage",
        "",
        "quay.io/x/cache:main",
    );
    let client = super::client(&fake).await;
    let tagged = tagger::tag(&client, &cache_request(), &options())
        .await
        .unwrap();
    insta::assert_snapshot!(tagged.choice, @"the root, not the build cache build-cache/openshift-ci-tools:main: it has no image");
    assert_pinned(&fake, "openshift", "release", ROOT_DIGEST);
}

#[tokio::test]
async fn promotion_never_uses_the_build_cache() {
    let fake = seeded();
    fake.seed_tag(
        "build-cache",
        "openshift-ci-tools",
        "main",
        CACHE_DIGEST,
        &[(tagger::BUILD_CACHE_ROOT_LABEL, ROOT_DIGEST)],
    );
    let client = client(&fake).await;
    let mut request = cache_request();
    request.promote = true;

    let tagged = tagger::tag(&client, &request, &options()).await.unwrap();

    assert_eq!(tagged.digest, ROOT_DIGEST);
    insta::assert_snapshot!(tagged.choice, @"the root, not the build cache build-cache/openshift-ci-tools:main: promotion jobs never use the build cache");
    // The cache is not even read.
    assert!(fake.log_lines().iter().all(|l| !l.contains("build-cache")));
    assert_pinned(&fake, "openshift", "release", ROOT_DIGEST);
}
