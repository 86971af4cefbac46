//! Benchmark: reading `.ci-operator.yaml` at a PR's merged revision from a large remote.
//!
//! Builds (once, cached under the target directory) a repository with 20 000 files, about 60 MB
//! of incompressible blobs and 1 000 commits, whose PR forks 200 commits behind the base; serves
//! it over HTTP with `git http-backend`; and measures, in one run, the wall time and the bytes the
//! server sent for:
//! - ours: `Snapshot::fetch_merged_for` naming `.ci-operator.yaml` (a partial fetch: commits
//!   without trees to find the merge base, the root trees, the blob; merge in memory, reading
//!   only the trees both sides changed) and one read; also without naming the path (the read
//!   then fetches its blob on a connection of its own);
//! - `git clone` (full) + fetch the PR + `git merge --no-ff`;
//! - Prow's path: `git clone --filter=blob:none --no-checkout` + sparse checkout of
//!   `.ci-operator.yaml` + checkout + fetch the PR + `git merge --no-ff`.
//!
//! - the least a client must fetch: the objects this merge and read need (see `least_needed`),
//!   as the smallest pack git makes of exactly them.
//!
//! Prints one `BENCH {...}` JSON line per metric and baseline on stdout.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    reason = "a benchmark reports on stdout and stops on failure"
)]

use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use repo_source::{FetchOptions, FetchSpec, PullRef, Snapshot};
use testkit::git::http::GitHttpServer;
use testkit::git::{EPOCH, FastImport, git, git_command, merge_like_prow};

const FILES: usize = 20_000;
const FILE_SIZE: usize = 3_000;
const COMMITS: usize = 1_000;
const FILES_PER_COMMIT: usize = 5;
const PR_FORK_BEHIND: usize = 200;
/// Bump when the generator changes, so the cached repository is rebuilt.
const GENERATION: &str = "v2";

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this binary without it, and
    // building a 60 MB repository there would only slow the tests down.
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("repo-source-bench");
    let origin = root.join("origin.git");
    let (base, pr) = generate(&root, &origin);
    let server = GitHttpServer::start(&root);
    let url = server.url("origin.git");

    // Ours, as the CLI should call it: the paths it will read named up front.
    let scratch = tempfile::tempdir().unwrap();
    let spec = FetchSpec {
        url: url.clone(),
        base: base.clone(),
        pulls: vec![PullRef {
            number: 1,
            sha: pr.clone(),
        }],
    };
    let options = FetchOptions {
        deadline: Some(Instant::now() + Duration::from_secs(600)),
        progress: false,
        scratch_parent: Some(scratch.path().to_owned()),
    };
    server.reset_counters();
    let started = Instant::now();
    let snapshot = Snapshot::fetch_merged_for(&spec, &options, &[".ci-operator.yaml"]).unwrap();
    let content = snapshot
        .read(".ci-operator.yaml", 1 << 20)
        .unwrap()
        .unwrap();
    let ours = (started.elapsed().as_secs_f64(), server.bytes_sent());
    let our_requests = server.requests();
    assert!(String::from_utf8_lossy(&content).contains("golang-1.22"));
    let our_tree = snapshot.revision().tree().unwrap().to_owned();
    drop(snapshot);

    // Ours without naming the path: the read fetches its blob on a connection of its own.
    server.reset_counters();
    let started = Instant::now();
    let snapshot = Snapshot::fetch_merged(&spec, &options).unwrap();
    let content = snapshot
        .read(".ci-operator.yaml", 1 << 20)
        .unwrap()
        .unwrap();
    let unhinted = (started.elapsed().as_secs_f64(), server.bytes_sent());
    assert!(String::from_utf8_lossy(&content).contains("golang-1.22"));
    assert_eq!(snapshot.revision().tree(), Some(our_tree.as_str()));
    drop(snapshot);

    // The least a client must fetch: the objects this merge and read need, in the smallest pack
    // git makes of exactly them.
    let (least_objects, least) = least_needed(&origin, &base, &pr, ".ci-operator.yaml");
    eprintln!(
        "ours: {} bytes in {our_requests} HTTP requests; without the path named: {} bytes; \
         the objects the merge and the read need: {least_objects}, {least} bytes as one pack",
        ours.1, unhinted.1
    );

    let (full, prow) = git_baselines(&server, &base, &pr, &our_tree);

    report(
        "read_merged_ci_operator_yaml_bytes",
        ours.1 as f64,
        "bytes",
        "least_needed_objects_as_one_pack",
        least as f64,
    );
    report(
        "read_merged_ci_operator_yaml_bytes_path_not_named",
        unhinted.1 as f64,
        "bytes",
        "prow_blobless_sparse_and_merge",
        prow.1 as f64,
    );
    report(
        "read_merged_ci_operator_yaml_wall_path_not_named",
        unhinted.0,
        "s",
        "prow_blobless_sparse_and_merge",
        prow.0,
    );
    for (baseline, figures) in [
        ("git_clone_full_and_merge", full),
        ("prow_blobless_sparse_and_merge", prow),
    ] {
        report(
            "read_merged_ci_operator_yaml_wall",
            ours.0,
            "s",
            baseline,
            figures.0,
        );
        report(
            "read_merged_ci_operator_yaml_bytes",
            ours.1 as f64,
            "bytes",
            baseline,
            figures.1 as f64,
        );
    }
}

