//! What resolution returns: the root, the strategy that found it, and where it came from.
//!
//! [`ResolvedRoot`] serializes to the JSON the CLI prints for `resolve -o json`
//! (`{"pipeline_tag", "ref", "strategy", "image_stream_tag", "source"}`) and renders as text
//! (`Display`) for `-o text`.

use std::collections::BTreeMap;
use std::fmt;

use config_model::{BuildArg, ImageBuildInputs, ImageStreamTag, StageRef};
use serde::Serialize;

use crate::base::{COPIED_BY_FINAL_STAGE, ImageBase, NAMED_BY_REQUEST, StageBase, stage_ref_text};
use crate::error::ImageFailure;

/// A build root and how it was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolvedRoot {
    /// The pipeline tag it becomes: `root`, or `root-<org.repo>` for `build_roots`.
    pub pipeline_tag: String,
    /// `None` for `build_root`, the `org.repo` key for `build_roots`.
    #[serde(rename = "ref")]
    pub ref_: Option<String>,
    /// Which way found it.
    pub strategy: StrategyKind,
    /// The imagestreamtag; `None` for `project_image`, whose root is built.
    pub image_stream_tag: Option<ImageStreamTag>,
    /// Where it came from.
    pub source: Source,
}

/// The ways to get a root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StrategyKind {
    /// `build_root.image_stream_tag` in the config.
    ImageStreamTag,
    /// `.ci-operator.yaml` naming an imagestreamtag (option A).
    InRepoFile,
    /// Inferred from a promoted Dockerfile (option B), by convention or through
    /// `from_dockerfile`.
    Dockerfile,
    /// Built from a Dockerfile (`build_root.project_image`).
    ProjectImage,
}

impl fmt::Display for StrategyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StrategyKind::ImageStreamTag => "image_stream_tag",
            StrategyKind::InRepoFile => "in_repo_file",
            StrategyKind::Dockerfile => "dockerfile",
            StrategyKind::ProjectImage => "project_image",
        })
    }
}

/// Where a root came from; the variant follows [`ResolvedRoot::strategy`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Source {
    /// From the config.
    Config(ConfigSource),
    /// From `.ci-operator.yaml`.
    InRepoFile(InRepoFileSource),
    /// Inferred from Dockerfiles.
    Dockerfile(DockerfileSource),
    /// A build plan.
    ProjectImage(BuildPlan),
}

/// `build_root.image_stream_tag` of the config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigSource {
    /// The field path (`build_root.image_stream_tag`).
    pub field: String,
    /// Line in the config (0 when unknown).
    pub line: u32,
    /// Column in the config (0 when unknown).
    pub column: u32,
}

/// `build_root_image` of `.ci-operator.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InRepoFileSource {
    /// The revision read.
    pub revision: String,
    /// `.ci-operator.yaml`.
    pub file: String,
    /// Where `build_root_image` is.
    pub line: u32,
    /// Where `build_root_image` is.
    pub column: u32,
    /// Keys of the file that were ignored, with hints.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// How option B found a root.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DockerfileSource {
    /// The revision read.
    pub revision: String,
    /// `from_dockerfile` of `.ci-operator.yaml`, when the repository asked for B; `None`
    /// when there is no `.ci-operator.yaml` and B was used by convention.
    pub in_repo_file: Option<FromDockerfileRequest>,
    /// Each image that gave the root (they agree), in config order.
    pub images: Vec<ImageBase>,
    /// Images skipped, and why.
    pub skipped: Vec<ImageFailure>,
}

/// What `.ci-operator.yaml` asked of option B.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FromDockerfileRequest {
    /// `.ci-operator.yaml`.
    pub file: String,
    /// Where `from_dockerfile` is.
    pub line: u32,
    /// Where `from_dockerfile` is.
    pub column: u32,
    /// `from_dockerfile.image`.
    pub image: Option<String>,
    /// `from_dockerfile.stage`.
    pub stage: Option<StageRef>,
}

