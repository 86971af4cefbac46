//! `from_repository: true`: the chooser between option A and option B.

use crate::error::Error;
use crate::root::{ResolvedRoot, StrategyKind};
use crate::strategy::context::{Context, Strategy};
use crate::strategy::in_repo_file::{InRepo, option_a, read_in_repo};
use crate::strategy::promotion_dockerfile::PromotionDockerfile;

/// `from_repository: true`: A when `.ci-operator.yaml` names an imagestreamtag, B as it says
/// when it has `from_dockerfile`, B by convention when there is no `.ci-operator.yaml`.
///
/// Its [`Strategy::kind`] is [`StrategyKind::Dockerfile`]; the roots it returns say
/// [`StrategyKind::InRepoFile`] when option A applied.
#[derive(Debug, Clone, Copy, Default)]
pub struct FromRepository;

impl Strategy for FromRepository {
    fn kind(&self) -> StrategyKind {
        StrategyKind::Dockerfile
    }

    fn resolve(&self, context: &Context<'_>) -> Result<ResolvedRoot, Error> {
        let files = context.files(None)?;
        match read_in_repo(context, files)? {
            InRepo::Present(image, warnings) => {
                if let Some(root) = option_a(context, files, &image, warnings) {
                    return Ok(root);
                }
                PromotionDockerfile {
                    request: image.value.from_dockerfile.clone(),
                }
                .resolve(context)
            }
            InRepo::Missing => PromotionDockerfile { request: None }.resolve(context),
        }
    }
}
