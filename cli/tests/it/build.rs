//! `run` on `project_image` roots through the binary: real git repositories (a work tree,
//! `--rev`, and a Prow job fetched over HTTP with its PR merged) against the loopback OpenShift
//! API with its build API. What is built, what is uploaded, when the cache is used, what the
//! key covers, and how failures and refusals read.

use std::path::PathBuf;
use std::time::Duration;

use testkit::git::http::GitHttpServer;
use testkit::git::{clone_bare, commit, commit_file, git, init, symlink, write};
use testkit::openshift::{BuildOutcome, FakeOpenShift};

use crate::helpers::{Run, ci_operator, run_command};

const BASE_DIGEST: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
const BUMPED_DIGEST: &str =
    "sha256:2222222222222222222222222222222222222222222222222222222222222222";

const DOCKERFILE: &str = "FROM registry.ci.openshift.org/openshift/release:golang-1.22\nCOPY hack/ /hack/\nCOPY go.mod /src/go.mod\nRUN /hack/setup.sh\n";
const PR_DOCKERFILE: &str = "FROM registry.ci.openshift.org/openshift/release:golang-1.22\nCOPY hack/ /hack/\nCOPY go.mod /src/go.mod\nRUN /hack/setup.sh && /hack/setup.sh --tools\n";

/// `project_image` named by the job's refs (no `zz_generated_metadata`).
const CONFIG: &str = "build_root:\n  project_image:\n    dockerfile_path: Dockerfile\n";
/// `project_image` named by the config's metadata, for a work tree.
const CONFIG_WITH_METADATA: &str = "build_root:\n  project_image:\n    dockerfile_path: Dockerfile\nzz_generated_metadata:\n  org: org\n  repo: repo\n  branch: main\n";

/// A repository whose root is built from its `Dockerfile`, with a PR that changes the
/// Dockerfile and a PR that changes only the README, served as the bare `repo.git`.
struct Project {
    dir: tempfile::TempDir,
    base: String,
    pr_dockerfile: String,
    pr_readme: String,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        let work = dir.path().join("work");
        init(&work);
        write(&work, "Dockerfile", DOCKERFILE.as_bytes());
        write(&work, "hack/setup.sh", b"#!/bin/sh\necho setting up\n");
        write(&work, "go.mod", b"module example.com/repo\n\ngo 1.22\n");
        write(&work, "README.md", b"hello\n");
        write(&work, "main.go", b"package main\n");
        let base = commit(&work, "base");
        git(&work, &["checkout", "-q", "-b", "dockerfile"]);
        let pr_dockerfile = commit_file(&work, "Dockerfile", PR_DOCKERFILE, "tools in the root");
        git(&work, &["checkout", "-q", "-b", "readme", &base]);
        let pr_readme = commit_file(&work, "README.md", "hello again\n", "docs");
        git(&work, &["checkout", "-q", "main"]);
        let bare = clone_bare(&work, dir.path(), "repo.git");
        for (branch, sha) in [("dockerfile", &pr_dockerfile), ("readme", &pr_readme)] {
            git(&bare, &["update-ref", &format!("refs/heads/{branch}"), sha]);
        }
        git(&bare, &["config", "uploadpack.allowAnySHA1InWant", "true"]);
        fs_err::write(dir.path().join("config.yaml"), CONFIG).unwrap();
        fs_err::write(dir.path().join("metadata.yaml"), CONFIG_WITH_METADATA).unwrap();
        Project {
            dir,
            base,
            pr_dockerfile,
            pr_readme,
        }
    }

    fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// A Prow job spec for the base with `pulls` merged, cloned from `clone_uri`.
    fn job_spec(&self, clone_uri: &str, pulls: &[(u64, &str)]) -> String {
        let pulls: Vec<serde_json::Value> = pulls
            .iter()
            .map(|(n, sha)| serde_json::json!({"number": n, "author": "a", "sha": sha}))
            .collect();
        serde_json::json!({
            "type": if pulls.is_empty() { "postsubmit" } else { "presubmit" },
            "job": "pull-ci-org-repo-main-unit",
            "buildid": "1",
            "refs": {"org": "org", "repo": "repo", "base_ref": "main", "base_sha": self.base,
                     "pulls": pulls, "clone_uri": clone_uri}
        })
        .to_string()
    }
}

