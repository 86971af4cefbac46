//! Option A: the root `.ci-operator.yaml` names as `build_root_image: {namespace, name, tag}`;
//! and reading that file, for the `from_repository` chooser and the drift check too.

use config_model::{
    BuildRoot, BuildRootImage, Diagnostic, IN_REPO_FILE_NAME, Located, Severity, ValidConfig,
};

use crate::dockerfile::Location;
use crate::error::Error;
use crate::files::{MAX_IN_REPO_FILE_BYTES, RepoFiles};
use crate::root::{InRepoFileSource, ResolvedRoot, Source, StrategyKind};
use crate::strategy::context::{Context, Repositories, Strategy};

/// `.ci-operator.yaml` naming an imagestreamtag (option A); fails when the file does not.
#[derive(Debug, Clone, Copy, Default)]
pub struct InRepoFile;

impl Strategy for InRepoFile {
    fn kind(&self) -> StrategyKind {
        StrategyKind::InRepoFile
    }

    fn resolve(&self, context: &Context<'_>) -> Result<ResolvedRoot, Error> {
        let files = context.files(None)?;
        match read_in_repo(context, files)? {
            InRepo::Present(image, warnings) => match option_a(context, files, &image, warnings) {
                Some(root) => Ok(root),
                None => Err(Error::NoInRepoRoot {
                    field: context.field().to_owned(),
                    revision: files.revision(),
                    from_dockerfile: true,
                }),
            },
            InRepo::Missing => Err(Error::NoInRepoRoot {
                field: context.field().to_owned(),
                revision: files.revision(),
                from_dockerfile: false,
            }),
        }
    }
}

/// `.ci-operator.yaml` as read: absent, or parsed (with its warnings: unknown keys).
pub(crate) enum InRepo {
    /// The repository has no `.ci-operator.yaml`.
    Missing,
    /// Its `build_root_image`, and its warnings.
    Present(Located<BuildRootImage>, Vec<String>),
}

/// Reads and parses `.ci-operator.yaml` of `files`.
pub(crate) fn read_in_repo(context: &Context<'_>, files: &dyn RepoFiles) -> Result<InRepo, Error> {
    let revision = files.revision();
    let bytes = match files.read(IN_REPO_FILE_NAME, MAX_IN_REPO_FILE_BYTES) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Ok(InRepo::Missing),
        Err(e) => return Err(Error::from_file(context.field(), revision, e)),
    };
    let parsed =
        config_model::parse_in_repo(&bytes).map_err(|source| match invalid_members(&source) {
            Some((at, problem)) => Error::InRepoFileInvalid {
                field: context.field().to_owned(),
                revision: revision.clone(),
                at,
                problem,
            },
            None => Error::InRepoFileSyntax {
                field: context.field().to_owned(),
                revision: revision.clone(),
                source: Box::new(source),
            },
        })?;
    let warnings = parsed.warnings.iter().map(ToString::to_string).collect();
    // parse_in_repo guarantees `build_root_image` with either a complete imagestreamtag or
    // `from_dockerfile`; a file without it is refused there.
    match parsed.config.build_root_image {
        Some(image) => Ok(InRepo::Present(image, warnings)),
        None => Err(Error::InRepoFileInvalid {
            field: context.field().to_owned(),
            revision,
            at: Location { line: 1, column: 1 },
            problem: "`build_root_image` is missing: set `namespace`, `name` and `tag`, or `from_dockerfile`".to_owned(),
        }),
    }
}

/// The first of the errors, when every error of the file is a `build_root_image` member
/// (namespace, name, tag) that breaks OpenShift's rules: where it is, and the diagnostic
/// (`build_root_image.<member>: <why>`, and how many more). Any other error keeps the file's
/// own summary.
fn invalid_members(error: &config_model::in_repo::Error) -> Option<(Location, String)> {
    let errors: Vec<Diagnostic> = error
        .diagnostics()
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let is_member = |d: &Diagnostic| MEMBER_PATHS.contains(&d.path.as_str());
    let first = errors.first()?;
    if !errors.iter().all(is_member) || !first.pos.is_known() {
        return None;
    }
    let mut problem = first.to_string();
    if errors.len() > 1 {
        problem.push_str(&format!(" (and {} more)", errors.len() - 1));
    }
    Some((Location::from_pos(first.pos), problem))
}

/// The field paths of the members of `build_root_image`'s imagestreamtag.
const MEMBER_PATHS: [&str; 3] = [
    "build_root_image.namespace",
    "build_root_image.name",
    "build_root_image.tag",
];

/// The option A root, when `build_root_image` names an imagestreamtag.
pub(crate) fn option_a(
    context: &Context<'_>,
    files: &dyn RepoFiles,
    image: &Located<BuildRootImage>,
    warnings: Vec<String>,
) -> Option<ResolvedRoot> {
    let ist = image.image_stream_tag()?;
    Some(context.root(
        StrategyKind::InRepoFile,
        Some(ist),
        Source::InRepoFile(InRepoFileSource {
            revision: files.revision(),
            file: IN_REPO_FILE_NAME.to_owned(),
            line: image.pos.line,
            column: image.pos.column,
            warnings,
        }),
    ))
}

/// Reads `.ci-operator.yaml` for the drift check: the option A root, or why there is none.
pub(crate) fn in_repo_root(
    config: &ValidConfig,
    files: &dyn RepoFiles,
) -> Result<ResolvedRoot, Error> {
    let repos = Repositories::new(files);
    let empty = Located::new(BuildRoot::default());
    let build_root = config.config().build_root.as_ref().unwrap_or(&empty);
    InRepoFile.resolve(&Context::tested_repository(config, build_root, &repos))
}
