//! `tag` and `run` against the loopback OpenShift image API (`testkit::openshift`), through
//! the real binary: objects created, idempotency, exit 4 for a failing or refusing cluster.

use testkit::openshift::{FakeOpenShift, Fault};

use crate::helpers::{Run, ci_operator, run_command};

const DIGEST: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

struct Cluster {
    fake: FakeOpenShift,
    dir: tempfile::TempDir,
}

impl Cluster {
    fn start() -> Cluster {
        let fake = FakeOpenShift::start();
        fake.seed_tag(
            "openshift",
            "release",
            "rhel-9-release-golang-1.22-openshift-4.17",
            DIGEST,
            &[],
        );
        fake.seed_tag("openshift", "release", "golang-1.22", DIGEST, &[]);
        let dir = tempfile::tempdir().unwrap();
        fs_err::write(dir.path().join("kubeconfig"), fake.kubeconfig_yaml()).unwrap();
        Cluster { fake, dir }
    }

    fn kubeconfig(&self) -> String {
        self.dir.path().join("kubeconfig").display().to_string()
    }

    fn run(&self, args: &[&str]) -> Run {
        run_command(
            ci_operator()
                .args(args)
                .args(["--kubeconfig", &self.kubeconfig()]),
        )
    }

    fn render(&self, run: &Run) -> String {
        run.render(&[(self.dir.path(), "[TMP]")])
            .replace(&self.fake.port().to_string(), "[PORT]")
    }
}