/// The loopback API with the base image seeded, and a kubeconfig for it.
struct Cluster {
    fake: FakeOpenShift,
    dir: tempfile::TempDir,
}

impl Cluster {
    fn start() -> Cluster {
        let fake = FakeOpenShift::start();
        fake.seed_tag("openshift", "release", "golang-1.22", BASE_DIGEST, &[]);
        fake.set_build_step(Duration::from_millis(10));
        let dir = tempfile::tempdir().unwrap();
        fs_err::write(dir.path().join("kubeconfig"), fake.kubeconfig_yaml()).unwrap();
        Cluster { fake, dir }
    }

    fn kubeconfig(&self) -> String {
        self.dir.path().join("kubeconfig").display().to_string()
    }

    /// `run` in `namespace` with the job spec in `JOB_SPEC` (no Prow clone on disk).
    fn run_job(&self, project: &Project, namespace: &str, spec: &str, extra: &[&str]) -> Run {
        run_command(
            self.command(&project.path("config.yaml"), namespace, extra)
                .args(["--base-dir", &project.path("no-prow-clone")])
                .env("JOB_SPEC", spec),
        )
    }

    /// `run` in `namespace` reading `source` (`--repo ...`), config with metadata.
    fn run_repo(&self, project: &Project, namespace: &str, source: &[&str]) -> Run {
        run_command(
            self.command(&project.path("metadata.yaml"), namespace, &["-o", "json"])
                .args(source),
        )
    }

    fn command(&self, config: &str, namespace: &str, extra: &[&str]) -> std::process::Command {
        let mut command = ci_operator();
        command
            .args(["run", "--config", config, "--namespace", namespace])
            .args(["--timeout", "60s", "--kubeconfig", &self.kubeconfig()])
            .args(extra);
        command
    }

    fn render(&self, project: &Project, run: &Run) -> String {
        run.render(&[(project.dir.path(), "[TMP]"), (self.dir.path(), "[KUBE]")])
            .replace(&self.fake.port().to_string(), "[PORT]")
    }
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|_| panic!("not JSON: {}\n{}", run.stdout, run.stderr))
}

fn key(run: &Run) -> String {
    assert_eq!(run.code, 0, "{}", run.stderr);
    json(run)["roots"][0]["key"].as_str().unwrap().to_owned()
}

fn file<'a>(files: &'a [(String, Vec<u8>)], path: &str) -> &'a [u8] {
    &files
        .iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("{path} is not in the archive"))
        .1
}

