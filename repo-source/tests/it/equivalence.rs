//! The merge that reads only what both sides changed gives, for every file, what a full
//! `git merge` gives: on every history of the shared fixtures, and on generated histories
//! (random edits, additions, deletions, renames, mode changes on both sides of a fork, some PRs
//! merging the base branch, some jobs with two PRs), compared with `git merge-tree`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use repo_source::{Error, FetchSpec, PullRef, Snapshot};
use testkit::git::{commit, git, git_command, write};

use crate::remote::options;
use crate::repos::fixture;

/// What git makes of merging `pulls` onto `base` one after the other in `repo`: the merged tree,
/// or `None` when a merge conflicts.
///
/// Without directory rename detection, which gix's merge (the fallback for merges that need
/// rename detection) does not implement: git would report a conflict where a directory was
/// renamed on one side and a file added to it on the other; gix merges the file where it was
/// added. The partial merge never decides such a case itself: the renamed directory is deleted
/// on one side and changed on the other, so it falls back.
fn git_merge(repo: &Path, base: &str, pulls: &[&str]) -> Option<String> {
    let mut current = base.to_owned();
    let mut tree = git(repo, &["rev-parse", &format!("{base}^{{tree}}")]);
    for pull in pulls {
        let output = git_command(repo)
            .args(["-c", "merge.directoryRenames=false"])
            .args(["merge-tree", "--write-tree", &current, pull])
            .output()
            .unwrap();
        match output.status.code() {
            Some(0) => {}
            Some(1) => return None,
            _ => panic!(
                "git merge-tree failed: {}",
                String::from_utf8_lossy(&output.stderr)
            ),
        }
        tree = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        current = git(
            repo,
            &[
                "commit-tree",
                &tree,
                "-p",
                &current,
                "-p",
                pull,
                "-m",
                "merge",
            ],
        );
    }
    Some(tree)
}

/// Every file of `tree` in `repo` (regular files only) with its content.
fn files_of(repo: &Path, tree: &str) -> BTreeMap<String, Vec<u8>> {
    let listing = git(repo, &["ls-tree", "-r", "-z", tree]);
    let mut files = BTreeMap::new();
    for entry in listing.split('\0').filter(|entry| !entry.is_empty()) {
        let (meta, path) = entry.split_once('\t').unwrap();
        let mut fields = meta.split(' ');
        let mode = fields.next().unwrap();
        let id = fields.nth(1).unwrap();
        if mode == "100644" || mode == "100755" {
            let output = git_command(repo)
                .args(["cat-file", "blob", id])
                .output()
                .unwrap();
            files.insert(path.to_owned(), output.stdout);
        }
    }
    files
}

/// Counts the fetches that fell back to the full merge (their info line).
#[derive(Clone, Default)]
struct Fallbacks(Arc<Mutex<Vec<String>>>);

