//! End-to-end tests of the `ci-operator` binary: exit code, stdout and stderr in one snapshot.

mod corpus;
mod git;
mod helpers;
mod init;
mod job_spec;
mod prowgen;
mod resolve;
mod validate;
