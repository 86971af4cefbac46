//! `ci-operator resolve` and `check` through the binary, on the corpus and on edge cases.

use std::path::Path;

use crate::helpers::run;

/// Copies a case's `repo/` to a temporary work tree, optionally without `.ci-operator.yaml`.
fn work_tree(case: &Path, keep_in_repo_file: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&case.join("repo"), dir.path());
    if !keep_in_repo_file {
        let _ = fs_err::remove_file(dir.path().join(".ci-operator.yaml"));
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    let Ok(entries) = fs_err::read_dir(from) else {
        return;
    };
    for entry in entries {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            fs_err::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            fs_err::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The config with its top-level `build_root` block replaced by `from_repository: true`.
fn by_convention(config: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in config.split_inclusive('\n') {
        if line.starts_with("build_root:") {
            out.push_str("build_root:\n  from_repository: true\n");
            skipping = true;
            continue;
        }
        if skipping && (line.starts_with(' ') || line.trim().is_empty()) {
            continue;
        }
        skipping = false;
        out.push_str(line);
    }
    out
}

fn assert_matches(
    name: &str,
    what: &str,
    expected: &serde_json::Value,
    result: &crate::helpers::Run,
) {
    if expected.get("error").is_some() {
        assert_eq!(
            result.code, 1,
            "{name} {what}: expected an error, got {}{}",
            result.stdout, result.stderr
        );
        assert!(
            result.stderr.starts_with("error: "),
            "{name} {what}: {}",
            result.stderr
        );
        return;
    }
    assert_eq!(result.code, 0, "{name} {what}: {}", result.stderr);
    let got: serde_json::Value = serde_json::from_str(&result.stdout).unwrap();
    let root = &got["roots"][0];
    if let Some(strategy) = expected.get("strategy") {
        assert_eq!(&root["strategy"], strategy, "{name} {what}");
    } else {
        assert_eq!(root["strategy"], "dockerfile", "{name} {what}");
    }
    assert_eq!(
        &root["image_stream_tag"], &expected["image_stream_tag"],
        "{name} {what}"
    );
}

#[test]
fn corpus_resolves_as_expected() {
    for case in crate::corpus::cases() {
        let tree = work_tree(&case.dir, true);
        let config = case.dir.join("config.yaml");
        let result = run(&[
            "resolve",
            "-q",
            "-o",
            "json",
            "--config",
            config.to_str().unwrap(),
            "--repo",
            tree.path().to_str().unwrap(),
        ]);
        if case.expected["valid"] == false {
            assert_eq!(
                result.code, 1,
                "{}: an invalid config is refused",
                case.name
            );
            continue;
        }
        assert_matches(&case.name, "resolve", &case.expected["resolve"], &result);
    }
}

#[test]
fn corpus_by_convention_as_expected() {
    for case in crate::corpus::cases() {
        if case.expected["valid"] == false {
            continue;
        }
        let tree = work_tree(&case.dir, false);
        let config = tree.path().join("ci-operator-config.yaml");
        fs_err::write(
            &config,
            by_convention(&fs_err::read_to_string(case.dir.join("config.yaml")).unwrap()),
        )
        .unwrap();
        let result = run(&[
            "resolve",
            "-q",
            "-o",
            "json",
            "--config",
            config.to_str().unwrap(),
            "--repo",
            tree.path().to_str().unwrap(),
        ]);
        assert_matches(
            &case.name,
            "by_convention",
            &case.expected["by_convention"],
            &result,
        );
    }
}

#[test]
fn example_text_output() {
    let result = run(&[
        "resolve",
        "--config",
        "example/config.yaml",
        "--repo",
        "example/repo",
    ]);
    insta::assert_snapshot!(result.render(&[]), @"
    exit: 0
    --- stdout
    pipeline:root <- openshift/release:rhel-9-release-golang-1.22-openshift-4.17
      strategy: in_repo_file
      from `.ci-operator.yaml`:2:3 `build_root_image` at the files on disk in `example/repo`
    --- stderr
    note: the repository chose the build root openshift/release:rhel-9-release-golang-1.22-openshift-4.17 (.ci-operator.yaml); any namespace is allowed: set --allowed-root-namespaces to limit it
    ");
}

#[test]
fn inference_failure_says_both_why() {
    let dir = tempfile::tempdir().unwrap();
    fs_err::write(
        dir.path().join("config.yaml"),
        "build_root:\n  from_repository: true\nimages:\n- to: app\n",
    )
    .unwrap();
    fs_err::write(
        dir.path().join("Dockerfile"),
        "FROM docker.io/library/golang:1.22 AS build\nFROM scratch\nCOPY --from=build /app /app\n",
    )
    .unwrap();
    let result = run(&[
        "resolve",
        "--config",
        dir.path().join("config.yaml").to_str().unwrap(),
        "--repo",
        dir.path().to_str().unwrap(),
    ]);
    insta::assert_snapshot!(result.render(&[(dir.path(), "[TMP]")]), @"
    exit: 1
    --- stdout
    --- stderr
    error: build_root: `.ci-operator.yaml` does not exist at the files on disk in `[TMP]`, and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: Dockerfile:1:6: `docker.io/library/golang:1.22` is not on a CI registry: add an `inputs.<alias>.as` replacement for `docker.io/library/golang:1.22` and a `base_images.<alias>` entry
     --> Dockerfile:1:6
      |
    1 | FROM docker.io/library/golang:1.22 AS build
      |      ^
    ");
}

#[test]
fn policy_refuses_a_namespace_the_repository_chose() {
    let result = run(&[
        "resolve",
        "--config",
        "example/config.yaml",
        "--repo",
        "example/repo",
        "--allowed-root-namespaces",
        "ocp,ci",
    ]);
    insta::assert_snapshot!(result.render(&[]), @"
    exit: 1
    --- stdout
    --- stderr
    error: root: .ci-operator.yaml chose the build root openshift/release:rhel-9-release-golang-1.22-openshift-4.17, from namespace `openshift`, which is not allowed (allowed: ocp, ci): use an imagestreamtag from an allowed namespace
    ");
    let allowed = run(&[
        "resolve",
        "-o",
        "json",
        "--config",
        "example/config.yaml",
        "--repo",
        "example/repo",
        "--allowed-root-namespaces",
        "openshift",
    ]);
    assert_eq!(allowed.code, 0, "{}", allowed.stderr);
    assert!(allowed.stderr.is_empty(), "{}", allowed.stderr);
}

#[test]
fn check_reports_and_exits_one_on_drift() {
    let case = crate::helpers::corpus().join("openshift__oc__main");
    let result = run(&[
        "check",
        "-o",
        "json",
        "--config",
        case.join("config.yaml").to_str().unwrap(),
        "--repo",
        case.join("repo").to_str().unwrap(),
    ]);
    assert_eq!(result.code, 1);
    let report: serde_json::Value = serde_json::from_str(&result.stdout).unwrap();
    let verdicts: Vec<(&str, &str)> = report["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["image"].as_str().unwrap(), i["verdict"].as_str().unwrap()))
        .collect();
    insta::assert_debug_snapshot!(verdicts, @r#"
    [
        (
            "cli",
            "compatible",
        ),
        (
            "tools",
            "unknown",
        ),
        (
            "tests",
            "compatible",
        ),
        (
            "must-gather",
            "compatible",
        ),
        (
            "deployer",
            "unknown",
        ),
        (
            "cli-artifacts",
            "drift",
        ),
        (
            "recycler",
            "unknown",
        ),
    ]
    "#);
    let example = run(&[
        "check",
        "--config",
        "example/config.yaml",
        "--repo",
        "example/repo",
    ]);
    insta::assert_snapshot!(example.render(&[]), @r"
    exit: 0
    --- stdout
    in-repo root: openshift/release:rhel-9-release-golang-1.22-openshift-4.17
    hello-operator: compatible (Dockerfile): implies ocp/builder:rhel-9-golang-1.22-openshift-4.17
      line 3, column 6: FROM registry.ci.openshift.org/ocp/builder:rhel-9-golang-${GO_VERSION}-openshift-4.17 (via pullspec)
    --- stderr
    example/config.yaml:27:9: warning: images[0].inputs.ocp_builder_rhel-9-golang-1.22-openshift-4.17.as[0]: `registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.22-openshift-4.17` matches no `FROM` or `COPY --from` of `Dockerfile`, so it replaces nothing: fix the entry or remove it
    ");
}

#[test]
fn missing_source_is_a_usage_error() {
    let result = run(&["resolve", "--config", "example/config.yaml"]);
    insta::assert_snapshot!(result.render(&[]), @"
    exit: 2
    --- stdout
    --- stderr
    error: no repository to read: pass --repo DIR, --repo DIR_OR_URL --rev REV, or --job-spec JSON (or set JOB_SPEC)
    ");
}

#[test]
fn invalid_config_shows_the_lines() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yaml");
    fs_err::write(&config, "build_root:\n  from_repository: true\n  image_stream_tag:\n    namespace: \"\"\n    name: release\n    tag: golang-1.22\n").unwrap();
    let result = run(&[
        "resolve",
        "--config",
        config.to_str().unwrap(),
        "--repo",
        dir.path().to_str().unwrap(),
    ]);
    insta::assert_snapshot!(result.render(&[(dir.path(), "[TMP]")]), @r#"
    exit: 1
    --- stdout
    --- stderr
    error: [TMP]/config.yaml is not a valid config (2 problems):
      [TMP]/config.yaml:2:3: build_root: from_repository and image_stream_tag are mutually exclusive
      [TMP]/config.yaml:4:16: build_root.image_stream_tag.namespace: value required but not provided
     --> [TMP]/config.yaml:2:3
      |
    2 |   from_repository: true
      |   ^
     --> [TMP]/config.yaml:4:16
      |
    4 |     namespace: ""
      |                ^
    "#);
}
