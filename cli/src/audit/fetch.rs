//! Fetching every target's branch tip, several at once, and judging its jobs there.
//!
//! repo-source's fetches are blocking (gix), so each target runs on tokio's blocking pool, at
//! most `-j` at once (a semaphore), on the one runtime of the command. A target's deadline
//! starts when its fetch does; the reads that follow share it. Whatever happens to one target
//! (a refused connection, a 500, a stalled server, even a panic) becomes `unreachable` for its
//! jobs and never stops the others.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use repo_source::{FetchOptions, Snapshot};

use super::candidate::{Switch, could_switch};
use super::judge::{Judgement, judge};
use super::plan::{Job, Question, Target};
use super::report::Verdict;
use super::text::chain;
use super::tree::ConfigFile;
use crate::source::SnapshotFiles;

/// How to fetch.
#[derive(Debug, Clone)]
pub(crate) struct FetchSettings {
    /// At most this many repositories at once.
    pub(crate) jobs: usize,
    /// Per repository, from the start of its fetch.
    pub(crate) timeout: Duration,
    /// Where fetches create their scratch repositories.
    pub(crate) scratch_parent: Option<PathBuf>,
}

/// The answer to one job.
#[derive(Debug, Clone)]
pub(crate) enum Answer {
    Audit(Judgement),
    Candidate(Switch),
}

/// One target's outcome: where it was fetched from, its commit (when fetched) and each job's
/// answer.
#[derive(Debug)]
pub(crate) struct Fetched {
    pub(crate) url: String,
    pub(crate) revision: Option<String>,
    pub(crate) answers: Vec<(Job, Answer)>,
}

/// Fetches and judges every target; `done` is called after each (the progress bar).
pub(crate) async fn fetch_all(
    targets: Vec<Target>,
    configs: Arc<Vec<ConfigFile>>,
    settings: &FetchSettings,
    done: impl Fn(),
) -> Vec<Fetched> {
    let permits = Arc::new(tokio::sync::Semaphore::new(settings.jobs.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (index, target) in targets.into_iter().enumerate() {
        let permits = permits.clone();
        let configs = configs.clone();
        let settings = settings.clone();
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let jobs = target.jobs.clone();
            let url = target.url.clone();
            let worker =
                tokio::task::spawn_blocking(move || fetch_one(&target, &configs, &settings));
            let fetched = match worker.await {
                Ok(fetched) => fetched,
                // A panic in one target's fetch is that target's failure alone.
                Err(error) => unreachable_all(
                    url,
                    jobs,
                    &format!("the audit of this repository failed: {error}"),
                ),
            };
            (index, fetched)
        });
    }
    let mut results: Vec<(usize, Fetched)> = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        if let Ok(result) = joined {
            results.push(result);
        }
        done();
    }
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, fetched)| fetched).collect()
}

/// Fetches one branch tip (with every path its jobs read) and answers its jobs.
fn fetch_one(target: &Target, configs: &[ConfigFile], settings: &FetchSettings) -> Fetched {
    let options = FetchOptions {
        deadline: Some(Instant::now() + settings.timeout),
        progress: false,
        scratch_parent: settings.scratch_parent.clone(),
    };
    let paths: Vec<&str> = target.paths.iter().map(String::as_str).collect();
    let snapshot = match Snapshot::open_at_for(&target.url, &target.branch.branch, &options, &paths)
    {
        Ok(snapshot) => snapshot,
        Err(error) => {
            return unreachable_all(target.url.clone(), target.jobs.clone(), &chain(&error));
        }
    };
    let revision = snapshot.revision().commit().map(str::to_owned);
    let files = SnapshotFiles::new(snapshot);
    let mut answers = Vec::with_capacity(target.jobs.len());
    for job in &target.jobs {
        let Some(Ok(config)) = configs.get(job.config).map(|c| c.config.as_ref()) else {
            continue;
        };
        let key = job.key.as_deref();
        let answer = match &job.question {
            Question::Audit => Answer::Audit(judge(config, key, &files)),
            Question::Candidate(configured) => {
                Answer::Candidate(could_switch(config, key, &files, configured))
            }
        };
        answers.push((job.clone(), answer));
    }
    Fetched {
        url: target.url.clone(),
        revision,
        answers,
    }
}

/// Every job of a target that could not be fetched.
fn unreachable_all(url: String, jobs: Vec<Job>, reason: &str) -> Fetched {
    let answers = jobs
        .into_iter()
        .map(|job| {
            let answer = match job.question {
                Question::Audit => Answer::Audit(Judgement::new(Verdict::Unreachable, reason)),
                Question::Candidate(_) => Answer::Candidate(Switch {
                    could_switch: false,
                    via: None,
                    reason: format!("the branch could not be read: {reason}"),
                    file: None,
                    line: None,
                }),
            };
            (job, answer)
        })
        .collect();
    Fetched {
        url,
        revision: None,
        answers,
    }
}
