//! The plan of a root built from a Dockerfile of the repository (`project_image`): what the
//! build reads (its inputs), the key over them, and the archive that carries them.
//!
//! A Docker build sees its context only through `COPY`/`ADD` without `--from` and
//! `RUN --mount=type=bind` without `from`. Their sources, resolved against the context
//! directory with globs matched and `.dockerignore` honoured, are the inputs, each by its git
//! id; the Dockerfile and `.dockerignore` are inputs too. [`RootBuildPlan::key`] hashes the
//! inputs, the Dockerfile path (or literal), the build arguments and the bases' digests;
//! [`RootBuildPlan::write_archive`] writes a tar of exactly the inputs.
//!
//! Pure: everything is read through [`RepoFiles`] (`entry`, `list_dir`, `read`), so only
//! the trees on the way to the inputs are listed, and only the archive reads blobs.

mod archive;
mod glob;
mod ignore;
mod inputs;
mod instructions;
mod key;
mod paths;
mod plan;

use std::collections::BTreeMap;

pub use archive::{ArchiveError, ArchiveSummary, MAX_ARCHIVE_BYTES};
pub use ignore::IgnorePatternError;
pub use key::BuildKey;
pub use paths::go_clean;
pub use plan::{
    BaseImage, BuildDockerfile, BuildInput, MissingDigest, MissingSource, PlanError, RemoteSource,
    RootBuildError, RootBuildPlan,
};

use crate::files::{FileError, MAX_DOCKERFILE_BYTES, RepoFiles};
use ignore::DockerIgnore;
use inputs::ContextView;

/// The name of the ignore file Docker reads at the context root.
const DOCKERIGNORE: &str = ".dockerignore";

/// What a root build is made of, as the config and option B's mapping say.
#[derive(Debug, Clone)]
pub struct RootBuildRequest {
    /// `project_image.context_dir` as configured (`""` or `.` for the repository root).
    pub context_dir: String,
    /// The Dockerfile: a repository path (`<context_dir>/<dockerfile_path>`) or the literal.
    pub dockerfile: BuildDockerfile,
    /// `build_args`, in any order.
    pub build_args: Vec<(String, String)>,
    /// The config's `inputs`: pipeline image name to its `as` list.
    pub image_inputs: BTreeMap<String, Vec<String>>,
    /// Every `FROM` that is not an earlier stage, with the imagestreamtag it maps to.
    pub bases: Vec<BaseImage>,
}

/// Makes the plan of a root build: reads the Dockerfile (unless literal) and `.dockerignore`,
/// and resolves what the Dockerfile reads against the context.
///
/// # Errors
///
/// [`PlanError`]: a source outside the context, a symlink or submodule to read, a
/// `.dockerignore` pattern that cannot be used, a `FROM` replaced by the root itself, or a
/// repository that cannot be listed.
pub fn plan_root_build(
    files: &dyn RepoFiles,
    request: RootBuildRequest,
) -> Result<RootBuildPlan, PlanError> {
    let context_dir = repository_relative(&request.context_dir)?;
    let (label, text, dockerfile_in_context) = match &request.dockerfile {
        BuildDockerfile::Literal(text) => ("dockerfile_literal".to_owned(), text.clone(), None),
        BuildDockerfile::Path(path) => {
            let path = repository_relative(path)?;
            let in_context = match context_dir.as_str() {
                "" => Some(path.clone()),
                dir => path.strip_prefix(&format!("{dir}/")).map(str::to_owned),
            };
            let Some(in_context) = in_context else {
                return Err(PlanError::OutsideRepository { path });
            };
            let bytes = files
                .read(&path, MAX_DOCKERFILE_BYTES)?
                .ok_or_else(|| FileError::unreadable(path.clone(), NoDockerfile))?;
            (
                path,
                String::from_utf8_lossy(&bytes).into_owned(),
                Some(in_context),
            )
        }
    };
    if let Some(replaced) = request.image_inputs.get("root")
        && let Some(base) = request.bases.iter().find(|b| replaced.contains(&b.text))
    {
        return Err(PlanError::Circular {
            dockerfile: label,
            line: base.line,
            from: base.text.clone(),
        });
    }
    let ignore_path = if context_dir.is_empty() {
        DOCKERIGNORE.to_owned()
    } else {
        format!("{context_dir}/{DOCKERIGNORE}")
    };
    let ignore_bytes = files.read(&ignore_path, MAX_DOCKERFILE_BYTES)?;
    let ignore = match &ignore_bytes {
        Some(bytes) => DockerIgnore::parse(bytes)?,
        None => DockerIgnore::default(),
    };
    let mut extra: Vec<String> = dockerfile_in_context.into_iter().collect();
    if ignore_bytes.is_some() {
        extra.push(DOCKERIGNORE.to_owned());
    }
    let view = ContextView {
        files,
        dir: context_dir.clone(),
        ignore,
        dockerfile: label,
    };
    let mut notes = Vec::new();
    let reads = match instructions::context_reads(&text) {
        Ok(reads) => reads,
        Err(message) => {
            notes.push(format!(
                "the Dockerfile's instructions could not be read ({message}): the whole context is an input"
            ));
            vec![instructions::ContextRead {
                line: 0,
                instruction: "COPY",
                what: instructions::Read::Context("unreadable instructions"),
            }]
        }
    };
    let resolved = view.resolve(&reads, &extra)?;
    notes.extend(resolved.notes);
    let mut build_args = request.build_args;
    build_args.sort();
    Ok(RootBuildPlan {
        context_dir,
        dockerfile: request.dockerfile,
        inputs: resolved.inputs,
        remote_sources: resolved.remote,
        missing: resolved.missing,
        notes,
        build_args,
        bases: request.bases,
        image_inputs: request.image_inputs,
    })
}

/// The Dockerfile named by the config is not in the repository.
#[derive(Debug, thiserror::Error)]
#[error("the Dockerfile is not in the repository")]
struct NoDockerfile;

/// A configured path, cleaned, relative to the repository root; refused when it leaves it.
fn repository_relative(path: &str) -> Result<String, PlanError> {
    let cleaned = paths::go_clean(path);
    if cleaned.starts_with('/') || cleaned == ".." || cleaned.starts_with("../") {
        return Err(PlanError::OutsideRepository {
            path: path.to_owned(),
        });
    }
    Ok(if cleaned == "." {
        String::new()
    } else {
        cleaned
    })
}
