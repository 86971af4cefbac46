//! Unit tests of the key rules.

use super::is_org_repo;

#[test]
fn org_repo_keys() {
    assert!(is_org_repo("openshift.api"));
    assert!(is_org_repo("openshift-priv.cluster_api.v2"));
    assert!(!is_org_repo("openshift"));
    assert!(!is_org_repo(".api"));
    assert!(!is_org_repo("openshift."));
    assert!(!is_org_repo("open shift.api"));
    assert!(!is_org_repo("openshift/api"));
}