/// A `project_image` root: what will be built.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BuildPlan {
    /// The revision read.
    pub revision: String,
    /// The build context directory (`.` for the repository root).
    pub context_dir: String,
    /// The Dockerfile's repository path, or `build_root.project_image.dockerfile_literal`.
    pub dockerfile: String,
    /// How many stages it has.
    pub stages: usize,
    /// Each stage's base, resolved where possible.
    pub bases: Vec<StageBase>,
    /// `build_args`.
    pub build_args: Vec<BuildArg>,
    /// `inputs`.
    pub inputs: BTreeMap<String, ImageBuildInputs>,
    /// Anything else worth knowing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl fmt::Display for ResolvedRoot {
    /// A multi-line explanation, for `resolve -o text`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.image_stream_tag {
            Some(ist) => writeln!(f, "pipeline:{} <- {ist}", self.pipeline_tag)?,
            None => writeln!(
                f,
                "pipeline:{} <- built from a Dockerfile",
                self.pipeline_tag
            )?,
        }
        if let Some(r) = &self.ref_ {
            writeln!(f, "  ref: {r}")?;
        }
        writeln!(f, "  strategy: {}", self.strategy)?;
        match &self.source {
            Source::Config(c) => {
                write!(f, "  from the config: `{}`", c.field)?;
                if c.line > 0 {
                    write!(f, " (line {}, column {})", c.line, c.column)?;
                }
                writeln!(f)
            }
            Source::InRepoFile(s) => {
                writeln!(
                    f,
                    "  from `{}`:{}:{} `build_root_image` at {}",
                    s.file, s.line, s.column, s.revision
                )?;
                for warning in &s.warnings {
                    writeln!(f, "  warning: {}: {warning}", s.file)?;
                }
                Ok(())
            }
            Source::Dockerfile(s) => fmt_dockerfile_source(f, s),
            Source::ProjectImage(p) => fmt_build_plan(f, p),
        }
    }
}

fn fmt_dockerfile_source(f: &mut fmt::Formatter<'_>, s: &DockerfileSource) -> fmt::Result {
    match &s.in_repo_file {
        None => writeln!(
            f,
            "  inferred by convention from the promoted Dockerfiles at {} (no `.ci-operator.yaml`)",
            s.revision
        )?,
        Some(r) => {
            write!(
                f,
                "  inferred from a Dockerfile at {}, as `{}`:{}:{} `from_dockerfile` asks",
                s.revision, r.file, r.line, r.column
            )?;
            if let Some(image) = &r.image {
                write!(f, " (image `{image}`")?;
                match &r.stage {
                    Some(stage) => write!(f, ", stage `{}`)", stage_ref_text(stage))?,
                    None => write!(f, ")")?,
                }
            } else if let Some(stage) = &r.stage {
                write!(f, " (stage `{}`)", stage_ref_text(stage))?;
            }
            writeln!(f)?;
        }
    }
    for image in &s.images {
        writeln!(f, "  image `{}`: {}", image.image, image.dockerfile)?;
        fmt_stage_base(f, &image.base, Some(image.stage_chosen_by))?;
    }
    for skipped in &s.skipped {
        writeln!(f, "  skipped {skipped}")?;
    }
    Ok(())
}

fn fmt_stage_base(
    f: &mut fmt::Formatter<'_>,
    base: &StageBase,
    chosen_by: Option<&str>,
) -> fmt::Result {
    write!(f, "    stage {}", base.stage)?;
    if let Some(name) = &base.stage_name {
        write!(f, " `{name}`")?;
    }
    if let Some(chosen_by) = chosen_by {
        let why = match chosen_by {
            NAMED_BY_REQUEST => "named by `from_dockerfile.stage`",
            COPIED_BY_FINAL_STAGE => "the first stage the final stage copies from",
            _ => "the first stage",
        };
        write!(f, " ({why})")?;
    }
    if base.based_on_stage != base.stage {
        write!(f, ", built on stage {}", base.based_on_stage)?;
    }
    writeln!(f)?;
    write!(
        f,
        "    line {}, column {}: FROM {}",
        base.line, base.column, base.from
    )?;
    if let Some(expanded) = &base.expanded {
        write!(f, " (expands to `{expanded}`)")?;
    }
    writeln!(f)?;
    if let Some(replacement) = &base.replacement {
        writeln!(f, "    replaced by {replacement} through `{}`", base.via)?;
    }
    match (&base.image_stream_tag, &base.problem) {
        (Some(ist), _) => writeln!(f, "    -> {ist}")?,
        (None, Some(problem)) => writeln!(f, "    -> no imagestreamtag: {problem}")?,
        (None, None) => writeln!(f, "    -> no imagestreamtag")?,
    }
    for note in &base.notes {
        writeln!(f, "    note: {note}")?;
    }
    Ok(())
}

fn fmt_build_plan(f: &mut fmt::Formatter<'_>, p: &BuildPlan) -> fmt::Result {
    writeln!(
        f,
        "  built from {} ({} stage(s)) in context `{}` at {}",
        p.dockerfile, p.stages, p.context_dir, p.revision
    )?;
    for base in &p.bases {
        fmt_stage_base(f, base, None)?;
    }
    for arg in &p.build_args {
        writeln!(f, "  build arg {}={}", arg.name, arg.value)?;
    }
    for (name, input) in &p.inputs {
        let replaces: Vec<&str> = input.as_.iter().map(|a| a.value.as_str()).collect();
        if replaces.is_empty() {
            writeln!(f, "  input pipeline:{name}")?;
        } else {
            writeln!(
                f,
                "  input pipeline:{name} replaces {}",
                replaces.join(", ")
            )?;
        }
    }
    for note in &p.notes {
        writeln!(f, "  note: {note}")?;
    }
    Ok(())
}
