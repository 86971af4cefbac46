//! Failures that are not retried, and the deadline: messages name object, namespace and verb.

use std::error::Error as _;

use tagger::{ErrorKind, Transient};
use testkit::openshift::Fault;

use super::*;

/// `error` and its causes, one per line, as the CLI prints them.
fn chain(err: &tagger::Error) -> String {
    let mut lines = vec![err.to_string()];
    let mut source = err.source();
    while let Some(cause) = source {
        lines.push(format!("  {cause}"));
        source = cause.source();
    }
    lines.join("\n")
}

/// The attempt count depends on timing; the rest of a deadline message does not.
fn redact_attempts(text: &str, attempts: u32) -> String {
    let plural = if attempts == 1 { "" } else { "s" };
    text.replace(&format!("({attempts} attempt{plural})"), "(N attempts)")
}

#[tokio::test]
async fn unauthorized() {
    let fake = seeded();
    let client = client_with_token(&fake, "wrong-token").await;

    let err = tagger::tag(&client, &request(), &options())
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Cluster);
    let text = chain(&err);
    // Both first GETs fail with 401; either may be reported.
    assert!(
        text == "unauthorized: cannot get imagestreamtag release:golang-1.22 in namespace openshift: the credentials were rejected\n  Unauthorized"
            || text
                == "unauthorized: cannot get imagestreamtag pipeline:root in namespace ci-op-1234: the credentials were rejected\n  Unauthorized",
        "{text}"
    );
    // 401 is not retried; the first failure cancels the other read, which may or may not
    // have reached the server.
    assert!(fake.requests() <= 2);
    assert!(fake.log().iter().all(|l| l.status == 401 || l.status == 0));
}

#[tokio::test]
async fn forbidden_source_namespace() {
    let fake = seeded();
    fake.forbid_namespace("openshift");
    let client = client(&fake).await;

    let err = tagger::tag(&client, &request(), &options())
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Cluster);
    insta::assert_snapshot!(chain(&err), @r#"
    forbidden: cannot get imagestreamtag release:golang-1.22 in namespace openshift
      imagestreamtags.image.openshift.io "release:golang-1.22" is forbidden: User "system:serviceaccount:ci:ci-operator" cannot get resource "imagestreamtags" in API group "image.openshift.io" in the namespace "openshift"
    "#);
    assert_eq!(fake.writes(), 0);
}

