//! What the audit found, as data (`-o json`, `-o yaml`) and as text: one line per audited
//! build root, then the counts.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use config_model::ImageStreamTag;
use serde::Serialize;

/// The verdict on one build root, from the worst to `ok` (the order of precedence: a root
/// gets the first that applies).
/// Also the values of `--fail-on` (every verdict but `ok`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Verdict {
    /// The branch could not be fetched (or not within `--timeout`).
    Unreachable,
    /// `.ci-operator.yaml` fails strict validation (warnings are errors), or is refused, or the
    /// config itself is not valid.
    Invalid,
    /// No root: no `.ci-operator.yaml`, and inference from the Dockerfiles failed (or the file
    /// asks for inference, and it failed).
    Unresolved,
    /// The root's imagestreamtag, or its stream, does not exist in the cluster.
    TagMissing,
    /// The in-repo root disagrees with a promoted Dockerfile.
    Drift,
    /// The root's Go is older than `go.mod` asks.
    GoBehind,
    /// Nothing found.
    #[value(skip)]
    Ok,
}

impl Verdict {
    /// Every verdict, in order of precedence.
    pub(crate) const ALL: [Verdict; 7] = [
        Verdict::Unreachable,
        Verdict::Invalid,
        Verdict::Unresolved,
        Verdict::TagMissing,
        Verdict::Drift,
        Verdict::GoBehind,
        Verdict::Ok,
    ];

    /// The name users write (`--fail-on`) and read.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Verdict::Unreachable => "unreachable",
            Verdict::Invalid => "invalid",
            Verdict::Unresolved => "unresolved",
            Verdict::TagMissing => "tag-missing",
            Verdict::Drift => "drift",
            Verdict::GoBehind => "go-behind",
            Verdict::Ok => "ok",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which config and which of its build roots an entry is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Subject {
    /// The config file, relative to CONFIG_DIR.
    pub(crate) config: String,
    /// Its organisation, repository, branch and variant (`None` when the path and the metadata
    /// do not say).
    pub(crate) org: Option<String>,
    pub(crate) repo: Option<String>,
    pub(crate) branch: Option<String>,
    pub(crate) variant: Option<String>,
    /// `build_root` or `build_roots[org.repo]`.
    pub(crate) build_root: String,
    /// The repository read (credentials redacted), when one was.
    pub(crate) repository: Option<String>,
    /// The commit read: the branch's tip.
    pub(crate) revision: Option<String>,
}

/// The verdict on one build root of one config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Finding {
    #[serde(flatten)]
    pub(crate) subject: Subject,
    pub(crate) verdict: Verdict,
    /// Why, in one line.
    pub(crate) reason: String,
    /// The file the reason is about (`.ci-operator.yaml`, a Dockerfile, `go.mod`, the config),
    /// and the line in it.
    pub(crate) file: Option<String>,
    pub(crate) line: Option<u32>,
    /// The root, when one was found.
    pub(crate) root: Option<ImageStreamTag>,
    /// How it was found: `in_repo_file` or `dockerfile`.
    pub(crate) strategy: Option<String>,
    /// Where the root is named, for `tag-missing`.
    #[serde(skip)]
    pub(crate) root_at: Option<(String, Option<u32>)>,
    /// What does not change the verdict but should be fixed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) warnings: Vec<String>,
}

/// A config that does not read its root from the repository, and whether it could.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Candidate {
    #[serde(flatten)]
    pub(crate) subject: Subject,
    /// The configured `image_stream_tag`.
    pub(crate) configured: ImageStreamTag,
    /// Setting `from_repository: true` would keep this root.
    pub(crate) could_switch: bool,
    /// How the branch gives the same root: `in_repo_file` or `dockerfile`.
    pub(crate) via: Option<String>,
    /// Why, in one line.
    pub(crate) reason: String,
    pub(crate) file: Option<String>,
    pub(crate) line: Option<u32>,
}

