//! Benchmark of resolution over the corpus (written below).

fn main() {}
