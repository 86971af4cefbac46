//! `cargo xtask bench`: runs the benchmark programs of the workspace and prints one table.
//!
//! Each benchmark is a `harness = false` program in the crate it measures. It measures its
//! own baseline in the same process and prints lines `BENCH {json}` with `bench`, `name`,
//! `value`, `unit`, `baseline_name`, `baseline_value` and `ratio`. This task builds them in
//! release, runs each under `/usr/bin/time` (when present) for its peak memory, and tabulates.

use std::process::Command;

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::{cargo, project_root};

/// The benchmarks: (name, package, bench target).
const BENCHES: &[(&str, &str, &str)] = &[
    ("validate", "config-model", "validate"),
    ("resolve", "resolver", "resolve"),
    ("fetch", "repo-source", "fetch"),
    ("tag", "tagger", "tag"),
    ("run", "cli", "run"),
    ("audit", "cli", "audit"),
    ("build", "cli", "build"),
];

#[derive(Deserialize)]
struct Figure {
    bench: String,
    name: String,
    value: f64,
    unit: String,
    baseline_name: String,
    baseline_value: f64,
    ratio: f64,
}

/// Runs the named benchmarks (all when `names` is empty) and prints the table.
pub(crate) fn run(names: &[String]) -> anyhow::Result<()> {
    for name in names {
        if !BENCHES.iter().any(|(known, ..)| known == name) {
            let known: Vec<&str> = BENCHES.iter().map(|(n, ..)| *n).collect();
            bail!("unknown benchmark `{name}`; known: {}", known.join(", "));
        }
    }
    let selected: Vec<_> = BENCHES
        .iter()
        .filter(|(name, ..)| names.is_empty() || names.iter().any(|n| n == name))
        .collect();

    let mut rows = Vec::new();
    for (name, package, target) in selected {
        let executable = build(package, target)?;
        eprintln!("running {name} ({package}/{target})");
        let (figures, peak_kib) = run_one(&executable)?;
        if figures.is_empty() {
            bail!("benchmark `{name}` printed no BENCH line");
        }
        for figure in figures {
            rows.push((figure, peak_kib));
        }
    }
    print_table(&rows);
    Ok(())
}

/// Builds one bench target in release and returns its executable.
fn build(package: &str, target: &str) -> anyhow::Result<String> {
    let output = cargo()
        .args([
            "bench",
            "-p",
            package,
            "--bench",
            target,
            "--no-run",
            "--message-format=json",
        ])
        .output()
        .with_context(|| format!("building bench {package}/{target}"))?;
    if !output.status.success() {
        bail!(
            "building bench {package}/{target} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] == "compiler-artifact"
            && message["target"]["name"] == target
            && message["target"]["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "bench"))
            && let Some(executable) = message["executable"].as_str()
        {
            return Ok(executable.to_owned());
        }
    }
    bail!("cargo did not report an executable for bench {package}/{target}")
}

/// Runs a bench executable; returns its figures and its peak resident memory in KiB.
fn run_one(executable: &str) -> anyhow::Result<(Vec<Figure>, Option<u64>)> {
    let time = std::path::Path::new("/usr/bin/time");
    let mut command = if time.exists() {
        let mut c = Command::new(time);
        c.args(["-f", "xtask-peak-kib %M", executable]);
        c
    } else {
        Command::new(executable)
    };
    command.arg("--bench").current_dir(project_root());
    let output = command
        .output()
        .with_context(|| format!("running {executable}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        bail!("{executable} failed ({}):\n{stderr}", output.status);
    }
    let figures = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.strip_prefix("BENCH "))
        .map(|json| {
            serde_json::from_str::<Figure>(json).with_context(|| format!("bad BENCH line: {json}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let peak = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("xtask-peak-kib "))
        .find_map(|v| v.trim().parse().ok());
    Ok((figures, peak))
}

fn print_table(rows: &[(Figure, Option<u64>)]) {
    println!("| bench | figure | value | baseline | baseline value | ratio | peak memory |");
    println!("|---|---|---|---|---|---|---|");
    for (f, peak) in rows {
        let peak = peak.map_or_else(
            || "n/a".to_owned(),
            |kib| format!("{:.1} MiB", kib as f64 / 1024.0),
        );
        println!(
            "| {} | {} | {} {} | {} | {} {} | {} | {} |",
            f.bench,
            f.name,
            number(f.value),
            f.unit,
            f.baseline_name,
            number(f.baseline_value),
            f.unit,
            ratio(f.ratio),
            peak
        );
    }
}

/// Two decimals, or three significant digits for ratios far below 1 (bytes against a clone).
fn ratio(value: f64) -> String {
    if value != 0.0 && value.abs() < 0.01 {
        format!("{value:.2e}")
    } else {
        format!("{value:.2}")
    }
}

fn number(value: f64) -> String {
    if value.abs() >= 100.0 || value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.3}")
    }
}
