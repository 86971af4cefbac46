//! `cargo xtask bench run`: the whole job step, `ci-operator run --dry-run` on the example,
//! against a baseline measured in the same run: `ci-operator validate` of the same config (the
//! cost of starting the binary and reading the config).

// A benchmark program reports on stdout.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 30;

fn median_of(args: &[&str]) -> Duration {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let output = Command::new(env!("CARGO_BIN_EXE_ci-operator"))
                .args(args)
                .current_dir(root)
                .env_remove("JOB_SPEC")
                .env_remove("LOCAL_IMAGE_ROOT")
                .output()
                .expect("the binary runs");
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            start.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn main() {
    // Warm the page cache and the binary once.
    median_of(&["validate", "example/config.yaml"]);
    let baseline = median_of(&["validate", "example/config.yaml"]);
    let run = median_of(&[
        "run",
        "-q",
        "--config",
        "example/config.yaml",
        "--namespace",
        "ci-op-example",
        "--repo",
        "example/repo",
        "--dry-run",
    ]);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "BENCH {{\"bench\":\"run\",\"name\":\"run --dry-run on the example (median of {RUNS})\",\"value\":{:.3},\"unit\":\"ms\",\"baseline_name\":\"validate the same config\",\"baseline_value\":{:.3},\"ratio\":{:.3}}}",
        ms(run),
        ms(baseline),
        run.as_secs_f64() / baseline.as_secs_f64()
    );
}
