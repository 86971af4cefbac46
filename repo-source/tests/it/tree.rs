//! Looking up and listing entries: every kind of snapshot gives `git ls-tree`'s entries and
//! ids, a work tree on disk computes git's ids, paths are refused as reads refuse them, and a
//! partial fetch fetches the trees a look-up needs and never a blob.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use insta::assert_snapshot;
use repo_source::{EntryKind, Error, FetchOptions, FetchSpec, PullRef, Snapshot, TreeEntry};
use testkit::git::http::GitHttpServer;
use testkit::git::{clone_bare, commit, commit_file, git, init, merge_like_prow, symlink, write};

use crate::remote::{Capture, fetch_like_git, options, spec};
use crate::repos::fixture;
use crate::{MIB, read};

/// The directories every test lists: the root, nested ones, and one whose name sorts
/// differently in git's order (`a` is compared as `a/`).
const DIRS: &[&str] = &["", "src", "src/a", "src/a/b", "a"];

/// A repository with every kind of entry, in `dir/work`, its bare clone `dir/origin.git`, the
/// base commit and a PR branch `pr` off the base's parent.
struct Repo {
    dir: tempfile::TempDir,
    work: PathBuf,
    bare: PathBuf,
    base: String,
    pr: String,
}

/// Builds [`Repo`]: files (one of 200 KiB, hashed in several pieces; one empty), an executable,
/// symlinks, a submodule checked out in place, nested directories, and names whose order
/// differs between a plain sort and git's (`a`, `a-b`, `a.b`, `a0`).
fn repo() -> Repo {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    init(&work);
    write(
        &work,
        "Dockerfile",
        b"FROM registry.ci.openshift.org/ocp/4.16:base\n",
    );
    write(&work, "README.md", b"# tree\n");
    write(&work, "empty", b"");
    write(&work, "big.bin", &big_content());
    write(&work, "run.sh", b"#!/bin/sh\necho run\n");
    fs_err::set_permissions(work.join("run.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    write(&work, "src/main.go", b"package main\n");
    write(&work, "src/a/b/c.txt", b"deep\n");
    write(&work, "src/a/notes.txt", b"notes\n");
    write(&work, "a/inner.txt", b"inner\n");
    write(&work, "a-b", b"dash\n");
    write(&work, "a.b", b"dot\n");
    write(&work, "a0", b"zero\n");
    symlink(&work, "link", "README.md");
    symlink(&work, "escape", "../../../etc");
    symlink(&work, "src/up", "..");
    let sub = work.join("sub");
    init(&sub);
    commit_file(&sub, "module.txt", "a submodule\n", "sub");
    write(&work, "history.txt", b"1\n");
    commit(&work, "first");
    write(&work, "history.txt", b"1\n2\n");
    commit(&work, "second");
    write(&work, "README.md", b"# tree\n\nThe base.\n");
    let base = commit(&work, "base");
    git(&work, &["checkout", "-q", "-b", "pr", "HEAD~1"]);
    write(&work, "src/a/b/c.txt", b"deep, changed by the PR\n");
    write(&work, "src/a/b/new.txt", b"added by the PR\n");
    let pr = commit(&work, "pr");
    git(&work, &["checkout", "-q", "main"]);
    let bare = clone_bare(&work, dir.path(), "origin.git");
    git(&bare, &["config", "uploadpack.allowFilter", "true"]);
    git(&bare, &["config", "uploadpack.allowAnySHA1InWant", "true"]);
    Repo {
        dir,
        work,
        bare,
        base,
        pr,
    }
}

/// 200 KiB that do not repeat.
fn big_content() -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    (0..200 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

/// `git ls-tree -l` of `treeish`'s directory `dir`, as entries sorted by name.
fn ls_tree(repo: &Path, treeish: &str, dir: &str) -> Vec<TreeEntry> {
    let object = if dir.is_empty() {
        treeish.to_owned()
    } else {
        format!("{treeish}:{dir}")
    };
    let output = git(repo, &["ls-tree", "-l", "-z", &object]);
    let mut entries: Vec<TreeEntry> = output
        .split('\0')
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (meta, name) = line.split_once('\t').unwrap();
            let fields: Vec<&str> = meta.split_whitespace().collect();
            let kind = match fields[0] {
                "100644" => EntryKind::File,
                "100755" => EntryKind::Executable,
                "040000" => EntryKind::Directory,
                "120000" => EntryKind::Symlink,
                "160000" => EntryKind::Submodule,
                mode => panic!("mode {mode}"),
            };
            assert_eq!(fields[0], kind.mode());
            TreeEntry {
                name: name.to_owned(),
                kind,
                id: fields[2].to_owned(),
                size: fields[3].parse().ok(),
            }
        })
        .collect();
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    entries
}

/// Entries without their sizes, for sources that may not know them.
fn without_sizes(entries: &[TreeEntry]) -> Vec<TreeEntry> {
    entries
        .iter()
        .map(|entry| TreeEntry {
            size: None,
            ..entry.clone()
        })
        .collect()
}

/// Checks that `snapshot` lists every directory of [`DIRS`] as `git ls-tree` lists `treeish` in
/// `repo`, and that `entry` of each directory and of each listed entry agrees. Sizes are
/// compared when `sizes` (the snapshot has every blob).
fn assert_lists_like_git(snapshot: &Snapshot, repo: &Path, treeish: &str, sizes: bool, what: &str) {
    for dir in DIRS {
        let expected = ls_tree(repo, treeish, dir);
        let listed = snapshot.list_dir(dir).unwrap().unwrap();
        if sizes {
            assert_eq!(listed, expected, "{what}: `{dir}`");
        } else {
            assert_eq!(
                without_sizes(&listed),
                without_sizes(&expected),
                "{what}: `{dir}`"
            );
        }
        let own = snapshot.entry(dir).unwrap().unwrap();
        assert_eq!(own.kind, EntryKind::Directory, "{what}: `{dir}`");
        let rev = if dir.is_empty() {
            format!("{treeish}^{{tree}}")
        } else {
            format!("{treeish}:{dir}")
        };
        assert_eq!(own.id, git(repo, &["rev-parse", &rev]), "{what}: `{dir}`");
        for entry in &listed {
            let path = if dir.is_empty() {
                entry.name.clone()
            } else {
                format!("{dir}/{}", entry.name)
            };
            let found = snapshot.entry(&path).unwrap().unwrap();
            assert_eq!(
                (&found.name, found.kind, &found.id),
                (&entry.name, entry.kind, &entry.id),
                "{what}: `{path}`"
            );
        }
    }
}

#[test]
fn every_kind_of_snapshot_lists_what_git_ls_tree_lists() {
    let repo = repo();
    let base = repo.base.as_str();
    let disk = Snapshot::disk(&repo.work).unwrap();
    assert_lists_like_git(&disk, &repo.work, base, true, "disk");
    let work_tree = Snapshot::work_tree(&repo.work, &FetchOptions::default()).unwrap();
    assert_lists_like_git(&work_tree, &repo.work, base, true, "work tree");
    let local = Snapshot::local(&repo.bare, base).unwrap();
    assert_lists_like_git(&local, &repo.bare, base, true, "local");

    // Someone else's blobless clone (Prow's): the trees are there, the blobs are not.
    git(
        repo.dir.path(),
        &[
            "clone",
            "-q",
            "--filter=blob:none",
            "--no-checkout",
            &format!("file://{}", repo.bare.display()),
            "blobless",
        ],
    );
    let blobless = repo.dir.path().join("blobless");
    let partial_clone = Snapshot::work_tree(&blobless, &FetchOptions::default()).unwrap();
    assert_lists_like_git(&partial_clone, &repo.bare, base, false, "blobless clone");

    let server = GitHttpServer::start(repo.dir.path());
    let url = server.url("origin.git");
    let scratch = tempfile::tempdir().unwrap();
    let remote = Snapshot::open_at(&url, base, &options(scratch.path())).unwrap();
    assert_lists_like_git(&remote, &repo.bare, base, false, "remote");
}

#[test]
fn a_merged_snapshot_lists_the_tree_git_merge_makes() {
    let repo = repo();
    let server = GitHttpServer::start(repo.dir.path());
    let scratch = tempfile::tempdir().unwrap();
    let spec = FetchSpec {
        url: server.url("origin.git"),
        base: repo.base.clone(),
        pulls: vec![PullRef {
            number: 3,
            sha: repo.pr.clone(),
        }],
    };
    let merged = Snapshot::fetch_merged(&spec, &options(scratch.path())).unwrap();
    let clone = repo.dir.path().join("clone");
    git(
        repo.dir.path(),
        &[
            "clone",
            "-q",
            "--no-checkout",
            repo.bare.to_str().unwrap(),
            "clone",
        ],
    );
    let tree = merge_like_prow(&clone, &repo.base, &[&repo.pr]);
    assert_eq!(merged.revision().tree(), Some(tree.as_str()));
    assert_lists_like_git(&merged, &clone, "HEAD", false, "merged");
    // The PR's file and the base's README are both in the listing.
    let names: Vec<String> = merged
        .list_dir("src/a/b")
        .unwrap()
        .unwrap()
        .into_iter()
        .map(|entry| entry.name)
        .collect();
    assert_eq!(names, ["c.txt", "new.txt"]);
}

#[test]
fn a_directory_on_disk_has_the_id_git_gives_it() {
    let repo = repo();
    let disk = Snapshot::disk(&repo.work).unwrap();
    for dir in ["src", "src/a", "a"] {
        assert_eq!(
            disk.entry(dir).unwrap().unwrap().id,
            git(&repo.work, &["rev-parse", &format!("HEAD:{dir}")]),
            "{dir}"
        );
    }
    let root = disk.entry("").unwrap().unwrap();
    assert_eq!(root.name, "");
    assert_eq!(root.id, git(&repo.work, &["rev-parse", "HEAD^{tree}"]));
    let submodule = disk.entry("sub").unwrap().unwrap();
    assert_eq!(submodule.kind, EntryKind::Submodule);
    assert_eq!(
        submodule.id,
        git(&repo.work.join("sub"), &["rev-parse", "HEAD"])
    );
    let big = disk.entry("big.bin").unwrap().unwrap();
    assert_eq!(big.size, Some(200 * 1024));
    assert_eq!(big.id, git(&repo.work, &["rev-parse", "HEAD:big.bin"]));
    let executable = disk.entry("run.sh").unwrap().unwrap();
    assert_eq!(executable.kind, EntryKind::Executable);
}

#[test]
fn disk_shows_what_is_on_disk_as_git_add_would_record_it() {
    let repo = repo();
    // Ignored files are part of the files on disk: `.gitignore` is not honoured.
    write(&repo.work, ".gitignore", b"*.o\n");
    write(&repo.work, "src/build.o", b"object\n");
    // Empty directories, and special files, are what git does not record.
    fs_err::create_dir_all(repo.work.join("src/empty/nested")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(repo.work.join("src/fifo"))
        .status()
        .unwrap();
    assert!(fifo.success());
    let disk = Snapshot::disk(&repo.work).unwrap();
    let names: Vec<String> = disk
        .list_dir("src")
        .unwrap()
        .unwrap()
        .into_iter()
        .map(|entry| entry.name)
        .collect();
    assert_eq!(names, ["a", "build.o", "main.go", "up"]);
    assert_eq!(disk.entry("src/empty").unwrap(), None);
    assert_eq!(disk.list_dir("src/empty").unwrap(), None);
    assert!(matches!(
        disk.entry("src/fifo"),
        Err(Error::NotAFile { .. })
    ));
    // What `git add -A` then records.
    git(&repo.work, &["add", "-A", "-f"]);
    let written = git(&repo.work, &["write-tree"]);
    assert_eq!(disk.entry("").unwrap().unwrap().id, written);
    assert_eq!(
        disk.entry("src").unwrap().unwrap().id,
        git(&repo.work, &["rev-parse", &format!("{written}:src")])
    );
}

/// The answer of a look-up or a listing, with the revision's description replaced.
fn render<T: std::fmt::Debug>(snapshot: &Snapshot, result: Result<T, Error>) -> String {
    match result {
        Ok(value) => format!("{value:?}"),
        Err(err) => format!("{:?}: {err}", err.kind())
            .replace(snapshot.revision().description(), "<revision>")
            .replace('\0', "\\0"),
    }
}

/// Every refusal, absence and non-followed entry, one line each.
fn refusals(snapshot: &Snapshot) -> String {
    let mut lines = Vec::new();
    for path in [
        "../outside",
        "/etc",
        ".git/config",
        "src/.GIT",
        "a\0b",
        "link/x",
        "escape/passwd",
        "src/up/README.md",
        "sub/module.txt",
        "missing",
        "missing/x",
        "README.md/x",
    ] {
        lines.push(format!(
            "entry {path:?}: {}",
            render(snapshot, snapshot.entry(path))
        ));
    }
    for path in ["link", "escape", "sub"] {
        let entry = snapshot.entry(path).unwrap().unwrap();
        lines.push(format!("entry {path:?}: {:?}", entry.kind));
    }
    for path in [
        "link",
        "sub",
        "README.md",
        "src/up",
        "missing",
        "../x",
        "link/x",
    ] {
        lines.push(format!(
            "list_dir {path:?}: {}",
            render(snapshot, snapshot.list_dir(path))
        ));
    }
    lines.join("\n")
}

#[test]
fn paths_are_refused_as_reads_refuse_them_from_every_source() {
    let repo = repo();
    let local = Snapshot::local(&repo.bare, &repo.base).unwrap();
    let expected = refusals(&local);
    assert_snapshot!(expected, @r#"
    entry "../outside": Refused: path `../outside` is refused: it has a `..` component
    entry "/etc": Refused: path `/etc` is refused: it is absolute
    entry ".git/config": Refused: path `.git/config` is refused: it has a `.git` component
    entry "src/.GIT": Refused: path `src/.GIT` is refused: it has a `.git` component
    entry "a\0b": Refused: path `a\0b` is refused: it has a NUL byte
    entry "link/x": Refused: `link` (in `link/x`) at <revision> is a symbolic link, which is never followed
    entry "escape/passwd": Refused: `escape` (in `escape/passwd`) at <revision> is a symbolic link, which is never followed
    entry "src/up/README.md": Refused: `src/up` (in `src/up/README.md`) at <revision> is a symbolic link, which is never followed
    entry "sub/module.txt": Refused: `sub` (in `sub/module.txt`) at <revision> is a submodule, whose files are not part of this repository
    entry "missing": None
    entry "missing/x": None
    entry "README.md/x": None
    entry "link": Symlink
    entry "escape": Symlink
    entry "sub": Submodule
    list_dir "link": Refused: `link` at <revision> is a symbolic link, which is never followed
    list_dir "sub": Refused: `sub` at <revision> is a submodule, whose files are not part of this repository
    list_dir "README.md": Refused: `README.md` at <revision> is not a directory
    list_dir "src/up": Refused: `src/up` at <revision> is a symbolic link, which is never followed
    list_dir "missing": None
    list_dir "../x": Refused: path `../x` is refused: it has a `..` component
    list_dir "link/x": Refused: `link` (in `link/x`) at <revision> is a symbolic link, which is never followed
    "#);
    let disk = Snapshot::disk(&repo.work).unwrap();
    assert_eq!(refusals(&disk), expected, "disk");
    let server = GitHttpServer::start(repo.dir.path());
    let scratch = tempfile::tempdir().unwrap();
    let remote = Snapshot::open_at(
        &server.url("origin.git"),
        &repo.base,
        &options(scratch.path()),
    )
    .unwrap();
    assert_eq!(refusals(&remote), expected, "remote");
}

/// The objects the fetches of `action` received, from their summary lines.
pub(crate) fn fetched_objects<T>(action: impl FnOnce() -> T) -> (T, u64) {
    let capture = Capture::default();
    let result = tracing::subscriber::with_default(capture.clone(), action);
    let objects = capture
        .lines()
        .iter()
        .filter_map(|line| {
            let count = line.strip_prefix("fetched ")?.split(' ').next()?;
            count.parse::<u64>().ok()
        })
        .sum();
    (result, objects)
}

#[test]
fn a_partial_snapshot_fetches_the_trees_a_look_up_needs_and_no_blob() {
    let server = GitHttpServer::start(&fixture().root);
    let snapshot = fetch_like_git(&spec(&server.url("origin.git"), "base", &[(12, "pr1")]));
    // Prow's merge, to list with git.
    let dir = tempfile::tempdir().unwrap();
    git(
        dir.path(),
        &[
            "clone",
            "-q",
            "--no-checkout",
            &fixture().file_url(),
            "clone",
        ],
    );
    let clone = dir.path().join("clone");
    let merged_tree = merge_like_prow(&clone, fixture().sha("base"), &[fixture().sha("pr1")]);
    assert_eq!(snapshot.revision().tree(), Some(merged_tree.as_str()));
    let bare = clone.as_path();
    let merged_tree = merged_tree.as_str();
    server.reset_counters();

    // The root tree came with the fetch: listing it and looking up a file fetch nothing.
    let (root, objects) = fetched_objects(|| snapshot.list_dir("").unwrap().unwrap());
    assert_eq!((objects, server.requests()), (0, 0));
    assert_eq!(
        without_sizes(&root),
        without_sizes(&ls_tree(bare, merged_tree, ""))
    );
    let (dockerfile, objects) = fetched_objects(|| snapshot.entry("Dockerfile").unwrap().unwrap());
    assert_eq!((objects, server.requests()), (0, 0));
    assert_eq!(dockerfile.kind, EntryKind::File);

    // `images` is unchanged on both sides, so the merge took its id unread: listing it costs
    // one tree, one connection (a capability advertisement and one `fetch`).
    let (images, objects) = fetched_objects(|| snapshot.list_dir("images").unwrap().unwrap());
    assert_eq!((objects, server.requests()), (1, 2));
    assert_eq!(images, ls_tree(bare, merged_tree, "images"));

    // A file two levels down: the one tree still missing, not the blob, whose size is unknown.
    server.reset_counters();
    let (nested, objects) =
        fetched_objects(|| snapshot.entry("images/base/Dockerfile").unwrap().unwrap());
    assert_eq!((objects, server.requests()), (1, 2));
    assert_eq!(nested.size, None);
    assert_eq!(
        nested.id,
        git(
            bare,
            &[
                "rev-parse",
                &format!("{merged_tree}:images/base/Dockerfile")
            ]
        )
    );
    // Reading it then fetches the blob alone; its size is known from then on.
    let (content, objects) = fetched_objects(|| read(&snapshot, "images/base/Dockerfile"));
    assert_eq!(objects, 1);
    let after = snapshot.entry("images/base/Dockerfile").unwrap().unwrap();
    assert_eq!(after.size, Some(content.len() as u64));
    assert!(snapshot.read("images/base/Dockerfile", MIB).is_ok());
}
