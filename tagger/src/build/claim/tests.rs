//! Unit tests of the one-build-per-key decisions.

use std::collections::BTreeMap;

use kube::core::ObjectMeta;

use super::*;
use crate::build_types::{BUILD_NUMBER_ANNOTATION, BuildConfigStatus, BuildStatus};

fn build(number: i64, phase: &str) -> Build {
    Build {
        metadata: ObjectMeta {
            name: Some(format!("root-abc-{number}")),
            annotations: Some(BTreeMap::from([(
                BUILD_NUMBER_ANNOTATION.to_owned(),
                number.to_string(),
            )])),
            ..ObjectMeta::default()
        },
        status: BuildStatus {
            phase: phase.to_owned(),
            ..BuildStatus::default()
        },
        ..Build::default()
    }
}

fn config(claim: Option<&str>, last_version: i64) -> BuildConfig {
    BuildConfig {
        metadata: ObjectMeta {
            annotations: claim
                .map(|c| BTreeMap::from([(CLAIM_ANNOTATION.to_owned(), c.to_owned())])),
            ..ObjectMeta::default()
        },
        status: Some(BuildConfigStatus { last_version }),
        ..BuildConfig::default()
    }
}

#[test]
fn claim_round_trips_and_refuses_garbage() {
    let claim = Claim {
        build: 3,
        serial: 2,
        owner: "abc".to_owned(),
    };
    assert_eq!(claim.annotation(), "3.2/abc");
    assert_eq!(Claim::parse("3.2/abc"), Some(claim));
    for bad in ["", "3", "3.2", "x.2/abc", "0.0/abc", "-1.0/a", "3.x/abc"] {
        assert_eq!(Claim::parse(bad), None, "{bad}");
    }
}

#[test]
fn a_complete_build_wins_over_everything() {
    let builds = [
        build(1, "Failed"),
        build(2, "Complete"),
        build(3, "Running"),
    ];
    assert_eq!(next_step(&builds, Some(4)), Step::Use(&builds[1]));
    let two = [build(1, "Complete"), build(2, "Complete")];
    assert_eq!(next_step(&two, None), Step::Use(&two[1]));
}

#[test]
fn the_oldest_active_build_is_waited_for() {
    let builds = [build(3, "Pending"), build(2, "New"), build(1, "Cancelled")];
    assert_eq!(next_step(&builds, None), Step::Wait(&builds[1]));
    let unknown = [build(1, "Queued")];
    assert_eq!(next_step(&unknown, None), Step::Wait(&unknown[0]));
}

#[test]
fn a_claim_without_its_build_instantiates_and_a_failed_one_reports() {
    assert_eq!(next_step(&[], Some(1)), Step::Instantiate);
    let old_failure = [build(1, "Failed")];
    assert_eq!(next_step(&old_failure, Some(2)), Step::Instantiate);
    let mine = [build(1, "Failed"), build(2, "Error")];
    assert_eq!(next_step(&mine, Some(2)), Step::Failed(&mine[1]));
    assert_eq!(next_step(&old_failure, None), Step::Claim);
    assert_eq!(next_step(&[], None), Step::Claim);
}

#[test]
fn claim_moves() {
    // Nothing claimed beyond the last build: take the next number.
    assert_eq!(
        claim_move(&config(None, 0), "me"),
        ClaimMove::Take(Claim {
            build: 1,
            serial: 0,
            owner: "me".to_owned()
        })
    );
    assert_eq!(
        claim_move(&config(Some("1.0/other"), 1), "me"),
        ClaimMove::Take(Claim {
            build: 2,
            serial: 0,
            owner: "me".to_owned()
        })
    );
    // Pending: another run's, or this run's own (an answer that was lost).
    let pending = Claim::parse("2.0/other").unwrap();
    assert_eq!(
        claim_move(&config(Some("2.0/other"), 1), "me"),
        ClaimMove::Pending(pending.clone())
    );
    assert_eq!(
        claim_move(&config(Some("2.0/me"), 1), "me"),
        ClaimMove::Mine(Claim::parse("2.0/me").unwrap())
    );
    assert_eq!(takeover(&pending, "me").annotation(), "2.1/me");
}

#[test]
fn run_ids_differ() {
    assert_ne!(run_id(), run_id());
}
