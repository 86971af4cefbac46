//! `build_root.project_image`: no imagestreamtag, a build plan: the Dockerfile, its stages'
//! bases (mapped by the same `FROM` rules as option B) and what the build is given.

use std::rc::Rc;

use config_model::ProjectImageBuild;

use crate::base::StageBase;
use crate::build::{
    BaseImage, BuildDockerfile, RootBuildError, RootBuildPlan, RootBuildRequest, plan_root_build,
};
use crate::dockerfile::Dockerfile;
use crate::error::Error;
use crate::infer::from_mapping::{BaseImages, BuildSettings, global_env, stage_base};
use crate::infer::loader::{Loaded, Loader, recovered_note};
use crate::root::{BuildPlan, ResolvedRoot, Source, StrategyKind};
use crate::strategy::context::{Context, Strategy};

/// `project_image`: a build plan.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProjectImage;

impl Strategy for ProjectImage {
    fn kind(&self) -> StrategyKind {
        StrategyKind::ProjectImage
    }

    fn resolve(&self, context: &Context<'_>) -> Result<ResolvedRoot, Error> {
        let (project, path, revision, dockerfile) = load(context)?;
        let bases = stage_bases(&dockerfile, project, &context.config().base_images);
        let notes: Vec<String> = recovered_note(&dockerfile).into_iter().collect();
        let context_dir = project
            .context_dir
            .as_ref()
            .map(|c| config_model::join_repo_path(&c.value, ""))
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| ".".to_owned());
        Ok(context.root(
            self.kind(),
            None,
            Source::ProjectImage(BuildPlan {
                revision,
                context_dir,
                dockerfile: path,
                stages: dockerfile.stages.len(),
                bases,
                build_args: project.build_args.clone(),
                inputs: project.inputs.clone(),
                notes,
            }),
        ))
    }
}

impl ProjectImage {
    /// The plan of this root's build at the repository's revision: what the Dockerfile reads
    /// from the context (by git id), the bases with the imagestreamtags they map to, the build
    /// arguments; its key and archive come from [`RootBuildPlan`]. The repository must list
    /// directories ([`crate::RepoFiles::list_dir`]).
    ///
    /// # Errors
    ///
    /// [`RootBuildError::Resolve`] as [`Strategy::resolve`] fails (no `project_image`, no
    /// Dockerfile...), [`RootBuildError::Plan`] when the inputs cannot be resolved.
    pub fn root_build_plan(&self, context: &Context<'_>) -> Result<RootBuildPlan, RootBuildError> {
        let (project, path, _, dockerfile) = load(context)?;
        let bases = stage_bases(&dockerfile, project, &context.config().base_images)
            .into_iter()
            .map(|base| BaseImage {
                text: base.from,
                line: usize::try_from(base.line).unwrap_or(usize::MAX),
                image_stream_tag: base.image_stream_tag,
            })
            .collect();
        let request = RootBuildRequest {
            context_dir: project
                .context_dir
                .as_ref()
                .map(|c| c.value.clone())
                .unwrap_or_default(),
            dockerfile: match &project.dockerfile_literal {
                Some(literal) => BuildDockerfile::Literal(literal.value.clone()),
                None => BuildDockerfile::Path(path),
            },
            build_args: project
                .build_args
                .iter()
                .map(|arg| (arg.name.clone(), arg.value.clone()))
                .collect(),
            image_inputs: project
                .inputs
                .iter()
                .map(|(name, input)| {
                    let replaces = input.as_.iter().map(|a| a.value.clone()).collect();
                    (name.clone(), replaces)
                })
                .collect(),
            bases,
        };
        let files = context.files(project.ref_.as_ref().map(|r| r.value.as_str()))?;
        plan_root_build(files, request).map_err(|source| RootBuildError::Plan {
            field: context.field().to_owned(),
            source,
        })
    }
}

/// The root's `project_image` and its Dockerfile: the path (or the literal's field path), the
/// revision read, and the parsed file.
fn load<'a>(
    context: &Context<'a>,
) -> Result<(&'a ProjectImageBuild, String, String, Rc<Dockerfile>), Error> {
    let Some(project) = &context.build_root().project_image else {
        return Err(Error::NoBuildRoot {
            field: context.field().to_owned(),
        });
    };
    let (path, revision, loaded) = load_dockerfile(context, project)?;
    let dockerfile = loaded.map_err(|(at, problem)| Error::ProjectImage {
        field: context.field().to_owned(),
        dockerfile: path.clone(),
        at,
        problem: Box::new(problem),
    })?;
    Ok((project, path, revision, dockerfile))
}

/// The build's Dockerfile as the loader gives it: its path (or the literal's field path), the
/// revision read, and the file or why it cannot be parsed.
fn load_dockerfile(
    context: &Context<'_>,
    project: &ProjectImageBuild,
) -> Result<(String, String, Loaded), Error> {
    if let Some(literal) = &project.dockerfile_literal {
        let path = format!("{}.project_image.dockerfile_literal", context.field());
        return Ok((
            path,
            "the config".to_owned(),
            Loader::parse_literal(&literal.value),
        ));
    }
    let path = project.dockerfile_repo_path().unwrap_or_default();
    let files = context.files(project.ref_.as_ref().map(|r| r.value.as_str()))?;
    let revision = files.revision();
    let mut loader = Loader::new(files, revision.clone(), context.field());
    let loaded = loader.load(None, &path)?;
    Ok((path, revision, loaded))
}

/// The base of each stage that does not build on an earlier stage; a base that cannot be
/// mapped says why instead of failing the plan.
fn stage_bases(
    dockerfile: &Dockerfile,
    project: &ProjectImageBuild,
    base_images: &BaseImages,
) -> Vec<StageBase> {
    let settings = BuildSettings {
        from: None,
        inputs: &project.inputs,
        build_args: &project.build_args,
    };
    let env = global_env(dockerfile, &project.build_args);
    let mut bases = Vec::new();
    for (index, stage) in dockerfile.stages.iter().enumerate() {
        // A stage built on an earlier stage adds no base of its own.
        if dockerfile
            .stage_named(&stage.from.text)
            .is_some_and(|i| i < index)
        {
            continue;
        }
        bases.push(
            match stage_base(dockerfile, index, &settings, base_images, &env) {
                Ok(base) => base,
                Err((at, problem)) => {
                    let at = at.unwrap_or(stage.from.at);
                    StageBase {
                        stage: index,
                        stage_name: stage.name.clone(),
                        based_on_stage: index,
                        line: at.line,
                        column: at.column,
                        from: stage.from.text.clone(),
                        expanded: None,
                        via: String::new(),
                        replacement: None,
                        image_stream_tag: None,
                        problem: Some(problem.to_string()),
                        notes: Vec::new(),
                    }
                }
            },
        );
    }
    bases
}
