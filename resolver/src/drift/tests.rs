//! Tests of version reading and comparison.

use super::*;

fn versions(tag: &str) -> String {
    let v = tag_versions(tag);
    let show = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".to_owned());
    format!(
        "go {} rhel {} openshift {}",
        show(&v.go),
        show(&v.rhel),
        show(&v.openshift)
    )
}

#[test]
fn reads_versions_from_tags() {
    assert_eq!(
        versions("rhel-9-release-golang-1.25-openshift-4.21"),
        "go 1.25 rhel 9 openshift 4.21"
    );
    assert_eq!(
        versions("rhel-9-golang-1.24-nofips-openshift-4.19"),
        "go 1.24 rhel 9 openshift 4.19"
    );
    assert_eq!(versions("golang-1.24.0"), "go 1.24 rhel - openshift -");
    assert_eq!(versions("golang-1.13"), "go 1.13 rhel - openshift -");
    assert_eq!(versions("node22-yarn4"), "go - rhel - openshift -");
    assert_eq!(versions("rhel-8.6-golang-x"), "go - rhel 8 openshift -");
    assert_eq!(versions("openshift-5.0"), "go - rhel - openshift 5.0");
}

fn verdict(root: &str, implied: &str) -> String {
    let parse = |s: &str| s.parse::<ImageStreamTag>().unwrap();
    let (verdict, differences, reason) = compare(&parse(root), &parse(implied));
    let mut out = verdict.to_string();
    for d in differences {
        out.push_str(&format!(" {} {}!={}", d.what, d.root, d.implied));
    }
    if let Some(reason) = reason {
        out.push_str(&format!(" ({reason})"));
    }
    out
}

#[test]
fn verdicts() {
    assert_eq!(verdict("a/b:c", "a/b:c"), "match");
    assert_eq!(
        verdict(
            "openshift/release:rhel-9-release-golang-1.25-openshift-4.21",
            "ocp/builder:rhel-9-golang-1.25-openshift-4.21"
        ),
        "compatible"
    );
    assert_eq!(
        verdict(
            "openshift/release:golang-1.22",
            "ocp/builder:rhel-9-golang-1.22-openshift-4.17"
        ),
        "compatible"
    );
    assert_eq!(
        verdict(
            "openshift/release:rhel-8-release-golang-1.15-openshift-4.8",
            "ocp/builder:rhel-9-golang-1.24-openshift-4.20"
        ),
        "drift go 1.15!=1.24 rhel 8!=9 openshift 4.8!=4.20"
    );
    assert_eq!(
        verdict(
            "ci/console-plugin-cypress:node22-yarn4",
            "ocp/builder:rhel-9-golang-1.22-openshift-4.17"
        ),
        "unknown (the tags `node22-yarn4` and `rhel-9-golang-1.22-openshift-4.17` state no Go, RHEL or OpenShift version in common)"
    );
}
