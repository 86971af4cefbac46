//! One build per key per namespace: which Build to use, wait for or start, and who may start it.
//!
//! Pure decisions over what the server said; `run` does the requests.
//!
//! The protocol. The BuildConfig `<key>` carries an annotation [`CLAIM_ANNOTATION`]
//! `<n>.<serial>/<run id>`: the run `<run id>` has the right to start build number `<n>`.
//! `status.lastVersion` is the number of the newest build started, so a claim with
//! `n > lastVersion` is pending. The run that creates the BuildConfig creates it with the claim
//! `1.0/<its id>`; any other run may only claim by updating the BuildConfig with the
//! resourceVersion it read (optimistic concurrency: of two runs that read the same version, one
//! update fails with 409), and only when no Build is complete or active and no claim is pending.
//! A pending claim that no Build fulfils within [`crate::Options::build_claim_grace`] (its run
//! crashed before instantiating) is taken over the same way, with the serial raised.
//!
//! Every run lists the Builds of the key and then: uses the newest `Complete` one; else waits
//! for the oldest active one; else starts the build it holds the claim for; else claims. So
//! concurrent runs in one namespace start one Build and all wait for it. The one way to get two
//! Builds is a claimant that stays silent past the grace and then instantiates after another run
//! took its claim over; both Builds produce the same image content, and each run pins the
//! image of the Build it waited for.

use crate::build_types::{Build, BuildConfig, BuildPhase};

/// The BuildConfig annotation that holds the claim.
pub const CLAIM_ANNOTATION: &str = "ci.openshift.io/root-build-claim";

/// The right of one run to start build number `build`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Claim {
    /// The build number it may start.
    pub(crate) build: i64,
    /// Raised on every takeover, so a takeover always changes the object.
    pub(crate) serial: u32,
    /// The run that holds it.
    pub(crate) owner: String,
}

impl Claim {
    /// The claim a run creates the BuildConfig with.
    pub(crate) fn first(owner: &str) -> Self {
        Claim {
            build: 1,
            serial: 0,
            owner: owner.to_owned(),
        }
    }

    /// `<n>.<serial>/<owner>`.
    pub(crate) fn annotation(&self) -> String {
        format!("{}.{}/{}", self.build, self.serial, self.owner)
    }

    /// Reads an annotation value; anything else is no claim.
    pub(crate) fn parse(value: &str) -> Option<Self> {
        let (numbers, owner) = value.split_once('/')?;
        let (build, serial) = numbers.split_once('.')?;
        Some(Claim {
            build: build.parse().ok().filter(|n| *n > 0)?,
            serial: serial.parse().ok()?,
            owner: owner.to_owned(),
        })
    }

    /// The claim on `config`, if it has a readable one.
    pub(crate) fn of(config: &BuildConfig) -> Option<Self> {
        config
            .metadata
            .annotations
            .as_ref()?
            .get(CLAIM_ANNOTATION)
            .and_then(|v| Claim::parse(v))
    }
}

/// What to do after listing the Builds of the key.
#[derive(Debug, PartialEq)]
pub(crate) enum Step<'b> {
    /// The newest `Complete` Build: pin its image.
    Use(&'b Build),
    /// The oldest active Build: wait for it.
    Wait(&'b Build),
    /// The Build this run claimed ended without an image.
    Failed(&'b Build),
    /// This run holds the claim and its Build does not exist yet: start it.
    Instantiate,
    /// Nothing to use or wait for, and no claim of this run's: read the BuildConfig and claim.
    Claim,
}

/// Decides from the Builds of the key and the build number this run holds a claim for.
pub(crate) fn next_step(builds: &[Build], claimed: Option<i64>) -> Step<'_> {
    let number = |b: &Build| b.number().unwrap_or(0);
    if let Some(done) = builds
        .iter()
        .filter(|b| b.phase() == BuildPhase::Complete)
        .max_by_key(|b| (number(b), b.name().to_owned()))
    {
        return Step::Use(done);
    }
    if let Some(active) = builds
        .iter()
        .filter(|b| b.phase().is_active())
        .min_by_key(|b| (number(b), b.name().to_owned()))
    {
        return Step::Wait(active);
    }
    match claimed {
        Some(n) => match builds
            .iter()
            .filter(|b| number(b) >= n)
            .min_by_key(|b| number(b))
        {
            Some(failed) => Step::Failed(failed),
            None => Step::Instantiate,
        },
        None => Step::Claim,
    }
}

/// What the BuildConfig's claim allows a run without a claim.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ClaimMove {
    /// This run holds the pending claim already (its create or update was answered late).
    Mine(Claim),
    /// Another run holds a pending claim: wait for its Build, or take over after the grace.
    Pending(Claim),
    /// No claim is pending: claim the next build.
    Take(Claim),
}

/// Reads the BuildConfig's claim for the run `me`.
pub(crate) fn claim_move(config: &BuildConfig, me: &str) -> ClaimMove {
    let last = config.last_version();
    match Claim::of(config) {
        Some(claim) if claim.build > last && claim.owner == me => ClaimMove::Mine(claim),
        Some(claim) if claim.build > last => ClaimMove::Pending(claim),
        _ => ClaimMove::Take(Claim {
            build: last + 1,
            serial: 0,
            owner: me.to_owned(),
        }),
    }
}

/// The claim that replaces a stale pending one.
pub(crate) fn takeover(stale: &Claim, me: &str) -> Claim {
    Claim {
        build: stale.build,
        serial: stale.serial.saturating_add(1),
        owner: me.to_owned(),
    }
}

/// A run's identity in claims: unique among the runs that race (process id and a per-process
/// random value).
pub(crate) fn run_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    if let Ok(since) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(since.as_nanos());
    }
    format!("{:016x}", hasher.finish())
}

#[cfg(test)]
mod tests;
