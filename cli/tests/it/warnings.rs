//! Warnings about `.ci-operator.yaml` (unknown keys): on stderr in every output mode, never on
//! stdout, and in the `warnings` list of machine output (issue 12).

use std::path::Path;

use crate::helpers::run;

const CONFIG: &str =
    "build_root:\n  from_repository: true\nimages:\n- dockerfile_path: Dockerfile\n  to: app\n";

const DOCKERFILE: &str = "FROM registry.ci.openshift.org/openshift/release:golang-1.22 AS builder\nFROM registry.ci.openshift.org/ocp/4.20:base-rhel9\nCOPY --from=builder /app /app\n";

/// A config and a work tree whose `.ci-operator.yaml` is `in_repo`.
fn fixture(in_repo: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs_err::write(dir.path().join("config.yaml"), CONFIG).unwrap();
    let repo = dir.path().join("repo");
    fs_err::create_dir(&repo).unwrap();
    fs_err::write(repo.join(".ci-operator.yaml"), in_repo).unwrap();
    fs_err::write(repo.join("Dockerfile"), DOCKERFILE).unwrap();
    dir
}

fn runs(dir: &Path, command: &str, formats: &[&str]) -> String {
    let config = dir.join("config.yaml");
    let repo = dir.join("repo");
    let mut text = String::new();
    for format in formats {
        let result = run(&[
            command,
            "--config",
            config.to_str().unwrap(),
            "--repo",
            repo.to_str().unwrap(),
            "-o",
            format,
        ]);
        text.push_str(&format!("=== {command} -o {format}\n"));
        text.push_str(&result.render(&[(dir, "[TMP]")]));
    }
    text
}

