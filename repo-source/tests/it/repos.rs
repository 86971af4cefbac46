//! Git repositories for the tests, built with `testkit::git` (the `git` CLI in an isolated
//! environment, so SHAs are the same on every run). The shared fixture ([`fixture`]) is built once per test run
//! under the target directory and only ever read; tests that need a repository of their own
//! build it in a temporary directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use testkit::git::{
    EPOCH, FastImport, clone_bare, commit, commit_staged, git, init, merged_tree_like_prow,
    stage_gitlink, symlink, write,
};

pub(crate) const CI_OPERATOR_121: &str =
    "build_root_image:\n  namespace: openshift\n  name: release\n  tag: golang-1.21\n";
pub(crate) const CI_OPERATOR_122: &str =
    "build_root_image:\n  namespace: openshift\n  name: release\n  tag: golang-1.22\n";
pub(crate) const CI_OPERATOR_123: &str =
    "build_root_image:\n  namespace: openshift\n  name: release\n  tag: golang-1.23\n";

fn dockerfile(go: &str, last: &str) -> String {
    format!(
        "FROM registry.ci.openshift.org/openshift/release:golang-{go} AS builder\n\
         WORKDIR /go/src/github.com/openshift/example\n\
         COPY . .\n\
         RUN make build\n\
         RUN make test-binaries\n\
         \n\
         FROM registry.ci.openshift.org/ocp/4.16:base\n\
         COPY --from=builder /go/src/github.com/openshift/example/bin/example /usr/bin/example\n\
         LABEL io.openshift.release.operator=true\n\
         ENTRYPOINT [\"/usr/bin/example\"{last}]\n"
    )
}

/// The shared fixture: a work repository (`work`, with a work tree) and its bare clone
/// (`root/origin.git`, served over `file://` and HTTP).
///
/// History (`main`): `c1` adds `.ci-operator.yaml` (golang-1.21), `Dockerfile`, `README.md` and
/// `images/base/Dockerfile`; `c2` edits `README.md`; 41 filler commits edit `history.txt`; the
/// tip `base` edits the last line of `Dockerfile`. Branches:
/// - `pr1` (off `base~1`): golang-1.22 in `.ci-operator.yaml` and `Dockerfile` line 1;
/// - `pr2` (off `base~1`): adds `images/extra/Dockerfile`, edits `README.md`;
/// - `conflict` (off `base~1`): golang-1.23 in `.ci-operator.yaml`, another last line of
///   `Dockerfile` (conflicts with `base` alone, and with `pr1`);
/// - `old` (off `c2`, 42 commits behind `base`): edits `images/base/Dockerfile`;
/// - `hostile` (off `base`): symlinks, a submodule, a big file;
/// - `orphan`: no common history;
/// - tag `v1.0` (annotated) on `c2`.
pub(crate) struct Fixture {
    pub(crate) root: PathBuf,
    pub(crate) work: PathBuf,
    pub(crate) bare: PathBuf,
    pub(crate) shas: BTreeMap<&'static str, String>,
}

impl Fixture {
    pub(crate) fn sha(&self, name: &str) -> &str {
        self.shas
            .get(name)
            .unwrap_or_else(|| panic!("no commit named {name}"))
    }

    /// `file://` URL of the bare repository.
    pub(crate) fn file_url(&self) -> String {
        format!("file://{}", self.bare.display())
    }
}

/// The shared fixture, built once per test process. The directory is per process because
/// nextest runs every test in a process of its own, in parallel: a shared directory would be
/// built by several processes at once.
pub(crate) fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let name = format!("repo-source-fixture-{}", std::process::id());
        build_fixture(&Path::new(env!("CARGO_TARGET_TMPDIR")).join(name))
    })
}

fn build_fixture(root: &Path) -> Fixture {
    if root.exists() {
        fs_err::remove_dir_all(root).expect("remove the previous fixture");
    }
    let work = root.join("work");
    init(&work);
    let mut shas = BTreeMap::new();
    main_history(&work, &mut shas);
    pr_branches(&work, &mut shas);
    hostile_and_orphan(&work, &mut shas);

    git(&work, &["checkout", "-q", "-f", "main"]);
    git(&work, &["clean", "-q", "-f", "-d"]);
    // A dirty work tree: reading a commit must not see (or touch) it.
    write(&work, ".ci-operator.yaml", b"dirty: true\n");

    let bare = clone_bare(&work, root, "origin.git");
    // What GitHub allows: fetching any reachable object by id, and partial clones.
    git(&bare, &["config", "uploadpack.allowAnySHA1InWant", "true"]);
    git(&bare, &["config", "uploadpack.allowFilter", "true"]);
    Fixture {
        root: root.to_owned(),
        work,
        bare,
        shas,
    }
}

