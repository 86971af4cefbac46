//! Injected faults: every one is survived within the deadline with exactly one tag.

use testkit::openshift::Fault;

use super::*;

/// Runs a first tag with `inject` applied to the fake, and checks the end state.
async fn survives(inject: impl FnOnce(&FakeOpenShift)) -> FakeOpenShift {
    let fake = seeded();
    let client = client(&fake).await;
    inject(&fake);
    let tagged = tagger::tag(&client, &request(), &options()).await.unwrap();
    assert_eq!(tagged.digest, ROOT_DIGEST);
    assert_eq!(tagged.pull_spec, pinned_pull_spec(ROOT_DIGEST));
    assert_pinned(&fake, "openshift", "release", ROOT_DIGEST);
    fake
}

#[tokio::test]
async fn internal_errors_on_every_request_kind() {
    let fake = survives(|fake| {
        fake.inject_on("GET", "release:golang-1.22", Fault::Status(500), 2);
        fake.inject_on("GET", "pipeline:root", Fault::Status(503), 2);
        fake.inject_on("POST", "imagestreams", Fault::Status(500), 2);
        fake.inject_on("POST", "imagestreamtags", Fault::Status(504), 2);
    })
    .await;
    assert_eq!(fake.requests(), 4 + 8);
}

#[tokio::test]
async fn too_many_requests_waits_for_retry_after() {
    let fake = survives(|fake| {
        fake.inject_on(
            "POST",
            "imagestreamtags",
            Fault::TooManyRequests {
                retry_after_secs: 1,
            },
            1,
        );
    })
    .await;
    let log = fake.log();
    let throttled = log.iter().position(|l| l.status == 429).unwrap();
    let retry = &log[throttled + 1];
    assert_eq!(retry.method, "POST");
    assert!(retry.at.duration_since(log[throttled].at) >= Duration::from_secs(1));
}

#[tokio::test]
async fn dropped_connections_before_the_request_takes_effect() {
    survives(|fake| {
        fake.inject_on("GET", "release:golang-1.22", Fault::Drop, 1);
        fake.inject_on("POST", "imagestreams", Fault::Drop, 2);
        fake.inject_on("POST", "imagestreamtags", Fault::Drop, 1);
    })
    .await;
}

#[tokio::test]
async fn dropped_connections_after_the_write_took_effect() {
    let fake = survives(|fake| {
        fake.inject_on("POST", "imagestreams", Fault::DropAfter, 1);
        fake.inject_on("POST", "imagestreamtags", Fault::DropAfter, 1);
    })
    .await;
    // The retried creates meet AlreadyExists; the tag is read back and found right.
    let log = fake.log_lines();
    assert!(
        log.iter().any(|l| l.contains("imagestreams -> 409")),
        "{log:#?}"
    );
    assert!(
        log.iter().any(|l| l.contains("imagestreamtags -> 409")),
        "{log:#?}"
    );
}

#[tokio::test]
async fn slow_answers_are_abandoned_and_retried() {
    let fake = seeded();
    let client = client(&fake).await;
    // The create takes effect, but its answer comes after the client gave up on it.
    fake.inject_on(
        "POST",
        "imagestreamtags",
        Fault::Slow(Duration::from_millis(600)),
        1,
    );
    fake.inject_on(
        "GET",
        "release:golang-1.22",
        Fault::Slow(Duration::from_millis(600)),
        1,
    );
    let options = Options {
        attempt_timeout: Duration::from_millis(200),
        ..options()
    };

    let tagged = tagger::tag(&client, &request(), &options).await.unwrap();

    assert_eq!(tagged.digest, ROOT_DIGEST);
    assert_pinned(&fake, "openshift", "release", ROOT_DIGEST);
}

#[tokio::test]
async fn slow_answers_within_the_attempt_timeout_are_waited_for() {
    let fake = survives(|fake| {
        fake.inject(Fault::Slow(Duration::from_millis(100)), 4);
    })
    .await;
    assert_eq!(fake.requests(), 4);
}

#[tokio::test]
async fn faults_while_waiting_for_resolution() {
    let fake = seeded();
    fake.set_resolve_delay(Some(Duration::from_millis(100)));
    let client = client(&fake).await;
    fake.inject_on("GET", "imagestreams/pipeline", Fault::Status(500), 2);
    fake.inject_on("GET", "imagestreams/pipeline", Fault::Drop, 1);

    let tagged = tagger::tag(&client, &request(), &options()).await.unwrap();

    assert_eq!(tagged.pull_spec, pinned_pull_spec(ROOT_DIGEST));
    assert_pinned(&fake, "openshift", "release", ROOT_DIGEST);
}

#[tokio::test]
async fn mixed_faults_under_concurrency() {
    let fake = seeded();
    let client = client(&fake).await;
    fake.inject_on("POST", "imagestreamtags", Fault::DropAfter, 1);
    fake.inject_on("POST", "imagestreamtags", Fault::Status(500), 3);
    fake.inject_on("POST", "imagestreams", Fault::Drop, 2);
    fake.inject_on("GET", "pipeline:root", Fault::Status(503), 3);
    let request = request();
    let options = options();

    let (a, b, c, d) = tokio::join!(
        tagger::tag(&client, &request, &options),
        tagger::tag(&client, &request, &options),
        tagger::tag(&client, &request, &options),
        tagger::tag(&client, &request, &options),
    );

    for result in [a, b, c, d] {
        assert_eq!(result.unwrap().digest, ROOT_DIGEST);
    }
    assert_pinned(&fake, "openshift", "release", ROOT_DIGEST);
}
