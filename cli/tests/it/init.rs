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
    insta::assert_snapshot!(result.render(&[(dir.path(), "[TMP]")]), @"
    exit: 1
    --- stdout
    --- stderr
    error: [TMP]/config.yaml: build_root already reads from the repository (from_repository: true)
    ");
}
