//! `cargo xtask bench audit`: `ci-operator audit` over 300 configs of 50 repositories served by
//! a local HTTP git server, against `git` doing the same reads in the same run.
//!
//! The repositories (generated once under the target directory) have 3 000 files in 60
//! directories and 600 commits of history on `main` (small next to real OpenShift repositories,
//! which have thousands of commits and often tens of thousands of files), and five release
//! branches forked along it; each branch holds `.ci-operator.yaml`, a `Dockerfile` and a
//! `go.mod`. One config per
//! branch reads its root from the repository. The baseline is what Prow's clone of each branch
//! would cost: a blobless clone of the branch with a sparse checkout of the three files, run 8 at
//! once (the audit's default `-j`). Bytes are what the server sent (response bodies).
//!
//! Prints `BENCH {...}` lines: configs per second and bytes per config, each with the baseline
//! and the ratio.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark reports on stdout and stops on failure"
)]

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::time::Instant;

use testkit::git::FastImport;
use testkit::git::http::GitHttpServer;

const REPOSITORIES: usize = 50;
const RELEASES: usize = 5;
const FILES: usize = 3_000;
const DIRECTORIES: usize = 60;
const FILE_SIZE: usize = 512;
const COMMITS: usize = 600;
const FILES_PER_COMMIT: usize = 4;
const JOBS: usize = 8;
/// Bump when the generator changes, so the cached tree is rebuilt.
const GENERATION: &str = "v2";
const DATE: u64 = 1_700_000_000;

const CONFIG: &str =
    "build_root:\n  from_repository: true\nimages:\n- dockerfile_path: Dockerfile\n  to: app\n";

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this binary without it,
    // and generating 50 repositories there would only slow the tests down.
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-audit-bench");
    let branches = generate(&root);
    let configs = branches.len();
    let server = GitHttpServer::start(&root.join("repos"));
    let template = format!("http://127.0.0.1:{}/{{org}}/{{repo}}.git", server.port());

    // Warm the page cache and the server's path once, unmeasured.
    audit(&root, &template);

    server.reset_counters();
    let started = Instant::now();
    let verdicts = audit(&root, &template);
    let ours_seconds = started.elapsed().as_secs_f64();
    let ours_bytes = server.bytes_sent();
    let ours_requests = server.requests();
    assert_eq!(verdicts, configs, "every config got a verdict");

    server.reset_counters();
    let started = Instant::now();
    clone_like_prow(&template, &branches);
    let git_seconds = started.elapsed().as_secs_f64();
    let git_bytes = server.bytes_sent();
    let git_requests = server.requests();

    let per_second = |seconds: f64| configs as f64 / seconds;
    let per_config = |bytes: u64| bytes as f64 / configs as f64;
    eprintln!(
        "audit: {configs} configs over {REPOSITORIES} repositories in {ours_seconds:.2}s, {ours_bytes} bytes, {ours_requests} requests; git: {git_seconds:.2}s, {git_bytes} bytes, {git_requests} requests"
    );
    figure(
        &format!("audit of {configs} configs, {REPOSITORIES} repositories (-j {JOBS})"),
        "configs/s",
        per_second(ours_seconds),
        "blobless sparse clone of each branch (8 at once)",
        per_second(git_seconds),
    );
    figure(
        "audit: bytes fetched per config",
        "B",
        per_config(ours_bytes),
        "blobless sparse clone of each branch",
        per_config(git_bytes),
    );
}

fn figure(name: &str, unit: &str, value: f64, baseline_name: &str, baseline: f64) {
    println!(
        "BENCH {}",
        serde_json::json!({
            "bench": "audit",
            "name": name,
            "value": value,
            "unit": unit,
            "baseline_name": baseline_name,
            "baseline_value": baseline,
            "ratio": value / baseline,
        })
    );
}

/// Runs the audit; returns how many verdicts it printed (all must be `ok`). Under
/// `/usr/bin/time` when there is one, to report the audit's own CPU time and memory on stderr
/// (the server's work is not the audit's).
fn audit(root: &Path, template: &str) -> usize {
    let scratch = tempfile::tempdir().unwrap();
    let time = Path::new("/usr/bin/time");
    let mut command = if time.exists() {
        let mut command = Command::new(time);
        command
            .args(["-f", "audit process: %U s user, %S s system, %M KiB peak"])
            .arg(env!("CARGO_BIN_EXE_ci-operator"));
        command
    } else {
        Command::new(env!("CARGO_BIN_EXE_ci-operator"))
    };
    let output = command
        .args(["audit", "-q", "-o", "json", "-j", &JOBS.to_string()])
        .arg(root.join("config"))
        .args(["--git-url-template", template])
        .env("TMPDIR", scratch.path())
        .env_remove("RUST_LOG")
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "audit failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    report["configs"].as_array().unwrap().len()
}

