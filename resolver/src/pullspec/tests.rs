//! Tests of pull spec mapping.

use proptest::prelude::*;

use super::*;

fn check(pullspec: &str, expected: Result<&str, NotIst>) {
    let got = to_image_stream_tag(pullspec).map(|ist| ist.to_string());
    assert_eq!(got, expected.map(str::to_owned), "mapping {pullspec:?}");
}

#[test]
fn ci_registries() {
    check(
        "registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.24-openshift-4.20",
        Ok("ocp/builder:rhel-9-golang-1.24-openshift-4.20"),
    );
    check(
        "registry.ci.openshift.org/ocp/4.19:base",
        Ok("ocp/4.19:base"),
    );
    check("registry.ci.openshift.org/ocp/4.19", Ok("ocp/4.19:latest"));
    check(
        "registry.svc.ci.openshift.org/openshift/release:golang-1.13",
        Ok("openshift/release:golang-1.13"),
    );
}

#[test]
fn qci_proxy() {
    check(
        "quay-proxy.ci.openshift.org/openshift/ci:ocp_builder_rhel-9-golang-1.21-openshift-4.16",
        Ok("ocp/builder:rhel-9-golang-1.21-openshift-4.16"),
    );
    check(
        "quay-proxy.ci.openshift.org/openshift/ci:ci_git-sync_v4.3.0",
        Ok("ci/git-sync:v4.3.0"),
    );
    // Tags may contain `_`: everything after the second `_` is the tag.
    check(
        "quay-proxy.ci.openshift.org/openshift/ci:ns_name_a_b",
        Ok("ns/name:a_b"),
    );
    check(
        "quay-proxy.ci.openshift.org/openshift/ci:latest",
        Err(NotIst::Malformed("a QCI tag is `<namespace>_<name>_<tag>`")),
    );
    check(
        "quay-proxy.ci.openshift.org/openshift/ci",
        Err(NotIst::Malformed(
            "a QCI reference needs a `<namespace>_<name>_<tag>` tag",
        )),
    );
    check(
        "quay-proxy.ci.openshift.org/openshift/cix:a_b_c",
        Err(NotIst::NotCiRegistry),
    );
}

#[test]
fn other_registries_and_digests() {
    check("quay.io/centos/centos:stream9", Err(NotIst::NotCiRegistry));
    check("golang:1.20", Err(NotIst::NotCiRegistry));
    check(
        "openshift/origin-release:rhel-7-golang-1.12",
        Err(NotIst::NotCiRegistry),
    );
    check("docker.io/library/golang:1.22", Err(NotIst::NotCiRegistry));
    check(
        "registry.ci.openshift.org:443/ocp/builder:x",
        Err(NotIst::NotCiRegistry),
    );
    check(
        "registry.ci.openshift.org/ocp/builder@sha256:4586286266e06e0c0aa7aa9f316f45cc4dd3a9d37e22e2d8501a47fc7c768173",
        Err(NotIst::Digest),
    );
    check("quay.io/x/y@sha256:abc", Err(NotIst::Digest));
    check("", Err(NotIst::Empty));
}

#[test]
fn malformed_ci_references() {
    let form = NotIst::Malformed("an image on a CI registry is `<namespace>/<name>[:<tag>]`");
    check("registry.ci.openshift.org/builder:x", Err(form.clone()));
    check("registry.ci.openshift.org/a/b/c:x", Err(form));
    check(
        "registry.ci.openshift.org/ocp/builder:",
        Err(NotIst::Malformed(config_model::check_tag("").unwrap_err())),
    );
}

/// The members follow config-model's rules, the ones validation and the tagger use.
#[test]
fn members_follow_openshift_rules() {
    let namespace_rule = NotIst::Malformed(config_model::check_namespace("").unwrap_err());
    let name_rule = NotIst::Malformed(config_model::check_stream_name("").unwrap_err());
    let tag_rule = NotIst::Malformed(config_model::check_tag("").unwrap_err());
    check(
        "registry.ci.openshift.org/OCP/builder:x",
        Err(namespace_rule.clone()),
    );
    check(
        "registry.ci.openshift.org/ocp.prod/builder:x",
        Err(namespace_rule.clone()),
    );
    check(
        "registry.ci.openshift.org/ocp/Builder:x",
        Err(name_rule.clone()),
    );
    check("registry.ci.openshift.org/ocp/build..er:x", Err(name_rule));
    check("registry.ci.openshift.org/ocp/builder:.x", Err(tag_rule));
    check(
        "quay-proxy.ci.openshift.org/openshift/ci:Ocp_builder_x",
        Err(namespace_rule),
    );
    check(
        "registry.ci.openshift.org/ci/go_tools:a_b",
        Ok("ci/go_tools:a_b"),
    );
}

proptest! {
    #[test]
    fn never_panics(s in "\\PC{0,80}") {
        let _ = to_image_stream_tag(&s);
        let _ = to_image_stream_tag(&format!("registry.ci.openshift.org/{s}"));
        let _ = to_image_stream_tag(&format!("quay-proxy.ci.openshift.org/openshift/ci:{s}"));
    }

    #[test]
    fn ci_registry_round_trip(
        ns in "[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?",
        name in "[a-z0-9]{1,6}([._-][a-z0-9]{1,6}){0,3}",
        tag in "[A-Za-z0-9_][A-Za-z0-9_.-]{0,40}",
    ) {
        let ist = ImageStreamTag::new(ns.as_str(), name.as_str(), tag.as_str()).unwrap();
        for host in CI_REGISTRIES {
            let pullspec = format!("{host}/{ns}/{name}:{tag}");
            prop_assert_eq!(to_image_stream_tag(&pullspec), Ok(ist.clone()));
        }
    }

    #[test]
    fn qci_round_trip(
        ns in "[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?",
        name in "[a-z0-9]{1,6}([.-][a-z0-9]{1,6}){0,3}",
        tag in "[A-Za-z0-9_][A-Za-z0-9_.-]{0,40}",
    ) {
        let pullspec = format!("{QCI_PROXY}:{ns}_{name}_{tag}");
        prop_assert_eq!(
            to_image_stream_tag(&pullspec),
            Ok(ImageStreamTag::new(ns, name, tag).unwrap())
        );
    }

    /// Whatever the mapping gives is valid by config-model's rules.
    #[test]
    fn mapped_references_are_checked(s in "[a-zA-Z0-9._/:-]{0,30}") {
        for pullspec in [
            format!("registry.ci.openshift.org/{s}"),
            format!("quay-proxy.ci.openshift.org/openshift/ci:{s}"),
        ] {
            if let Ok(ist) = to_image_stream_tag(&pullspec) {
                prop_assert!(config_model::check_namespace(ist.namespace()).is_ok());
                prop_assert!(config_model::check_stream_name(ist.name()).is_ok());
                prop_assert!(config_model::check_tag(ist.tag()).is_ok());
            }
        }
    }
}
