//! Throughput of `parse_config` + `validate_config` over the corpus, against a baseline taken
//! in the same process: parsing the same documents into a generic value (`serde_json::Value`)
//! with the same parser options and budget.
//!
//! Prints one machine-readable line on stdout:
//! `BENCH {"bench":"validate","name":...,"value":<files/s>,"unit":"files/s","baseline_name":...,"baseline_value":<files/s>,"ratio":<our time / baseline time>}`.
//! Best of three runs each, interleaved, so a busy machine skews both sides less.

// A benchmark program reports on stdout; that is its output.
#![allow(clippy::print_stdout, reason = "the benchmark's report is its output")]
#![allow(
    clippy::unwrap_used,
    reason = "a benchmark over committed files; a panic is a failure"
)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// At least this many documents per run.
const MIN_DOCUMENTS: usize = 5_000;
const RUNS: usize = 3;

fn main() {
    let cases = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus/cases");
    let mut corpus: Vec<Vec<u8>> = Vec::new();
    let mut entries: Vec<PathBuf> = fs_err::read_dir(&cases)
        .unwrap()
        .map(|entry| entry.unwrap().path().join("config.yaml"))
        .filter(|path| path.is_file())
        .collect();
    entries.sort();
    for path in entries {
        corpus.push(fs_err::read(path).unwrap());
    }
    assert!(!corpus.is_empty(), "no corpus under {}", cases.display());
    let copies = MIN_DOCUMENTS.div_ceil(corpus.len());
    let documents: Vec<&[u8]> = (0..copies)
        .flat_map(|_| corpus.iter().map(Vec::as_slice))
        .collect();
    let count = documents.len();

    let baseline_run = || {
        for bytes in &documents {
            let text = std::str::from_utf8(bytes).unwrap();
            let value: serde_json::Value =
                serde_saphyr::from_str_with_options(text, config_model::parse::options()).unwrap();
            black_box(value);
        }
    };
    let our_run = || {
        for bytes in &documents {
            let config = config_model::parse_config_bytes(bytes).unwrap();
            // One corpus config is invalid on purpose: both outcomes are work done.
            let _ = black_box(config_model::validate_config(config));
        }
    };
    // Interleaved, so a change in machine load hits both sides alike.
    let mut baseline = Duration::MAX;
    let mut ours = Duration::MAX;
    for _ in 0..RUNS {
        baseline = baseline.min(time(baseline_run));
        ours = ours.min(time(our_run));
    }

    let per_second = |time: Duration| count as f64 / time.as_secs_f64();
    let report = serde_json::json!({
        "bench": "validate",
        "name": format!("validate corpus x {count}"),
        "value": round(per_second(ours)),
        "unit": "files/s",
        "baseline_name": "parse into generic value",
        "baseline_value": round(per_second(baseline)),
        "ratio": round(ours.as_secs_f64() / baseline.as_secs_f64()),
    });
    println!("BENCH {report}");

    // The same on every core, as `ci-operator validate` does (files are independent).
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let chunk = count.div_ceil(threads);
    let parallel = |work: &(dyn Fn(&[u8]) + Sync)| {
        std::thread::scope(|scope| {
            for part in documents.chunks(chunk) {
                scope.spawn(move || part.iter().for_each(|bytes| work(bytes)));
            }
        });
    };
    let parse_only = |bytes: &[u8]| {
        let text = std::str::from_utf8(bytes).unwrap();
        let value: serde_json::Value =
            serde_saphyr::from_str_with_options(text, config_model::parse::options()).unwrap();
        black_box(value);
    };
    let validate = |bytes: &[u8]| {
        let config = config_model::parse_config_bytes(bytes).unwrap();
        let _ = black_box(config_model::validate_config(config));
    };
    let mut baseline = Duration::MAX;
    let mut ours = Duration::MAX;
    for _ in 0..RUNS {
        baseline = baseline.min(time(|| parallel(&parse_only)));
        ours = ours.min(time(|| parallel(&validate)));
    }
    let report = serde_json::json!({
        "bench": "validate",
        "name": format!("validate corpus x {count} on {threads} threads"),
        "value": round(per_second(ours)),
        "unit": "files/s",
        "baseline_name": format!("parse into generic value on {threads} threads"),
        "baseline_value": round(per_second(baseline)),
        "ratio": round(ours.as_secs_f64() / baseline.as_secs_f64()),
    });
    println!("BENCH {report}");
}

fn time(run: impl FnOnce()) -> Duration {
    let start = Instant::now();
    run();
    start.elapsed()
}

fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}