#[test]
fn in_repo_warnings_go_to_stderr_and_into_machine_output() {
    let dir = fixture(
        "build_root_image:\n  namespace: openshift\n  name: release\n  tag: golang-1.22\n  use_build_cache: true\nbuild_root_imag: x\n",
    );
    insta::assert_snapshot!(runs(dir.path(), "resolve", &["text", "json", "yaml"]), @r#"
    === resolve -o text
    exit: 0
    --- stdout
    pipeline:root <- openshift/release:golang-1.22
      strategy: in_repo_file
      from `.ci-operator.yaml`:2:3 `build_root_image` at the files on disk in `[TMP]/repo`
    --- stderr
    .ci-operator.yaml:5:3: warning: build_root_image.use_build_cache: unknown key, ignored: `use_build_cache` belongs to `build_root` in the ci-operator config, not to .ci-operator.yaml
    .ci-operator.yaml:6:1: warning: build_root_imag: unknown key, ignored; did you mean `build_root_image`?
    note: the repository chose the build root openshift/release:golang-1.22 (.ci-operator.yaml); any namespace is allowed: set --allowed-root-namespaces to limit it
    === resolve -o json
    exit: 0
    --- stdout
    {
      "roots": [
        {
          "pipeline_tag": "root",
          "ref": null,
          "strategy": "in_repo_file",
          "image_stream_tag": {
            "namespace": "openshift",
            "name": "release",
            "tag": "golang-1.22"
          },
          "source": {
            "revision": "the files on disk in `[TMP]/repo`",
            "file": ".ci-operator.yaml",
            "line": 2,
            "column": 3,
            "warnings": [
              "build_root_image.use_build_cache: unknown key, ignored: `use_build_cache` belongs to `build_root` in the ci-operator config, not to .ci-operator.yaml",
              "build_root_imag: unknown key, ignored; did you mean `build_root_image`?"
            ]
          }
        }
      ],
      "warnings": [
        {
          "file": ".ci-operator.yaml",
          "line": 5,
          "column": 3,
          "path": "build_root_image.use_build_cache",
          "message": "unknown key, ignored: `use_build_cache` belongs to `build_root` in the ci-operator config, not to .ci-operator.yaml"
        },
        {
          "file": ".ci-operator.yaml",
          "line": 6,
          "column": 1,
          "path": "build_root_imag",
          "message": "unknown key, ignored; did you mean `build_root_image`?"
        }
      ]
    }
    --- stderr
    .ci-operator.yaml:5:3: warning: build_root_image.use_build_cache: unknown key, ignored: `use_build_cache` belongs to `build_root` in the ci-operator config, not to .ci-operator.yaml
    .ci-operator.yaml:6:1: warning: build_root_imag: unknown key, ignored; did you mean `build_root_image`?
    note: the repository chose the build root openshift/release:golang-1.22 (.ci-operator.yaml); any namespace is allowed: set --allowed-root-namespaces to limit it
    === resolve -o yaml
    exit: 0
    --- stdout
    roots:
    - pipeline_tag: root
      ref: null
      strategy: in_repo_file
      image_stream_tag:
        namespace: openshift
        name: release
        tag: golang-1.22
      source:
        revision: the files on disk in `[TMP]/repo`
        file: .ci-operator.yaml
        line: 2
        column: 3
        warnings:
        - "build_root_image.use_build_cache: unknown key, ignored: `use_build_cache` belongs to `build_root` in the ci-operator config, not to .ci-operator.yaml"
        - "build_root_imag: unknown key, ignored; did you mean `build_root_image`?"
    warnings:
    - file: .ci-operator.yaml
      line: 5
      column: 3
      path: build_root_image.use_build_cache
      message: "unknown key, ignored: `use_build_cache` belongs to `build_root` in the ci-operator config, not to .ci-operator.yaml"
    - file: .ci-operator.yaml
      line: 6
      column: 1
      path: build_root_imag
      message: unknown key, ignored; did you mean `build_root_image`?
    --- stderr
    .ci-operator.yaml:5:3: warning: build_root_image.use_build_cache: unknown key, ignored: `use_build_cache` belongs to `build_root` in the ci-operator config, not to .ci-operator.yaml
    .ci-operator.yaml:6:1: warning: build_root_imag: unknown key, ignored; did you mean `build_root_image`?
    note: the repository chose the build root openshift/release:golang-1.22 (.ci-operator.yaml); any namespace is allowed: set --allowed-root-namespaces to limit it
    "#);
}

#[test]
fn from_dockerfile_warnings_are_not_lost() {
    let dir = fixture("build_root_image:\n  from_dockerfile:\n    image: app\n    stag: builder\n");
    insta::assert_snapshot!(runs(dir.path(), "resolve", &["json"]), @r#"
    === resolve -o json
    exit: 0
    --- stdout
    {
      "roots": [
        {
          "pipeline_tag": "root",
          "ref": null,
          "strategy": "dockerfile",
          "image_stream_tag": {
            "namespace": "openshift",
            "name": "release",
            "tag": "golang-1.22"
          },
          "source": {
            "revision": "the files on disk in `[TMP]/repo`",
            "in_repo_file": {
              "file": ".ci-operator.yaml",
              "line": 3,
              "column": 5,
              "image": "app",
              "stage": null
            },
            "images": [
              {
                "image": "app",
                "dockerfile": "Dockerfile",
                "stage_chosen_by": "copied_by_final_stage",
                "stage": 0,
                "stage_name": "builder",
                "based_on_stage": 0,
                "line": 1,
                "column": 6,
                "from": "registry.ci.openshift.org/openshift/release:golang-1.22",
                "expanded": null,
                "via": "pullspec",
                "replacement": null,
                "image_stream_tag": {
                  "namespace": "openshift",
                  "name": "release",
                  "tag": "golang-1.22"
                },
                "problem": null
              }
            ],
            "skipped": []
          }
        }
      ],
      "warnings": [
        {
          "file": ".ci-operator.yaml",
          "line": 4,
          "column": 5,
          "path": "build_root_image.from_dockerfile.stag",
          "message": "unknown key, ignored; did you mean `stage`?"
        }
      ]
    }
    --- stderr
    .ci-operator.yaml:4:5: warning: build_root_image.from_dockerfile.stag: unknown key, ignored; did you mean `stage`?
    note: the repository chose the build root openshift/release:golang-1.22 (.ci-operator.yaml); any namespace is allowed: set --allowed-root-namespaces to limit it
    "#);
}

#[test]
fn check_carries_warnings() {
    let dir = fixture(
        "build_root_image:\n  namespace: openshift\n  name: release\n  tag: golang-1.22\nextra: 1\n",
    );
    insta::assert_snapshot!(runs(dir.path(), "check", &["json", "yaml"]), @r#"
    === check -o json
    exit: 0
    --- stdout
    {
      "root": {
        "pipeline_tag": "root",
        "ref": null,
        "strategy": "in_repo_file",
        "image_stream_tag": {
          "namespace": "openshift",
          "name": "release",
          "tag": "golang-1.22"
        },
        "source": {
          "revision": "the files on disk in `[TMP]/repo`",
          "file": ".ci-operator.yaml",
          "line": 2,
          "column": 3,
          "warnings": [
            "extra: unknown key, ignored (known keys here: `build_root_image`)"
          ]
        }
      },
      "images": [
        {
          "image": "app",
          "dockerfile": "Dockerfile",
          "implied_root": {
            "namespace": "openshift",
            "name": "release",
            "tag": "golang-1.22"
          },
          "verdict": "match",
          "source": {
            "stage": 0,
            "stage_name": "builder",
            "based_on_stage": 0,
            "line": 1,
            "column": 6,
            "from": "registry.ci.openshift.org/openshift/release:golang-1.22",
            "expanded": null,
            "via": "pullspec",
            "replacement": null,
            "image_stream_tag": {
              "namespace": "openshift",
              "name": "release",
              "tag": "golang-1.22"
            },
            "problem": null
          }
        }
      ],
      "warnings": [
        {
          "file": ".ci-operator.yaml",
          "line": 5,
          "column": 1,
          "path": "extra",
          "message": "unknown key, ignored (known keys here: `build_root_image`)"
        }
      ]
    }
    --- stderr
    .ci-operator.yaml:5:1: warning: extra: unknown key, ignored (known keys here: `build_root_image`)
    === check -o yaml
    exit: 0
    --- stdout
    root:
      pipeline_tag: root
      ref: null
      strategy: in_repo_file
      image_stream_tag:
        namespace: openshift
        name: release
        tag: golang-1.22
      source:
        revision: the files on disk in `[TMP]/repo`
        file: .ci-operator.yaml
        line: 2
        column: 3
        warnings:
        - "extra: unknown key, ignored (known keys here: `build_root_image`)"
    images:
    - image: app
      dockerfile: Dockerfile
      implied_root:
        namespace: openshift
        name: release
        tag: golang-1.22
      verdict: match
      source:
        stage: 0
        stage_name: builder
        based_on_stage: 0
        line: 1
        column: 6
        from: registry.ci.openshift.org/openshift/release:golang-1.22
        expanded: null
        via: pullspec
        replacement: null
        image_stream_tag:
          namespace: openshift
          name: release
          tag: golang-1.22
        problem: null
    warnings:
    - file: .ci-operator.yaml
      line: 5
      column: 1
      path: extra
      message: "unknown key, ignored (known keys here: `build_root_image`)"
    --- stderr
    .ci-operator.yaml:5:1: warning: extra: unknown key, ignored (known keys here: `build_root_image`)
    "#);
}

#[test]
fn no_warnings_is_an_empty_list() {
    let dir =
        fixture("build_root_image:\n  namespace: openshift\n  name: release\n  tag: golang-1.22\n");
    let result = run(&[
        "resolve",
        "--config",
        dir.path().join("config.yaml").to_str().unwrap(),
        "--repo",
        dir.path().join("repo").to_str().unwrap(),
        "-o",
        "json",
    ]);
    assert_eq!(result.code, 0, "{}", result.stderr);
    let document: serde_json::Value = serde_json::from_str(&result.stdout).unwrap();
    assert_eq!(document["warnings"], serde_json::json!([]));
    let keys: Vec<&String> = document.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["roots", "warnings"]);
}

#[test]
fn run_shows_each_warning_once_on_stderr() {
    let dir = fixture(
        "build_root_image:\n  namespace: openshift\n  name: release\n  tag: golang-1.22\nextra: 1\n",
    );
    let result = run(&[
        "run",
        "--config",
        dir.path().join("config.yaml").to_str().unwrap(),
        "--repo",
        dir.path().join("repo").to_str().unwrap(),
        "--namespace",
        "ci-op-1",
        "--dry-run",
    ]);
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert_eq!(
        result.stderr.matches("unknown key").count(),
        1,
        "{}",
        result.stderr
    );
    assert!(!result.stdout.contains("unknown key"), "{}", result.stdout);
}

#[test]
fn warnings_are_shown_before_a_resolution_error() {
    let dir =
        fixture("build_root_image:\n  namespace: openshift\n  nam: release\n  tag: golang-1.22\n");
    insta::assert_snapshot!(runs(dir.path(), "resolve", &["json"]), @r"
    === resolve -o json
    exit: 1
    --- stdout
    --- stderr
    .ci-operator.yaml:3:3: warning: build_root_image.nam: unknown key, ignored; did you mean `name`?
    error: build_root: `.ci-operator.yaml` at the files on disk in `[TMP]/repo` is not a valid in-repo file
      caused by: invalid .ci-operator.yaml: all build_root_image members (namespace, name, tag) must be non-empty
    ");
}
