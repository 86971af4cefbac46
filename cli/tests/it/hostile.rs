//! Hostile repositories and secrets through the binary: every refusal is a clear `error: ` in
//! bounded time and memory, never a panic, never a read outside the repository, never a secret.
//!
//! Each repository is built with the git CLI and read the ways a user reads it: the files on
//! disk (`--repo DIR`), the object database (`--repo DIR --rev HEAD`) and, where it matters, a
//! Prow job whose PR brings the hostile content, fetched from a `file://` bare clone and merged.
//! Files outside the repository that a followed symlink or an escaping path would reach hold
//! *valid* content naming `evil/root:x`, so following them would not fail by luck: it would
//! resolve to `evil`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use testkit::git::{commit_file, git};

use crate::git::in_repo;
use crate::helpers::{Run, ci_operator};

/// GNU time, to measure the binary's peak memory, wall time and CPU time.
const TIME: &str = "/usr/bin/time";
/// What one run may use at most (issue 7).
const MAX_RSS_KIB: u64 = 200 * 1024;
const MAX_SECONDS: f64 = 5.0;
/// Wall time also counts waiting for a CPU that other builds share (load averages of 6 on 2
/// cores happen here), so it gets a margin; CPU time is held to `MAX_SECONDS`. Deadlines
/// (`--timeout 3s`) are below both.
const MAX_WALL_SECONDS: f64 = 15.0;
/// A run still going after this long is killed and fails the test instead of hanging it.
const WATCHDOG: Duration = Duration::from_secs(60);

/// The password file's first entry: must never be printed.
const PASSWD: &str = "root:x:0:0";
/// What a followed symlink or escaping path would resolve to.
const EVIL: &str = "evil";

const FROM_REPOSITORY: &str = "build_root:\n  from_repository: true\n";

/// `from_repository` plus one image built from `dockerfile_path` in `context_dir`.
fn image_config(context_dir: Option<&str>, dockerfile_path: Option<&str>) -> String {
    let mut config = format!("{FROM_REPOSITORY}images:\n- to: app\n");
    if let Some(dir) = context_dir {
        config.push_str(&format!("  context_dir: {dir}\n"));
    }
    if let Some(path) = dockerfile_path {
        config.push_str(&format!("  dockerfile_path: {path}\n"));
    }
    config
}

/// How many binaries run at once across these tests: one per core, so that the time bound
/// measures the binary and not the other tests of this file competing for the CPU.
static RUNNING: Mutex<usize> = Mutex::new(0);
static FREED: Condvar = Condvar::new();

/// A place among the binaries that run at once, given back on drop.
struct Slot;

impl Slot {
    fn take() -> Self {
        let limit = std::thread::available_parallelism().map_or(1, usize::from);
        let mut running = RUNNING.lock().unwrap_or_else(PoisonError::into_inner);
        while *running >= limit {
            running = FREED.wait(running).unwrap_or_else(PoisonError::into_inner);
        }
        *running += 1;
        Self
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        *RUNNING.lock().unwrap_or_else(PoisonError::into_inner) -= 1;
        FREED.notify_one();
    }
}