#[test]
fn a_pr_changing_the_root_dockerfile_builds_once_from_the_merged_revision() {
    let project = Project::new();
    let cluster = Cluster::start();
    let server = GitHttpServer::start(project.dir.path());
    let spec = project.job_spec(&server.url("repo.git"), &[(7, &project.pr_dockerfile)]);

    let first = cluster.run_job(&project, "ci-op-1", &spec, &["-o", "json"]);
    insta::assert_snapshot!(
        cluster
            .render(&project, &first)
            .replace(&server.port().to_string(), "[GIT]")
    );
    let uploads = cluster.fake.uploads();
    assert_eq!(uploads.len(), 1, "one build, one upload");
    let files = uploads[0].files();
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        ["Dockerfile", "go.mod", "hack/setup.sh"],
        "only the inputs"
    );
    assert_eq!(
        file(&files, "Dockerfile"),
        PR_DOCKERFILE.as_bytes(),
        "the PR's version"
    );
    assert_eq!(cluster.fake.builds("ci-op-1").len(), 1);
    assert_eq!(cluster.fake.imports(), 0, "never an import");
    let report = json(&first);
    let root = &report["roots"][0];
    let pinned = cluster
        .fake
        .image_stream_tag("ci-op-1", "pipeline", "root")
        .unwrap();
    assert_eq!(pinned["tag"]["from"]["kind"], "ImageStreamImage");
    assert_eq!(
        pinned["tag"]["from"]["name"],
        format!("pipeline@{}", root["digest"].as_str().unwrap())
    );
    let cache = cluster
        .fake
        .image_stream_tag(
            "build-cache",
            "org-repo-root",
            root["key"].as_str().unwrap(),
        )
        .expect("the cache tag is written");
    assert_eq!(cache["image"]["metadata"]["name"], root["digest"]);

    let writes = cluster.fake.writes();
    let again = cluster.run_job(&project, "ci-op-1", &spec, &["-o", "json"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(cluster.fake.writes(), writes, "a re-run writes nothing");
    assert_eq!(json(&again)["roots"][0]["cache"], "hit");
    assert_eq!(json(&again)["roots"][0]["digest"], root["digest"]);
    assert_eq!(cluster.fake.uploads().len(), 1);
}

#[test]
fn a_pr_touching_nothing_the_build_reads_reuses_the_cache() {
    let project = Project::new();
    let cluster = Cluster::start();
    let server = GitHttpServer::start(project.dir.path());
    let url = server.url("repo.git");

    let base = cluster.run_job(
        &project,
        "ci-op-base",
        &project.job_spec(&url, &[]),
        &["-o", "json"],
    );
    let base_key = key(&base);
    assert_eq!(json(&base)["roots"][0]["cache"], "miss");
    assert_eq!(cluster.fake.uploads().len(), 1);

    let spec = project.job_spec(&url, &[(8, &project.pr_readme)]);
    cluster.fake.clear_log();
    let pr = cluster.run_job(&project, "ci-op-pr", &spec, &[]);
    // The base's digest, then the cache tag and the pipeline tag read, the stream and the tag
    // created: a hit in 4 requests plus one per base.
    assert_eq!(
        cluster.fake.requests(),
        5,
        "{:#?}",
        cluster.fake.log_lines()
    );
    insta::assert_snapshot!(
        cluster
            .render(&project, &pr)
            .replace(&server.port().to_string(), "[GIT]")
    );
    assert_eq!(cluster.fake.uploads().len(), 1, "nothing built for the PR");
    assert!(cluster.fake.builds("ci-op-pr").is_empty());
    assert!(
        pr.stderr.contains(&format!("key {base_key} ")),
        "same key as the base: {}",
        pr.stderr
    );
}

#[test]
fn the_key_follows_copied_files_and_base_digests_not_other_files() {
    let project = Project::new();
    let cluster = Cluster::start();
    let work = project.work();
    let source = ["--repo", work.to_str().unwrap()];

    let first = key(&cluster.run_repo(&project, "ci-op-a", &source));
    write(&work, "README.md", b"not read by the build\n");
    write(&work, "main.go", b"package main\n\nfunc main() {}\n");
    let unrelated = key(&cluster.run_repo(&project, "ci-op-b", &source));
    assert_eq!(
        unrelated, first,
        "files the build does not read do not count"
    );
    assert_eq!(cluster.fake.uploads().len(), 1);

    write(&work, "hack/setup.sh", b"#!/bin/sh\necho setting up more\n");
    let copied = key(&cluster.run_repo(&project, "ci-op-c", &source));
    assert_ne!(copied, first, "a copied file counts");
    let uploads = cluster.fake.uploads();
    assert_eq!(uploads.len(), 2);
    assert_eq!(
        file(&uploads[1].files(), "hack/setup.sh"),
        b"#!/bin/sh\necho setting up more\n",
        "the work tree's version"
    );

    cluster
        .fake
        .seed_tag("openshift", "release", "golang-1.22", BUMPED_DIGEST, &[]);
    let bumped = cluster.run_repo(&project, "ci-op-d", &source);
    assert_ne!(key(&bumped), copied, "the base's digest counts");
    assert!(bumped.stderr.contains(BUMPED_DIGEST), "{}", bumped.stderr);
    assert_eq!(cluster.fake.uploads().len(), 3);
}

#[test]
fn a_work_tree_git_and_a_prow_job_give_the_same_key() {
    let project = Project::new();
    let cluster = Cluster::start();
    let work = project.work();
    let on_disk = cluster.run_repo(&project, "ci-op-disk", &["--repo", work.to_str().unwrap()]);
    let in_git = cluster.run_repo(
        &project,
        "ci-op-git",
        &["--repo", &project.path("repo.git"), "--rev", &project.base],
    );
    let server = GitHttpServer::start(project.dir.path());
    let spec = project.job_spec(&server.url("repo.git"), &[]);
    let prow = cluster.run_job(&project, "ci-op-prow", &spec, &["-o", "json"]);
    assert_eq!(key(&in_git), key(&on_disk));
    assert_eq!(key(&prow), key(&on_disk));
    assert_eq!(json(&in_git)["roots"][0]["cache"], "hit");
    assert_eq!(json(&prow)["roots"][0]["cache"], "hit");
    assert_eq!(cluster.fake.uploads().len(), 1);
}

#[test]
fn a_failing_build_exits_4_with_its_reason_and_log() {
    let project = Project::new();
    let cluster = Cluster::start();
    cluster.fake.set_build_outcome(BuildOutcome::Fail {
        phase: "Failed".to_owned(),
        reason: "DockerBuildFailed".to_owned(),
        message: "Docker build strategy has failed.".to_owned(),
        log: "STEP 1/4: FROM registry.ci.openshift.org/openshift/release:golang-1.22\nSTEP 4/4: RUN /hack/setup.sh\n/hack/setup.sh: line 2: make: command not found\nerror: build error: building at STEP \"RUN /hack/setup.sh\": exit status 127\n".to_owned(),
    });
    let work = project.work();
    let result = cluster.run_repo(&project, "ci-op-fail", &["--repo", work.to_str().unwrap()]);
    insta::assert_snapshot!(cluster.render(&project, &result));
    assert!(
        cluster
            .fake
            .image_stream_tag("ci-op-fail", "pipeline", "root")
            .is_none(),
        "nothing pinned"
    );
}

#[test]
fn an_escaping_symlink_is_refused_before_any_upload() {
    let project = Project::new();
    let cluster = Cluster::start();
    let work = project.work();
    // Inside a copied directory: found when the archive is written, after the cache lookup.
    symlink(&work, "hack/passwd", "../../../../etc/passwd");
    let inside = cluster.run_repo(&project, "ci-op-link", &["--repo", work.to_str().unwrap()]);
    // Copied itself: found when the inputs are resolved, before the cluster is asked anything.
    let fresh = Project::new();
    let other = fresh.work();
    fs_err::remove_file(other.join("go.mod")).unwrap();
    symlink(&other, "go.mod", "/etc/passwd");
    let requests = cluster.fake.requests();
    let named = cluster.run_repo(&fresh, "ci-op-link2", &["--repo", other.to_str().unwrap()]);
    insta::assert_snapshot!(format!(
        "{}{}",
        cluster.render(&project, &inside),
        cluster.render(&fresh, &named)
    ));
    assert!(cluster.fake.uploads().is_empty(), "nothing uploaded");
    assert_eq!(cluster.fake.writes(), 0, "nothing written");
    assert_eq!(
        cluster.fake.requests(),
        requests,
        "the cluster was not asked"
    );
}

#[test]
fn five_concurrent_runs_in_one_namespace_start_one_build() {
    let project = Project::new();
    let cluster = Cluster::start();
    cluster.fake.set_build_step(Duration::from_millis(300));
    let work = project.work();
    let children: Vec<_> = (0..5)
        .map(|_| {
            cluster
                .command(
                    &project.path("metadata.yaml"),
                    "ci-op-race",
                    &["-o", "json"],
                )
                .args(["--repo", work.to_str().unwrap()])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut digests = Vec::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        digests.push(report["roots"][0]["digest"].clone());
    }
    assert!(digests.iter().all(|d| *d == digests[0]), "{digests:?}");
    assert_eq!(cluster.fake.uploads().len(), 1, "one upload");
    assert_eq!(cluster.fake.builds("ci-op-race").len(), 1, "one build");
}

#[test]
fn dry_run_needs_no_cluster() {
    let project = Project::new();
    let result = run_command(ci_operator().args([
        "run",
        "--config",
        &project.path("metadata.yaml"),
        "--namespace",
        "ci-op-dry",
        "--repo",
        &project.path("repo.git"),
        "--rev",
        &project.pr_dockerfile,
        "--root-cache-namespace",
        "root-cache",
        "--dry-run",
    ]));
    insta::assert_snapshot!(result.render(&[(project.dir.path(), "[TMP]")]));
}

#[test]
fn local_image_root_builds_nothing() {
    let project = Project::new();
    let cluster = Cluster::start();
    let work = project.work();
    let result = run_command(
        cluster
            .command(&project.path("metadata.yaml"), "ci-op-local", &[])
            .args(["--repo", work.to_str().unwrap()])
            .env(
                "LOCAL_IMAGE_ROOT",
                "registry.example.com/ci/root@sha256:abc",
            ),
    );
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert_eq!(result.stdout, "registry.example.com/ci/root@sha256:abc\n");
    assert_eq!(cluster.fake.requests(), 0);
}

#[test]
fn refusals_before_the_cluster_exit_1() {
    let project = Project::new();
    let cluster = Cluster::start();
    let work = project.work();
    let not_allowed = run_command(
        cluster
            .command(&project.path("metadata.yaml"), "ci-op-ns", &[])
            .args(["--repo", work.to_str().unwrap()])
            .args(["--allowed-root-namespaces", "ocp,ci"]),
    );
    let unnamed = run_command(
        cluster
            .command(&project.path("config.yaml"), "ci-op-ns", &[])
            .args(["--repo", work.to_str().unwrap()]),
    );
    let bad_flag = run_command(
        cluster
            .command(&project.path("metadata.yaml"), "ci-op-ns", &[])
            .args(["--repo", work.to_str().unwrap()])
            .args(["--root-cache-namespace", "Build_Cache"]),
    );
    insta::assert_snapshot!(format!(
        "{}{}{}",
        cluster.render(&project, &not_allowed),
        cluster.render(&project, &unnamed),
        cluster.render(&project, &bad_flag)
    ));
    assert_eq!(cluster.fake.requests(), 0);
}

#[test]
fn build_roots_are_built_beside_tagged_roots_in_order() {
    let project = Project::new();
    let cluster = Cluster::start();
    // Prow's clone of the other repository, where `--base-dir` says.
    let org = project.dir.path().join("prow/src/github.com/org");
    fs_err::create_dir_all(&org).unwrap();
    git(&org, &["clone", "-q", &project.path("repo.git"), "other"]);
    fs_err::write(
        project.dir.path().join("mixed.yaml"),
        "build_root:\n  image_stream_tag:\n    namespace: openshift\n    name: release\n    tag: golang-1.22\nbuild_roots:\n  org.other:\n    project_image:\n      dockerfile_path: Dockerfile\n",
    )
    .unwrap();
    let spec = serde_json::json!({
        "type": "periodic", "job": "periodic-org-other", "buildid": "1",
        "extra_refs": [{"org": "org", "repo": "other", "base_ref": "main"}]
    })
    .to_string();
    let result = run_command(
        cluster
            .command(&project.path("mixed.yaml"), "ci-op-mixed", &["-o", "json"])
            .args(["--base-dir", &project.path("prow")])
            .env("JOB_SPEC", spec),
    );
    insta::assert_snapshot!(cluster.render(&project, &result));
    let report = json(&result);
    let key = report["roots"][1]["key"].as_str().unwrap();
    assert!(
        cluster
            .fake
            .image_stream_tag("build-cache", "org-other-root", key)
            .is_some(),
        "cached under the key's repository"
    );
    assert!(
        cluster
            .fake
            .image_stream_tag("ci-op-mixed", "pipeline", "root-org.other")
            .is_some()
    );
}

/// Real configs with a `project_image` root and no `zz_generated_metadata`: a dry run still
/// shows the plan (with a placeholder cache name, said on stderr); only a real run needs the
/// repository's name.
#[test]
fn dry_run_of_corpus_project_image_roots_without_metadata() {
    for case in [
        "openshift__cincinnati__master",
        "openshift-kni__performance-addon-operators__master",
    ] {
        let dir = crate::helpers::corpus().join(case);
        let config = dir.join("config.yaml");
        let repo = dir.join("repo");
        let result = run_command(ci_operator().args([
            "run",
            "--config",
            config.to_str().unwrap(),
            "--namespace",
            "ci-op-dry",
            "--repo",
            repo.to_str().unwrap(),
            "--dry-run",
        ]));
        assert_eq!(result.code, 0, "{case}: {}", result.stderr);
        assert!(
            result.stderr.contains("no repository name is known"),
            "{case}: {}",
            result.stderr
        );
        assert!(
            result.stdout.contains("unknown-org-unknown-repo-root"),
            "{case}: {}",
            result.stdout
        );
    }
}
