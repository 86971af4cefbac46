//! The corpus's Prow job specs: which directory holds the tested repository.

use std::path::Path;

use repo_source::{CloneRef, PullRef, prow_work_dir};
use serde_json::Value;

/// A `refs` or `extra_refs` entry as the CLI converts it.
fn clone_ref(value: &Value) -> CloneRef {
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    CloneRef {
        org: text("org").unwrap(),
        repo: text("repo").unwrap(),
        base_ref: text("base_ref").unwrap(),
        base_sha: text("base_sha"),
        pulls: value
            .get("pulls")
            .and_then(Value::as_array)
            .map(|pulls| {
                pulls
                    .iter()
                    .map(|pull| PullRef {
                        number: pull["number"].as_u64().unwrap(),
                        sha: pull["sha"].as_str().unwrap().to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        path_alias: text("path_alias"),
        clone_uri: text("clone_uri"),
        workdir: value
            .get("workdir")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    }
}

/// The tested repository's directory (relative to the base dir) and its ref, for a corpus file.
fn check(file: &str, key: Option<&str>) -> (String, CloneRef) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../corpus/job-specs")
        .join(file);
    let spec: Value = serde_json::from_str(&fs_err::read_to_string(path).unwrap()).unwrap();
    let refs = spec.get("refs").map(clone_ref);
    let extra_refs: Vec<CloneRef> = spec
        .get("extra_refs")
        .and_then(Value::as_array)
        .map(|refs| refs.iter().map(clone_ref).collect())
        .unwrap_or_default();
    let base = Path::new("/home/prow/go");
    let (dir, chosen) = prow_work_dir(base, refs.as_ref(), &extra_refs, key).unwrap();
    (
        dir.strip_prefix(base).unwrap().display().to_string(),
        chosen.clone(),
    )
}

#[test]
fn presubmit() {
    let (dir, chosen) = check("presubmit.json", None);
    assert_eq!(dir, "src/github.com/openshift/cluster-etcd-operator");
    let spec = chosen.fetch_spec();
    assert_eq!(
        spec.url,
        "https://github.com/openshift/cluster-etcd-operator.git"
    );
    assert_eq!(spec.base, "a1a5f4bd6aa1d7b649b1706401a3ccb60e85da26");
    assert_eq!(
        spec.pulls
            .iter()
            .map(|pull| pull.number)
            .collect::<Vec<_>>(),
        [1432]
    );
}

#[test]
fn presubmit_with_two_prs() {
    let (dir, chosen) = check("presubmit-two-prs.json", None);
    assert_eq!(dir, "src/github.com/openshift/cluster-etcd-operator");
    assert_eq!(
        chosen
            .pulls
            .iter()
            .map(|pull| pull.number)
            .collect::<Vec<_>>(),
        [1432, 1440]
    );
}

#[test]
fn postsubmit() {
    let (dir, chosen) = check("postsubmit.json", None);
    assert_eq!(dir, "src/github.com/openshift/cluster-etcd-operator");
    assert!(chosen.pulls.is_empty());
}

#[test]
fn periodic() {
    let (dir, chosen) = check("periodic.json", None);
    assert_eq!(dir, "src/github.com/openshift/oc");
    assert_eq!(
        chosen.fetch_spec().base,
        "3edd163afb09f2404a0c7e4d961e439eb239bf84"
    );
}

#[test]
fn rehearsal() {
    let (dir, chosen) = check("rehearsal.json", None);
    assert_eq!(dir, "src/github.com/openshift/must-gather-operator");
    assert!(chosen.workdir);
}

#[test]
fn path_alias() {
    let (dir, _) = check("path-alias.json", None);
    assert_eq!(dir, "src/k8s.io/kubernetes");
}

#[test]
fn multi_repo() {
    assert_eq!(
        check("multi-repo.json", None).0,
        "src/github.com/openshift/origin"
    );
    let (dir, chosen) = check("multi-repo.json", Some("openshift.api"));
    assert_eq!(dir, "src/github.com/openshift/api");
    assert_eq!(chosen.pulls[0].number, 2100);
}
