//! `ci-operator init`.

use crate::helpers::run;

const CONFIG: &str = "# keep me\nbuild_root:\n  image_stream_tag:\n    namespace: openshift\n    name: release\n    tag: \"1.22\"\nimages:\n- to: app\n";

#[test]
fn prints_both_diffs_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yaml");
    fs_err::write(&config, CONFIG).unwrap();
    let repo = dir.path().join("repo");
    fs_err::create_dir(&repo).unwrap();
    let result = run(&[
        "init",
        "--config",
        config.to_str().unwrap(),
        "--repo",
        repo.to_str().unwrap(),
    ]);
    insta::assert_snapshot!(result.render(&[(dir.path(), "[TMP]")]), @r#"
    exit: 0
    --- stdout
    --- /dev/null
    +++ [TMP]/repo/.ci-operator.yaml
    @@ -0,0 +1,4 @@
    +build_root_image:
    +  namespace: openshift
    +  name: release
    +  tag: "1.22"
    --- [TMP]/config.yaml
    +++ [TMP]/config.yaml
    @@ -1,8 +1,5 @@
     # keep me
     build_root:
    -  image_stream_tag:
    -    namespace: openshift
    -    name: release
    -    tag: "1.22"
    +  from_repository: true
     images:
     - to: app
    --- stderr
    nothing written: pass --write to create the file; then change the config as shown
    "#);
    assert!(!repo.join(".ci-operator.yaml").exists());
}

