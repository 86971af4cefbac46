//! `ci-operator resolve`: every build root of a config, and how each was chosen.

use std::time::Instant;

use anyhow::anyhow;
use config_model::ValidConfig;
use resolver::{ResolvedRoot, Source as RootSource, StrategyKind};
use serde::Serialize;

use crate::args::{OutputFormat, ResolveArgs, SourceArgs};
use crate::exit::{ExitStatus, Failure};
use crate::output;
use crate::source::{Repositories, Source, resolver_failure};

/// `resolve -o json`: `{"roots": [...]}`.
#[derive(Serialize)]
pub(crate) struct Resolution {
    pub(crate) roots: Vec<ResolvedRoot>,
}

pub(crate) fn run(args: &ResolveArgs, format: OutputFormat) -> Result<ExitStatus, Failure> {
    let deadline = Instant::now() + args.source.timeout;
    let config = super::load_config(&args.config)?;
    let roots = resolve_roots(&config, &args.source, deadline)?;
    let resolution = Resolution { roots };
    let text = output::render(format, &resolution, || render_text(&resolution.roots))?;
    output::stdout(&text)?;
    Ok(ExitStatus::Success)
}

/// Resolves every root of a config from the source the arguments name, and applies the
/// policy on roots the repository chose.
pub(crate) fn resolve_roots(
    config: &ValidConfig,
    args: &SourceArgs,
    deadline: Instant,
) -> Result<Vec<ResolvedRoot>, Failure> {
    let has_roots = config.config().build_root.is_some() || !config.config().build_roots.is_empty();
    if !has_roots {
        return Ok(Vec::new());
    }
    let source = Source::from_args(args)?;
    let repositories = Repositories::new(source, config, deadline);
    let roots = resolver::resolve_all(config, &repositories).map_err(|error| {
        let snippets = repository_snippets(&error, &repositories);
        resolver_failure(error).with_snippets(snippets)
    })?;
    for root in &roots {
        check_policy(root, &args.allowed_root_namespaces)?;
    }
    Ok(roots)
}

/// A root the repository chose (in-repo file or inferred Dockerfile) must come from an allowed
/// namespace; without a list, say once that anything goes.
fn check_policy(root: &ResolvedRoot, allowed: &[String]) -> Result<(), Failure> {
    let chosen_by = match &root.source {
        RootSource::InRepoFile(source) => source.file.clone(),
        RootSource::Dockerfile(source) => match &source.in_repo_file {
            Some(request) => request.file.clone(),
            None => source
                .images
                .iter()
                .map(|i| i.dockerfile.clone())
                .collect::<Vec<_>>()
                .join(", "),
        },
        RootSource::Config(_) | RootSource::ProjectImage(_) => return Ok(()),
    };
    if !matches!(
        root.strategy,
        StrategyKind::InRepoFile | StrategyKind::Dockerfile
    ) {
        return Ok(());
    }
    let Some(ist) = &root.image_stream_tag else {
        return Ok(());
    };
    let allowed: Vec<&str> = allowed
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if allowed.is_empty() {
        output::note(&format!(
            "note: the repository chose the build root {ist} ({chosen_by}); any namespace is allowed: set --allowed-root-namespaces to limit it"
        ));
        return Ok(());
    }
    if allowed.contains(&ist.namespace.value.as_str()) {
        return Ok(());
    }
    Err(Failure::input(anyhow!(
        "{}: {chosen_by} chose the build root {ist}, from namespace `{}`, which is not allowed (allowed: {}): use an imagestreamtag from an allowed namespace",
        root.pipeline_tag,
        ist.namespace.value,
        allowed.join(", ")
    )))
}

/// The Dockerfile and `.ci-operator.yaml` lines a resolution error points at, read again from
/// the tested repository (files are small and bounded; a file that cannot be read is skipped).
fn repository_snippets(error: &resolver::Error, repositories: &Repositories) -> Vec<String> {
    use resolver::{InferenceError, RepoFilesProvider};

    let mut places: Vec<(String, u32, u32)> = Vec::new();
    if let resolver::Error::InRepoFileInvalid { at, .. } = error {
        places.push((
            config_model::IN_REPO_FILE_NAME.to_owned(),
            at.line,
            at.column,
        ));
    }
    let failure_place =
        |f: &resolver::ImageFailure| f.at.map(|at| (f.dockerfile.clone(), at.line, at.column));
    match error.inference() {
        Some(InferenceError::Image { failure }) => places.extend(failure_place(failure)),
        Some(InferenceError::AllFailed { failures }) => {
            places.extend(failures.iter().filter_map(failure_place))
        }
        Some(InferenceError::Disagree { roots, .. }) => {
            places.extend(
                roots
                    .iter()
                    .map(|r| (r.dockerfile.clone(), r.base.line, r.base.column)),
            );
        }
        _ => {}
    }
    let Ok(Some(files)) = repositories.files(None) else {
        return Vec::new();
    };
    places.dedup();
    places
        .into_iter()
        .take(4)
        .filter_map(|(file, line, column)| {
            let bytes = files.read(&file, resolver::MAX_DOCKERFILE_BYTES).ok()??;
            output::snippet(&file, &String::from_utf8_lossy(&bytes), line, column)
        })
        .collect()
}

fn render_text(roots: &[ResolvedRoot]) -> String {
    if roots.is_empty() {
        return "the config has no build root\n".to_owned();
    }
    let mut text = String::new();
    for root in roots {
        let rendered = root.to_string();
        text.push_str(&rendered);
        if !rendered.ends_with('\n') {
            text.push('\n');
        }
    }
    text
}
