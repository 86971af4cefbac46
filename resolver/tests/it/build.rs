//! Root builds from a Dockerfile (`project_image`): the inputs a Dockerfile reads, the key over
//! them and the archive that carries them, on in-memory repositories.

use std::collections::BTreeMap;
use std::io::Read as _;

use config_model::ImageStreamTag;
use insta::assert_snapshot;
use proptest::prelude::*;
use resolver::{
    BaseImage, BuildDockerfile, EntryKind, InMemoryFiles, RepoFiles, RootBuildPlan,
    RootBuildRequest, plan_root_build,
};

use crate::chain;

fn request(context_dir: &str, dockerfile: &str) -> RootBuildRequest {
    RootBuildRequest {
        context_dir: context_dir.to_owned(),
        dockerfile: BuildDockerfile::Path(dockerfile.to_owned()),
        build_args: Vec::new(),
        image_inputs: BTreeMap::new(),
        bases: Vec::new(),
    }
}

fn plan(files: &InMemoryFiles) -> RootBuildPlan {
    plan_root_build(files, request("", "Dockerfile")).unwrap_or_else(|e| panic!("{}", chain(&e)))
}

/// The inputs as `path kind`, one per line.
fn inputs(plan: &RootBuildPlan) -> String {
    plan.inputs
        .iter()
        .map(|i| {
            format!(
                "{} {}",
                if i.path.is_empty() { "." } else { &i.path },
                i.kind
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn repo(dockerfile: &str) -> InMemoryFiles {
    InMemoryFiles::new("test")
        .with_file("Dockerfile", dockerfile)
        .with_file("go.mod", "module x\n")
        .with_file("cmd/a.go", "package main\n")
        .with_file("cmd/b.go", "package main\n")
        .with_file("cmd/notes.txt", "notes\n")
        .with_file("cmd/sub/c.go", "package sub\n")
        .with_file("docs/guide.md", "# guide\n")
        .with_file("docs/keep.md", "# keep\n")
        .with_executable("hack/build.sh", "#!/bin/sh\n")
}

/// The archive's entries as `path mode size`, in order.
fn archive_listing(archive: &[u8]) -> String {
    let mut out = Vec::new();
    let mut reader = tar::Archive::new(archive);
    for entry in reader.entries().expect("our archives read back") {
        let mut entry = entry.expect("our archive entries read back");
        let header = entry.header();
        let line = format!(
            "{} {:o} {} mtime={} uid={} gid={} user={:?}",
            entry.path().expect("paths read back").display(),
            header.mode().expect("headers read back"),
            header.size().expect("headers read back"),
            header.mtime().expect("headers read back"),
            header.uid().expect("headers read back"),
            header.gid().expect("headers read back"),
            header.username().expect("headers read back").unwrap_or(""),
        );
        let mut body = Vec::new();
        entry.read_to_end(&mut body).expect("bodies read back");
        out.push(line);
    }
    out.join("\n")
}

#[test]
fn copy_dot_is_the_whole_context_by_its_tree_id() {
    let files = repo("FROM scratch\nCOPY . .\n");
    let plan = plan(&files);
    assert_eq!(inputs(&plan), ". directory");
    assert_eq!(plan.inputs[0].id, files.entry("").unwrap().unwrap().id);
}

#[test]
fn globs_match_one_level_and_directories_whole() {
    let plan = plan(&repo(
        "FROM scratch\nCOPY cmd/*.go go.* /src/\nCOPY c?d/s[a-z]b /sub/\n",
    ));
    assert_snapshot!(inputs(&plan), @"
    Dockerfile file
    cmd/a.go file
    cmd/b.go file
    cmd/sub directory
    go.mod file
    ");
}

#[test]
fn dockerignore_with_exceptions_expands_what_it_touches() {
    let files = repo("FROM scratch\nCOPY . .\n").with_file(
        ".dockerignore",
        "# docs are not built\ndocs\n!docs/keep.md\n*.txt\n**/sub\n",
    );
    let plan = plan(&files);
    assert_snapshot!(inputs(&plan), @"
    .dockerignore file
    Dockerfile file
    cmd/a.go file
    cmd/b.go file
    cmd/notes.txt file
    docs/keep.md file
    go.mod file
    hack/build.sh executable
    ");
    assert!(plan.missing.is_empty());
}

#[test]
fn a_dockerfile_that_copies_nothing_reads_only_itself() {
    let plan = plan(&repo("FROM scratch\nRUN echo hi\n"));
    assert_eq!(inputs(&plan), "Dockerfile file");
}

#[test]
fn copies_from_stages_and_images_are_not_inputs() {
    let plan = plan(&repo(
        "FROM scratch AS build\nCOPY --from=build /x /x\nCOPY --from=quay.io/x/y:z /y /y\n",
    ));
    assert_eq!(inputs(&plan), "Dockerfile file");
}

#[test]
fn bind_mounts_without_from_are_inputs() {
    let plan = plan(&repo(
        "FROM scratch\nRUN --mount=type=bind,source=hack,target=/hack /hack/build.sh\n\
         RUN --mount=type=cache,target=/c true\n",
    ));
    assert_eq!(inputs(&plan), "Dockerfile file\nhack directory");
}

#[test]
fn add_of_a_url_is_keyed_by_its_text() {
    let files = repo("FROM scratch\nADD https://example.com/a.tgz /a\n");
    let first = plan(&files);
    assert_eq!(first.remote_sources[0].url, "https://example.com/a.tgz");
    assert_eq!(inputs(&first), "Dockerfile file");
    let other = plan(&repo("FROM scratch\nADD https://example.com/b.tgz /a\n"));
    assert_ne!(
        first.key(&BTreeMap::new()).unwrap(),
        other.key(&BTreeMap::new()).unwrap()
    );
}

#[test]
fn missing_sources_are_listed() {
    let plan = plan(&repo(
        "FROM scratch\nCOPY nothing-here /x\nCOPY *.none /y\n",
    ));
    assert_eq!(plan.missing.len(), 1);
    assert_eq!(plan.missing[0].path, "nothing-here");
    assert_eq!(plan.missing[0].line, 2);
}

#[test]
fn sources_outside_the_context_are_refused() {
    let files = repo("FROM scratch\nCOPY ../secret /x\n")
        .with_file("ctx/Dockerfile", "FROM scratch\nCOPY a/../../x /x\n");
    let err = plan_root_build(&files, request("", "Dockerfile")).unwrap_err();
    assert_snapshot!(chain(&err), @"error: Dockerfile:2: `COPY` source `../secret` is outside the build context: sources are relative to the context directory `.`");
    let err = plan_root_build(&files, request("ctx", "ctx/Dockerfile")).unwrap_err();
    assert_snapshot!(chain(&err), @"error: ctx/Dockerfile:2: `COPY` source `a/../../x` is outside the build context: sources are relative to the context directory `ctx`");
}

#[test]
fn absolute_sources_are_relative_to_the_context() {
    let plan = plan(&repo("FROM scratch\nCOPY /go.mod /../cmd/a.go /src/\n"));
    assert_eq!(inputs(&plan), "Dockerfile file\ncmd/a.go file\ngo.mod file");
}

#[test]
fn symlinks_and_submodules_are_refused() {
    let files = repo("FROM scratch\nCOPY link /x\n").with_symlink("link", "/etc/passwd");
    let err = plan_root_build(&files, request("", "Dockerfile")).unwrap_err();
    assert_snapshot!(chain(&err), @"error: Dockerfile:2: `COPY` would read `link`, a symlink in the repository: symlinks and submodules are not followed in a root build");
    let files = repo("FROM scratch\nCOPY lib/x.go /x\n").with_symlink("lib", "cmd");
    let err = plan_root_build(&files, request("", "Dockerfile")).unwrap_err();
    assert_snapshot!(chain(&err), @"error: Dockerfile:2: `COPY` would read `lib`, a symlink in the repository: symlinks and submodules are not followed in a root build");
    let files = repo("FROM scratch\nCOPY vendor* /x\n")
        .with_submodule("vendor", "0123456789012345678901234567890123456789");
    let err = plan_root_build(&files, request("", "Dockerfile")).unwrap_err();
    assert_snapshot!(chain(&err), @"error: Dockerfile:2: `COPY` would read `vendor`, a submodule in the repository: symlinks and submodules are not followed in a root build");
}

#[test]
fn the_root_cannot_be_built_on_itself() {
    let files = repo("FROM quay.io/x/root:1\n");
    let mut request = request("", "Dockerfile");
    request
        .image_inputs
        .insert("root".into(), vec!["quay.io/x/root:1".into()]);
    request.bases.push(BaseImage {
        text: "quay.io/x/root:1".into(),
        line: 1,
        image_stream_tag: None,
    });
    let err = plan_root_build(&files, request).unwrap_err();
    assert_snapshot!(chain(&err), @"error: Dockerfile:1: `FROM quay.io/x/root:1` would be replaced by `pipeline:root` through `inputs.root.as`: the root cannot be built on itself");
}

fn ist() -> ImageStreamTag {
    "ocp/builder:golang-1.22"
        .parse()
        .expect("a valid imagestreamtag")
}

fn keyed(files: &InMemoryFiles, args: &[(&str, &str)], digest: &str) -> String {
    let mut request = request("", "Dockerfile");
    request.build_args = args
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    request.bases.push(BaseImage {
        text: "registry.ci.openshift.org/ocp/builder:golang-1.22".into(),
        line: 1,
        image_stream_tag: Some(ist()),
    });
    let plan = plan_root_build(files, request).expect("the plan is made");
    let digests = BTreeMap::from([(ist(), digest.to_owned())]);
    plan.key(&digests).expect("the digest is given").to_string()
}

#[test]
fn the_key_follows_what_the_build_reads() {
    let dockerfile = "FROM registry.ci.openshift.org/ocp/builder:golang-1.22\nCOPY cmd/ /src/\n";
    let files = repo(dockerfile);
    let key = keyed(&files, &[("A", "1"), ("B", "2")], "sha256:1");
    assert!(key.starts_with("root-") && key.len() == 25, "{key}");
    // Same content, arguments in another order: same key.
    assert_eq!(
        keyed(&repo(dockerfile), &[("B", "2"), ("A", "1")], "sha256:1"),
        key
    );
    // A file outside the inputs: same key.
    let outside = repo(dockerfile).with_file("docs/guide.md", "changed\n");
    assert_eq!(keyed(&outside, &[("A", "1"), ("B", "2")], "sha256:1"), key);
    // A copied file, an argument, a base digest, the Dockerfile: another key.
    let copied = repo(dockerfile).with_file("cmd/a.go", "package main // changed\n");
    assert_ne!(keyed(&copied, &[("A", "1"), ("B", "2")], "sha256:1"), key);
    assert_ne!(keyed(&files, &[("A", "1"), ("B", "3")], "sha256:1"), key);
    assert_ne!(keyed(&files, &[("A", "1"), ("B", "2")], "sha256:2"), key);
    let changed = repo(&format!("{dockerfile}RUN true\n"));
    assert_ne!(keyed(&changed, &[("A", "1"), ("B", "2")], "sha256:1"), key);
}

#[test]
fn a_missing_digest_is_an_error() {
    let files = repo("FROM registry.ci.openshift.org/ocp/builder:golang-1.22\n");
    let mut request = request("", "Dockerfile");
    request.bases.push(BaseImage {
        text: "registry.ci.openshift.org/ocp/builder:golang-1.22".into(),
        line: 1,
        image_stream_tag: Some(ist()),
    });
    let plan = plan_root_build(&files, request).unwrap();
    assert_snapshot!(plan.key(&BTreeMap::new()).unwrap_err(), @"line 1: the digest of `ocp/builder:golang-1.22` (the base `FROM registry.ci.openshift.org/ocp/builder:golang-1.22`) is needed for the key of the root build");
}

#[test]
fn the_archive_is_deterministic_and_laid_out_as_the_context() {
    let files = repo("FROM scratch\nCOPY hack/ cmd/*.go /src/\n")
        .with_file("ctx/unused", "x")
        .with_file(".dockerignore", "cmd/b.go\n");
    let plan = plan(&files);
    let mut first = Vec::new();
    let summary = plan.write_archive(&files, &mut first).unwrap();
    let mut second = Vec::new();
    plan.write_archive(&files, &mut second).unwrap();
    assert_eq!(first, second);
    assert_eq!(summary.bytes, u64::try_from(first.len()).unwrap());
    assert_eq!(summary.files, 4);
    assert_snapshot!(archive_listing(&first), @r#"
    .dockerignore 644 9 mtime=0 uid=0 gid=0 user=""
    Dockerfile 644 39 mtime=0 uid=0 gid=0 user=""
    cmd/ 755 0 mtime=0 uid=0 gid=0 user=""
    cmd/a.go 644 13 mtime=0 uid=0 gid=0 user=""
    hack/ 755 0 mtime=0 uid=0 gid=0 user=""
    hack/build.sh 755 10 mtime=0 uid=0 gid=0 user=""
    "#);
}

#[test]
fn a_context_directory_is_the_archive_root() {
    let files = InMemoryFiles::new("test")
        .with_file("images/root/Dockerfile", "FROM scratch\nCOPY . .\n")
        .with_file("images/root/x", "x")
        .with_file("secret", "outside");
    let plan = plan_root_build(&files, request("images/root", "images/root/Dockerfile")).unwrap();
    let mut archive = Vec::new();
    plan.write_archive(&files, &mut archive).unwrap();
    assert_snapshot!(archive_listing(&archive), @r#"
    Dockerfile 644 22 mtime=0 uid=0 gid=0 user=""
    x 644 1 mtime=0 uid=0 gid=0 user=""
    "#);
}

#[test]
fn an_archive_over_the_limit_writes_nothing() {
    let big = vec![b'x'; usize::try_from(resolver::MAX_ARCHIVE_BYTES).unwrap() / 2 + 1];
    let files = repo("FROM scratch\nCOPY big1 big2 /\n")
        .with_file("big1", big.clone())
        .with_file("big2", big);
    let plan = plan(&files);
    let mut out = Vec::new();
    let err = plan.write_archive(&files, &mut out).unwrap_err();
    assert!(out.is_empty());
    assert_snapshot!(chain(&err), @"error: the archive of the build context is larger than the limit of 256 MiB");
}

#[test]
fn a_symlink_inside_a_copied_directory_is_refused_by_the_archive() {
    let files = repo("FROM scratch\nCOPY cmd /src\n").with_symlink("cmd/link", "/etc/passwd");
    let plan = plan(&files);
    let mut out = Vec::new();
    let err = plan.write_archive(&files, &mut out).unwrap_err();
    assert!(out.is_empty());
    assert_snapshot!(chain(&err), @"error: `cmd/link` is a symlink: symlinks and submodules are not archived for a root build");
}

/// Path segments that try to leave the context, glob, or name real entries.
fn segment() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "..", ".", "", "a", "b", "*", "?", "[ab]", "a*", "ctx", "**",
    ])
    .prop_map(str::to_owned)
}

fn source() -> impl Strategy<Value = String> {
    (any::<bool>(), prop::collection::vec(segment(), 1..5)).prop_map(|(absolute, parts)| {
        let joined = parts.join("/");
        if absolute {
            format!("/{joined}")
        } else {
            joined
        }
    })
}

fn tree() -> impl Strategy<Value = Vec<(String, bool)>> {
    let path = prop::collection::vec(prop::sample::select(vec!["a", "b", "ab", "x"]), 1..4)
        .prop_map(|parts| parts.join("/"));
    prop::collection::vec((path, any::<bool>()), 0..12)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
    #[test]
    fn the_archive_never_holds_a_path_outside_the_context(
        sources in prop::collection::vec(source(), 1..4),
        inside in tree(),
        outside in tree(),
    ) {
        let mut files = InMemoryFiles::new("prop");
        for (path, executable) in &outside {
            files.insert(path.clone(), if *executable { "out-x" } else { "out" });
        }
        // Files whose parent is a held file would be unreachable, as in git: skip them.
        for (path, _) in &inside {
            files.insert(format!("ctx/{path}"), "in");
        }
        let copies: Vec<String> = sources.iter().map(|s| format!("COPY {s} /dst/")).collect();
        files.insert("ctx/Dockerfile", format!("FROM scratch\n{}\n", copies.join("\n")));
        let Ok(plan) = plan_root_build(&files, request("ctx", "ctx/Dockerfile")) else {
            return Ok(());
        };
        let mut archive = Vec::new();
        if plan.write_archive(&files, &mut archive).is_err() {
            return Ok(());
        }
        let mut reader = tar::Archive::new(archive.as_slice());
        for entry in reader.entries().unwrap() {
            let entry = entry.unwrap();
            let path = entry.path().unwrap().to_string_lossy().trim_end_matches('/').to_owned();
            prop_assert!(!path.starts_with('/'), "{path}");
            prop_assert!(!path.split('/').any(|p| p == ".." || p == "."), "{path}");
            let repo_path = format!("ctx/{path}");
            prop_assert!(
                files.entry(&repo_path).unwrap().is_some(),
                "{path} is not in the context"
            );
            if entry.header().entry_type().is_file() {
                let kind = files.entry(&repo_path).unwrap().unwrap().kind;
                prop_assert!(matches!(kind, EntryKind::File | EntryKind::Executable));
            }
        }
    }
}

/// Runs git in `dir` with no global or system config, and returns its trimmed output.
fn git(dir: &std::path::Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {output:?}");
    String::from_utf8(output.stdout)
        .expect("git prints UTF-8")
        .trim()
        .to_owned()
}

#[test]
fn in_memory_ids_are_the_ids_git_computes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let files = repo("FROM scratch\nCOPY . .\n")
        .with_file("a-b", "sorts between a and a/ in git\n")
        .with_file("a/x", "x\n")
        .with_symlink("link", "cmd/a.go");
    git(root, &["init", "-q"]);
    for path in files.paths() {
        let full = root.join(path);
        fs_err::create_dir_all(full.parent().unwrap()).unwrap();
        if path == "link" {
            std::os::unix::fs::symlink("cmd/a.go", &full).unwrap();
        } else {
            let bytes = files.read(path, u64::MAX).unwrap().unwrap();
            fs_err::write(&full, bytes).unwrap();
        }
    }
    let mut perms = fs_err::metadata(root.join("hack/build.sh"))
        .unwrap()
        .permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    fs_err::set_permissions(root.join("hack/build.sh"), perms).unwrap();
    git(root, &["add", "-A"]);
    let tree = git(root, &["write-tree"]);
    assert_eq!(files.entry("").unwrap().unwrap().id, tree);
    for path in ["cmd", "cmd/sub", "hack/build.sh", "link", "a"] {
        let expected = git(root, &["rev-parse", &format!("{tree}:{path}")]);
        assert_eq!(files.entry(path).unwrap().unwrap().id, expected, "{path}");
    }
}

const PROJECT_IMAGE: &str = "\
base_images:
  builder:
    namespace: ocp
    name: builder
    tag: golang-1.22
build_root:
  project_image:
    context_dir: images/root
    dockerfile_path: Dockerfile.root
    build_args:
    - name: GO
      value: '1.22'
    inputs:
      builder:
        as:
        - quay.io/example/builder:latest
";

#[test]
fn a_config_root_is_planned_with_its_bases_mapped() {
    let config = crate::config(PROJECT_IMAGE);
    let files = InMemoryFiles::new("merged")
        .with_file(
            "images/root/Dockerfile.root",
            "FROM quay.io/example/builder:latest AS build\n\
             FROM build\n\
             FROM registry.ci.openshift.org/ocp/4.20:base-rhel9\n\
             COPY tools/ /usr/local/bin/\n",
        )
        .with_file("images/root/tools/lint", "#!/bin/sh\n")
        .with_file("main.go", "package main\n");
    let plan = resolver::root_build_plan(&config, None, &resolver::Repositories::new(&files))
        .unwrap()
        .unwrap();
    assert_eq!(plan.context_dir, "images/root");
    assert_eq!(inputs(&plan), "Dockerfile.root file\ntools directory");
    assert_eq!(plan.build_args, [("GO".to_owned(), "1.22".to_owned())]);
    let bases: Vec<String> = plan
        .bases
        .iter()
        .map(|b| {
            let ist = b.image_stream_tag.as_ref().map(ToString::to_string);
            format!("{}: {} -> {}", b.line, b.text, ist.unwrap_or_default())
        })
        .collect();
    assert_snapshot!(bases.join("\n"), @"
    1: quay.io/example/builder:latest -> ocp/builder:golang-1.22
    3: registry.ci.openshift.org/ocp/4.20:base-rhel9 -> ocp/4.20:base-rhel9
    ");
    let digests = BTreeMap::from([
        (ist(), "sha256:a".to_owned()),
        (
            "ocp/4.20:base-rhel9".parse().unwrap(),
            "sha256:b".to_owned(),
        ),
    ]);
    assert!(plan.key(&digests).is_ok());
}

#[test]
fn roots_not_built_from_a_dockerfile_have_no_plan() {
    let config = crate::config(
        "build_root:\n  image_stream_tag:\n    namespace: ocp\n    name: builder\n    tag: x\n",
    );
    let files = InMemoryFiles::new("merged");
    let plan = resolver::root_build_plan(&config, None, &resolver::Repositories::new(&files));
    assert!(plan.unwrap().is_none());
}