impl tracing::Subscriber for Fallbacks {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Message(String);
        impl tracing::field::Visit for Message {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "message" {
                    self.0 = format!("{value:?}");
                }
            }
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        if message.0.contains("instead of only the files read") {
            self.0.lock().unwrap().push(message.0);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// How a fetch went.
#[derive(Debug, PartialEq, Eq)]
enum Route {
    Partial,
    Full,
}

/// Fetches `base` + `pulls` from `repo` and checks it against git: the same merged tree and the
/// same content for every file (read through `prefetch` when `prefetch`, else one by one),
/// absent paths absent; or a conflict where git has one. Returns which path the fetch took.
fn check(repo: &Path, base: &str, pulls: &[&str], prefetch: bool) -> Route {
    let spec = FetchSpec {
        url: format!("file://{}", repo.display()),
        base: base.to_owned(),
        pulls: pulls
            .iter()
            .enumerate()
            .map(|(index, sha)| PullRef {
                number: index as u64 + 1,
                sha: (*sha).to_owned(),
            })
            .collect(),
    };
    let scratch = tempfile::tempdir().unwrap();
    let fallbacks = Fallbacks::default();
    let result = tracing::subscriber::with_default(fallbacks.clone(), || {
        Snapshot::fetch_merged(&spec, &options(scratch.path()))
    });
    let path = if fallbacks.0.lock().unwrap().is_empty() {
        Route::Partial
    } else {
        Route::Full
    };
    let context = format!("{} onto {base} in {}", pulls.join(", "), repo.display());
    let Some(tree) = git_merge(repo, base, pulls) else {
        match result {
            Err(Error::Conflict { .. }) => return path,
            other => panic!(
                "git has a conflict, we have {other:?} ({path:?}): {context}: {}",
                String::from_utf8_lossy(
                    &git_command(repo)
                        .args(["merge-tree", "--write-tree", base, pulls[0]])
                        .output()
                        .unwrap()
                        .stdout
                )
            ),
        }
    };
    let snapshot = result.unwrap_or_else(|err| panic!("{err}: {context}"));
    assert_eq!(snapshot.revision().tree(), Some(tree.as_str()), "{context}");
    let files = files_of(repo, &tree);
    if prefetch {
        let paths: Vec<&str> = files.keys().map(String::as_str).collect();
        snapshot.prefetch(&paths).unwrap();
    }
    for (file, content) in &files {
        let read = snapshot
            .read(file, 1 << 20)
            .unwrap_or_else(|err| panic!("{file}: {err}: {context}"));
        assert_eq!(read.as_ref(), Some(content), "{file}: {context}");
    }
    for absent in ["no-such-file", "a/no-such-file", "src/deep/no/such/file"] {
        if !files.contains_key(absent) {
            assert_eq!(
                snapshot.read(absent, 1 << 20).unwrap(),
                None,
                "{absent}: {context}"
            );
        }
    }
    path
}

#[test]
fn every_fixture_history_reads_like_a_full_merge() {
    let fixture = fixture();
    let sha = |name: &str| fixture.sha(name).to_owned();
    let mut paths = Vec::new();
    for (pulls, prefetch) in [
        (vec![], false),
        (vec!["pr1"], true),
        (vec!["pr2"], false),
        (vec!["pr1", "pr2"], true),
        (vec!["old"], false),
        (vec!["old", "pr1"], true),
        (vec!["conflict"], false),
        (vec!["pr1", "conflict"], false),
    ] {
        let pulls: Vec<String> = pulls.into_iter().map(sha).collect();
        let pulls: Vec<&str> = pulls.iter().map(String::as_str).collect();
        paths.push(check(&fixture.bare, &sha("base"), &pulls, prefetch));
    }
    // The fixture's histories need no rename detection: all of them merge partially.
    assert!(
        paths.iter().all(|path| *path == Route::Partial),
        "{paths:?}"
    );

    let (_dir, bare, base, pr) = crate::repos::criss_cross();
    git(&bare, &["config", "uploadpack.allowFilter", "true"]);
    assert_eq!(check(&bare, &base, &[&pr], true), Route::Full);
}

/// A deterministic generator (xorshift64*).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn percent(&mut self, chance: usize) -> bool {
        self.below(100) < chance
    }
}

const DIRS: [&str; 6] = ["", "a", "a/b", "c", "src/deep", "src/deep/er"];

/// Applies 1 to 3 random edits to the work tree `dir` and commits them.
fn random_commit(dir: &Path, random: &mut Random, files: &mut Vec<String>, label: &str) -> String {
    for _ in 0..=random.below(3) {
        let choice = random.below(100);
        if files.is_empty() || choice < 15 {
            let path = format!(
                "{}{}file{}.txt",
                DIRS[random.below(DIRS.len())],
                if random.below(DIRS.len()) == 0 {
                    ""
                } else {
                    "/"
                },
                random.below(1000)
            );
            let path = path.trim_start_matches('/').to_owned();
            if files.contains(&path) || files.iter().any(|f| f.starts_with(&format!("{path}/"))) {
                continue;
            }
            let content: String = (0..40)
                .map(|line| format!("{path} line {line}\n"))
                .collect();
            write(dir, &path, content.as_bytes());
            files.push(path);
            continue;
        }
        let index = random.below(files.len());
        let path = files[index].clone();
        match choice {
            15..=74 => {
                let full = dir.join(&path);
                let text = fs_err::read_to_string(&full).unwrap();
                let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
                let at = random.below(lines.len().max(1));
                let edit = format!("{label} edit {}", random.next() % 1000);
                if lines.is_empty() || random.percent(20) {
                    lines.insert(at.min(lines.len()), edit);
                } else {
                    lines[at] = edit;
                }
                let mut text = lines.join("\n");
                text.push('\n');
                write(dir, &path, text.as_bytes());
            }
            75..=81 => {
                fs_err::remove_file(dir.join(&path)).unwrap();
                files.remove(index);
            }
            82..=91 => {
                let target = format!(
                    "{}/moved{}.txt",
                    DIRS[1 + random.below(DIRS.len() - 1)],
                    random.below(1000)
                );
                if files.contains(&target) {
                    continue;
                }
                fs_err::create_dir_all(dir.join(&target).parent().unwrap()).unwrap();
                fs_err::rename(dir.join(&path), dir.join(&target)).unwrap();
                files[index] = target;
            }
            _ => {
                use std::os::unix::fs::PermissionsExt;
                let full = dir.join(&path);
                let mode = fs_err::metadata(&full).unwrap().permissions().mode() ^ 0o111;
                fs_err::set_permissions(&full, std::fs::Permissions::from_mode(mode)).unwrap();
            }
        }
    }
    commit(dir, label)
}

