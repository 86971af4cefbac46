//! Resolutions per second over every corpus case (the config as it is, and option B by
//! convention), against a baseline measured in the same run: parsing the same files alone
//! (the config's YAML, the Dockerfiles, the in-repo file).
//!
//! One resolution is: parse and validate the config, then resolve every build root with the
//! files in memory. One baseline unit is: parse the same config text, every Dockerfile of the
//! case and, where present, `.ci-operator.yaml`. Each side is repeated for at least a second.
//! Prints one `BENCH {...}` JSON line.

#![allow(clippy::print_stdout, reason = "a benchmark program reports on stdout")]

use std::hint::black_box;
use std::time::{Duration, Instant};

use config_model::{BuildRoot, Located};
use resolver::{InMemoryFiles, Repositories};

#[path = "../tests/it/corpus_files.rs"]
#[allow(dead_code, reason = "shared with the tests, which use more of it")]
mod corpus_files;

/// One thing to resolve: a config text and the repository's files.
struct Variant {
    config: String,
    files: InMemoryFiles,
    /// The same files as (path, text), for the baseline.
    texts: Vec<(String, String)>,
}

fn variants() -> Vec<Variant> {
    let mut out = Vec::new();
    for case in corpus_files::cases() {
        let Ok(parsed) = config_model::parse_config(&case.config) else {
            continue;
        };
        let texts = |with_in_repo: bool| -> Vec<(String, String)> {
            case.files
                .iter()
                .filter(|(p, _)| with_in_repo || p != ".ci-operator.yaml")
                .map(|(p, b)| (p.clone(), String::from_utf8_lossy(b).into_owned()))
                .collect()
        };
        if config_model::validate_config(parsed.clone()).is_ok() {
            out.push(Variant {
                config: case.config.clone(),
                files: case.repo(true),
                texts: texts(true),
            });
        }
        let mut by_convention = parsed;
        by_convention.build_root = Some(Located::new(BuildRoot {
            from_repository: Some(Located::new(true)),
            ..BuildRoot::default()
        }));
        let Ok(text) = serde_saphyr::to_string(&by_convention) else {
            continue;
        };
        out.push(Variant {
            config: text,
            files: case.repo(false),
            texts: texts(false),
        });
    }
    out
}

fn resolve(variant: &Variant) -> usize {
    let Ok(parsed) = config_model::parse_config(&variant.config) else {
        return 0;
    };
    let Ok(config) = config_model::validate_config(parsed) else {
        return 0;
    };
    match resolver::resolve_all(&config, &Repositories::new(&variant.files)) {
        Ok(roots) => roots.len(),
        Err(error) => error.to_string().len(),
    }
}

fn parse_files(variant: &Variant) -> usize {
    let mut n = usize::from(config_model::parse_config(&variant.config).is_ok());
    for (path, text) in &variant.texts {
        if path == ".ci-operator.yaml" {
            n += usize::from(config_model::parse_in_repo(text.as_bytes()).is_ok());
        } else {
            n += parse_dockerfile::parse(text).map_or(0, |d| d.instructions.len());
        }
    }
    n
}

/// Units per second of `f` over all variants, repeated for at least `min`.
fn rate(variants: &[Variant], min: Duration, f: fn(&Variant) -> usize) -> f64 {
    let start = Instant::now();
    let mut units = 0u64;
    loop {
        for variant in variants {
            black_box(f(black_box(variant)));
            units += 1;
        }
        let elapsed = start.elapsed();
        if elapsed >= min {
            return units as f64 / elapsed.as_secs_f64();
        }
    }
}

fn main() {
    let variants = variants();
    assert_eq!(
        variants.len(),
        85,
        "42 valid configs as they are and 43 by convention"
    );
    for variant in &variants {
        let parsed = config_model::parse_config(&variant.config).expect("every variant parses");
        config_model::validate_config(parsed).expect("every variant is valid");
    }
    let min = Duration::from_secs(1);
    // Warm up both sides once.
    rate(&variants, Duration::from_millis(100), resolve);
    rate(&variants, Duration::from_millis(100), parse_files);
    let ours = rate(&variants, min, resolve);
    let baseline = rate(&variants, min, parse_files);
    let ratio = baseline / ours;
    println!(
        "BENCH {{\"bench\":\"resolve\",\"name\":\"resolve corpus\",\"value\":{ours:.1},\"unit\":\"resolutions/s\",\"baseline_name\":\"parse same files\",\"baseline_value\":{baseline:.1},\"ratio\":{ratio:.3}}}"
    );
}
