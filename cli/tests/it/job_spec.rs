//! `JOB_SPEC` sources through the binary: Prow's work tree, or a remote fetched with the PRs
//! merged in memory, over `file://` and HTTP.

use testkit::git::git;
use testkit::git::http::{Fault, FaultOn, GitHttpServer};

use crate::git::{PrRepo, pr_repo};
use crate::helpers::{ci_operator, run_command};

const CONFIG: &str = "build_root:\n  from_repository: true\n";

pub(crate) fn job_spec(repo: &PrRepo, clone_uri: &str, pulls: &[(u64, &str)]) -> String {
    let pulls: Vec<serde_json::Value> = pulls
        .iter()
        .map(|(n, sha)| serde_json::json!({"number": n, "author": "a", "sha": sha}))
        .collect();
    serde_json::json!({
        "type": if pulls.is_empty() { "postsubmit" } else { "presubmit" },
        "job": "pull-ci-org-repo-main-unit",
        "buildid": "1",
        "refs": {"org": "org", "repo": "repo", "base_ref": "main", "base_sha": repo.base, "pulls": pulls, "clone_uri": clone_uri}
    })
    .to_string()
}

fn resolve(repo: &PrRepo, spec: &str) -> crate::helpers::Run {
    let config = repo.dir.path().join("config.yaml");
    fs_err::write(&config, CONFIG).unwrap();
    let base_dir = repo.dir.path().join("no-prow-clone");
    run_command(
        ci_operator()
            .args([
                "resolve",
                "-o",
                "json",
                "--timeout",
                "60s",
                "--config",
                config.to_str().unwrap(),
            ])
            .args(["--base-dir", base_dir.to_str().unwrap()])
            .env("JOB_SPEC", spec),
    )
}

fn tag(run: &crate::helpers::Run) -> String {
    let json: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|_| panic!("{}{}", run.stdout, run.stderr));
    json["roots"][0]["image_stream_tag"]["tag"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn presubmit_over_file_url_reads_the_merged_revision() {
    let repo = pr_repo();
    let url = format!("file://{}", repo.dir.path().join("repo.git").display());
    let result = resolve(&repo, &job_spec(&repo, &url, &[(7, &repo.pr_bump)]));
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert_eq!(tag(&result), "golang-1.22");
    assert!(
        result.stderr.contains("fetching it from"),
        "says it fetched: {}",
        result.stderr
    );
}

#[test]
fn batch_of_two_prs_over_http() {
    let repo = pr_repo();
    let server = GitHttpServer::start(repo.dir.path());
    let spec = job_spec(
        &repo,
        &server.url("repo.git"),
        &[(7, &repo.pr_bump), (8, &repo.pr_other)],
    );
    let result = resolve(&repo, &spec);
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert_eq!(tag(&result), "golang-1.22");
}

#[test]
fn postsubmit_reads_the_base() {
    let repo = pr_repo();
    let url = format!("file://{}", repo.dir.path().join("repo.git").display());
    let result = resolve(&repo, &job_spec(&repo, &url, &[]));
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert_eq!(tag(&result), "golang-1.21");
}

#[test]
fn conflicting_prs_exit_3_naming_the_pr() {
    let repo = pr_repo();
    let url = format!("file://{}", repo.dir.path().join("repo.git").display());
    let result = resolve(
        &repo,
        &job_spec(&repo, &url, &[(7, &repo.pr_bump), (9, &repo.pr_conflict)]),
    );
    assert_eq!(result.code, 3, "{}", result.stderr);
    assert!(
        result.stderr.contains("#9") || result.stderr.contains("PR 9"),
        "{}",
        result.stderr
    );
    assert!(
        result.stderr.contains(".ci-operator.yaml"),
        "{}",
        result.stderr
    );
}

#[test]
fn missing_sha_exits_3() {
    let repo = pr_repo();
    let url = format!("file://{}", repo.dir.path().join("repo.git").display());
    let result = resolve(
        &repo,
        &job_spec(
            &repo,
            &url,
            &[(7, "0123456789abcdef0123456789abcdef01234567")],
        ),
    );
    assert_eq!(result.code, 3, "{}", result.stderr);
}

#[test]
fn unreachable_remote_exits_3() {
    let repo = pr_repo();
    // A port nothing listens on: bind, read the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let result = resolve(
        &repo,
        &job_spec(
            &repo,
            &format!("http://127.0.0.1:{port}/repo.git"),
            &[(7, &repo.pr_bump)],
        ),
    );
    assert_eq!(result.code, 3, "{}", result.stderr);
    assert!(
        result.stderr.starts_with("note: org/repo is not cloned")
            || result.stderr.contains("error: "),
        "{}",
        result.stderr
    );
}