#[tokio::test]
async fn forbidden_job_namespace_on_create() {
    let fake = seeded();
    let client = client(&fake).await;
    fake.inject_on("GET", "pipeline:root", Fault::Status(404), 1);
    fake.forbid_namespace(NS);

    let err = tagger::tag(&client, &request(), &options())
        .await
        .unwrap_err();

    insta::assert_snapshot!(chain(&err), @r#"
    forbidden: cannot create imagestream pipeline in namespace ci-op-1234
      imagestreams.image.openshift.io is forbidden: User "system:serviceaccount:ci:ci-operator" cannot create resource "imagestreams" in API group "image.openshift.io" in the namespace "ci-op-1234"
    "#);
}

#[tokio::test]
async fn missing_root() {
    let fake = seeded();
    let client = client(&fake).await;
    let mut request = request();
    request.root = crate::ist("openshift", "release", "golang-9.99");

    let err = tagger::tag(&client, &request, &options())
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Cluster);
    // The 404 costs one more read, of the stream, which names the nearest existing tag.
    insta::assert_snapshot!(chain(&err), @"imagestreamtag openshift/release:golang-9.99 does not exist: imagestream openshift/release has no tag `golang-9.99`; did you mean `golang-1.22`?");
    assert_eq!(fake.writes(), 0);
    // The concurrent read of pipeline:root is cancelled by the failure; it is left out.
    let log: Vec<String> = fake
        .log_lines()
        .into_iter()
        .filter(|l| l.contains("/namespaces/openshift/"))
        .collect();
    insta::assert_debug_snapshot!(log, @r#"
    [
        "GET /apis/image.openshift.io/v1/namespaces/openshift/imagestreamtags/release:golang-9.99 -> 404",
        "GET /apis/image.openshift.io/v1/namespaces/openshift/imagestreams/release -> 200",
    ]
    "#);
}

#[tokio::test]
async fn root_without_image() {
    let fake = seeded();
    // A spec tag that imports from a registry and never completes.
    fake.seed_spec_tag(
        "openshift",
        "release",
        "golang-1.23",
        "DockerImage",
        "",
        "quay.io/x/y:1",
    );
    let client = client(&fake).await;
    let mut request = request();
    request.root = crate::ist("openshift", "release", "golang-1.23");

    let err = tagger::tag(&client, &request, &options())
        .await
        .unwrap_err();

    insta::assert_snapshot!(err, @"imagestreamtag openshift/release:golang-1.23 has no image: its tag was never imported and the stream gives no reason");
}

#[tokio::test]
async fn deadline_while_the_server_keeps_failing() {
    let fake = seeded();
    let client = client(&fake).await;
    fake.inject_on("GET", "release:golang-1.22", Fault::Status(500), u32::MAX);
    let options = Options {
        timeout: Duration::from_millis(300),
        ..options()
    };

    let err = tagger::tag(&client, &request(), &options)
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Cluster);
    let tagger::Error::Deadline { attempts, last, .. } = &err else {
        panic!("{err:?}");
    };
    assert!(*attempts > 1);
    assert!(matches!(last.as_deref(), Some(Transient::Status(s)) if s.code == 500));
    let text = chain(&err);
    let text = redact_attempts(&text, *attempts);
    insta::assert_snapshot!(text, @r"
    deadline of 300ms passed while trying to get imagestreamtag release:golang-1.22 in namespace openshift (N attempts)
      the server answered HTTP 500 (InternalError)
      Internal error occurred: fault injected by the test
    ");
}

#[tokio::test]
async fn deadline_shorter_than_retry_after() {
    let fake = seeded();
    let client = client(&fake).await;
    fake.inject_on(
        "GET",
        "release:golang-1.22",
        Fault::TooManyRequests {
            retry_after_secs: 30,
        },
        1,
    );
    let options = Options {
        timeout: Duration::from_secs(2),
        ..options()
    };
    let started = std::time::Instant::now();

    let err = tagger::tag(&client, &request(), &options)
        .await
        .unwrap_err();

    // It gives up at once instead of sleeping past the deadline.
    assert!(started.elapsed() < Duration::from_secs(2));
    insta::assert_snapshot!(chain(&err), @r"
    deadline of 2s passed while trying to get imagestreamtag release:golang-1.22 in namespace openshift (1 attempt)
      the server answered HTTP 429 (TooManyRequests)
      the server has received too many requests and has asked us to try again later
    ");
}

#[tokio::test]
async fn deadline_while_waiting_for_resolution() {
    let fake = seeded();
    fake.set_resolve_delay(Some(Duration::from_secs(60)));
    let client = client(&fake).await;
    let options = Options {
        timeout: Duration::from_millis(1000),
        ..options()
    };

    let err = tagger::tag(&client, &request(), &options)
        .await
        .unwrap_err();

    let text = chain(&err);
    let attempts = match &err {
        tagger::Error::Deadline { attempts, .. } => *attempts,
        other => panic!("{other:?}"),
    };
    let text = redact_attempts(&text, attempts);
    insta::assert_snapshot!(text, @r"
    deadline of 1s passed while trying to wait for pipeline:root in namespace ci-op-1234 to resolve to sha256:1111111111111111111111111111111111111111111111111111111111111111 (N attempts)
      the tag was still not resolved to the pinned digest
    ");
}

#[tokio::test]
async fn tag_the_server_cannot_resolve_fails_with_its_condition() {
    let fake = seeded();
    let client = client(&fake).await;
    fake.fail_resolutions(Some((
        "NotFound",
        "imagestreamimages.image.openshift.io \"release@sha256:1111\" not found",
    )));

    let err = tagger::tag(&client, &request(), &options())
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Cluster);
    insta::assert_snapshot!(err, @r#"pipeline:root in namespace ci-op-1234 cannot be resolved to sha256:1111111111111111111111111111111111111111111111111111111111111111: NotFound: imagestreamimages.image.openshift.io "release@sha256:1111" not found"#);
}

#[tokio::test]
async fn invalid_request_is_refused_before_any_request() {
    let fake = seeded();
    let client = client(&fake).await;
    let mut request = request();
    request.pipeline_tag = String::new();

    let err = tagger::tag(&client, &request, &options())
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Input);
    assert_eq!(fake.requests(), 0);
}

#[tokio::test]
async fn unusable_kubeconfig_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    fs_err::write(&path, "clusters: [not: a: kubeconfig").unwrap();

    let Err(err) = tagger::client_from(Some(&path)).await else {
        panic!("a broken kubeconfig was accepted");
    };

    assert_eq!(err.kind(), ErrorKind::Cluster);
    let text = err
        .to_string()
        .replace(&dir.path().display().to_string(), "[TMP]");
    insta::assert_snapshot!(text, @"cannot use kubeconfig [TMP]/kubeconfig");
}

#[tokio::test]
async fn missing_root_is_reported_while_another_read_still_retries() {
    let fake = seeded();
    let client = client(&fake).await;
    fake.inject_on("GET", "pipeline:root", Fault::Status(503), u32::MAX);
    let mut request = request();
    request.root = crate::ist("openshift", "release", "golang-9.99");
    let started = std::time::Instant::now();

    let err = tagger::tag(&client, &request, &options())
        .await
        .unwrap_err();

    assert!(matches!(err, tagger::Error::TagMissing(_)), "{err:?}");
    // Far from the 20 s deadline the retrying read would have run into.
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn server_gone_is_retried_until_the_deadline() {
    let fake = seeded();
    let client = client(&fake).await;
    drop(fake);
    let options = Options {
        timeout: Duration::from_millis(300),
        ..options()
    };

    let err = tagger::tag(&client, &request(), &options)
        .await
        .unwrap_err();

    let tagger::Error::Deadline { attempts, last, .. } = &err else {
        panic!("{err:?}");
    };
    assert!(*attempts > 1);
    assert!(
        matches!(last.as_deref(), Some(Transient::Transport(_))),
        "{last:?}"
    );
    // The first two lines are ours; kube's own wording of the socket error follows. Either
    // first read may be the one that reports.
    let text = redact_attempts(&chain(&err), *attempts)
        .replace("release:golang-1.22 in namespace openshift", "[OBJECT]")
        .replace("pipeline:root in namespace ci-op-1234", "[OBJECT]");
    let ours: Vec<&str> = text.lines().take(2).collect();
    insta::assert_snapshot!(ours.join("\n"), @r"
    deadline of 300ms passed while trying to get imagestreamtag [OBJECT] (N attempts)
      the connection failed
    ");
}
