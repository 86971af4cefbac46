//! The drift check: the in-repo root against each promoted Dockerfile.

use insta::assert_snapshot;
use resolver::{InMemoryFiles, Verdict, check_drift};

use crate::corpus_files::cases;
use crate::{chain, config};

const CONFIG: &str = "build_root:\n  from_repository: true\nimages:\n\
- dockerfile_path: same/Dockerfile\n  to: same\n\
- dockerfile_path: compatible/Dockerfile\n  to: compatible\n\
- dockerfile_path: drift/Dockerfile\n  to: drift\n\
- dockerfile_path: unknown/Dockerfile\n  to: unknown\n\
- dockerfile_path: nothing/Dockerfile\n  to: nothing\n";

fn files() -> InMemoryFiles {
    let multi = |from: &str| {
        format!(
            "FROM {from} AS b\nFROM registry.ci.openshift.org/ocp/4.21:base\nCOPY --from=b / /\n"
        )
    };
    InMemoryFiles::new("abc123")
        .with_file(
            ".ci-operator.yaml",
            "build_root_image:\n  namespace: openshift\n  name: release\n  tag: rhel-9-release-golang-1.25-openshift-4.21\n",
        )
        .with_file(
            "same/Dockerfile",
            multi("registry.ci.openshift.org/openshift/release:rhel-9-release-golang-1.25-openshift-4.21"),
        )
        .with_file(
            "compatible/Dockerfile",
            multi("registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.25-openshift-4.21"),
        )
        .with_file(
            "drift/Dockerfile",
            multi("registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.24-openshift-4.20"),
        )
        .with_file("unknown/Dockerfile", multi("docker.io/library/golang:1.25"))
        .with_file("nothing/Dockerfile", multi("registry.ci.openshift.org/ci/tools:latest"))
}

#[test]
fn one_verdict_per_image() {
    let report = check_drift(&config(CONFIG), &files()).unwrap();
    assert!(report.has_drift());
    let verdicts: Vec<Verdict> = report.images.iter().map(|i| i.verdict).collect();
    assert_eq!(
        verdicts,
        [
            Verdict::Match,
            Verdict::Compatible,
            Verdict::Drift,
            Verdict::Unknown,
            Verdict::Unknown
        ]
    );
    assert_snapshot!(report.to_string(), @r"
    in-repo root: openshift/release:rhel-9-release-golang-1.25-openshift-4.21
    same: match (same/Dockerfile): implies openshift/release:rhel-9-release-golang-1.25-openshift-4.21
      line 1, column 6: FROM registry.ci.openshift.org/openshift/release:rhel-9-release-golang-1.25-openshift-4.21 (via pullspec)
    compatible: compatible (compatible/Dockerfile): implies ocp/builder:rhel-9-golang-1.25-openshift-4.21
      line 1, column 6: FROM registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.25-openshift-4.21 (via pullspec)
    drift: drift (drift/Dockerfile): implies ocp/builder:rhel-9-golang-1.24-openshift-4.20
      go differs: 1.25 in the in-repo root, 1.24 in the Dockerfile
      openshift differs: 4.21 in the in-repo root, 4.20 in the Dockerfile
      line 1, column 6: FROM registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.24-openshift-4.20 (via pullspec)
    unknown: unknown (unknown/Dockerfile)
      unknown/Dockerfile:1:6: `docker.io/library/golang:1.25` is not on a CI registry: add an `inputs.<alias>.as` replacement for `docker.io/library/golang:1.25` and a `base_images.<alias>` entry
    nothing: unknown (nothing/Dockerfile): implies ci/tools:latest
      the tags `rhel-9-release-golang-1.25-openshift-4.21` and `latest` state no Go, RHEL or OpenShift version in common
      line 1, column 6: FROM registry.ci.openshift.org/ci/tools:latest (via pullspec)
    ");
}

#[test]
fn json_shape() {
    let report = check_drift(&config(CONFIG), &files()).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["root"]["strategy"], "in_repo_file");
    let drift = &json["images"][2];
    assert_eq!(drift["image"], "drift");
    assert_eq!(drift["dockerfile"], "drift/Dockerfile");
    assert_eq!(drift["verdict"], "drift");
    assert_eq!(
        drift["implied_root"]["tag"],
        "rhel-9-golang-1.24-openshift-4.20"
    );
    assert_eq!(
        drift["differences"][0],
        serde_json::json!({"what": "go", "root": "1.25", "implied": "1.24"})
    );
    let unknown = &json["images"][3];
    assert_eq!(unknown["verdict"], "unknown");
    assert_eq!(unknown["implied_root"], serde_json::Value::Null);
    assert!(
        unknown["reason"]
            .as_str()
            .unwrap()
            .contains("not on a CI registry")
    );
}

#[test]
fn nothing_to_check_without_an_in_repo_imagestreamtag() {
    let mut files = files();
    files.remove(".ci-operator.yaml");
    let error = check_drift(&config(CONFIG), &files).unwrap_err();
    assert_snapshot!(chain(&error), @"error: build_root: `.ci-operator.yaml` does not exist at abc123: there is no in-repo root to check the Dockerfiles against");
    files.insert(
        ".ci-operator.yaml",
        "build_root_image:\n  from_dockerfile: {}\n",
    );
    let error = check_drift(&config(CONFIG), &files).unwrap_err();
    assert_snapshot!(chain(&error), @"error: build_root: `.ci-operator.yaml` at abc123 asks for `from_dockerfile`: there is no in-repo imagestreamtag to check the Dockerfiles against");
}

/// The drift report of every corpus case whose `.ci-operator.yaml` names an imagestreamtag.
#[test]
fn corpus_drift_reports() {
    let mut out = String::new();
    for case in cases() {
        let Ok(parsed) = config_model::parse_config(&case.config) else {
            continue;
        };
        let Ok(config) = config_model::validate_config(parsed) else {
            continue;
        };
        let files = case.repo(true);
        let report = match check_drift(&config, &files) {
            Ok(report) => report.to_string(),
            Err(error) => chain(&error),
        };
        out.push_str(&format!("## {}\n{report}\n", case.name));
    }
    assert_snapshot!(out);
}