/// `c1`, `c2` (tagged `v1.0`, branch `old`), the filler history (its tip is `fork`) and `base`
/// on `main`.
fn main_history(work: &Path, shas: &mut BTreeMap<&'static str, String>) {
    write(work, ".ci-operator.yaml", CI_OPERATOR_121.as_bytes());
    write(work, "Dockerfile", dockerfile("1.21", "").as_bytes());
    write(work, "README.md", b"# example\n");
    write(
        work,
        "images/base/Dockerfile",
        b"FROM registry.ci.openshift.org/ocp/4.16:base\nRUN true\n",
    );
    shas.insert("c1", commit(work, "c1"));
    write(work, "README.md", b"# example\n\nAn example repository.\n");
    shas.insert("c2", commit(work, "c2"));
    git(work, &["tag", "-a", "-m", "v1.0", "v1.0"]);
    git(work, &["branch", "old"]);

    // Filler history in one fast-import process.
    let mut import = FastImport::start(work);
    for index in 0..41 {
        let date = EPOCH + 60 * (100 + index as u64);
        // 4 KiB that neither compresses nor deltas well, so history has a weight.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64 ^ index as u64;
        let content: String = (0..512)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                format!("{:016x}\n", state >> 1)[8..].to_owned()
            })
            .collect();
        import.commit("main", None, date, &format!("filler {index}"));
        if index == 0 {
            import.from(&shas["c2"]);
        }
        import.file("history.txt", content.as_bytes());
    }
    import.finish();
    git(work, &["reset", "-q", "--hard", "main"]);
    shas.insert("fork", git(work, &["rev-parse", "HEAD"]));

    write(
        work,
        "Dockerfile",
        dockerfile("1.21", ", \"--base\"").as_bytes(),
    );
    shas.insert(
        "base",
        commit(work, "base edits the last line of Dockerfile"),
    );
    shas.insert("main", shas["base"].clone());
}

/// `pr1`, `pr2` and `conflict` off `fork`; `old`'s own commit.
fn pr_branches(work: &Path, shas: &mut BTreeMap<&'static str, String>) {
    git(work, &["checkout", "-q", "-b", "pr1", &shas["fork"]]);
    write(work, ".ci-operator.yaml", CI_OPERATOR_122.as_bytes());
    write(work, "Dockerfile", dockerfile("1.22", "").as_bytes());
    shas.insert("pr1", commit(work, "Bump Go to 1.22"));

    git(work, &["checkout", "-q", "-b", "pr2", &shas["fork"]]);
    write(
        work,
        "images/extra/Dockerfile",
        b"FROM registry.ci.openshift.org/ocp/4.16:tools\n",
    );
    write(
        work,
        "README.md",
        b"# example\n\nAn example repository.\n\nWith an extra image.\n",
    );
    shas.insert("pr2", commit(work, "Add an extra image"));

    git(work, &["checkout", "-q", "-b", "conflict", &shas["fork"]]);
    write(work, ".ci-operator.yaml", CI_OPERATOR_123.as_bytes());
    write(
        work,
        "Dockerfile",
        dockerfile("1.21", ", \"--conflict\"").as_bytes(),
    );
    shas.insert("conflict", commit(work, "Conflicting change"));

    git(work, &["checkout", "-q", "old"]);
    write(
        work,
        "images/base/Dockerfile",
        b"FROM registry.ci.openshift.org/ocp/4.17:base\nRUN true\n",
    );
    shas.insert("old", commit(work, "An old PR"));
}

/// `hostile` off `base` (symlinks, a gitlink, a big file) and the unrelated `orphan`.
fn hostile_and_orphan(work: &Path, shas: &mut BTreeMap<&'static str, String>) {
    git(work, &["checkout", "-q", "-b", "hostile", &shas["base"]]);
    fs_err::remove_file(work.join(".ci-operator.yaml")).expect("rm");
    symlink(work, ".ci-operator.yaml", "/etc/passwd");
    symlink(work, "images-link", "images");
    symlink(work, "chain-1", "chain-2");
    symlink(work, "chain-2", "/etc/passwd");
    symlink(work, "images/escape", "../../../../../../../etc/passwd");
    write(work, "big.bin", &vec![b'x'; 2 * 1024 * 1024]);
    git(work, &["add", "-A"]);
    stage_gitlink(work, "sub", &shas["c1"]);
    commit_staged(work, "hostile content");
    shas.insert("hostile", git(work, &["rev-parse", "HEAD"]));

    git(work, &["checkout", "-q", "--orphan", "orphan"]);
    git(work, &["rm", "-q", "-r", "-f", "--cached", "."]);
    for entry in [
        "Dockerfile",
        "README.md",
        "images",
        "images-link",
        "chain-1",
        "chain-2",
        "big.bin",
        "history.txt",
    ] {
        let path = work.join(entry);
        if path.is_dir() && !path.is_symlink() {
            fs_err::remove_dir_all(&path).expect("rm");
        } else if path.symlink_metadata().is_ok() {
            fs_err::remove_file(&path).expect("rm");
        }
    }
    fs_err::remove_file(work.join(".ci-operator.yaml")).expect("rm");
    write(work, "unrelated.txt", b"nothing in common\n");
    shas.insert("orphan", commit(work, "orphan"));
}

