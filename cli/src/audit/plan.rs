//! What to fetch: one target per repository and branch, however many configs (variants,
//! `build_roots` keys) read it, with every path any of them will read.

use std::collections::{BTreeMap, BTreeSet};

use config_model::{BuildRoot, Config, IN_REPO_FILE_NAME};
use resolver::GO_MOD_FILE;

use config_model::ImageStreamTag;

use super::report::{Subject, Verdict};
use super::tree::{Branch, ConfigFile};

/// What is asked of one build root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Question {
    /// It reads its root from the repository: which verdict?
    Audit,
    /// It configures `image_stream_tag` (under `--candidates`): could it switch?
    Candidate(ImageStreamTag),
}

/// One build root of one config, to answer from one target's files.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    /// Index of the config in the tree.
    pub(crate) config: usize,
    /// `None` for `build_root`, the `org.repo` key for `build_roots`.
    pub(crate) key: Option<String>,
    pub(crate) subject: Subject,
    pub(crate) question: Question,
}

/// One repository at one branch, fetched once for all its jobs.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) branch: Branch,
    /// The URL from `--git-url-template`.
    pub(crate) url: String,
    /// Every path a job may read, fetched with the branch.
    pub(crate) paths: BTreeSet<String>,
    pub(crate) jobs: Vec<Job>,
}

/// The plan: the targets, and the entries decided without fetching anything (a config that is
/// not valid, or whose branch cannot be told).
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub(crate) targets: Vec<Target>,
    pub(crate) decided: Vec<(Subject, Verdict, String, Option<u32>)>,
    /// Configs with no root read from the repository (and, without `--candidates`, not
    /// audited).
    pub(crate) not_audited: usize,
}

/// `https://github.com/{org}/{repo}.git` with the placeholders filled.
pub(crate) fn url_for(template: &str, org: &str, repo: &str) -> String {
    template.replace("{org}", org).replace("{repo}", repo)
}

/// Plans the audit of `files`.
pub(crate) fn plan(files: &[ConfigFile], template: &str, candidates: bool) -> Plan {
    let mut plan = Plan::default();
    let mut targets: BTreeMap<Branch, Target> = BTreeMap::new();
    for (index, file) in files.iter().enumerate() {
        let subject = |build_root: &str, branch: Option<&Branch>| Subject {
            config: file.path.clone(),
            org: branch.map(|b| b.org.clone()),
            repo: branch.map(|b| b.repo.clone()),
            branch: branch.map(|b| b.branch.clone()),
            variant: file.variant.clone(),
            build_root: build_root.to_owned(),
            repository: None,
            revision: None,
        };
        let config = match &file.config {
            Ok(config) => config,
            // A config that names its root is not this audit's business, valid or not.
            Err(_) if file.from_repository == Some(false) => {
                plan.not_audited += 1;
                continue;
            }
            Err(diagnostics) => {
                // It reads its root from the repository but is not valid, or it does not parse
                // and nobody can tell: either way every job of the branch fails on it.
                let first = diagnostics
                    .iter()
                    .find(|d| d.is_error())
                    .or(diagnostics.first());
                let reason = match first {
                    Some(d) => format!("the config is not valid: {d}"),
                    None => "the config is not valid".to_owned(),
                };
                let line = first.filter(|d| d.pos.is_known()).map(|d| d.pos.line);
                plan.decided.push((
                    subject("build_root", file.branch.as_ref()),
                    Verdict::Invalid,
                    reason,
                    line,
                ));
                continue;
            }
        };
        let roots = roots_of(config.config());
        let audited = roots.iter().any(|(_, root)| root.is_from_repository());
        if !audited {
            plan.not_audited += 1;
        }
        for (key, root) in roots {
            let field = match key {
                None => "build_root".to_owned(),
                Some(key) => format!("build_roots[{key}]"),
            };
            let question = if root.is_from_repository() {
                Question::Audit
            } else if let (true, Some(Ok(ist))) = (
                candidates,
                root.image_stream_tag
                    .as_ref()
                    .map(|ist| ist.value.checked()),
            ) {
                // A valid config's tag is a valid imagestreamtag: validation checked it.
                Question::Candidate(ist)
            } else {
                continue;
            };
            let Some(config_branch) = &file.branch else {
                if question == Question::Audit {
                    plan.decided.push((
                        subject(&field, None),
                        Verdict::Invalid,
                        "cannot tell the repository and branch: the config has no `zz_generated_metadata` and its path is not `<org>/<repo>/<org>-<repo>-<branch>[__<variant>].yaml`".to_owned(),
                        None,
                    ));
                }
                continue;
            };
            let branch = match key {
                None => config_branch.clone(),
                // A `build_roots` repository is read at the branch of the same name: the
                // branches of a multi-repo job move together.
                Some(key) => match key.split_once('.') {
                    Some((org, repo)) if !org.is_empty() && !repo.is_empty() => Branch {
                        org: org.to_owned(),
                        repo: repo.to_owned(),
                        branch: config_branch.branch.clone(),
                    },
                    _ => {
                        plan.decided.push((
                            subject(&field, Some(config_branch)),
                            Verdict::Invalid,
                            format!("the `build_roots` key `{key}` is not `org.repo`"),
                            None,
                        ));
                        continue;
                    }
                },
            };
            let target = targets.entry(branch.clone()).or_insert_with(|| Target {
                url: url_for(template, &branch.org, &branch.repo),
                branch: branch.clone(),
                paths: BTreeSet::new(),
                jobs: Vec::new(),
            });
            target.paths.extend(paths_read(config.config(), key));
            // The config's own org, repo and branch, whatever repository the root reads
            // (`repository` says which).
            target.jobs.push(Job {
                config: index,
                key: key.map(str::to_owned),
                subject: subject(&field, Some(config_branch)),
                question,
            });
        }
    }
    plan.targets = targets.into_values().collect();
    plan
}

/// `build_root`, then `build_roots` by key.
fn roots_of(config: &Config) -> Vec<(Option<&str>, &BuildRoot)> {
    let mut roots: Vec<(Option<&str>, &BuildRoot)> = config
        .build_root
        .iter()
        .map(|root| (None, &root.value))
        .collect();
    roots.extend(
        config
            .build_roots
            .iter()
            .map(|(key, root)| (Some(key.as_str()), &root.value)),
    );
    roots
}

/// What resolving the root `key` reads: `.ci-operator.yaml`, `go.mod` and the Dockerfile of
/// every image built from that repository (option B's candidates, and what the drift check
/// compares).
fn paths_read(config: &Config, key: Option<&str>) -> Vec<String> {
    let mut paths = vec![IN_REPO_FILE_NAME.to_owned(), GO_MOD_FILE.to_owned()];
    for item in config.images.iter().flat_map(|i| i.items.iter()) {
        if item.ref_.as_ref().map(|r| r.value.as_str()) == key
            && let Some(path) = item.dockerfile_repo_path()
        {
            paths.push(path);
        }
    }
    paths
}