#[test]
fn run_tags_the_resolved_root_then_reruns_without_writing() {
    let cluster = Cluster::start();
    let args = [
        "run",
        "--config",
        "example/config.yaml",
        "--namespace",
        "ci-op-1",
        "--repo",
        "example/repo",
        "--timeout",
        "30s",
    ];
    let first = cluster.run(&args);
    insta::assert_snapshot!(cluster.render(&first), @"
    exit: 0
    --- stdout
    image-registry.openshift-image-registry.svc:5000/ci-op-1/pipeline@sha256:1111111111111111111111111111111111111111111111111111111111111111
    --- stderr
    note: the repository chose the build root openshift/release:rhel-9-release-golang-1.22-openshift-4.17 (.ci-operator.yaml); any namespace is allowed: set --allowed-root-namespaces to limit it
    pipeline:root <- openshift/release:rhel-9-release-golang-1.22-openshift-4.17
      strategy: in_repo_file
      from `.ci-operator.yaml`:2:3 `build_root_image` at the files on disk in `example/repo`
    pipeline:root <- openshift/release:rhel-9-release-golang-1.22-openshift-4.17: the root (no build cache requested)
    ");
    assert_eq!(cluster.fake.imports(), 0, "never an import");
    let tag = cluster
        .fake
        .image_stream_tag("ci-op-1", "pipeline", "root")
        .expect("pipeline:root exists");
    assert_eq!(tag["tag"]["from"]["kind"], "ImageStreamImage");
    assert_eq!(tag["tag"]["from"]["name"], format!("release@{DIGEST}"));
    let stream = cluster.fake.image_stream("ci-op-1", "pipeline").unwrap();
    assert_eq!(stream["spec"]["lookupPolicy"]["local"], true);

    let writes = cluster.fake.writes();
    let again = cluster.run(&args);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(again.stdout, first.stdout);
    assert_eq!(cluster.fake.writes(), writes, "a re-run writes nothing");
}

#[test]
fn tag_json_output() {
    let cluster = Cluster::start();
    let result = cluster.run(&[
        "tag",
        "-o",
        "json",
        "--namespace",
        "ci-op-2",
        "--root",
        "openshift/release:golang-1.22",
    ]);
    insta::assert_snapshot!(cluster.render(&result), @r#"
    exit: 0
    --- stdout
    {
      "roots": [
        {
          "pipeline_tag": "root",
          "root": "openshift/release:golang-1.22",
          "source": "openshift/release:golang-1.22",
          "digest": "sha256:1111111111111111111111111111111111111111111111111111111111111111",
          "pull_spec": "image-registry.openshift-image-registry.svc:5000/ci-op-2/pipeline@sha256:1111111111111111111111111111111111111111111111111111111111111111",
          "choice": "the root (no build cache requested)",
          "created": true
        }
      ]
    }
    --- stderr
    pipeline:root <- openshift/release:golang-1.22: the root (no build cache requested)
    "#);
}

#[test]
fn tag_survives_server_errors() {
    let cluster = Cluster::start();
    cluster.fake.inject(Fault::Status(500), 2);
    cluster.fake.inject(
        Fault::TooManyRequests {
            retry_after_secs: 1,
        },
        1,
    );
    let result = cluster.run(&[
        "tag",
        "--namespace",
        "ci-op-3",
        "--root",
        "openshift/release:golang-1.22",
        "--timeout",
        "30s",
    ]);
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert_eq!(
        cluster.fake.spec_tags("ci-op-3", "pipeline"),
        vec!["root".to_owned()]
    );
}

#[test]
fn conflicting_tag_exits_4() {
    let cluster = Cluster::start();
    let other = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
    cluster
        .fake
        .seed_tag("openshift", "release", "golang-1.23", other, &[]);
    assert_eq!(
        cluster
            .run(&[
                "tag",
                "--namespace",
                "ci-op-4",
                "--root",
                "openshift/release:golang-1.23"
            ])
            .code,
        0
    );
    let result = cluster.run(&[
        "tag",
        "--namespace",
        "ci-op-4",
        "--root",
        "openshift/release:golang-1.22",
    ]);
    insta::assert_snapshot!(cluster.render(&result), @"
    exit: 4
    --- stdout
    --- stderr
    error: pipeline:root in namespace ci-op-4 already points at ImageStreamImage openshift/release@sha256:2222222222222222222222222222222222222222222222222222222222222222, not at ImageStreamImage openshift/release@sha256:1111111111111111111111111111111111111111111111111111111111111111 (the digest of openshift/release:golang-1.22); delete the tag or use a fresh namespace
    ");
}

#[test]
fn missing_root_and_forbidden_namespace_exit_4() {
    let cluster = Cluster::start();
    let missing = cluster.run(&[
        "tag",
        "--namespace",
        "ci-op-5",
        "--root",
        "openshift/release:nope",
    ]);
    cluster.fake.forbid_namespace("ci-op-6");
    let forbidden = cluster.run(&[
        "tag",
        "--namespace",
        "ci-op-6",
        "--root",
        "openshift/release:golang-1.22",
    ]);
    insta::assert_snapshot!(format!("{}{}", cluster.render(&missing), cluster.render(&forbidden)), @r#"
    exit: 4
    --- stdout
    --- stderr
    error: imagestreamtag openshift/release:nope does not exist: imagestream openshift/release has no tag `nope` and none of its 2 tags has a similar name
    exit: 4
    --- stdout
    --- stderr
    error: forbidden: cannot get imagestreamtag pipeline:root in namespace ci-op-6
      caused by: imagestreamtags.image.openshift.io "pipeline:root" is forbidden: User "system:serviceaccount:ci:ci-operator" cannot get resource "imagestreamtags" in API group "image.openshift.io" in the namespace "ci-op-6"
    "#);
}

#[test]
fn wrong_token_exits_4_without_printing_it() {
    let cluster = Cluster::start();
    fs_err::write(
        cluster.dir.path().join("kubeconfig"),
        cluster
            .fake
            .kubeconfig_yaml_with_token("s3cr3t-wrong-token"),
    )
    .unwrap();
    let result = cluster.run(&[
        "tag",
        "-vv",
        "--namespace",
        "ci-op-7",
        "--root",
        "openshift/release:golang-1.22",
    ]);
    assert_eq!(result.code, 4, "{}", result.stderr);
    assert!(
        !result.stderr.contains("s3cr3t-wrong-token")
            && !result.stdout.contains("s3cr3t-wrong-token")
    );
    assert!(result.stderr.contains("error: "), "{}", result.stderr);
}

#[test]
fn unreachable_cluster_exits_4_within_the_deadline() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    fs_err::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:{port}\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\nusers:\n- name: u\n  user:\n    token: t\n"
        ),
    )
    .unwrap();
    let start = std::time::Instant::now();
    let result = run_command(ci_operator().args([
        "tag",
        "--namespace",
        "ci-op-8",
        "--root",
        "openshift/release:golang-1.22",
        "--timeout",
        "2s",
        "--kubeconfig",
        kubeconfig.to_str().unwrap(),
    ]));
    assert_eq!(result.code, 4, "{}", result.stderr);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "bounded by --timeout"
    );
    // Retries are logged with random delays: assert the last lines, which are deterministic.
    let last = result
        .stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_default();
    assert!(
        last.starts_with("error: deadline of ") && last.contains("(") && last.contains("attempts)"),
        "{}",
        result.stderr
    );
    assert!(
        result
            .stderr
            .ends_with("caused by: Connection refused (os error 111)\n"),
        "{}",
        result.stderr
    );
}

