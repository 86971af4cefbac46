//! The `ci-operator` binary.

fn main() {}