/// Runs the binary under GNU time (when installed) and a watchdog, and checks what every run
/// must satisfy whatever its input: no panic, no password file, under 200 MiB and 5 s.
#[expect(
    clippy::print_stderr,
    reason = "the figures, captured by the test harness"
)]
fn bounded(command: &mut Command) -> Run {
    let _slot = Slot::take();
    let usage_dir = tempfile::tempdir().unwrap();
    let usage = usage_dir.path().join("usage");
    let measured = Path::new(TIME).exists();
    let mut outer = if measured {
        let mut outer = Command::new(TIME);
        outer
            .args(["-o", usage.to_str().unwrap(), "-f", "%M %e %U %S", "--"])
            .arg(command.get_program())
            .args(command.get_args());
        for (key, value) in command.get_envs() {
            match value {
                Some(value) => outer.env(key, value),
                None => outer.env_remove(key),
            };
        }
        if let Some(dir) = command.get_current_dir() {
            outer.current_dir(dir);
        }
        outer
    } else {
        std::mem::replace(command, Command::new("true"))
    };
    // Its own process group, so the watchdog kills the binary and not only GNU time.
    outer
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = outer.spawn().expect("the binary starts");
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > WATCHDOG {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
            panic!(
                "still running after {WATCHDOG:?}: {:?}\n{}",
                command,
                stderr.join().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        run.code != 101 && !all.contains("panicked"),
        "the binary panicked:\n{all}"
    );
    assert!(run.code >= 0, "the binary was killed by a signal:\n{all}");
    assert!(
        !all.contains(PASSWD),
        "the password file was printed:\n{all}"
    );
    if measured {
        let text = fs_err::read_to_string(&usage).unwrap();
        let last = text.lines().last().unwrap_or_default();
        let figures: Vec<f64> = last
            .split(' ')
            .map(|figure| figure.parse().unwrap())
            .collect();
        let &[rss, wall, user, system] = figures.as_slice() else {
            panic!("GNU time wrote {text:?}");
        };
        let cpu = user + system;
        // Shown with `--nocapture`: the figures behind the bounds.
        eprintln!(
            "{rss} KiB, {cpu:.2} s CPU, {wall} s wall: {:?}",
            command.get_args().collect::<Vec<_>>()
        );
        assert!(
            rss < MAX_RSS_KIB as f64,
            "{rss} KiB at most, over {MAX_RSS_KIB} KiB: {command:?}"
        );
        assert!(
            cpu < MAX_SECONDS,
            "{cpu} s of CPU, over {MAX_SECONDS} s: {command:?}"
        );
        assert!(
            wall < MAX_WALL_SECONDS,
            "{wall} s, over {MAX_WALL_SECONDS} s: {command:?}"
        );
    }
    run
}

/// Reads a pipe to its end on a thread, so a chatty child never blocks on a full pipe.
fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        pipe.read_to_end(&mut bytes).unwrap();
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Asserts a refusal: the exit code, and an `error: ` line (the first line of stderr unless a
/// fetch note comes first).
fn assert_refused(run: &Run, code: i32) {
    assert_eq!(run.code, code, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.is_empty(), "nothing on stdout: {}", run.stdout);
    let first_error = run
        .stderr
        .lines()
        .position(|line| line.starts_with("error: "))
        .unwrap_or_else(|| panic!("no `error: ` line: {}", run.stderr));
    let before: Vec<&str> = run.stderr.lines().take(first_error).collect();
    assert!(
        before
            .iter()
            .all(|line| line.contains("is not cloned under")),
        "stderr starts with `error: `: {}",
        run.stderr
    );
    assert!(
        !run.stdout.contains(EVIL) && !run.stderr.contains("evil/root"),
        "content outside the repository was used: {}{}",
        run.stdout,
        run.stderr
    );
}

/// A temporary directory holding `repo/` (a git work tree on branch `pr`, one commit ahead of
/// `main`), `outside/` (valid files a followed link would reach), and the config.
struct Fixture {
    tmp: tempfile::TempDir,
    base: String,
}

impl Fixture {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path().join("repo");
        fs_err::create_dir_all(&repo).unwrap();
        git(&repo, &["init", "-q"]);
        let base = commit_file(&repo, "README.md", "hello\n", "readme");
        git(&repo, &["checkout", "-q", "-b", "pr"]);
        let outside = tmp.path().join("outside");
        fs_err::create_dir_all(outside.join("dir")).unwrap();
        let evil_in_repo = "build_root_image:\n  namespace: evil\n  name: root\n  tag: x\n";
        let evil_dockerfile = "FROM registry.ci.openshift.org/evil/root:x\n";
        fs_err::write(outside.join("in-repo.yaml"), evil_in_repo).unwrap();
        fs_err::write(outside.join("Dockerfile"), evil_dockerfile).unwrap();
        fs_err::write(outside.join("dir/.ci-operator.yaml"), evil_in_repo).unwrap();
        fs_err::write(outside.join("dir/Dockerfile"), evil_dockerfile).unwrap();
        Self { tmp, base }
    }

    fn repo(&self) -> PathBuf {
        self.tmp.path().join("repo")
    }

    fn outside(&self) -> PathBuf {
        self.tmp.path().join("outside")
    }

    fn write(&self, path: &str, content: &[u8]) {
        let file = self.repo().join(path);
        fs_err::create_dir_all(file.parent().unwrap()).unwrap();
        fs_err::write(file, content).unwrap();
    }

    /// A symlink at `path`; targets outside are written relative (`../outside/...`), so the
    /// blobs, and the SHAs in the snapshots, do not depend on the temporary directory.
    fn symlink(&self, path: &str, target: &str) {
        let link = self.repo().join(path);
        fs_err::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, link).unwrap();
    }

    /// Commits the work tree as it is on branch `pr`; returns the commit.
    fn commit(&self, message: &str) -> String {
        git(&self.repo(), &["add", "-A"]);
        git(
            &self.repo(),
            &["commit", "-q", "--allow-empty", "-m", message],
        );
        git(&self.repo(), &["rev-parse", "HEAD"])
    }

    fn config(&self, text: &str) -> PathBuf {
        let config = self.tmp.path().join("config.yaml");
        fs_err::write(&config, text).unwrap();
        config
    }

    fn render(&self, run: &Run) -> String {
        run.render(&[(self.tmp.path(), "[TMP]")])
    }

    fn resolve(&self, source: &[&str]) -> Run {
        let config = self.tmp.path().join("config.yaml");
        bounded(
            ci_operator()
                .args(["resolve", "--config", config.to_str().unwrap()])
                .args(source),
        )
    }

    /// `resolve --repo DIR`: the files on disk.
    fn on_disk(&self) -> Run {
        self.resolve(&["--repo", self.repo().to_str().unwrap()])
    }

    /// `resolve --repo DIR --rev HEAD`: the object database.
    fn at_head(&self) -> Run {
        self.resolve(&["--repo", self.repo().to_str().unwrap(), "--rev", "HEAD"])
    }

    /// A presubmit JOB_SPEC for PR #1 (the `pr` branch, at `head`) onto `main`, cloned from a
    /// `file://` bare clone.
    fn job_spec(&self, head: &str) -> String {
        let bare = self.tmp.path().join("repo.git");
        if !bare.exists() {
            git(
                self.tmp.path(),
                &[
                    "clone",
                    "-q",
                    "--bare",
                    self.repo().to_str().unwrap(),
                    "repo.git",
                ],
            );
            git(&bare, &["config", "uploadpack.allowAnySHA1InWant", "true"]);
        }
        serde_json::json!({
            "type": "presubmit",
            "job": "pull-ci-org-repo-main-unit",
            "buildid": "1",
            "refs": {
                "org": "org",
                "repo": "repo",
                "base_ref": "main",
                "base_sha": self.base,
                "pulls": [{"number": 1, "author": "mallory", "sha": head}],
                "clone_uri": format!("file://{}", bare.display()),
            }
        })
        .to_string()
    }

    /// `SUBCOMMAND --config FILE ARGS` with `JOB_SPEC` set and no Prow clone on disk.
    fn with_job_spec(&self, head: &str, subcommand: &[&str]) -> Run {
        let config = self.tmp.path().join("config.yaml");
        let no_clone = self.tmp.path().join("no-prow-clone");
        bounded(
            ci_operator()
                .args(subcommand)
                .args(["--config", config.to_str().unwrap()])
                .args(["--base-dir", no_clone.to_str().unwrap()])
                .env("JOB_SPEC", self.job_spec(head)),
        )
    }

    fn job(&self, head: &str) -> Run {
        self.with_job_spec(head, &["resolve"])
    }

    /// The runs rendered one after another for one snapshot.
    fn renders(&self, runs: &[(&str, &Run)]) -> String {
        runs.iter()
            .map(|(name, run)| format!("=== {name}\n{}", self.render(run)))
            .collect()
    }
}

