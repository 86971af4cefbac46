//! The ways to get a build root, one file each, and the entry points that pick the one a
//! config asks for.
//!
//! | strategy | file |
//! |---|---|
//! | the [`Strategy`] trait and the [`Context`] a root is resolved in | `strategy/context.rs` |
//! | `build_root.image_stream_tag` ([`ConfiguredImageStreamTag`]) | `strategy/configured_image_stream_tag.rs` |
//! | option A, `.ci-operator.yaml` ([`InRepoFile`]) | `strategy/in_repo_file.rs` |
//! | option B, the promotion Dockerfiles ([`PromotionDockerfile`]) | `strategy/promotion_dockerfile.rs` |
//! | `project_image` ([`ProjectImage`]) | `strategy/project_image.rs` |
//! | `from_repository: true`, A or B ([`FromRepository`]) | `strategy/from_repository.rs` |
//!
//! Option B's rules themselves (image, stage, `FROM` mapping) are in the `infer` folder.

mod configured_image_stream_tag;
mod context;
mod from_repository;
pub(crate) mod in_repo_file;
mod project_image;
mod promotion_dockerfile;

use config_model::{BuildRoot, ValidConfig};

pub use configured_image_stream_tag::ConfiguredImageStreamTag;
pub use context::{Context, RepoFilesProvider, Repositories, Strategy};
pub use from_repository::FromRepository;
pub use in_repo_file::InRepoFile;
pub use project_image::ProjectImage;
pub use promotion_dockerfile::PromotionDockerfile;

use crate::build::{RootBuildError, RootBuildPlan};
use crate::error::Error;
use crate::root::{ResolvedRoot, StrategyKind};

/// The strategy a build root's config asks for.
pub fn strategy_for(build_root: &BuildRoot) -> Option<Box<dyn Strategy>> {
    if build_root.is_from_repository() {
        Some(Box::new(FromRepository))
    } else if build_root.image_stream_tag.is_some() {
        Some(Box::new(ConfiguredImageStreamTag))
    } else if build_root.project_image.is_some() {
        Some(Box::new(ProjectImage))
    } else {
        None
    }
}

/// Resolves one build root: `build_root` (`key` `None`) or `build_roots[key]`. `Ok(None)`
/// when the config has no such root.
pub fn resolve(
    config: &ValidConfig,
    key: Option<&str>,
    repos: &dyn RepoFilesProvider,
) -> Result<Option<ResolvedRoot>, Error> {
    let Some(context) = Context::new(config, key, repos) else {
        return Ok(None);
    };
    let Some(strategy) = strategy_for(&context.build_root().value) else {
        return Err(Error::NoBuildRoot {
            field: context.field().to_owned(),
        });
    };
    strategy.resolve(&context).map(Some)
}

/// The plan of the root build of `build_root` (`key` `None`) or `build_roots[key]`; `Ok(None)`
/// when the config has no such root or [`strategy_for`] does not build it from a Dockerfile
/// (`project_image`).
///
/// # Errors
///
/// As [`ProjectImage::root_build_plan`].
pub fn root_build_plan(
    config: &ValidConfig,
    key: Option<&str>,
    repos: &dyn RepoFilesProvider,
) -> Result<Option<RootBuildPlan>, RootBuildError> {
    let Some(context) = Context::new(config, key, repos) else {
        return Ok(None);
    };
    let chosen = strategy_for(&context.build_root().value);
    if chosen.is_none_or(|strategy| strategy.kind() != StrategyKind::ProjectImage) {
        return Ok(None);
    }
    ProjectImage.root_build_plan(&context).map(Some)
}

/// Resolves every build root of the config, `build_root` first, then `build_roots` by key;
/// stops at the first error.
pub fn resolve_all(
    config: &ValidConfig,
    repos: &dyn RepoFilesProvider,
) -> Result<Vec<ResolvedRoot>, Error> {
    let mut roots = Vec::new();
    if let Some(root) = resolve(config, None, repos)? {
        roots.push(root);
    }
    for key in config.config().build_roots.keys() {
        if let Some(root) = resolve(config, Some(key), repos)? {
            roots.push(root);
        }
    }
    Ok(roots)
}