/// The objects merging `pr` onto `base` and reading `path` need, and the size of the pack
/// `git pack-objects` makes of exactly them without deltas (a client that has nothing can use no
/// delta base): the commits of the PR that `base` lacks, the base, the PR head and the merge
/// base; the root trees of those three and, below, the trees that both sides changed (the only
/// ones a three-way merge must read); the blobs both sides changed; the blob read.
fn least_needed(origin: &Path, base: &str, pr: &str, path: &str) -> (usize, usize) {
    let merge_base = git(origin, &["merge-base", base, pr]);
    let mut objects: Vec<String> = git(origin, &["rev-list", pr, &format!("^{base}")])
        .lines()
        .map(str::to_owned)
        .collect();
    objects.extend([base.to_owned(), pr.to_owned(), merge_base.clone()]);
    let tree = |commit: &str| git(origin, &["rev-parse", &format!("{commit}^{{tree}}")]);
    let mut levels = vec![[tree(&merge_base), tree(base), tree(pr)]];
    while let Some(trees) = levels.pop() {
        objects.extend(trees.iter().cloned());
        let entries: Vec<std::collections::BTreeMap<String, (String, String)>> = trees
            .iter()
            .map(|tree| {
                git(origin, &["ls-tree", tree])
                    .lines()
                    .map(|line| {
                        let (meta, name) = line.split_once('\t').unwrap();
                        let fields: Vec<&str> = meta.split(' ').collect();
                        (
                            name.to_owned(),
                            (fields[1].to_owned(), fields[2].to_owned()),
                        )
                    })
                    .collect()
            })
            .collect();
        for (name, (kind, id)) in &entries[0] {
            let [Some(ours), Some(theirs)] = [entries[1].get(name), entries[2].get(name)] else {
                continue;
            };
            if ours.1 != *id && theirs.1 != *id && ours.1 != theirs.1 {
                if kind == "tree" {
                    levels.push([id.clone(), ours.1.clone(), theirs.1.clone()]);
                } else {
                    objects.extend([id.clone(), ours.1.clone(), theirs.1.clone()]);
                }
            }
        }
    }
    // The blob read, from Prow's own merge (the full clone's `HEAD` is it).
    objects.push(git(origin, &["rev-parse", &format!("{pr}:{path}")]));
    objects.sort();
    objects.dedup();
    let mut child = git_command(origin)
        .args(["pack-objects", "--stdout", "--window=0", "--depth=0", "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{}\n", objects.join("\n")).as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    (objects.len(), output.stdout.len())
}

fn report(name: &str, value: f64, unit: &str, baseline_name: &str, baseline_value: f64) {
    println!(
        "BENCH {{\"bench\":\"fetch\",\"name\":\"{name}\",\"value\":{value},\"unit\":\"{unit}\",\"baseline_name\":\"{baseline_name}\",\"baseline_value\":{baseline_value},\"ratio\":{}}}",
        value / baseline_value
    );
}

/// Wall time and bytes sent of the two `git` baselines: `git clone` (full) then Prow's merge,
/// and Prow's path (blobless, sparse) then its merge; each must merge to `our_tree`.
fn git_baselines(
    server: &GitHttpServer,
    base: &str,
    pr: &str,
    our_tree: &str,
) -> ((f64, u64), (f64, u64)) {
    let url = server.url("origin.git");
    let dir = tempfile::tempdir().unwrap();
    server.reset_counters();
    let started = Instant::now();
    git(dir.path(), &["clone", "-q", "--no-checkout", &url, "full"]);
    let full_dir = dir.path().join("full");
    let tree = prow_merge(&full_dir, base, pr);
    let content = fs_err::read_to_string(full_dir.join(".ci-operator.yaml")).unwrap();
    let full = (started.elapsed().as_secs_f64(), server.bytes_sent());
    assert!(content.contains("golang-1.22"));
    assert_eq!(tree, our_tree, "the full clone's merge differs from ours");

    // Prow's path: blobless, sparse.
    server.reset_counters();
    let started = Instant::now();
    git(
        dir.path(),
        &[
            "clone",
            "-q",
            "--filter=blob:none",
            "--no-checkout",
            &url,
            "prow",
        ],
    );
    let prow_dir = dir.path().join("prow");
    git(
        &prow_dir,
        &["sparse-checkout", "set", "--no-cone", ".ci-operator.yaml"],
    );
    let tree = prow_merge(&prow_dir, base, pr);
    let content = fs_err::read_to_string(prow_dir.join(".ci-operator.yaml")).unwrap();
    let prow = (started.elapsed().as_secs_f64(), server.bytes_sent());
    assert!(content.contains("golang-1.22"));
    assert_eq!(tree, our_tree, "Prow's merge differs from ours");
    (full, prow)
}

/// Prow's clone step after cloning: fetch the PR head, check out the base, merge it.
fn prow_merge(clone: &Path, base: &str, pr: &str) -> String {
    git(clone, &["fetch", "-q", "origin", pr]);
    merge_like_prow(clone, base, &[pr])
}

/// A deterministic, fast generator of incompressible bytes (xorshift64*).
struct Random(u64);

impl Random {
    fn fill(&mut self, buffer: &mut [u8]) {
        for chunk in buffer.chunks_mut(8) {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            let value = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes();
            chunk.copy_from_slice(&value[..chunk.len()]);
        }
    }

    fn below(&mut self, bound: usize) -> usize {
        let mut bytes = [0; 8];
        self.fill(&mut bytes);
        (u64::from_le_bytes(bytes) % bound as u64) as usize
    }
}

fn file_path(index: usize) -> String {
    format!("src/dir{:03}/file{:03}.bin", index / 100, index % 100)
}

/// Builds the repository unless the cache has it; returns the base and PR head SHAs.
fn generate(root: &Path, origin: &Path) -> (String, String) {
    let marker = root.join("generation");
    if fs_err::read_to_string(&marker).ok().as_deref() == Some(GENERATION) {
        return (
            git(origin, &["rev-parse", "main"]),
            git(origin, &["rev-parse", "pr"]),
        );
    }
    let started = Instant::now();
    if root.exists() {
        fs_err::remove_dir_all(root).unwrap();
    }
    fs_err::create_dir_all(root).unwrap();
    git(root, &["init", "-q", "--bare", "origin.git"]);
    let mut import = FastImport::start(origin);
    let mut random = Random(0x1234_5678_9abc_def1);
    let mut content = vec![0; FILE_SIZE];
    let date = |mark: usize| EPOCH + 60 * mark as u64;
    for number in 1..=COMMITS {
        import.commit(
            "main",
            Some(number),
            date(number),
            &format!("commit {number}"),
        );
        if number == 1 {
            import.file(
                ".ci-operator.yaml",
                b"build_root_image:\n  namespace: openshift\n  name: release\n  tag: golang-1.21\n",
            );
            import.file(
                "Dockerfile",
                b"FROM registry.ci.openshift.org/openshift/release:golang-1.21\n",
            );
            for index in 0..FILES {
                random.fill(&mut content);
                import.file(&file_path(index), &content);
            }
        } else {
            for _ in 0..FILES_PER_COMMIT {
                let index = random.below(FILES);
                random.fill(&mut content);
                import.file(&file_path(index), &content);
            }
        }
    }
    // The PR: three commits off `main~200`, touching files main does not touch.
    let fork = COMMITS - PR_FORK_BEHIND;
    for step in 1..=3 {
        let mark = COMMITS + step;
        import.commit("pr", Some(mark), date(mark), &format!("pr commit {step}"));
        if step == 1 {
            import.from(&format!(":{fork}"));
            import.file(
                ".ci-operator.yaml",
                b"build_root_image:\n  namespace: openshift\n  name: release\n  tag: golang-1.22\n",
            );
        }
        random.fill(&mut content);
        import.file(&format!("pr-only/file{step}.bin"), &content);
    }
    import.finish();
    git(origin, &["repack", "-q", "-a", "-d", "-b"]);
    fs_err::write(&marker, GENERATION).unwrap();
    eprintln!(
        "generated the benchmark repository in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    (
        git(origin, &["rev-parse", "main"]),
        git(origin, &["rev-parse", "pr"]),
    )
}