#[test]
fn in_repo_file_symlink_to_etc_passwd() {
    let f = Fixture::new();
    f.config(FROM_REPOSITORY);
    f.symlink(".ci-operator.yaml", "/etc/passwd");
    let head = f.commit("link the in-repo file to the password file");
    let (disk, rev, job) = (f.on_disk(), f.at_head(), f.job(&head));
    let dry_run = f.with_job_spec(&head, &["run", "--dry-run", "--namespace", "ns"]);
    for run in [&disk, &rev, &job, &dry_run] {
        assert_refused(run, 1);
    }
    insta::assert_snapshot!(f.renders(&[("disk", &disk), ("rev", &rev), ("job", &job), ("run --dry-run", &dry_run)]), @"
    === disk
    exit: 1
    --- stdout
    --- stderr
    error: build_root: a file of the repository at the files on disk in `[TMP]/repo` was refused
      caused by: refused to read `.ci-operator.yaml`
      caused by: `.ci-operator.yaml` at the files on disk in `[TMP]/repo` is a symbolic link, which is never followed
    === rev
    exit: 1
    --- stdout
    --- stderr
    error: build_root: a file of the repository at `HEAD` (d46db29) of `[TMP]/repo` was refused
      caused by: refused to read `.ci-operator.yaml`
      caused by: `.ci-operator.yaml` at `HEAD` (d46db29) of `[TMP]/repo` is a symbolic link, which is never followed
    === job
    exit: 1
    --- stdout
    --- stderr
    org/repo is not cloned under [TMP]/no-prow-clone: fetching it from file://[TMP]/repo.git and merging #1
    error: build_root: a file of the repository at the merge of PR #1 (d46db29) onto 822004a from `file://[TMP]/repo.git` was refused
      caused by: refused to read `.ci-operator.yaml`
      caused by: `.ci-operator.yaml` at the merge of PR #1 (d46db29) onto 822004a from `file://[TMP]/repo.git` is a symbolic link, which is never followed
    === run --dry-run
    exit: 1
    --- stdout
    --- stderr
    org/repo is not cloned under [TMP]/no-prow-clone: fetching it from file://[TMP]/repo.git and merging #1
    error: build_root: a file of the repository at the merge of PR #1 (d46db29) onto 822004a from `file://[TMP]/repo.git` was refused
      caused by: refused to read `.ci-operator.yaml`
      caused by: `.ci-operator.yaml` at the merge of PR #1 (d46db29) onto 822004a from `file://[TMP]/repo.git` is a symbolic link, which is never followed
    ");
}

#[test]
fn in_repo_file_symlink_to_a_directory() {
    let f = Fixture::new();
    f.config(FROM_REPOSITORY);
    f.write("conf/.ci-operator.yaml", in_repo("1.22").as_bytes());
    f.symlink(".ci-operator.yaml", "conf");
    f.commit("link the in-repo file to a directory");
    let (disk, rev) = (f.on_disk(), f.at_head());
    assert_refused(&disk, 1);
    assert_refused(&rev, 1);
    insta::assert_snapshot!(f.renders(&[("disk", &disk), ("rev", &rev)]), @"
    === disk
    exit: 1
    --- stdout
    --- stderr
    error: build_root: a file of the repository at the files on disk in `[TMP]/repo` was refused
      caused by: refused to read `.ci-operator.yaml`
      caused by: `.ci-operator.yaml` at the files on disk in `[TMP]/repo` is a symbolic link, which is never followed
    === rev
    exit: 1
    --- stdout
    --- stderr
    error: build_root: a file of the repository at `HEAD` (2260ccb) of `[TMP]/repo` was refused
      caused by: refused to read `.ci-operator.yaml`
      caused by: `.ci-operator.yaml` at `HEAD` (2260ccb) of `[TMP]/repo` is a symbolic link, which is never followed
    ");
}

#[test]
fn in_repo_file_symlink_chain_to_a_valid_file_outside() {
    let f = Fixture::new();
    f.config(FROM_REPOSITORY);
    f.symlink("c", "../outside/in-repo.yaml");
    f.symlink("b", "c");
    f.symlink("links/a", "../b");
    f.symlink(".ci-operator.yaml", "links/a");
    let head = f.commit("a chain of links leaving the repository");
    let (disk, rev, job) = (f.on_disk(), f.at_head(), f.job(&head));
    for run in [&disk, &rev, &job] {
        assert_refused(run, 1);
    }
    insta::assert_snapshot!(f.renders(&[("disk", &disk), ("rev", &rev), ("job", &job)]), @"
    === disk
    exit: 1
    --- stdout
    --- stderr
    error: build_root: a file of the repository at the files on disk in `[TMP]/repo` was refused
      caused by: refused to read `.ci-operator.yaml`
      caused by: `.ci-operator.yaml` at the files on disk in `[TMP]/repo` is a symbolic link, which is never followed
    === rev
    exit: 1
    --- stdout
    --- stderr
    error: build_root: a file of the repository at `HEAD` (8cfd4d4) of `[TMP]/repo` was refused
      caused by: refused to read `.ci-operator.yaml`
      caused by: `.ci-operator.yaml` at `HEAD` (8cfd4d4) of `[TMP]/repo` is a symbolic link, which is never followed
    === job
    exit: 1
    --- stdout
    --- stderr
    org/repo is not cloned under [TMP]/no-prow-clone: fetching it from file://[TMP]/repo.git and merging #1
    error: build_root: a file of the repository at the merge of PR #1 (8cfd4d4) onto 822004a from `file://[TMP]/repo.git` was refused
      caused by: refused to read `.ci-operator.yaml`
      caused by: `.ci-operator.yaml` at the merge of PR #1 (8cfd4d4) onto 822004a from `file://[TMP]/repo.git` is a symbolic link, which is never followed
    ");
}

#[test]
fn dockerfile_symlink_to_a_valid_file_outside() {
    let f = Fixture::new();
    f.config(&image_config(None, None));
    f.symlink("Dockerfile", "../outside/Dockerfile");
    let head = f.commit("link the Dockerfile outside");
    let (disk, rev, job) = (f.on_disk(), f.at_head(), f.job(&head));
    for run in [&disk, &rev, &job] {
        assert_refused(run, 1);
    }
    insta::assert_snapshot!(f.renders(&[("disk", &disk), ("rev", &rev), ("job", &job)]), @"
    === disk
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at the files on disk in `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: Dockerfile: the Dockerfile was refused: refused to read `Dockerfile`: `Dockerfile` at the files on disk in `[TMP]/repo` is a symbolic link, which is never followed
    === rev
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at `HEAD` (d51f9b8) of `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: Dockerfile: the Dockerfile was refused: refused to read `Dockerfile`: `Dockerfile` at `HEAD` (d51f9b8) of `[TMP]/repo` is a symbolic link, which is never followed
    === job
    exit: 1
    --- stdout
    --- stderr
    org/repo is not cloned under [TMP]/no-prow-clone: fetching it from file://[TMP]/repo.git and merging #1
    error: build_root: `.ci-operator.yaml` does not exist at the merge of PR #1 (d51f9b8) onto 822004a from `file://[TMP]/repo.git`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: Dockerfile: the Dockerfile was refused: refused to read `Dockerfile`: `Dockerfile` at the merge of PR #1 (d51f9b8) onto 822004a from `file://[TMP]/repo.git` is a symbolic link, which is never followed
    ");
}

#[test]
fn context_dir_through_a_symlinked_directory() {
    let f = Fixture::new();
    f.config(&image_config(Some("build"), None));
    f.symlink("build", "../outside/dir");
    f.commit("link the context directory outside");
    let (disk, rev) = (f.on_disk(), f.at_head());
    assert_refused(&disk, 1);
    assert_refused(&rev, 1);
    insta::assert_snapshot!(f.renders(&[("disk", &disk), ("rev", &rev)]), @"
    === disk
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at the files on disk in `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: build/Dockerfile: the Dockerfile was refused: refused to read `build/Dockerfile`: `build` (in `build/Dockerfile`) at the files on disk in `[TMP]/repo` is a symbolic link, which is never followed
    === rev
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at `HEAD` (726bdf5) of `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: build/Dockerfile: the Dockerfile was refused: refused to read `build/Dockerfile`: `build` (in `build/Dockerfile`) at `HEAD` (726bdf5) of `[TMP]/repo` is a symbolic link, which is never followed
    ");
}

#[test]
fn dot_dot_in_dockerfile_path_and_context_dir() {
    let f = Fixture::new();
    f.commit("nothing hostile in the repository itself");
    f.config(&image_config(None, Some("../../etc/passwd")));
    let (disk, rev) = (f.on_disk(), f.at_head());
    assert_refused(&disk, 1);
    assert_refused(&rev, 1);
    // `repo/..` is the fixture directory, whose `outside/dir` holds a valid Dockerfile.
    f.config(&image_config(Some(".."), Some("outside/dir/Dockerfile")));
    let (up_disk, up_rev) = (f.on_disk(), f.at_head());
    assert_refused(&up_disk, 1);
    assert_refused(&up_rev, 1);
    insta::assert_snapshot!(f.renders(&[("disk", &disk), ("rev", &rev), ("context_dir .. disk", &up_disk), ("context_dir .. rev", &up_rev)]), @"
    === disk
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at the files on disk in `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: ../../etc/passwd: the Dockerfile was refused: refused to read `../../etc/passwd`: path `../../etc/passwd` is refused: it has a `..` component
    === rev
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at `HEAD` (840ba62) of `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: ../../etc/passwd: the Dockerfile was refused: refused to read `../../etc/passwd`: path `../../etc/passwd` is refused: it has a `..` component
    === context_dir .. disk
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at the files on disk in `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: ../outside/dir/Dockerfile: the Dockerfile was refused: refused to read `../outside/dir/Dockerfile`: path `../outside/dir/Dockerfile` is refused: it has a `..` component
    === context_dir .. rev
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at `HEAD` (840ba62) of `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: ../outside/dir/Dockerfile: the Dockerfile was refused: refused to read `../outside/dir/Dockerfile`: path `../outside/dir/Dockerfile` is refused: it has a `..` component
    ");
}

#[test]
fn absolute_context_dir_and_dockerfile_path() {
    let f = Fixture::new();
    f.commit("nothing hostile in the repository itself");
    f.config(&image_config(Some("/etc"), Some("passwd")));
    let (disk, rev) = (f.on_disk(), f.at_head());
    assert_refused(&disk, 1);
    assert_refused(&rev, 1);
    let outside = f.outside().join("Dockerfile");
    f.config(&image_config(None, Some(outside.to_str().unwrap())));
    let (abs_disk, abs_rev) = (f.on_disk(), f.at_head());
    assert_refused(&abs_disk, 1);
    assert_refused(&abs_rev, 1);
    f.config(&image_config(None, Some("/etc/passwd")));
    let passwd = f.at_head();
    assert_refused(&passwd, 1);
    insta::assert_snapshot!(f.renders(&[("context_dir /etc, disk", &disk), ("context_dir /etc, rev", &rev), ("dockerfile_path outside, disk", &abs_disk), ("dockerfile_path outside, rev", &abs_rev), ("dockerfile_path /etc/passwd, rev", &passwd)]), @"
    === context_dir /etc, disk
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at the files on disk in `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: /etc/passwd: the Dockerfile was refused: refused to read `/etc/passwd`: path `/etc/passwd` is refused: it is absolute
    === context_dir /etc, rev
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at `HEAD` (840ba62) of `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: /etc/passwd: the Dockerfile was refused: refused to read `/etc/passwd`: path `/etc/passwd` is refused: it is absolute
    === dockerfile_path outside, disk
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at the files on disk in `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: [TMP]/outside/Dockerfile: the Dockerfile was refused: refused to read `[TMP]/outside/Dockerfile`: path `[TMP]/outside/Dockerfile` is refused: it is absolute
    === dockerfile_path outside, rev
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at `HEAD` (840ba62) of `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: [TMP]/outside/Dockerfile: the Dockerfile was refused: refused to read `[TMP]/outside/Dockerfile`: path `[TMP]/outside/Dockerfile` is refused: it is absolute
    === dockerfile_path /etc/passwd, rev
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at `HEAD` (840ba62) of `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: /etc/passwd: the Dockerfile was refused: refused to read `/etc/passwd`: path `/etc/passwd` is refused: it is absolute
    ");
}

#[test]
fn submodule_at_the_dockerfile_path() {
    let f = Fixture::new();
    f.config(&image_config(None, None));
    git(
        &f.repo(),
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            "160000,0123456789abcdef0123456789abcdef01234567,Dockerfile",
        ],
    );
    git(
        &f.repo(),
        &["commit", "-q", "-m", "a gitlink at the Dockerfile"],
    );
    let head = git(&f.repo(), &["rev-parse", "HEAD"]);
    // What a clone without `--recurse-submodules` leaves at a gitlink: an empty directory.
    fs_err::create_dir_all(f.repo().join("Dockerfile")).unwrap();
    let (disk, rev, job) = (f.on_disk(), f.at_head(), f.job(&head));
    for run in [&disk, &rev, &job] {
        assert_refused(run, 1);
    }
    assert!(rev.stderr.contains("is a submodule"), "{}", rev.stderr);
    assert!(job.stderr.contains("is a submodule"), "{}", job.stderr);
    insta::assert_snapshot!(f.renders(&[("disk", &disk), ("rev", &rev), ("job", &job)]), @"
    === disk
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at the files on disk in `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: Dockerfile: the Dockerfile was refused: refused to read `Dockerfile`: `Dockerfile` at the files on disk in `[TMP]/repo` is a directory, not a file
    === rev
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at `HEAD` (540a431) of `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: Dockerfile: the Dockerfile was refused: refused to read `Dockerfile`: `Dockerfile` at `HEAD` (540a431) of `[TMP]/repo` is a submodule, whose files are not part of this repository
    === job
    exit: 1
    --- stdout
    --- stderr
    org/repo is not cloned under [TMP]/no-prow-clone: fetching it from file://[TMP]/repo.git and merging #1
    error: build_root: `.ci-operator.yaml` does not exist at the merge of PR #1 (540a431) onto 822004a from `file://[TMP]/repo.git`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: Dockerfile: the Dockerfile was refused: refused to read `Dockerfile`: `Dockerfile` at the merge of PR #1 (540a431) onto 822004a from `file://[TMP]/repo.git` is a submodule, whose files are not part of this repository
    ");
}

/// A submodule checked out in the work tree holds another repository's files: reading them from
/// disk must be refused as the object database refuses the gitlink.
#[test]
fn checked_out_submodule_is_refused_on_disk_too() {
    let f = Fixture::new();
    let other = f.tmp.path().join("other");
    fs_err::create_dir_all(&other).unwrap();
    git(&other, &["init", "-q"]);
    commit_file(
        &other,
        "Dockerfile",
        "FROM registry.ci.openshift.org/evil/root:x\n",
        "another repository's Dockerfile",
    );
    // A relative URL keeps temporary paths out of `.gitmodules`, so the SHAs stay the same.
    git(&f.repo(), &["submodule", "add", "-q", "../other", "sub"]);
    f.commit("add a submodule");
    assert!(f.repo().join("sub/Dockerfile").is_file());
    f.config(&image_config(Some("sub"), None));
    let (disk, rev) = (f.on_disk(), f.at_head());
    assert_refused(&rev, 1);
    insta::assert_snapshot!(f.render(&rev), @"
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at `HEAD` (5846326) of `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: sub/Dockerfile: the Dockerfile was refused: refused to read `sub/Dockerfile`: `sub` (in `sub/Dockerfile`) at `HEAD` (5846326) of `[TMP]/repo` is a submodule, whose files are not part of this repository
    ");
    assert_refused(&disk, 1);
    assert!(
        disk.stderr.contains("`sub` (in `sub/Dockerfile`)") && disk.stderr.contains("submodule"),
        "names the submodule: {}",
        disk.stderr
    );
}

#[test]
fn huge_dockerfile() {
    let f = Fixture::new();
    f.config(&image_config(None, None));
    let mut dockerfile = b"FROM registry.ci.openshift.org/evil/root:x\n".to_vec();
    dockerfile.resize(6 << 20, b'#');
    f.write("Dockerfile", &dockerfile);
    let head = f.commit("a 6 MiB Dockerfile");
    let (disk, rev, job) = (f.on_disk(), f.at_head(), f.job(&head));
    for run in [&disk, &rev, &job] {
        assert_refused(run, 1);
    }
    insta::assert_snapshot!(f.renders(&[("disk", &disk), ("rev", &rev), ("job", &job)]), @"
    === disk
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at the files on disk in `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: Dockerfile: the Dockerfile was refused: refused to read `Dockerfile`: `Dockerfile` at the files on disk in `[TMP]/repo` is 6291456 bytes, over the limit of 4194304 bytes
    === rev
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at `HEAD` (2a9f3ae) of `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: Dockerfile: the Dockerfile was refused: refused to read `Dockerfile`: `Dockerfile` at `HEAD` (2a9f3ae) of `[TMP]/repo` is 6291456 bytes, over the limit of 4194304 bytes
    === job
    exit: 1
    --- stdout
    --- stderr
    org/repo is not cloned under [TMP]/no-prow-clone: fetching it from file://[TMP]/repo.git and merging #1
    error: build_root: `.ci-operator.yaml` does not exist at the merge of PR #1 (2a9f3ae) onto 822004a from `file://[TMP]/repo.git`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: Dockerfile: the Dockerfile was refused: refused to read `Dockerfile`: `Dockerfile` at the merge of PR #1 (2a9f3ae) onto 822004a from `file://[TMP]/repo.git` is 6291456 bytes, over the limit of 4194304 bytes
    ");
}

#[test]
fn huge_in_repo_file() {
    let f = Fixture::new();
    f.config(FROM_REPOSITORY);
    let mut file = b"build_root_image:\n  namespace: evil\n  name: root\n  tag: x\n#".to_vec();
    file.resize(2 << 20, b'x');
    f.write(".ci-operator.yaml", &file);
    let head = f.commit("a 2 MiB in-repo file");
    let (disk, rev, job) = (f.on_disk(), f.at_head(), f.job(&head));
    for run in [&disk, &rev, &job] {
        assert_refused(run, 1);
    }
    insta::assert_snapshot!(f.renders(&[("disk", &disk), ("rev", &rev), ("job", &job)]), @"
    === disk
    exit: 1
    --- stdout
    --- stderr
    error: build_root: a file of the repository at the files on disk in `[TMP]/repo` was refused
      caused by: refused to read `.ci-operator.yaml`
      caused by: `.ci-operator.yaml` at the files on disk in `[TMP]/repo` is 2097152 bytes, over the limit of 1048576 bytes
    === rev
    exit: 1
    --- stdout
    --- stderr
    error: build_root: a file of the repository at `HEAD` (9b9ed64) of `[TMP]/repo` was refused
      caused by: refused to read `.ci-operator.yaml`
      caused by: `.ci-operator.yaml` at `HEAD` (9b9ed64) of `[TMP]/repo` is 2097152 bytes, over the limit of 1048576 bytes
    === job
    exit: 1
    --- stdout
    --- stderr
    org/repo is not cloned under [TMP]/no-prow-clone: fetching it from file://[TMP]/repo.git and merging #1
    error: build_root: a file of the repository at the merge of PR #1 (9b9ed64) onto 822004a from `file://[TMP]/repo.git` was refused
      caused by: refused to read `.ci-operator.yaml`
      caused by: `.ci-operator.yaml` at the merge of PR #1 (9b9ed64) onto 822004a from `file://[TMP]/repo.git` is 2097152 bytes, over the limit of 1048576 bytes
    ");
}

/// 100 000 stages, each built on the one before; the final stage copies from the last, so the
/// resolver follows all of them back to the first stage's base.
#[test]
fn dockerfile_of_100_000_stages() {
    let f = Fixture::new();
    f.config(&image_config(None, None));
    let mut dockerfile = String::from("FROM registry.ci.openshift.org/ocp/builder:x AS s0\n");
    for stage in 1..100_000 {
        dockerfile.push_str(&format!("FROM s{} AS s{stage}\n", stage - 1));
    }
    dockerfile.push_str("FROM scratch\nCOPY --from=s99999 /bin/app /bin/app\n");
    f.write("Dockerfile", dockerfile.as_bytes());
    f.commit("100 000 stages");
    let (disk, rev) = (f.on_disk(), f.at_head());
    for run in [&disk, &rev] {
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    insta::assert_snapshot!(f.renders(&[("disk", &disk), ("rev", &rev)]), @"
    === disk
    exit: 0
    --- stdout
    pipeline:root <- ocp/builder:x
      strategy: dockerfile
      inferred by convention from the promoted Dockerfiles at the files on disk in `[TMP]/repo` (no `.ci-operator.yaml`)
      image `app`: Dockerfile
        stage 99999 `s99999` (the first stage the final stage copies from), built on stage 0
        line 1, column 6: FROM registry.ci.openshift.org/ocp/builder:x
        -> ocp/builder:x
    --- stderr
    note: the repository chose the build root ocp/builder:x (Dockerfile); any namespace is allowed: set --allowed-root-namespaces to limit it
    === rev
    exit: 0
    --- stdout
    pipeline:root <- ocp/builder:x
      strategy: dockerfile
      inferred by convention from the promoted Dockerfiles at `HEAD` (13f8725) of `[TMP]/repo` (no `.ci-operator.yaml`)
      image `app`: Dockerfile
        stage 99999 `s99999` (the first stage the final stage copies from), built on stage 0
        line 1, column 6: FROM registry.ci.openshift.org/ocp/builder:x
        -> ocp/builder:x
    --- stderr
    note: the repository chose the build root ocp/builder:x (Dockerfile); any namespace is allowed: set --allowed-root-namespaces to limit it
    ");
}

#[test]
fn exponential_arg_expansion() {
    let f = Fixture::new();
    f.config(&image_config(None, None));
    let mut dockerfile = String::from("ARG A0=x\n");
    for level in 1..40 {
        let previous = level - 1;
        dockerfile.push_str(&format!("ARG A{level}=$A{previous}$A{previous}\n"));
    }
    dockerfile.push_str("FROM registry.ci.openshift.org/ocp/builder:${A39}\n");
    f.write("Dockerfile", dockerfile.as_bytes());
    let head = f.commit("2^39 bytes of tag");
    let (disk, rev, job) = (f.on_disk(), f.at_head(), f.job(&head));
    for run in [&disk, &rev, &job] {
        assert_refused(run, 1);
    }
    insta::assert_snapshot!(f.renders(&[("disk", &disk), ("rev", &rev), ("job", &job)]), @"
    === disk
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at the files on disk in `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: Dockerfile:41:6: `registry.ci.openshift.org/ocp/builder:${A39}`: the expansion is longer than 4096 bytes: give the ARG a default or a `build_args` entry, or add an `inputs.<alias>.as` replacement for `registry.ci.openshift.org/ocp/builder:${A39}` and a `base_images.<alias>` entry
      --> Dockerfile:41:6
       |
    41 | FROM registry.ci.openshift.org/ocp/builder:${A39}
       |      ^
    === rev
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at `HEAD` (7f372d4) of `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: Dockerfile:41:6: `registry.ci.openshift.org/ocp/builder:${A39}`: the expansion is longer than 4096 bytes: give the ARG a default or a `build_args` entry, or add an `inputs.<alias>.as` replacement for `registry.ci.openshift.org/ocp/builder:${A39}` and a `base_images.<alias>` entry
      --> Dockerfile:41:6
       |
    41 | FROM registry.ci.openshift.org/ocp/builder:${A39}
       |      ^
    === job
    exit: 1
    --- stdout
    --- stderr
    org/repo is not cloned under [TMP]/no-prow-clone: fetching it from file://[TMP]/repo.git and merging #1
    error: build_root: `.ci-operator.yaml` does not exist at the merge of PR #1 (7f372d4) onto 822004a from `file://[TMP]/repo.git`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: Dockerfile:41:6: `registry.ci.openshift.org/ocp/builder:${A39}`: the expansion is longer than 4096 bytes: give the ARG a default or a `build_args` entry, or add an `inputs.<alias>.as` replacement for `registry.ci.openshift.org/ocp/builder:${A39}` and a `base_images.<alias>` entry
      --> Dockerfile:41:6
       |
    41 | FROM registry.ci.openshift.org/ocp/builder:${A39}
       |      ^
    ");
}

#[test]
fn in_repo_file_is_a_directory() {
    let f = Fixture::new();
    f.config(FROM_REPOSITORY);
    f.write(
        ".ci-operator.yaml/build_root_image",
        in_repo("1.22").as_bytes(),
    );
    let head = f.commit("a directory named like the in-repo file");
    let (disk, rev, job) = (f.on_disk(), f.at_head(), f.job(&head));
    for run in [&disk, &rev, &job] {
        assert_refused(run, 1);
    }
    insta::assert_snapshot!(f.renders(&[("disk", &disk), ("rev", &rev), ("job", &job)]), @"
    === disk
    exit: 1
    --- stdout
    --- stderr
    error: build_root: a file of the repository at the files on disk in `[TMP]/repo` was refused
      caused by: refused to read `.ci-operator.yaml`
      caused by: `.ci-operator.yaml` at the files on disk in `[TMP]/repo` is a directory, not a file
    === rev
    exit: 1
    --- stdout
    --- stderr
    error: build_root: a file of the repository at `HEAD` (4edcdbc) of `[TMP]/repo` was refused
      caused by: refused to read `.ci-operator.yaml`
      caused by: `.ci-operator.yaml` at `HEAD` (4edcdbc) of `[TMP]/repo` is a directory, not a file
    === job
    exit: 1
    --- stdout
    --- stderr
    org/repo is not cloned under [TMP]/no-prow-clone: fetching it from file://[TMP]/repo.git and merging #1
    error: build_root: a file of the repository at the merge of PR #1 (4edcdbc) onto 822004a from `file://[TMP]/repo.git` was refused
      caused by: refused to read `.ci-operator.yaml`
      caused by: `.ci-operator.yaml` at the merge of PR #1 (4edcdbc) onto 822004a from `file://[TMP]/repo.git` is a directory, not a file
    ");
}

#[test]
fn alias_bomb_and_deep_nesting_in_the_in_repo_file() {
    let f = Fixture::new();
    f.config(FROM_REPOSITORY);
    // 9^10 strings once the aliases are expanded, in 700 bytes.
    let mut bomb = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        let items = [previous.as_str(); 9].join(", ");
        bomb.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    bomb.push_str(&in_repo("1.22"));
    bomb.push_str("  extra: *a9\n");
    f.write(".ci-operator.yaml", bomb.as_bytes());
    let head = f.commit("an alias bomb");
    let (disk, rev, job) = (f.on_disk(), f.at_head(), f.job(&head));
    for run in [&disk, &rev, &job] {
        assert_refused(run, 1);
    }
    let nested = format!(
        "{}extra: {}{}\n",
        in_repo("1.22"),
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    f.write(".ci-operator.yaml", nested.as_bytes());
    f.commit("100 000 nested sequences");
    let (deep_disk, deep_rev) = (f.on_disk(), f.at_head());
    assert_refused(&deep_disk, 1);
    assert_refused(&deep_rev, 1);
    insta::assert_snapshot!(f.renders(&[("disk", &disk), ("rev", &rev), ("job", &job), ("nested, disk", &deep_disk), ("nested, rev", &deep_rev)]), @"
    === disk
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` at the files on disk in `[TMP]/repo` is not a valid in-repo file
      caused by: invalid .ci-operator.yaml
      caused by: the document is too large or too deeply nested (more than 250000 nodes, counting aliases): remove aliases that repeat large parts, or deep nesting
    === rev
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` at `HEAD` (dce861a) of `[TMP]/repo` is not a valid in-repo file
      caused by: invalid .ci-operator.yaml
      caused by: the document is too large or too deeply nested (more than 250000 nodes, counting aliases): remove aliases that repeat large parts, or deep nesting
    === job
    exit: 1
    --- stdout
    --- stderr
    org/repo is not cloned under [TMP]/no-prow-clone: fetching it from file://[TMP]/repo.git and merging #1
    error: build_root: `.ci-operator.yaml` at the merge of PR #1 (dce861a) onto 822004a from `file://[TMP]/repo.git` is not a valid in-repo file
      caused by: invalid .ci-operator.yaml
      caused by: the document is too large or too deeply nested (more than 250000 nodes, counting aliases): remove aliases that repeat large parts, or deep nesting
    === nested, disk
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` at the files on disk in `[TMP]/repo` is not a valid in-repo file
      caused by: invalid .ci-operator.yaml
      caused by: the document is too large or too deeply nested (nesting deeper than 64 levels): remove aliases that repeat large parts, or deep nesting
    === nested, rev
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` at `HEAD` (3156cd0) of `[TMP]/repo` is not a valid in-repo file
      caused by: invalid .ci-operator.yaml
      caused by: the document is too large or too deeply nested (nesting deeper than 64 levels): remove aliases that repeat large parts, or deep nesting
    ");
}

/// Files git cannot hold but a work tree can: a FIFO (opening it would block forever) as the
/// in-repo file, and a Dockerfile linked to a FIFO outside.
#[test]
fn fifos_in_the_work_tree() {
    let f = Fixture::new();
    f.commit("nothing hostile in git");
    let status = Command::new("mkfifo")
        .arg(f.repo().join(".ci-operator.yaml"))
        .arg(f.outside().join("fifo"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    f.symlink("Dockerfile", "../outside/fifo");
    f.config(FROM_REPOSITORY);
    let in_repo_fifo = f.on_disk();
    assert_refused(&in_repo_fifo, 1);
    fs_err::remove_file(f.repo().join(".ci-operator.yaml")).unwrap();
    f.config(&image_config(None, None));
    let linked_fifo = f.on_disk();
    assert_refused(&linked_fifo, 1);
    insta::assert_snapshot!(f.renders(&[("fifo in-repo file", &in_repo_fifo), ("Dockerfile linked to a fifo", &linked_fifo)]), @"
    === fifo in-repo file
    exit: 1
    --- stdout
    --- stderr
    error: build_root: a file of the repository at the files on disk in `[TMP]/repo` was refused
      caused by: refused to read `.ci-operator.yaml`
      caused by: `.ci-operator.yaml` at the files on disk in `[TMP]/repo` is not a regular file
    === Dockerfile linked to a fifo
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at the files on disk in `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: Dockerfile: the Dockerfile was refused: refused to read `Dockerfile`: `Dockerfile` at the files on disk in `[TMP]/repo` is a symbolic link, which is never followed
    ");
}

/// `init --write` never writes through a symlink to a file outside the repository.
#[test]
fn init_never_writes_through_a_symlink() {
    let f = Fixture::new();
    f.symlink(".ci-operator.yaml", "../outside/in-repo.yaml");
    let config = f.config(
        "build_root:\n  image_stream_tag:\n    namespace: openshift\n    name: release\n    tag: golang-1.22\n",
    );
    let run = bounded(ci_operator().args([
        "init",
        "--write",
        "--config",
        config.to_str().unwrap(),
        "--repo",
        f.repo().to_str().unwrap(),
    ]));
    assert_refused(&run, 1);
    assert_eq!(
        fs_err::read_to_string(f.outside().join("in-repo.yaml")).unwrap(),
        "build_root_image:\n  namespace: evil\n  name: root\n  tag: x\n",
        "the file outside is untouched"
    );
    insta::assert_snapshot!(f.render(&run), @"
    exit: 1
    --- stdout
    --- stderr
    error: [TMP]/repo/.ci-operator.yaml exists and is not a regular file; remove it first
    ");
}

// Secrets.

const KUBE_TOKEN: &str = "s3cr3t-kube-token";
const CLONE_TOKEN: &str = "s3cr3t-token";

/// A port on 127.0.0.1 that nothing listens on: bound, read, closed.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A kubeconfig for `server` with the bearer token.
fn kubeconfig(dir: &Path, server: &str) -> PathBuf {
    let path = dir.join("kubeconfig");
    fs_err::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: {KUBE_TOKEN}\ncontexts:\n- name: x\n  context: {{cluster: c, user: u, namespace: ns}}\ncurrent-context: x\n"
        ),
    )
    .unwrap();
    path
}

fn tag(kubeconfig: &Path, flags: &[&str]) -> Run {
    bounded(
        ci_operator()
            .args([
                "tag",
                "--namespace",
                "ns",
                "--root",
                "openshift/release:golang-1.22",
            ])
            .args([
                "--kubeconfig",
                kubeconfig.to_str().unwrap(),
                "--timeout",
                "3s",
            ])
            .args(flags),
    )
}

fn assert_no_secret(run: &Run, secret: &str) {
    assert!(
        !run.stdout.contains(secret) && !run.stderr.contains(secret),
        "the secret was printed:\n{}{}",
        run.stdout,
        run.stderr
    );
}

/// The `error: ` line and its causes, without the logs before it.
fn error_block(run: &Run) -> String {
    let start = run.stderr.find("error: ").unwrap_or(0);
    format!("exit: {}\n{}", run.code, &run.stderr[start..])
}

#[test]
fn kubeconfig_token_never_printed_when_the_cluster_is_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = kubeconfig(dir.path(), &format!("https://127.0.0.1:{}", closed_port()));
    let verbose = tag(&kubeconfig, &["-v"]);
    let debug = tag(&kubeconfig, &["-vv"]);
    let trace = tag(&kubeconfig, &["-vvv"]);
    for run in [&verbose, &debug, &trace] {
        assert_no_secret(run, KUBE_TOKEN);
        assert_eq!(run.code, 4, "{}", run.stderr);
    }
    let dry_run = tag(&kubeconfig, &["--dry-run", "-vv"]);
    assert_no_secret(&dry_run, KUBE_TOKEN);
    assert_eq!(dry_run.code, 0, "{}", dry_run.stderr);
    insta::with_settings!({filters => vec![
        (r"deadline of \d+ms", "deadline of [MS]"),
        (r"imagestreamtag \S+ in namespace \S+ \(\d+ attempts\)", "imagestreamtag [OBJECT] ([N] attempts)"),
    ]}, {
        insta::assert_snapshot!(error_block(&verbose), @"
        exit: 4
        error: deadline of [MS] passed while trying to get imagestreamtag [OBJECT] ([N] attempts)
          caused by: the connection failed
          caused by: ServiceError: client error (Connect)
          caused by: tcp connect error
          caused by: Connection refused (os error 111)
        ");
    });
}

/// A server that answers every request 401 and keeps the requests it saw.
fn rejecting_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut head = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            while reader.read_line(&mut head).is_ok_and(|n| n > 2) {}
            log.lock().unwrap().push(head);
            let body = r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (url, seen)
}

#[test]
fn kubeconfig_token_never_printed_when_the_cluster_rejects_it() {
    let dir = tempfile::tempdir().unwrap();
    let (url, seen) = rejecting_server();
    let kubeconfig = kubeconfig(dir.path(), &url);
    let trace = tag(&kubeconfig, &["-vvv"]);
    assert_no_secret(&trace, KUBE_TOKEN);
    assert_eq!(trace.code, 4, "{}", trace.stderr);
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .any(|request| request.contains(&format!("Bearer {KUBE_TOKEN}"))),
        "the token was sent, so it was there to leak"
    );
    insta::with_settings!({filters => vec![
        (r"imagestreamtag \S+ in namespace [a-z]+", "imagestreamtag [OBJECT]"),
    ]}, {
        insta::assert_snapshot!(error_block(&trace), @"
        exit: 4
        error: unauthorized: cannot get imagestreamtag [OBJECT]: the credentials were rejected
          caused by: Unauthorized
        ");
    });
}

/// A kubeconfig that does not parse: the error may point at the line, but never show the token.
#[test]
fn malformed_kubeconfig_never_echoes_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    fs_err::write(
        &kubeconfig,
        format!("users:\n- name: u\n  user:\n    token: {KUBE_TOKEN}\n  extra: [\n"),
    )
    .unwrap();
    let run = tag(&kubeconfig, &[]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert_no_secret(&run, KUBE_TOKEN);
    let scalar_user = dir.path().join("kubeconfig-scalar");
    fs_err::write(
        &scalar_user,
        format!("users:\n- name: u\n  user: {KUBE_TOKEN}\n"),
    )
    .unwrap();
    let run = tag(&scalar_user, &[]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_no_secret(&run, KUBE_TOKEN);
}

#[test]
fn clone_uri_credentials_never_printed() {
    let f = Fixture::new();
    f.config(FROM_REPOSITORY);
    let head = f.commit("nothing");
    let port = closed_port();
    for uri in [
        format!("http://user:{CLONE_TOKEN}@127.0.0.1:{port}/r.git"),
        format!("https://user:{CLONE_TOKEN}@127.0.0.1:{port}/r.git"),
        format!("https://{CLONE_TOKEN}@127.0.0.1:{port}/r.git"),
    ] {
        let spec = serde_json::json!({
            "type": "presubmit",
            "job": "pull-ci-org-repo-main-unit",
            "buildid": "1",
            "refs": {
                "org": "org", "repo": "repo", "base_ref": "main", "base_sha": f.base,
                "pulls": [{"number": 1, "author": "a", "sha": head}],
                "clone_uri": uri,
            }
        })
        .to_string();
        let config = f.tmp.path().join("config.yaml");
        let no_clone = f.tmp.path().join("no-prow-clone");
        for subcommand in [&["resolve"][..], &["run", "--dry-run", "--namespace", "ns"]] {
            let run = bounded(
                ci_operator()
                    .args(subcommand)
                    .args([
                        "-vv",
                        "--timeout",
                        "4s",
                        "--config",
                        config.to_str().unwrap(),
                    ])
                    .args(["--base-dir", no_clone.to_str().unwrap()])
                    .env("JOB_SPEC", &spec),
            );
            assert_no_secret(&run, CLONE_TOKEN);
            assert_eq!(run.code, 3, "{uri}: {}", run.stderr);
        }
        let repo = bounded(ci_operator().args([
            "resolve",
            "-vv",
            "--timeout",
            "4s",
            "--config",
            config.to_str().unwrap(),
            "--repo",
            &uri,
            "--rev",
            "main",
        ]));
        assert_no_secret(&repo, CLONE_TOKEN);
        assert_eq!(repo.code, 3, "{uri}: {}", repo.stderr);
    }
    let spec = serde_json::json!({
        "type": "presubmit", "job": "j", "buildid": "1",
        "refs": {
            "org": "org", "repo": "repo", "base_ref": "main", "base_sha": f.base,
            "pulls": [{"number": 1, "author": "a", "sha": head}],
            "clone_uri": format!("http://user:{CLONE_TOKEN}@127.0.0.1:{port}/r.git"),
        }
    })
    .to_string();
    let quiet = bounded(
        ci_operator()
            .args(["resolve", "--timeout", "4s", "--config"])
            .arg(f.tmp.path().join("config.yaml"))
            .arg("--base-dir")
            .arg(f.tmp.path().join("no-prow-clone"))
            .env("JOB_SPEC", spec),
    );
    insta::assert_snapshot!(f.render(&quiet).replace(&port.to_string(), "[PORT]"), @"
    exit: 3
    --- stdout
    --- stderr
    org/repo is not cloned under [TMP]/no-prow-clone: fetching it from http://***@127.0.0.1:[PORT]/r.git and merging #1
    error: build_root: cannot read the repository at its source (--repo, --rev or the job's refs)
      caused by: could not read `the job's tested repository`
      caused by: fetching from `http://***@127.0.0.1:[PORT]/r.git` failed
      caused by: Transport handshake failed
      caused by: The transport layer refuses to use a given identity: Will not send credentials in clear text over http
    ");
}