#[test]
fn credentials_in_clone_uri_never_appear() {
    let repo = pr_repo();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let uri = format!("http://user:s3cr3t-token@127.0.0.1:{port}/repo.git");
    let result = resolve(&repo, &job_spec(&repo, &uri, &[(7, &repo.pr_bump)]));
    assert_eq!(result.code, 3, "{}", result.stderr);
    assert!(
        !result.stderr.contains("s3cr3t-token") && !result.stdout.contains("s3cr3t-token"),
        "{}",
        result.stderr
    );
    let verbose = run_command(
        ci_operator()
            .args([
                "resolve",
                "-vv",
                "--timeout",
                "20s",
                "--config",
                repo.dir.path().join("config.yaml").to_str().unwrap(),
            ])
            .env("JOB_SPEC", job_spec(&repo, &uri, &[(7, &repo.pr_bump)])),
    );
    assert!(
        !verbose.stderr.contains("s3cr3t-token"),
        "{}",
        verbose.stderr
    );
}

#[test]
fn prow_work_tree_is_read_at_head_even_when_sparse() {
    let repo = pr_repo();
    // What Prow's clonerefs leaves: the repository cloned under the base dir, the PR merged,
    // and a sparse checkout that left `.ci-operator.yaml` out of the work tree.
    let base_dir = repo.dir.path().join("prow");
    let clone = base_dir.join("src/github.com/org/repo");
    fs_err::create_dir_all(clone.parent().unwrap()).unwrap();
    git(
        repo.dir.path(),
        &["clone", "-q", "repo.git", clone.to_str().unwrap()],
    );
    git(
        &clone,
        &["merge", "-q", "--no-ff", "-m", "merge", &repo.pr_bump],
    );
    git(&clone, &["sparse-checkout", "set", "--no-cone", "main.go"]);
    assert!(!clone.join(".ci-operator.yaml").exists());
    let config = repo.dir.path().join("config.yaml");
    fs_err::write(&config, CONFIG).unwrap();
    let spec = job_spec(
        &repo,
        "https://github.invalid/org/repo.git",
        &[(7, &repo.pr_bump)],
    );
    let result = run_command(
        ci_operator()
            .args([
                "resolve",
                "-o",
                "json",
                "--config",
                config.to_str().unwrap(),
                "--base-dir",
                base_dir.to_str().unwrap(),
            ])
            .env("JOB_SPEC", spec),
    );
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert_eq!(tag(&result), "golang-1.22");
}

#[test]
fn local_repository_at_a_revision() {
    let repo = pr_repo();
    let bare = repo.dir.path().join("repo.git");
    let config = repo.dir.path().join("config.yaml");
    fs_err::write(&config, CONFIG).unwrap();
    let result = run_command(ci_operator().args([
        "resolve",
        "-o",
        "json",
        "--config",
        config.to_str().unwrap(),
        "--repo",
        bare.to_str().unwrap(),
        "--rev",
        "bump",
    ]));
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert_eq!(tag(&result), "golang-1.22");
}

#[test]
fn invalid_job_spec_is_an_input_error() {
    let result = run_command(
        ci_operator()
            .args(["resolve", "--config", "example/config.yaml"])
            .env("JOB_SPEC", "{\"type\": 3"),
    );
    assert_eq!(result.code, 1, "{}", result.stderr);
    insta::assert_snapshot!(result.render(&[]), @"
    exit: 1
    --- stdout
    --- stderr
    error: JOB_SPEC is not a valid Prow job spec
      caused by: invalid JOB_SPEC at line 1 column 10: type: invalid type: integer `3`, expected a string
    ");
}

#[test]
fn sigterm_during_a_fetch_stops_cleanly_and_removes_scratch_files() {
    let repo = pr_repo();
    let server = GitHttpServer::start(repo.dir.path());
    server.set_fault(Some((
        Fault::Stall(std::time::Duration::from_secs(30)),
        FaultOn::Fetch,
    )));
    let tmp = tempfile::tempdir().unwrap();
    let config = repo.dir.path().join("config.yaml");
    fs_err::write(&config, CONFIG).unwrap();
    let child = ci_operator()
        .args([
            "resolve",
            "--timeout",
            "60s",
            "--config",
            config.to_str().unwrap(),
        ])
        .args(["--base-dir", repo.dir.path().join("none").to_str().unwrap()])
        .env(
            "JOB_SPEC",
            job_spec(&repo, &server.url("repo.git"), &[(7, &repo.pr_bump)]),
        )
        .env("TMPDIR", tmp.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the fetch has created its scratch repository, then interrupt.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while fs_err::read_dir(tmp.path()).unwrap().next().is_none()
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let pid = child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let left: Vec<_> = fs_err::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "scratch files left behind: {left:?}");
}