/// Everything about a repository on disk that reading could change: every file and directory
/// under it, with sizes and modification times, plus `git status` and the refs.
pub(crate) fn state(repo: &Path) -> String {
    let mut lines = Vec::new();
    walk(repo, repo, &mut lines);
    lines.sort();
    lines.join("\n")
}

fn walk(root: &Path, dir: &Path, lines: &mut Vec<String>) {
    let mut entries: Vec<_> = fs_err::read_dir(dir)
        .expect("readdir")
        .map(|entry| entry.expect("entry"))
        .collect();
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let path = entry.path();
        let meta = fs_err::symlink_metadata(&path).expect("stat");
        let modified = meta.modified().ok();
        lines.push(format!(
            "{} {} {:?}",
            path.strip_prefix(root).expect("under root").display(),
            meta.len(),
            modified
        ));
        if meta.is_dir() {
            walk(root, &path, lines);
        }
    }
}

/// Asserts that `check` leaves the fixture's repositories as they were.
pub(crate) fn unchanged<T>(check: impl FnOnce() -> T) -> T {
    let fixture = fixture();
    let before = (state(&fixture.work), state(&fixture.bare));
    let result = check();
    let after = (state(&fixture.work), state(&fixture.bare));
    assert_eq!(before.0, after.0, "the work repository changed");
    assert_eq!(before.1, after.1, "the bare repository changed");
    result
}

/// The tree of Prow's clone: `base` checked out, each of `pulls` merged with
/// `git merge --no-ff`, in a throwaway clone of the fixture.
pub(crate) fn git_merged_tree(base: &str, pulls: &[&str]) -> String {
    merged_tree_like_prow(&fixture().file_url(), base, pulls)
}

/// A criss-cross history in a bare repository of its own: `main` and `pr` each merged the
/// other's branch, so they have two merge bases and git merges them through a virtual one.
/// Merging with either base alone conflicts in `g`; `main` is 20 commits ahead so the shallow
/// fetch must deepen. Returns the directory, the bare repository, and the base and PR SHAs.
pub(crate) fn criss_cross() -> (tempfile::TempDir, PathBuf, String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let work = dir.path().join("work");
    init(&work);
    write(&work, "f", b"a\nb\nc\n");
    write(&work, "g", b"1\n");
    commit(&work, "B0");
    git(&work, &["checkout", "-q", "-b", "x"]);
    write(&work, "f", b"a\nB\nc\n");
    let x1 = commit(&work, "X1");
    git(&work, &["checkout", "-q", "-b", "y", "main"]);
    write(&work, "g", b"2\n");
    let y1 = commit(&work, "Y1");
    git(&work, &["checkout", "-q", "x"]);
    git(&work, &["merge", "-q", "--no-ff", "-m", "M1", &y1]);
    git(&work, &["checkout", "-q", "y"]);
    git(&work, &["merge", "-q", "--no-ff", "-m", "M2", &x1]);
    write(&work, "g", b"3\n");
    let pr = commit(&work, "P1");
    git(&work, &["checkout", "-q", "x"]);
    write(&work, "f", b"a\nB\nc\nd\n");
    commit(&work, "C1");
    for index in 0..20 {
        write(&work, "h", format!("{index}\n").as_bytes());
        commit(&work, &format!("filler {index}"));
    }
    let base = git(&work, &["rev-parse", "HEAD"]);
    let bare = clone_bare(&work, dir.path(), "origin.git");
    git(&bare, &["config", "uploadpack.allowAnySHA1InWant", "true"]);
    (dir, bare, base, pr)
}

/// [`git_merged_tree`] for any repository.
pub(crate) fn git_merged_tree_in(repo: &Path, base: &str, pulls: &[&str]) -> String {
    merged_tree_like_prow(&format!("file://{}", repo.display()), base, pulls)
}