/// What Prow's clone of each branch costs for these reads: a blobless, single-branch clone
/// without checkout, a sparse checkout of the three files, and the checkout (which fetches
/// their blobs); `JOBS` at once.
fn clone_like_prow(template: &str, branches: &[(String, String)]) {
    let scratch = tempfile::tempdir().unwrap();
    let queue = Mutex::new(branches.iter().enumerate());
    std::thread::scope(|scope| {
        for _ in 0..JOBS {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().unwrap().next();
                    let Some((index, (repo, branch))) = next else {
                        break;
                    };
                    let url = template.replace("{org}", "bench").replace("{repo}", repo);
                    let dir = scratch.path().join(index.to_string());
                    let parent = scratch.path();
                    git(
                        parent,
                        &[
                            "clone",
                            "-q",
                            "--filter=blob:none",
                            "--no-checkout",
                            "--single-branch",
                            "--branch",
                            branch,
                            &url,
                            dir.to_str().unwrap(),
                        ],
                    );
                    git(
                        &dir,
                        &[
                            "sparse-checkout",
                            "set",
                            "--no-cone",
                            "/.ci-operator.yaml",
                            "/go.mod",
                            "/Dockerfile",
                        ],
                    );
                    git(&dir, &["checkout", "-q", branch]);
                    assert!(dir.join(".ci-operator.yaml").is_file());
                }
            });
        }
    });
}

fn git(dir: &Path, args: &[&str]) {
    let output = testkit::git::git_command(dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Generates (once) the repositories under `root/repos/bench/` and the configs under
/// `root/config/`; returns every (repository, branch).
fn generate(root: &Path) -> Vec<(String, String)> {
    let branches: Vec<(String, String)> = (0..REPOSITORIES)
        .flat_map(|r| {
            let repo = format!("repo-{r:02}");
            std::iter::once("main".to_owned())
                .chain((1..=RELEASES).map(|n| format!("release-4.{n}")))
                .map(move |branch| (repo.clone(), branch))
        })
        .collect();
    let marker = root.join(format!("generated-{GENERATION}"));
    if marker.exists() {
        return branches;
    }
    if root.exists() {
        fs_err::remove_dir_all(root).unwrap();
    }
    eprintln!(
        "generating {REPOSITORIES} repositories under {}",
        root.display()
    );
    for r in 0..REPOSITORIES {
        let repo = format!("repo-{r:02}");
        let bare = root.join("repos").join("bench").join(format!("{repo}.git"));
        fs_err::create_dir_all(&bare).unwrap();
        testkit::git::git(&bare, &["init", "-q", "--bare"]);
        history(&bare, r);
        let config_dir = root.join("config").join("bench").join(&repo);
        fs_err::create_dir_all(&config_dir).unwrap();
        for (_, branch) in branches.iter().filter(|(name, _)| *name == repo) {
            fs_err::write(
                config_dir.join(format!("bench-{repo}-{branch}.yaml")),
                CONFIG,
            )
            .unwrap();
        }
    }
    fs_err::write(&marker, "").unwrap();
    branches
}

/// `main` with `COMMITS` commits over `FILES` files; `release-4.N` forked every
/// `COMMITS / (RELEASES + 1)` commits with one commit of its own.
fn history(bare: &Path, seed: usize) {
    let mut import = FastImport::start(bare);
    let mut state = seed as u64 * 7919 + 1;
    let content = |state: &mut u64| -> Vec<u8> {
        (0..FILE_SIZE / 16)
            .flat_map(|_| {
                *state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                format!("{:016x}", *state).into_bytes()
            })
            .collect()
    };
    let every = COMMITS / (RELEASES + 1);
    for commit in 0..COMMITS {
        import.commit(
            "main",
            Some(commit + 1),
            DATE + commit as u64 * 60,
            &format!("commit {commit}"),
        );
        if commit == 0 {
            for file in 0..FILES {
                import.file(&path_of(file), &content(&mut state));
            }
            root_files(&mut import, "1.21", "main");
        } else {
            for k in 0..FILES_PER_COMMIT {
                let file = (commit * 31 + k * 17 + seed) % FILES;
                import.file(&path_of(file), &content(&mut state));
            }
        }
    }
    for n in 1..=RELEASES {
        let branch = format!("release-4.{n}");
        import.commit(
            &branch,
            None,
            DATE + (COMMITS + n) as u64 * 60,
            &format!("branch {branch}"),
        );
        import.from(&format!(":{}", n * every));
        root_files(&mut import, &format!("1.{}", 16 + n), &branch);
    }
    import.commit(
        "main",
        None,
        DATE + (COMMITS + RELEASES + 1) as u64 * 60,
        "root files on main",
    );
    import.from(&format!(":{COMMITS}"));
    root_files(&mut import, "1.22", "main");
    import.finish();
}

fn path_of(file: usize) -> String {
    format!("pkg/dir-{:02}/file-{file:05}.go", file % DIRECTORIES)
}

/// `.ci-operator.yaml`, `Dockerfile` and `go.mod` agreeing on Go `go`.
fn root_files(import: &mut FastImport, go: &str, branch: &str) {
    let tag = format!("rhel-9-release-golang-{go}-openshift-4.17");
    import.file(
        ".ci-operator.yaml",
        format!("build_root_image:\n  namespace: openshift\n  name: release\n  tag: {tag}\n")
            .as_bytes(),
    );
    import.file(
        "Dockerfile",
        format!(
            "FROM registry.ci.openshift.org/openshift/release:{tag} AS builder\nWORKDIR /go/src/example.com/{branch}\nCOPY . .\nRUN make build\n\nFROM registry.ci.openshift.org/ocp/4.17:base-rhel9\nCOPY --from=builder /go/src/example.com/bin/app /usr/bin/app\n"
        )
        .as_bytes(),
    );
    import.file(
        "go.mod",
        format!("module example.com/app\n\ngo {go}.0\n\nrequire example.com/dep v1.0.0\n")
            .as_bytes(),
    );
}