#[test]
fn local_image_root_means_nothing_is_tagged() {
    let cluster = Cluster::start();
    let result = run_command(
        ci_operator()
            .args([
                "run",
                "--config",
                "example/config.yaml",
                "--namespace",
                "ci-op-9",
                "--repo",
                "example/repo",
            ])
            .args(["--kubeconfig", &cluster.kubeconfig()])
            .env(
                "LOCAL_IMAGE_ROOT",
                "registry.example.com/ci/root@sha256:abc",
            ),
    );
    insta::assert_snapshot!(cluster.render(&result), @"
    exit: 0
    --- stdout
    registry.example.com/ci/root@sha256:abc
    --- stderr
    LOCAL_IMAGE_ROOT is set: the build root was supplied, nothing is tagged
    ");
    assert_eq!(cluster.fake.requests(), 0);
}

#[test]
fn bad_root_flag_is_a_usage_error() {
    let result = run_command(ci_operator().args([
        "tag",
        "--namespace",
        "ns",
        "--root",
        "release:golang-1.22",
        "--dry-run",
    ]));
    insta::assert_snapshot!(result.render(&[]), @r"
    exit: 2
    --- stdout
    --- stderr
    error: --root `release:golang-1.22` is not NAMESPACE/NAME:TAG (e.g. openshift/release:golang-1.22)
      caused by: missing namespace: an imagestreamtag is written `namespace/name:tag`
    ");
}

/// A well-formed `--root` whose member breaks OpenShift's rules is a problem in the input
/// (exit 1, like a bad `--namespace`), not a usage error; with `LOCAL_IMAGE_ROOT` nothing is
/// tagged, so nothing is refused.
#[test]
fn root_flag_breaking_a_rule_exits_1() {
    let tag = |root: &str| {
        let mut command = ci_operator();
        command.args(["tag", "--namespace", "ns", "--root", root, "--dry-run"]);
        command
    };
    let bad_namespace = run_command(&mut tag("Open_Shift/release:golang-1.22"));
    let bad_tag = run_command(&mut tag("openshift/release:a b"));
    let supplied =
        run_command(tag("Open_Shift/release:golang-1.22").env("LOCAL_IMAGE_ROOT", "quay.io/x/y:z"));
    let text = [bad_namespace, bad_tag, supplied]
        .iter()
        .map(|run| run.render(&[]))
        .collect::<Vec<_>>()
        .join("===\n");
    insta::assert_snapshot!(text, @r"
    exit: 1
    --- stdout
    --- stderr
    error: --root `Open_Shift/release:golang-1.22` is not a valid imagestreamtag
      caused by: invalid namespace `Open_Shift`: a namespace is a DNS-1123 label (1 to 63 lowercase letters, digits and `-`, starting and ending with a letter or digit)
    ===
    exit: 1
    --- stdout
    --- stderr
    error: --root `openshift/release:a b` is not a valid imagestreamtag
      caused by: invalid tag `a b`: a tag is 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`
    ===
    exit: 0
    --- stdout
    quay.io/x/y:z
    --- stderr
    LOCAL_IMAGE_ROOT is set: the build root was supplied, nothing is tagged
    ");
}

#[test]
fn dry_run_needs_no_cluster() {
    let result = run_command(ci_operator().args([
        "run",
        "--config",
        "example/config.yaml",
        "--namespace",
        "ci-op-example",
        "--repo",
        "example/repo",
        "--dry-run",
    ]));
    insta::assert_snapshot!(result.render(&[]), @"
    exit: 0
    --- stdout
    # Objects `ci-operator tag` would create in namespace ci-op-example.
    # The digest in tag.from is read from the imagestreamtag openshift/release:rhel-9-release-golang-1.22-openshift-4.17 when the tag is created.
    apiVersion: image.openshift.io/v1
    kind: ImageStream
    metadata:
      name: pipeline
      namespace: ci-op-example
    spec:
      lookupPolicy:
        local: true
    ---
    apiVersion: image.openshift.io/v1
    kind: ImageStreamTag
    metadata:
      name: pipeline:root
      namespace: ci-op-example
    tag:
      name: root
      from:
        kind: ImageStreamImage
        namespace: openshift
        name: release@sha256:<pinned at run time from openshift/release:rhel-9-release-golang-1.22-openshift-4.17>
      importPolicy:
        importMode: PreserveOriginal
      referencePolicy:
        type: Local
    --- stderr
    note: the repository chose the build root openshift/release:rhel-9-release-golang-1.22-openshift-4.17 (.ci-operator.yaml); any namespace is allowed: set --allowed-root-namespaces to limit it
    pipeline:root <- openshift/release:rhel-9-release-golang-1.22-openshift-4.17
      strategy: in_repo_file
      from `.ci-operator.yaml`:2:3 `build_root_image` at the files on disk in `example/repo`
    ");
}

#[test]
fn run_a_prow_job_whose_repository_is_only_reachable_over_http() {
    let cluster = Cluster::start();
    let repo = crate::git::pr_repo();
    let server = testkit::git::http::GitHttpServer::start(repo.dir.path());
    let spec = crate::job_spec::job_spec(&repo, &server.url("repo.git"), &[(7, &repo.pr_bump)]);
    let config = repo.dir.path().join("config.yaml");
    fs_err::write(&config, "build_root:\n  from_repository: true\n").unwrap();
    let result = run_command(
        ci_operator()
            .args([
                "run",
                "-o",
                "json",
                "--config",
                config.to_str().unwrap(),
                "--namespace",
                "ci-op-10",
            ])
            .args([
                "--base-dir",
                repo.dir.path().join("no-clone").to_str().unwrap(),
            ])
            .args(["--kubeconfig", &cluster.kubeconfig(), "--timeout", "60s"])
            .env("JOB_SPEC", spec),
    );
    // The PR bumps `.ci-operator.yaml` to golang-1.22; the merged revision is what counts.
    assert_eq!(result.code, 0, "{}", result.stderr);
    let report: serde_json::Value = serde_json::from_str(&result.stdout).unwrap();
    assert_eq!(report["roots"][0]["root"], "openshift/release:golang-1.22");
    assert_eq!(report["roots"][0]["digest"], DIGEST);
    assert_eq!(cluster.fake.imports(), 0);
    assert!(
        cluster
            .fake
            .image_stream_tag("ci-op-10", "pipeline", "root")
            .is_some()
    );
}
