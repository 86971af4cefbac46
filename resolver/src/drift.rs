//! The drift check: does the root `.ci-operator.yaml` names (option A) still match what the
//! promoted Dockerfiles build on?
//!
//! For each image option B would consider, the root its Dockerfile implies is compared with
//! the in-repo root: the same imagestreamtag is a `match`; else the versions read from both
//! tags (Go `golang-X.Y`, RHEL `rhel-N`, OpenShift `openshift-X.Y`) are compared where both
//! tags state them: all equal is `compatible`, any different is `drift`; nothing comparable,
//! or no implied root, is `unknown`.
//!
//! The report also compares the in-repo root's Go with `go.mod` ([`crate::check_go_mod`]) and
//! lists `inputs.<name>.as` entries that replace nothing ([`crate::unused_inputs`]); neither
//! changes a verdict.

use std::fmt;

use config_model::{ImageStreamTag, ValidConfig};
use serde::Serialize;

use crate::base::StageBase;
use crate::dockerfile::Location;
use crate::error::{Error, Problem};
use crate::files::RepoFiles;
use crate::gomod::{GoModCheck, check_go_mod};
use crate::infer::image_choice::{candidates, image_base, load_candidates, single_stage_skipped};
use crate::infer::loader::Loader;
use crate::root::ResolvedRoot;
use crate::strategy::in_repo_file::in_repo_root;
use crate::unused_inputs::{UnusedInput, unused_inputs};

/// The drift report: the in-repo root and a verdict per image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftReport {
    /// The root `.ci-operator.yaml` names.
    pub root: ResolvedRoot,
    /// One entry per image option B would consider, in config order.
    pub images: Vec<ImageDrift>,
    /// The in-repo root's Go against `go.mod`, when both state one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub go_mod: Option<GoModCheck>,
    /// `inputs.<name>.as` entries that replace nothing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unused_inputs: Vec<UnusedInput>,
}

impl DriftReport {
    /// Whether any image drifted (the CLI exits 1).
    pub fn has_drift(&self) -> bool {
        self.images.iter().any(|i| i.verdict == Verdict::Drift)
    }
}

/// One image's verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageDrift {
    /// The image (`images[].to`).
    pub image: String,
    /// Its Dockerfile.
    pub dockerfile: String,
    /// The root its Dockerfile implies.
    pub implied_root: Option<ImageStreamTag>,
    /// The verdict.
    pub verdict: Verdict,
    /// For `drift`: each version that differs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<VersionDifference>,
    /// For `unknown`: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// How the implied root was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<StageBase>,
}

/// How an image's implied root compares with the in-repo root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The same imagestreamtag.
    Match,
    /// Different imagestreamtags with the same versions, where both state them.
    Compatible,
    /// A version differs.
    Drift,
    /// Not inferable, or nothing comparable.
    Unknown,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Match => "match",
            Verdict::Compatible => "compatible",
            Verdict::Drift => "drift",
            Verdict::Unknown => "unknown",
        })
    }
}

/// A version that differs between the two roots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionDifference {
    /// `go`, `rhel` or `openshift`.
    pub what: &'static str,
    /// In the in-repo root's tag.
    pub root: String,
    /// In the implied root's tag.
    pub implied: String,
}

/// Versions stated by a tag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TagVersions {
    pub(crate) go: Option<String>,
    pub(crate) rhel: Option<String>,
    pub(crate) openshift: Option<String>,
}

/// Reads `golang-X.Y`, `rhel-N` and `openshift-X.Y` from a tag (`golang-1.24.3` states Go
/// `1.24`).
pub(crate) fn tag_versions(tag: &str) -> TagVersions {
    let mut versions = TagVersions::default();
    let parts: Vec<&str> = tag.split(['-', '_']).collect();
    for pair in parts.windows(2) {
        let (key, value) = (pair[0], pair[1]);
        match key {
            "golang" | "go" if versions.go.is_none() => versions.go = major_minor(value),
            "rhel" if versions.rhel.is_none() => {
                versions.rhel = value
                    .split('.')
                    .next()
                    .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
                    .map(str::to_owned);
            }
            "openshift" if versions.openshift.is_none() => versions.openshift = major_minor(value),
            _ => {}
        }
    }
    versions
}

fn major_minor(value: &str) -> Option<String> {
    let mut numbers = value.split('.');
    let major = numbers.next()?;
    let minor = numbers.next()?;
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    (digits(major) && digits(minor)).then(|| format!("{major}.{minor}"))
}

