//! Unit tests of reading openshift/release's layout.

use super::{Branch, locate};

fn check(path: &str, yaml: Option<&str>, expected: Option<(&str, &str, &str, Option<&str>)>) {
    let config = yaml.map(|text| config_model::parse_config(text).unwrap());
    let metadata = config
        .as_ref()
        .and_then(|c| c.zz_generated_metadata.as_ref());
    let (branch, variant) = locate(path, metadata);
    let got = branch.map(|Branch { org, repo, branch }| (org, repo, branch, variant.clone()));
    let expected = expected.map(|(o, r, b, v)| {
        (
            o.to_owned(),
            r.to_owned(),
            b.to_owned(),
            v.map(str::to_owned),
        )
    });
    assert_eq!(got, expected, "for {path}");
}

#[test]
fn the_path_names_the_branch() {
    check(
        "openshift/api/openshift-api-master.yaml",
        None,
        Some(("openshift", "api", "master", None)),
    );
    check(
        "ci-operator/config/openshift/api/openshift-api-release-4.17__okd.yaml",
        None,
        Some(("openshift", "api", "release-4.17", Some("okd"))),
    );
    check(
        "openshift/cluster-api/openshift-cluster-api-feature-x.yaml",
        None,
        Some(("openshift", "cluster-api", "feature-x", None)),
    );
}

#[test]
fn paths_outside_the_layout_name_nothing() {
    check("openshift-api-master.yaml", None, None);
    check("openshift/api/other-api-master.yaml", None, None);
    check("openshift/api/openshift-api-.yaml", None, None);
    check("openshift/api/README.md", None, None);
}

#[test]
fn metadata_wins_over_the_path() {
    let yaml = "zz_generated_metadata:\n  org: o\n  repo: r\n  branch: release-1.0\n  variant: v\n";
    check(
        "openshift/api/openshift-api-master.yaml",
        Some(yaml),
        Some(("o", "r", "release-1.0", Some("v"))),
    );
    // Incomplete metadata does not: the path still tells.
    check(
        "openshift/api/openshift-api-master.yaml",
        Some("zz_generated_metadata:\n  org: o\n"),
        Some(("openshift", "api", "master", None)),
    );
}