#[test]
fn writes_and_refuses_to_overwrite_a_different_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yaml");
    fs_err::write(&config, CONFIG).unwrap();
    let repo = dir.path().join("repo");
    fs_err::create_dir(&repo).unwrap();
    let args = [
        "init",
        "--config",
        config.to_str().unwrap(),
        "--repo",
        repo.to_str().unwrap(),
        "--write",
    ];
    let first = run(&args);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let written = fs_err::read_to_string(repo.join(".ci-operator.yaml")).unwrap();
    insta::assert_snapshot!(written, @r#"
    build_root_image:
      namespace: openshift
      name: release
      tag: "1.22"
    "#);
    // The written file reads back as a valid in-repo file.
    assert_eq!(
        run(&[
            "validate",
            "--strict",
            repo.join(".ci-operator.yaml").to_str().unwrap()
        ])
        .code,
        0
    );
    let again = run(&args);
    assert_eq!(again.code, 0);
    fs_err::write(
        repo.join(".ci-operator.yaml"),
        "build_root_image:\n  namespace: a\n  name: b\n  tag: c\n",
    )
    .unwrap();
    let refused = run(&args);
    insta::assert_snapshot!(refused.render(&[(dir.path(), "[TMP]")]), @r#"
    exit: 1
    --- stdout
    --- [TMP]/repo/.ci-operator.yaml
    +++ [TMP]/repo/.ci-operator.yaml
    @@ -1,4 +1,4 @@
     build_root_image:
    -  namespace: a
    -  name: b
    -  tag: c
    +  namespace: openshift
    +  name: release
    +  tag: "1.22"
    --- stderr
    error: [TMP]/repo/.ci-operator.yaml exists with a different build root; not replaced (the diff is above): pass --force to replace it
    "#);
    assert_eq!(
        fs_err::read_to_string(repo.join(".ci-operator.yaml")).unwrap(),
        "build_root_image:\n  namespace: a\n  name: b\n  tag: c\n"
    );
}

#[test]
fn refuses_a_config_without_image_stream_tag() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yaml");
    fs_err::write(&config, "build_root:\n  from_repository: true\n").unwrap();
    let result = run(&[
        "init",
        "--config",
        config.to_str().unwrap(),
        "--repo",
        dir.path().to_str().unwrap(),
    ]);
    insta::assert_snapshot!(result.render(&[(dir.path(), "[TMP]")]), @r"
    exit: 1
    --- stdout
    --- stderr
    error: [TMP]/config.yaml: build_root reads from the repository, whose .ci-operator.yaml names no build root, and none can be inferred from the promoted Dockerfiles: pass --root NS/NAME:TAG to write one
      caused by: build_root: `.ci-operator.yaml` does not exist at the files on disk in `[TMP]`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image to infer the root from: the config has no `images`: name the root in `.ci-operator.yaml` as `build_root_image: {namespace, name, tag}`
    ");
}

/// `init` on a work tree: stdout, stderr and the file afterwards.
fn init_in(dir: &std::path::Path, config: &str, extra: &[&str]) -> String {
    let config_path = dir.join("config.yaml");
    fs_err::write(&config_path, config).unwrap();
    let repo = dir.join("repo");
    let mut args = vec![
        "init",
        "--config",
        config_path.to_str().unwrap(),
        "--repo",
        repo.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let result = run(&args);
    let file = fs_err::read_to_string(repo.join(".ci-operator.yaml"))
        .unwrap_or_else(|_| "(none)\n".to_owned());
    format!(
        "{}--- .ci-operator.yaml after\n{file}",
        result.render(&[(dir, "[TMP]")])
    )
}

fn repo_with(in_repo_file: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs_err::create_dir(dir.path().join("repo")).unwrap();
    if let Some(text) = in_repo_file {
        fs_err::write(dir.path().join("repo/.ci-operator.yaml"), text).unwrap();
    }
    dir
}

/// Issue 12: the corpus case kubev2v/migration-planner has a `.ci-operator.yaml` with a
/// `tests:` block and no build root; init adds `build_root_image` and keeps every byte.
#[test]
fn adds_the_root_to_a_file_with_other_keys() {
    let case = crate::helpers::corpus().join("kubev2v__migration-planner__main");
    let config = fs_err::read_to_string(case.join("config.yaml")).unwrap();
    let original = fs_err::read_to_string(case.join("repo/.ci-operator.yaml")).unwrap();
    let dir = repo_with(Some(&original));
    insta::assert_snapshot!(init_in(dir.path(), &config, &[]), @r#"
    exit: 0
    --- stdout
    --- [TMP]/repo/.ci-operator.yaml
    +++ [TMP]/repo/.ci-operator.yaml
    @@ -4,3 +4,7 @@
       container:
         from: src
     
    +build_root_image:
    +  namespace: openshift
    +  name: release
    +  tag: golang-1.24.0
    --- [TMP]/config.yaml
    +++ [TMP]/config.yaml
    @@ -1,8 +1,5 @@
     build_root:
    -  image_stream_tag:
    -    name: release
    -    namespace: openshift
    -    tag: golang-1.24.0
    +  from_repository: true
     promotion:
       to:
       - name: "4.20"
    --- stderr
    nothing written: pass --write to change the file; then change the config as shown
    --- .ci-operator.yaml after
    tests:
    - as: unit
      commands: make test
      container:
        from: src
    "#);
    insta::assert_snapshot!(init_in(dir.path(), &config, &["--write"]), @r#"
    exit: 0
    --- stdout
    --- [TMP]/config.yaml
    +++ [TMP]/config.yaml
    @@ -1,8 +1,5 @@
     build_root:
    -  image_stream_tag:
    -    name: release
    -    namespace: openshift
    -    tag: golang-1.24.0
    +  from_repository: true
     promotion:
       to:
       - name: "4.20"
    --- stderr
    wrote [TMP]/repo/.ci-operator.yaml
    --- .ci-operator.yaml after
    tests:
    - as: unit
      commands: make test
      container:
        from: src

    build_root_image:
      namespace: openshift
      name: release
      tag: golang-1.24.0
    "#);
    let written = fs_err::read_to_string(dir.path().join("repo/.ci-operator.yaml")).unwrap();
    assert!(written.starts_with(&original), "{written}");
    // Valid (the `tests:` key stays what it was: an unknown key, a warning).
    let file = dir.path().join("repo/.ci-operator.yaml");
    assert_eq!(run(&["validate", file.to_str().unwrap()]).code, 0);
}

#[test]
fn the_same_root_already_there_writes_nothing() {
    let file = "# ours\nbuild_root_image:\n  namespace: openshift\n  name: release\n  tag: \"1.22\"\ntests: []\n";
    let dir = repo_with(Some(file));
    insta::assert_snapshot!(init_in(dir.path(), CONFIG, &["--write"]), @r#"
    exit: 0
    --- stdout
    --- [TMP]/config.yaml
    +++ [TMP]/config.yaml
    @@ -1,8 +1,5 @@
     # keep me
     build_root:
    -  image_stream_tag:
    -    namespace: openshift
    -    name: release
    -    tag: "1.22"
    +  from_repository: true
     images:
     - to: app
    --- stderr
    [TMP]/repo/.ci-operator.yaml already says this build root
    --- .ci-operator.yaml after
    # ours
    build_root_image:
      namespace: openshift
      name: release
      tag: "1.22"
    tests: []
    "#);
}

#[test]
fn force_replaces_only_the_build_root_image_block() {
    let file = "# ours\nbuild_root_image:\n  namespace: a # old\n  name: b\n  tag: c\n# keep\ntests:\n- as: unit\n";
    let dir = repo_with(Some(file));
    insta::assert_snapshot!(init_in(dir.path(), CONFIG, &["--write"]), @r#"
    exit: 1
    --- stdout
    --- [TMP]/repo/.ci-operator.yaml
    +++ [TMP]/repo/.ci-operator.yaml
    @@ -1,8 +1,8 @@
     # ours
     build_root_image:
    -  namespace: a # old
    -  name: b
    -  tag: c
    +  namespace: openshift
    +  name: release
    +  tag: "1.22"
     # keep
     tests:
     - as: unit
    --- stderr
    error: [TMP]/repo/.ci-operator.yaml exists with a different build root; not replaced (the diff is above): pass --force to replace it
    --- .ci-operator.yaml after
    # ours
    build_root_image:
      namespace: a # old
      name: b
      tag: c
    # keep
    tests:
    - as: unit
    "#);
    insta::assert_snapshot!(init_in(dir.path(), CONFIG, &["--write", "--force"]), @r#"
    exit: 0
    --- stdout
    --- [TMP]/config.yaml
    +++ [TMP]/config.yaml
    @@ -1,8 +1,5 @@
     # keep me
     build_root:
    -  image_stream_tag:
    -    namespace: openshift
    -    name: release
    -    tag: "1.22"
    +  from_repository: true
     images:
     - to: app
    --- stderr
    wrote [TMP]/repo/.ci-operator.yaml
    --- .ci-operator.yaml after
    # ours
    build_root_image:
      namespace: openshift
      name: release
      tag: "1.22"
    # keep
    tests:
    - as: unit
    "#);
}

const FROM_REPOSITORY: &str =
    "build_root:\n  from_repository: true\nimages:\n- dockerfile_path: Dockerfile\n  to: app\n";

/// Issue 12: a config on `from_repository` whose repository lacks the file gets the root
/// option B infers.
#[test]
fn from_repository_without_the_file_writes_the_inferred_root() {
    let dir = repo_with(None);
    fs_err::write(
        dir.path().join("repo/Dockerfile"),
        "FROM registry.ci.openshift.org/openshift/release:golang-1.22 AS builder\nFROM registry.ci.openshift.org/ocp/4.20:base-rhel9\nCOPY --from=builder /app /app\n",
    )
    .unwrap();
    insta::assert_snapshot!(init_in(dir.path(), FROM_REPOSITORY, &[]), @r"
    exit: 0
    --- stdout
    --- /dev/null
    +++ [TMP]/repo/.ci-operator.yaml
    @@ -0,0 +1,4 @@
    +build_root_image:
    +  namespace: openshift
    +  name: release
    +  tag: golang-1.22
    --- stderr
    pipeline:root <- openshift/release:golang-1.22
      strategy: dockerfile
      inferred by convention from the promoted Dockerfiles at the files on disk in `[TMP]/repo` (no `.ci-operator.yaml`)
      image `app`: Dockerfile
        stage 0 `builder` (the first stage the final stage copies from)
        line 1, column 6: FROM registry.ci.openshift.org/openshift/release:golang-1.22
        -> openshift/release:golang-1.22
    nothing written: pass --write to create the file
    --- .ci-operator.yaml after
    (none)
    ");
    insta::assert_snapshot!(init_in(dir.path(), FROM_REPOSITORY, &["--write"]), @r"
    exit: 0
    --- stdout
    --- stderr
    pipeline:root <- openshift/release:golang-1.22
      strategy: dockerfile
      inferred by convention from the promoted Dockerfiles at the files on disk in `[TMP]/repo` (no `.ci-operator.yaml`)
      image `app`: Dockerfile
        stage 0 `builder` (the first stage the final stage copies from)
        line 1, column 6: FROM registry.ci.openshift.org/openshift/release:golang-1.22
        -> openshift/release:golang-1.22
    wrote [TMP]/repo/.ci-operator.yaml
    --- .ci-operator.yaml after
    build_root_image:
      namespace: openshift
      name: release
      tag: golang-1.22
    ");
    insta::assert_snapshot!(init_in(dir.path(), FROM_REPOSITORY, &["--write"]), @r"
    exit: 0
    --- stdout
    --- stderr
    [TMP]/repo/.ci-operator.yaml names the build root openshift/release:golang-1.22: nothing to do (pass --root NS/NAME:TAG to write another root)
    --- .ci-operator.yaml after
    build_root_image:
      namespace: openshift
      name: release
      tag: golang-1.22
    ");
}

#[test]
fn from_repository_says_why_b_cannot_and_what_to_pass() {
    let dir = repo_with(None);
    fs_err::write(
        dir.path().join("repo/Dockerfile"),
        "FROM docker.io/library/golang:1.22\n",
    )
    .unwrap();
    insta::assert_snapshot!(init_in(dir.path(), FROM_REPOSITORY, &[]), @r"
    exit: 1
    --- stdout
    --- stderr
    error: [TMP]/config.yaml: build_root reads from the repository, whose .ci-operator.yaml names no build root, and none can be inferred from the promoted Dockerfiles: pass --root NS/NAME:TAG to write one
      caused by: build_root: `.ci-operator.yaml` does not exist at the files on disk in `[TMP]/repo`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: Dockerfile:1:6: `docker.io/library/golang:1.22` is not on a CI registry: add an `inputs.<alias>.as` replacement for `docker.io/library/golang:1.22` and a `base_images.<alias>` entry
    --- .ci-operator.yaml after
    (none)
    ");
    insta::assert_snapshot!(
        init_in(dir.path(), FROM_REPOSITORY, &["--root", "openshift/release:golang-1.22", "--write"]),
        @r"
    exit: 0
    --- stdout
    --- stderr
    wrote [TMP]/repo/.ci-operator.yaml
    --- .ci-operator.yaml after
    build_root_image:
      namespace: openshift
      name: release
      tag: golang-1.22
    "
    );
}

#[test]
fn a_bad_root_is_a_usage_error_with_the_rule() {
    let dir = repo_with(None);
    insta::assert_snapshot!(init_in(dir.path(), CONFIG, &["--root", "Open_Shift/release:1"]), @r"
    exit: 2
    --- stdout
    --- stderr
    error: --root `Open_Shift/release:1` is not NAMESPACE/NAME:TAG (e.g. openshift/release:golang-1.22)
      caused by: invalid namespace `Open_Shift`: a namespace is a DNS-1123 label (1 to 63 lowercase letters, digits and `-`, starting and ending with a letter or digit)
    --- .ci-operator.yaml after
    (none)
    ");
}
