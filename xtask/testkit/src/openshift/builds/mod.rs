//! The `build.openshift.io/v1` group: BuildConfigs, Builds, `instantiatebinary` and build logs.
//!
//! `store` holds the BuildConfigs, Builds, logs and the archives uploaded; `archive` reads (and,
//! for tests, writes) the tar a binary build uploads; `configs` answers `buildconfigs` requests
//! and starts Builds; `runs` answers `builds` requests (list by label, get, watch, log) and moves
//! a Build through its phases; `api` is the group the router knows; `seed` is what tests set up
//! and inspect through [`FakeOpenShift`](super::FakeOpenShift).
//!
//! A Build goes `New` -> `Running` -> `Complete` one [`FakeOpenShift::set_build_step`] apart
//! (or ends as [`BuildOutcome`] says), each change a watch event. On `Complete` it pushes its
//! image into the output ImageStreamTag's stream (a status-only tag, as a push makes) and
//! records the digest in `status.output.to.imageDigest`. A Build whose output stream does not
//! exist ends `Error` with reason `InvalidOutputReference`.
//!
//! [`FakeOpenShift::set_build_step`]: super::FakeOpenShift::set_build_step

pub(crate) mod api;
pub mod archive;
mod configs;
mod runs;
mod seed;
pub(crate) mod store;

pub use seed::{BUILD_GROUP, BuildOutcome, Upload};