/// Compares two roots.
pub(crate) fn compare(
    root: &ImageStreamTag,
    implied: &ImageStreamTag,
) -> (Verdict, Vec<VersionDifference>, Option<String>) {
    if root == implied {
        return (Verdict::Match, Vec::new(), None);
    }
    let a = tag_versions(root.tag());
    let b = tag_versions(implied.tag());
    let mut compared = 0;
    let mut differences = Vec::new();
    for (what, x, y) in [
        ("go", &a.go, &b.go),
        ("rhel", &a.rhel, &b.rhel),
        ("openshift", &a.openshift, &b.openshift),
    ] {
        if let (Some(x), Some(y)) = (x, y) {
            compared += 1;
            if x != y {
                differences.push(VersionDifference {
                    what,
                    root: x.clone(),
                    implied: y.clone(),
                });
            }
        }
    }
    if !differences.is_empty() {
        (Verdict::Drift, differences, None)
    } else if compared > 0 {
        (Verdict::Compatible, Vec::new(), None)
    } else {
        (
            Verdict::Unknown,
            Vec::new(),
            Some(format!(
                "the tags `{}` and `{}` state no Go, RHEL or OpenShift version in common",
                root.tag(),
                implied.tag()
            )),
        )
    }
}

/// Checks the in-repo root of the tested repository against the root each promoted
/// Dockerfile implies.
///
/// Fails when `.ci-operator.yaml` names no imagestreamtag ([`Error::NoInRepoRoot`]) or the
/// repository cannot be read; an image whose root cannot be inferred is an `unknown` verdict,
/// not an error.
pub fn check_drift(config: &ValidConfig, files: &dyn RepoFiles) -> Result<DriftReport, Error> {
    let root = in_repo_root(config, files)?;
    let unused_inputs = unused_inputs(config, None, files)?;
    let Some(root_ist) = root.image_stream_tag.clone() else {
        return Ok(DriftReport {
            root,
            images: Vec::new(),
            go_mod: None,
            unused_inputs,
        });
    };
    let go_mod = check_go_mod(&root_ist, files)
        .map_err(|e| Error::from_file("build_root", files.revision(), e))?;
    let cfg = config.config();
    let candidates = candidates(cfg, None);
    let mut loader = Loader::new(files, files.revision(), "build_root");
    let loaded = load_candidates(&candidates, &mut loader)?;
    let skip_single_stage = single_stage_skipped(&loaded);
    let mut images = Vec::new();
    for (candidate, loaded) in candidates.iter().zip(loaded) {
        let unknown = |reason: String| ImageDrift {
            image: candidate.name.clone(),
            dockerfile: candidate.label.clone(),
            implied_root: None,
            verdict: Verdict::Unknown,
            differences: Vec::new(),
            reason: Some(reason),
            source: None,
        };
        let located = |at: Option<Location>, problem: Problem| match at {
            Some(at) => format!("{}:{at}: {problem}", candidate.label),
            None => problem.to_string(),
        };
        let dockerfile = match loaded {
            Ok(d) => d,
            Err((at, problem)) => {
                images.push(unknown(located(at, problem)));
                continue;
            }
        };
        if skip_single_stage && dockerfile.stages.len() == 1 {
            images.push(unknown(Problem::SingleStage.to_string()));
            continue;
        }
        match image_base(cfg, candidate, &dockerfile, None) {
            Ok(base) => {
                let implied = base.base.image_stream_tag.clone();
                let (verdict, differences, reason) = match &implied {
                    Some(implied) => compare(&root_ist, implied),
                    None => (Verdict::Unknown, Vec::new(), None),
                };
                images.push(ImageDrift {
                    image: candidate.name.clone(),
                    dockerfile: candidate.label.clone(),
                    implied_root: implied,
                    verdict,
                    differences,
                    reason,
                    source: Some(base.base),
                });
            }
            Err((at, problem)) => images.push(unknown(located(at, problem))),
        }
    }
    Ok(DriftReport {
        root,
        images,
        go_mod,
        unused_inputs,
    })
}

impl fmt::Display for DriftReport {
    /// A multi-line report, for `check -o text`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.root.image_stream_tag {
            Some(ist) => writeln!(f, "in-repo root: {ist}")?,
            None => writeln!(f, "in-repo root: none")?,
        }
        if self.images.is_empty() {
            writeln!(f, "no image to compare with")?;
        }
        for image in &self.images {
            write!(
                f,
                "{}: {} ({})",
                image.image, image.verdict, image.dockerfile
            )?;
            if let Some(implied) = &image.implied_root {
                write!(f, ": implies {implied}")?;
            }
            writeln!(f)?;
            for d in &image.differences {
                writeln!(
                    f,
                    "  {} differs: {} in the in-repo root, {} in the Dockerfile",
                    d.what, d.root, d.implied
                )?;
            }
            if let Some(reason) = &image.reason {
                writeln!(f, "  {reason}")?;
            }
            if let Some(source) = &image.source {
                writeln!(
                    f,
                    "  line {}, column {}: FROM {} (via {})",
                    source.line, source.column, source.from, source.via
                )?;
            }
        }
        if let Some(go_mod) = &self.go_mod {
            writeln!(f, "go.mod:{}: {go_mod}", go_mod.required.line)?;
        }
        for unused in &self.unused_inputs {
            writeln!(f, "warning: {unused}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