/// The files tracked at `HEAD` of `dir`.
fn tracked(dir: &Path) -> Vec<String> {
    git(dir, &["ls-files"]).lines().map(str::to_owned).collect()
}

/// Builds a random history in `dir`: a few common commits, then `main` and one or two PR
/// branches with their own edits (one PR sometimes merges `main` midway). Returns the base and
/// the PR heads.
fn random_history(dir: &Path, seed: u64) -> (String, Vec<String>) {
    let mut random = Random(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    git(dir, &["init", "-q"]);
    git(dir, &["config", "uploadpack.allowFilter", "true"]);
    git(dir, &["config", "uploadpack.allowAnySHA1InWant", "true"]);
    let mut files = Vec::new();
    for index in 0..10 {
        let path = format!("{}/f{index}.txt", DIRS[index % DIRS.len()]);
        let path = path.trim_start_matches('/').to_owned();
        let content: String = (0..40)
            .map(|line| format!("{path} line {line}\n"))
            .collect();
        write(dir, &path, content.as_bytes());
        files.push(path);
    }
    commit(dir, "initial");
    for _ in 0..random.below(3) {
        random_commit(dir, &mut random, &mut files, "common");
    }
    let fork = git(dir, &["rev-parse", "HEAD"]);
    let prs = 1 + usize::from(random.percent(25));
    let mut heads = Vec::new();
    for pr in 0..prs {
        git(dir, &["checkout", "-q", "-b", &format!("pr{pr}"), &fork]);
        let mut files = tracked(dir);
        for step in 0..1 + random.below(3) {
            random_commit(dir, &mut random, &mut files, &format!("pr{pr}-{step}"));
        }
        heads.push(git(dir, &["rev-parse", "HEAD"]));
        git(dir, &["checkout", "-q", "main"]);
        if pr == 0 {
            let mut files = tracked(dir);
            for step in 0..1 + random.below(4) {
                random_commit(dir, &mut random, &mut files, &format!("main-{step}"));
            }
        }
    }
    // Sometimes the first PR merges `main` (when that merges cleanly), then changes more.
    if random.percent(25) {
        git(dir, &["checkout", "-q", "pr0"]);
        let merged = git_command(dir)
            .args(["merge", "-q", "--no-edit", "main"])
            .output()
            .unwrap();
        if merged.status.success() {
            let mut files = tracked(dir);
            random_commit(dir, &mut random, &mut files, "pr0-after-merge");
            heads[0] = git(dir, &["rev-parse", "HEAD"]);
        } else {
            git(dir, &["merge", "--abort"]);
        }
        git(dir, &["checkout", "-q", "main"]);
        let mut files = tracked(dir);
        random_commit(dir, &mut random, &mut files, "main-late");
    }
    (git(dir, &["rev-parse", "HEAD"]), heads)
}

#[test]
fn generated_histories_read_like_a_full_merge() {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for seed in 1..=40_u64 {
        let dir = tempfile::tempdir().unwrap();
        let (base, heads) = random_history(dir.path(), seed);
        let heads: Vec<&str> = heads.iter().map(String::as_str).collect();
        let outcome = match git_merge(dir.path(), &base, &heads) {
            Some(_) => "merged",
            None => "conflict",
        };
        let path = check(dir.path(), &base, &heads, seed % 2 == 0);
        *counts.entry(format!("{outcome} {path:?}")).or_default() += 1;
    }
    // The generator must exercise each path: merges and conflicts, each found by the partial
    // merge and by the full one it falls back to.
    let summary = format!("{counts:?}");
    let count = |key: &str| counts.get(key).copied().unwrap_or(0);
    assert!(count("merged Partial") >= 10, "{summary}");
    assert!(count("merged Full") >= 3, "{summary}");
    assert!(count("conflict Partial") >= 1, "{summary}");
    assert!(count("conflict Full") >= 1, "{summary}");
}
