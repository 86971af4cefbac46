//! Option B: the root implied by the promoted Dockerfiles, as `.ci-operator.yaml`'s
//! `from_dockerfile` asks or by convention. The rules are in the `infer` folder; this file
//! runs them and says where the result came from.

use config_model::{FromDockerfile, IN_REPO_FILE_NAME, Located};

use crate::dockerfile::Location;
use crate::error::{Error, InferenceError};
use crate::infer::image_choice::{choose_images, infer};
use crate::infer::loader::Loader;
use crate::root::{DockerfileSource, FromDockerfileRequest, ResolvedRoot, Source, StrategyKind};
use crate::strategy::context::{Context, Strategy};

/// The root implied by the promoted Dockerfiles (option B).
#[derive(Debug, Clone, Default)]
pub struct PromotionDockerfile {
    /// What `.ci-operator.yaml` asked (`None`: by convention).
    pub request: Option<Located<FromDockerfile>>,
}

impl Strategy for PromotionDockerfile {
    fn kind(&self) -> StrategyKind {
        StrategyKind::Dockerfile
    }

    fn resolve(&self, context: &Context<'_>) -> Result<ResolvedRoot, Error> {
        let files = context.files(None)?;
        let revision = files.revision();
        let request = self.request.as_ref();
        let fail = |source: Box<InferenceError>| Error::Inference {
            field: context.field().to_owned(),
            revision: revision.clone(),
            in_repo_file: request.map(|r| Location::from_pos(r.pos)),
            source,
        };
        let config = context.config();
        let named = request.and_then(|r| r.image.as_ref());
        let stage = request.and_then(|r| r.stage.as_ref()).map(|s| &s.value);
        let choice = choose_images(config, context.key(), named).map_err(fail)?;
        let mut loader = Loader::new(files, revision.clone(), context.field());
        let inferred =
            infer(config, &choice, stage, &mut loader)?.map_err(|source| fail(Box::new(source)))?;
        let ist = inferred.images[0].base.image_stream_tag.clone();
        Ok(context.root(
            self.kind(),
            ist,
            Source::Dockerfile(DockerfileSource {
                revision: loader.revision().to_owned(),
                in_repo_file: request.map(|r| FromDockerfileRequest {
                    file: IN_REPO_FILE_NAME.to_owned(),
                    line: r.pos.line,
                    column: r.pos.column,
                    image: r.image.as_ref().map(|i| i.value.clone()),
                    stage: r.stage.as_ref().map(|s| s.value.clone()),
                }),
                images: inferred.images,
                skipped: inferred.skipped,
            }),
        ))
    }
}
