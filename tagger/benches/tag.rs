//! API requests and wall time of one `tagger::tag` run, first run and re-run, against the
//! loopback OpenShift fake, with the real `kube::Client`.
//!
//! Requests are counted by the fake; the goals are 4 for a first run and 2 for a re-run. Wall
//! time is compared with a bare GET of the source imagestreamtag through the same client,
//! measured in the same process. Medians of 20 runs each. Prints lines
//! `BENCH {"bench":"tag","name":...,"value":...,"unit":...,"baseline_name":...,"baseline_value":...,"ratio":...}`.

#![allow(clippy::print_stdout, reason = "the benchmark's report is its output")]
#![allow(
    clippy::unwrap_used,
    reason = "a benchmark against a local fake; a panic is a failure"
)]

use std::time::{Duration, Instant};

use kube::Api;
use tagger::types::ImageStreamTag;
use tagger::{Options, Outcome, TagRequest};
use testkit::openshift::FakeOpenShift;

const RUNS: usize = 20;
const DIGEST: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

fn median<T: PartialOrd + Copy>(mut values: Vec<T>) -> T {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

/// `4`, `0.0502`: integers without a fraction, others to four decimals.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        let text = format!("{value:.4}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// One `BENCH` line, keys in the order the report format fixes.
fn report(name: &str, value: f64, unit: &str, baseline_name: &str, baseline_value: f64) {
    let text = |s: &str| serde_json::Value::from(s).to_string();
    println!(
        "BENCH {{\"bench\":\"tag\",\"name\":{},\"value\":{},\"unit\":{},\"baseline_name\":{},\"baseline_value\":{},\"ratio\":{}}}",
        text(name),
        number(value),
        text(unit),
        text(baseline_name),
        number(baseline_value),
        number(value / baseline_value),
    );
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let fake = FakeOpenShift::start();
    fake.seed_tag("openshift", "release", "golang-1.22", DIGEST, &[]);
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    fs_err::write(&kubeconfig, fake.kubeconfig_yaml()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let root: config_model::ImageStreamTag = "openshift/release:golang-1.22".parse().unwrap();
    let options = Options::default();

    runtime.block_on(async {
        let client = tagger::client_from(Some(&kubeconfig)).await.unwrap();
        let tags: Api<ImageStreamTag> = Api::namespaced(client.clone(), "openshift");
        // Warm the connection pool so neither side pays for the first connect.
        tags.get("release:golang-1.22").await.unwrap();

        let mut bare = Vec::new();
        for _ in 0..RUNS {
            let started = Instant::now();
            tags.get("release:golang-1.22").await.unwrap();
            bare.push(started.elapsed());
        }

        let mut first = (Vec::new(), Vec::new());
        let mut again = (Vec::new(), Vec::new());
        for run in 0..RUNS {
            let request = TagRequest::new(format!("ci-op-bench-{run}"), root.clone());
            for (expected, figures) in [
                (Outcome::Created, &mut first),
                (Outcome::AlreadyPresent, &mut again),
            ] {
                fake.clear_log();
                let started = Instant::now();
                let tagged = tagger::tag(&client, &request, &options).await.unwrap();
                figures.1.push(started.elapsed());
                assert_eq!(tagged.outcome, expected);
                figures.0.push(fake.requests() as f64);
            }
        }

        let bare = millis(median(bare));
        let baseline = "bare GET of the source imagestreamtag";
        report("first run", median(first.0), "requests", "goal", 4.0);
        report("re-run", median(again.0), "requests", "goal", 2.0);
        report(
            "first run wall time",
            millis(median(first.1)),
            "ms",
            baseline,
            bare,
        );
        report(
            "re-run wall time",
            millis(median(again.1)),
            "ms",
            baseline,
            bare,
        );
    });
}
