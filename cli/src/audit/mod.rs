//! `ci-operator audit CONFIG_DIR`: every branch whose build root is read from the repository,
//! checked at its tip before a job finds out.
//!
//! The pieces, in the order they run:
//! - [`tree`] reads the config tree (openshift/release's layout) and validates each config;
//! - [`plan`] groups the build roots to audit by repository and branch, so each branch tip is
//!   fetched once, with every path its configs read (`.ci-operator.yaml`, `go.mod`, the
//!   promoted Dockerfiles);
//! - [`fetch`] fetches the targets, `-j` at once on one runtime, and [`judge`] gives each root
//!   its verdict there ([`candidate`] answers `--candidates`);
//! - [`cluster`] (with `--kubeconfig`) turns a root whose tag does not exist into
//!   `tag-missing`;
//! - [`report`] and [`junit`] print the result.
//!
//! It writes nothing anywhere: fetches go to the run's scratch directory under the system's
//! temporary directory, removed at exit; the cluster is only read.

mod candidate;
mod cluster;
mod fetch;
mod judge;
mod junit;
mod plan;
pub(crate) mod report;
mod text;
mod tree;

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::sync::Arc;

use crate::args::{AuditArgs, OutputFormat};
use crate::error::AuditError;
use crate::exit::{ExitStatus, Failure};
use crate::output;
use fetch::{Answer, FetchSettings, Fetched};
use report::{Candidate, Finding, Report, Verdict};

/// Runs the audit.
pub(crate) fn run(args: &AuditArgs, format: OutputFormat) -> Result<ExitStatus, Failure> {
    if !args.git_url_template.contains("{repo}") {
        return Err(AuditError::NoRepoPlaceholder {
            template: repo_source::redact_credentials(&args.git_url_template).into_owned(),
        }
        .into());
    }
    let files = tree::read_tree(&args.config_dir)?;
    let plan = plan::plan(&files, &args.git_url_template, args.candidates);
    let configs = Arc::new(files);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(AuditError::Runtime)?;
    let settings = FetchSettings {
        jobs: usize::from(args.jobs),
        timeout: args.timeout,
        scratch_parent: crate::interrupt::scratch_dir(),
    };
    let progress = progress_bar(plan.targets.len());
    let fetched = runtime.block_on(fetch::fetch_all(
        plan.targets,
        configs.clone(),
        &settings,
        || progress.inc(1),
    ));
    progress.finish_and_clear();
    let (mut findings, candidates) = collect(fetched);
    for (subject, verdict, reason, line) in plan.decided {
        let file = Some(subject.config.clone());
        findings.push(Finding {
            subject,
            verdict,
            reason,
            file,
            line,
            root: None,
            strategy: None,
            root_at: None,
            warnings: Vec::new(),
        });
    }
    if let Some(kubeconfig) = &args.kubeconfig {
        runtime.block_on(check_tags(kubeconfig, &mut findings, &settings))?;
    }
    let report = Report::new(
        findings,
        args.candidates.then_some(candidates),
        plan.not_audited,
    );
    let rendered = match format {
        OutputFormat::Junit => junit::render(&report),
        other => output::render(other, &report, || report.to_text())?,
    };
    output::stdout(&repo_source::redact_credentials(&rendered))?;
    let fail_on: Vec<Verdict> = if args.fail_on.is_empty() {
        Verdict::ALL
            .iter()
            .copied()
            .filter(|v| *v != Verdict::Ok)
            .collect()
    } else {
        args.fail_on.clone()
    };
    Ok(if report.any(&fail_on) {
        ExitStatus::Input
    } else {
        ExitStatus::Success
    })
}

/// The findings and candidates of every target, with the repository and revision read.
fn collect(fetched: Vec<Fetched>) -> (Vec<Finding>, Vec<Candidate>) {
    let mut findings = Vec::new();
    let mut candidates = Vec::new();
    for fetched in fetched {
        for (job, answer) in fetched.answers {
            let mut subject = job.subject;
            subject.repository = Some(repo_source::redact_credentials(&fetched.url).into_owned());
            subject.revision = fetched.revision.clone();
            match (answer, job.question) {
                (Answer::Audit(judgement), _) => findings.push(Finding {
                    subject,
                    verdict: judgement.verdict,
                    reason: judgement.reason,
                    file: judgement.file,
                    line: judgement.line,
                    root: judgement.root,
                    strategy: judgement.strategy,
                    root_at: judgement.root_at,
                    warnings: judgement.warnings,
                }),
                (Answer::Candidate(switch), plan::Question::Candidate(configured)) => {
                    candidates.push(Candidate {
                        subject,
                        configured,
                        could_switch: switch.could_switch,
                        via: switch.via,
                        reason: switch.reason,
                        file: switch.file,
                        line: switch.line,
                    });
                }
                (Answer::Candidate(_), plan::Question::Audit) => {}
            }
        }
    }
    candidates.sort_by(|a, b| {
        (&a.subject.config, &a.subject.build_root).cmp(&(&b.subject.config, &b.subject.build_root))
    });
    (findings, candidates)
}

/// Turns findings whose root does not exist in the cluster into `tag-missing` (it outranks
/// `drift`, `go-behind` and `ok`: a job fails on it first).
async fn check_tags(
    kubeconfig: &std::path::Path,
    findings: &mut [Finding],
    settings: &FetchSettings,
) -> Result<(), Failure> {
    let outranked = |v: Verdict| v > Verdict::TagMissing;
    let roots: BTreeSet<config_model::ImageStreamTag> = findings
        .iter()
        .filter(|f| outranked(f.verdict))
        .filter_map(|f| f.root.clone())
        .collect();
    if roots.is_empty() {
        return Ok(());
    }
    let lookups = cluster::lookup_all(kubeconfig, roots, settings.jobs, settings.timeout).await?;
    for finding in findings.iter_mut().filter(|f| outranked(f.verdict)) {
        let Some(lookup) = finding.root.as_ref().and_then(|r| lookups.get(r)) else {
            continue;
        };
        match lookup {
            cluster::Lookup::Exists => {}
            cluster::Lookup::Missing(why) => {
                finding.verdict = Verdict::TagMissing;
                finding.reason = why.clone();
                if let Some((file, line)) = finding.root_at.clone() {
                    finding.file = Some(file);
                    finding.line = line;
                }
            }
            cluster::Lookup::Failed(why) => output::note(&format!(
                "warning: {} {}: {why}",
                finding.subject.config, finding.subject.build_root
            )),
        }
    }
    Ok(())
}

/// A bar on stderr when it is a terminal; hidden otherwise (CI logs get no bar).
fn progress_bar(targets: usize) -> indicatif::ProgressBar {
    let length = u64::try_from(targets).unwrap_or(u64::MAX);
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(length);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} auditing {pos}/{len} branches [{bar:30}] {elapsed}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