/// The whole audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Report {
    /// One entry per build root that reads its root from the repository, by config path.
    pub(crate) configs: Vec<Finding>,
    /// With `--candidates`: the other configs' roots.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) candidates: Option<Vec<Candidate>>,
    /// How many entries got each verdict (every verdict listed, zeros included, in order of
    /// precedence).
    pub(crate) counts: Counts,
    /// Config files not audited: they do not read their root from the repository.
    pub(crate) not_audited: usize,
}

impl Report {
    /// Counts the verdicts.
    pub(crate) fn new(
        mut configs: Vec<Finding>,
        candidates: Option<Vec<Candidate>>,
        not_audited: usize,
    ) -> Report {
        configs.sort_by(|a, b| {
            (&a.subject.config, &a.subject.build_root)
                .cmp(&(&b.subject.config, &b.subject.build_root))
        });
        let mut counts: BTreeMap<Verdict, usize> = Verdict::ALL.iter().map(|v| (*v, 0)).collect();
        for finding in &configs {
            *counts.entry(finding.verdict).or_default() += 1;
        }
        let counts = Counts(counts);
        Report {
            configs,
            candidates,
            counts,
            not_audited,
        }
    }

    /// Whether any entry has one of `verdicts`.
    pub(crate) fn any(&self, verdicts: &[Verdict]) -> bool {
        self.configs.iter().any(|f| verdicts.contains(&f.verdict))
    }

    /// One line per entry (and one per warning under it, indented), then the counts.
    pub(crate) fn to_text(&self) -> String {
        let mut text = String::new();
        for finding in &self.configs {
            let _ = writeln!(
                text,
                "{:<11} {} {}: {}{}",
                finding.verdict.name(),
                finding.subject.config,
                finding.subject.build_root,
                located(finding.file.as_deref(), finding.line),
                finding.reason
            );
            for warning in &finding.warnings {
                let _ = writeln!(text, "  warning: {warning}");
            }
        }
        let _ = write!(text, "{}", self.summary());
        if let Some(candidates) = &self.candidates {
            let able = candidates.iter().filter(|c| c.could_switch).count();
            for candidate in candidates {
                let _ = writeln!(
                    text,
                    "{:<11} {} {}: {}{}",
                    if candidate.could_switch {
                        "can-switch"
                    } else {
                        "cannot"
                    },
                    candidate.subject.config,
                    candidate.subject.build_root,
                    located(candidate.file.as_deref(), candidate.line),
                    candidate.reason
                );
            }
            let _ = writeln!(
                text,
                "{} candidate{}: {able} could switch to from_repository without changing their root",
                candidates.len(),
                if candidates.len() == 1 { "" } else { "s" },
            );
        }
        text
    }

    /// `N build roots audited: 3 ok, 1 drift (M configs not reading their root from the
    /// repository)`.
    fn summary(&self) -> String {
        let total = self.configs.len();
        let counts: Vec<String> = Verdict::ALL
            .iter()
            .filter_map(|v| {
                let n = self.counts.0.get(v).copied().unwrap_or(0);
                (n > 0).then(|| format!("{n} {v}"))
            })
            .collect();
        let counts = if counts.is_empty() {
            String::new()
        } else {
            format!(": {}", counts.join(", "))
        };
        format!(
            "{total} build root{} audited{counts} ({} config{} not reading their root from the repository)\n",
            if total == 1 { "" } else { "s" },
            self.not_audited,
            if self.not_audited == 1 { "" } else { "s" },
        )
    }
}

/// How many entries got each verdict; serialized as a map in order of precedence
/// (`{"unreachable": 0, "invalid": 1, ...}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Counts(BTreeMap<Verdict, usize>);

impl Serialize for Counts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (verdict, count) in &self.0 {
            map.serialize_entry(verdict.name(), count)?;
        }
        map.end()
    }
}

/// `FILE:LINE: ` or `FILE: ` or nothing.
pub(crate) fn located(file: Option<&str>, line: Option<u32>) -> String {
    match (file, line) {
        (Some(file), Some(line)) => format!("{file}:{line}: "),
        (Some(file), None) => format!("{file}: "),
        (None, _) => String::new(),
    }
}
