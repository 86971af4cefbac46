//! Tests of choosing the tested ref and its directory.

use std::path::Path;

use insta::assert_snapshot;

use super::{CloneRef, PullRef, prow_work_dir, tested_ref};

fn clone_ref(org: &str, repo: &str) -> CloneRef {
    CloneRef {
        org: org.to_owned(),
        repo: repo.to_owned(),
        base_ref: "main".to_owned(),
        base_sha: Some("a".repeat(40)),
        ..CloneRef::default()
    }
}

/// The chosen ref's `org/repo` and directory under `/home/prow/go`, or the error.
fn check(refs: Option<&CloneRef>, extra_refs: &[CloneRef], key: Option<&str>) -> String {
    match prow_work_dir(Path::new("/home/prow/go"), refs, extra_refs, key) {
        Ok((dir, chosen)) => format!("{} in {}", chosen.name(), dir.display()),
        Err(err) => format!("{:?}: {err}", err.kind()),
    }
}

#[test]
fn refs_is_the_primary_ref() {
    let refs = clone_ref("openshift", "origin");
    let extra = [clone_ref("openshift", "api")];
    assert_snapshot!(check(Some(&refs), &extra, None), @"openshift/origin in /home/prow/go/src/github.com/openshift/origin");
}

#[test]
fn the_workdir_extra_ref_wins_over_refs() {
    let refs = clone_ref("openshift", "release");
    let mut tested = clone_ref("openshift", "must-gather-operator");
    tested.workdir = true;
    assert_snapshot!(check(Some(&refs), &[clone_ref("openshift", "api"), tested], None), @"openshift/must-gather-operator in /home/prow/go/src/github.com/openshift/must-gather-operator");
}

#[test]
fn a_single_extra_ref_is_primary() {
    assert_snapshot!(check(None, &[clone_ref("openshift", "oc")], None), @"openshift/oc in /home/prow/go/src/github.com/openshift/oc");
}

#[test]
fn path_alias_replaces_the_github_path() {
    let mut refs = clone_ref("openshift", "kubernetes");
    refs.path_alias = Some("k8s.io/kubernetes".to_owned());
    assert_snapshot!(check(Some(&refs), &[], None), @"openshift/kubernetes in /home/prow/go/src/k8s.io/kubernetes");
}

#[test]
fn a_key_selects_its_ref() {
    let refs = clone_ref("openshift", "origin");
    let extra = [
        clone_ref("openshift", "api"),
        clone_ref("openshift", "api.v2"),
    ];
    assert_snapshot!(check(Some(&refs), &extra, Some("openshift.api")), @"openshift/api in /home/prow/go/src/github.com/openshift/api");
    assert_snapshot!(check(Some(&refs), &extra, Some("openshift.api.v2")), @"openshift/api.v2 in /home/prow/go/src/github.com/openshift/api.v2");
    assert_snapshot!(check(Some(&refs), &extra, Some("openshift.origin")), @"openshift/origin in /home/prow/go/src/github.com/openshift/origin");
}

#[test]
fn unusable_ref_lists_are_errors() {
    assert_snapshot!(check(None, &[], None), @"Input: the job clones no repository: `refs` is unset and `extra_refs` is empty");
    assert_snapshot!(check(None, &[clone_ref("a", "b"), clone_ref("c", "d")], None), @"Input: cannot tell which repository is tested: `refs` is unset and none of the 2 extra refs is marked `workdir: true`");
    let mut first = clone_ref("a", "b");
    first.workdir = true;
    let mut second = clone_ref("c", "d");
    second.workdir = true;
    assert_snapshot!(check(None, &[first, second], None), @"Input: cannot tell which repository is tested: 2 refs are marked `workdir: true` (`a/b`, `c/d`)");
    let refs = clone_ref("openshift", "origin");
    assert_snapshot!(check(Some(&refs), &[], Some("openshift.api")), @"Input: `build_roots[openshift.api]` names a repository the job does not clone (it clones `openshift/origin`)");
    assert_snapshot!(check(Some(&refs), &[], Some("openshift")), @"Input: `build_roots[openshift]`: the key must be `org.repo`");
    assert_snapshot!(check(Some(&refs), &[], Some(".origin")), @"Input: `build_roots[.origin]`: the key must be `org.repo`");
    assert_snapshot!(check(Some(&refs), std::slice::from_ref(&refs), Some("openshift.origin")), @"Input: cannot tell which repository is tested: `openshift/origin` is cloned 2 times");
}

#[test]
fn escaping_directories_are_errors() {
    let mut refs = clone_ref("openshift", "origin");
    refs.path_alias = Some("../../etc".to_owned());
    assert_snapshot!(check(Some(&refs), &[], None), @"Input: ref `openshift/origin` is unusable: `path_alias: ../../etc` is refused: it has a `..` component");
    let refs = clone_ref("..", "..");
    assert_snapshot!(check(Some(&refs), &[], None), @"Input: ref `../..` is unusable: its directory `github.com/../..` is refused: it has a `..` component");
    let mut refs = clone_ref("openshift", "origin");
    refs.path_alias = Some("/etc".to_owned());
    assert_snapshot!(check(Some(&refs), &[], None), @"Input: ref `openshift/origin` is unusable: `path_alias: /etc` is refused: it is absolute");
}

#[test]
fn fetch_spec_defaults_to_github_and_base_ref() {
    let mut refs = clone_ref("openshift", "origin");
    refs.pulls = vec![PullRef {
        number: 12,
        sha: "b".repeat(40),
    }];
    let spec = refs.fetch_spec();
    assert_eq!(spec.url, "https://github.com/openshift/origin.git");
    assert_eq!(spec.base, "a".repeat(40));
    assert_eq!(spec.pulls, refs.pulls);
    refs.base_sha = None;
    refs.clone_uri = Some("file:///srv/git/origin.git".to_owned());
    let spec = refs.fetch_spec();
    assert_eq!(spec.url, "file:///srv/git/origin.git");
    assert_eq!(spec.base, "main");
    refs.base_sha = Some(String::new());
    assert_eq!(refs.fetch_spec().base, "main");
}

#[test]
fn tested_ref_alone_needs_no_base_dir() {
    let refs = clone_ref("openshift", "origin");
    assert_eq!(
        tested_ref(Some(&refs), &[], None).unwrap().name(),
        "openshift/origin"
    );
}
