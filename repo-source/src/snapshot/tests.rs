//! Tests of reading snapshots.
