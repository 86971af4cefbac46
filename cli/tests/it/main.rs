//! End-to-end tests of the `ci-operator` binary: exit code, stdout and stderr in one snapshot.

// Test support code panics on purpose when a fixture cannot be built.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit;
mod build;
mod cluster;
mod corpus;
mod git;
mod helpers;
mod hostile;
mod init;
mod job_spec;
mod misc;
mod prowgen;
mod resolve;
mod validate;
mod warnings;
