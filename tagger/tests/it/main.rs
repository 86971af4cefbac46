//! Integration tests of the tagger against the loopback OpenShift fake, with the real
//! `kube::Client`.

// clippy.toml exempts `#[test]` functions from `unwrap_used`, not the helpers of a test binary.
#![allow(clippy::unwrap_used)]

mod build;
mod dry_run;
mod errors;
mod fake;
mod faults;
mod flow;
mod missing;

use std::time::Duration;

use config_model::ImageStreamTag;
use tagger::{Options, TagRequest};
use testkit::openshift::FakeOpenShift;

/// The job namespace used throughout.
const NS: &str = "ci-op-1234";
/// The digest of `openshift/release:golang-1.22`.
const ROOT_DIGEST: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
/// Another digest (a moved tag, another root).
const OTHER_DIGEST: &str =
    "sha256:2222222222222222222222222222222222222222222222222222222222222222";
/// The digest of the build cache image.
const CACHE_DIGEST: &str =
    "sha256:3333333333333333333333333333333333333333333333333333333333333333";

/// A fake with the root `openshift/release:golang-1.22` seeded.
fn seeded() -> FakeOpenShift {
    let fake = FakeOpenShift::start();
    fake.seed_tag(
        "openshift",
        "release",
        "golang-1.22",
        ROOT_DIGEST,
        &[("io.openshift.release", "golang-1.22")],
    );
    fake
}

/// A kube client for the fake, built as the CLI builds one, from a kubeconfig.
async fn client(fake: &FakeOpenShift) -> kube::Client {
    client_with_token(fake, testkit::openshift::TOKEN).await
}

async fn client_with_token(fake: &FakeOpenShift, token: &str) -> kube::Client {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    fs_err::write(&path, fake.kubeconfig_yaml_with_token(token)).unwrap();
    tagger::client_from(Some(&path)).await.unwrap()
}

fn root() -> ImageStreamTag {
    ist("openshift", "release", "golang-1.22")
}

/// A checked imagestreamtag.
fn ist(namespace: &str, name: &str, tag: &str) -> ImageStreamTag {
    ImageStreamTag::new(namespace, name, tag).unwrap()
}

fn request() -> TagRequest {
    TagRequest::new(NS, root())
}

/// Options for tests: short backoff so retries do not slow the suite; a deadline long enough
/// that only a test about deadlines reaches it.
fn options() -> Options {
    Options {
        timeout: Duration::from_secs(20),
        attempt_timeout: Duration::from_secs(5),
        min_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(50),
        build_claim_grace: Duration::from_secs(5),
    }
}

/// The pull spec a pinned `pipeline:root` has in the fake.
fn pinned_pull_spec(digest: &str) -> String {
    format!("{}/{NS}/pipeline@{digest}", testkit::openshift::REGISTRY)
}

/// Checks the end state every successful run must leave: one spec tag `root` in `pipeline`,
/// from the ImageStreamImage of `source_ns/source_name@digest`, resolved to `digest`, in a
/// stream with local lookup, and no import ever.
fn assert_pinned(fake: &FakeOpenShift, source_ns: &str, source_name: &str, digest: &str) {
    assert_eq!(fake.spec_tags(NS, "pipeline"), vec!["root".to_owned()]);
    let stream = fake.image_stream(NS, "pipeline").unwrap();
    assert_eq!(stream["spec"]["lookupPolicy"]["local"], true);
    let tag = &stream["spec"]["tags"][0];
    assert_eq!(tag["from"]["kind"], "ImageStreamImage");
    assert_eq!(tag["from"]["namespace"], source_ns);
    assert_eq!(tag["from"]["name"], format!("{source_name}@{digest}"));
    assert_eq!(tag["referencePolicy"]["type"], "Local");
    assert_eq!(tag["importPolicy"]["importMode"], "PreserveOriginal");
    let status = stream["status"]["tags"].as_array().unwrap();
    assert_eq!(status.len(), 1);
    assert_eq!(status[0]["items"][0]["image"], digest);
    assert_eq!(fake.imports(), 0);
}
