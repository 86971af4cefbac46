//! `--allowed-root-namespaces`: the namespaces a root chosen by the repository (in-repo file
//! or inferred Dockerfile) may come from, and so the bases a `project_image` root is built on
//! when the repository's Dockerfile names them. The repository belongs to the PR author, and
//! so does that choice; a root or a base the config names (`image_stream_tag`,
//! `dockerfile_literal`, `inputs.<name>.as`) is the config owners' and is not checked.

use resolver::{BuildDockerfile, ResolvedRoot, RootBuildPlan, Source as RootSource, StrategyKind};

use crate::error::{BaseNamespaceNotAllowed, NamespaceNotAllowed};
use crate::output;

/// Refuses a root the repository chose from a namespace not in `allowed`; without a list,
/// says once per root that anything goes.
pub(crate) fn check(root: &ResolvedRoot, allowed: &[String]) -> Result<(), NamespaceNotAllowed> {
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
    let allowed = allowed_list(allowed);
    if allowed.is_empty() {
        output::note(&format!(
            "note: the repository chose the build root {ist} ({chosen_by}); any namespace is allowed: set --allowed-root-namespaces to limit it"
        ));
        return Ok(());
    }
    let namespace = ist.namespace();
    if allowed.contains(&namespace) {
        return Ok(());
    }
    Err(NamespaceNotAllowed {
        pipeline_tag: root.pipeline_tag.clone(),
        chosen_by,
        root: ist.to_string(),
        namespace: namespace.to_owned(),
        allowed: allowed.join(", "),
    })
}

/// Refuses a base of a `project_image` build that the repository's Dockerfile chose from a
/// namespace not in `allowed`; without a list, says once per build that anything goes.
pub(crate) fn check_bases(
    pipeline_tag: &str,
    plan: &RootBuildPlan,
    allowed: &[String],
) -> Result<(), BaseNamespaceNotAllowed> {
    let BuildDockerfile::Path(dockerfile) = &plan.dockerfile else {
        return Ok(());
    };
    // A `FROM` that `inputs.<name>.as` replaces is mapped by the config, not the repository.
    let chosen: Vec<_> = plan
        .bases
        .iter()
        .filter(|base| {
            !plan
                .image_inputs
                .values()
                .any(|replaces| replaces.contains(&base.text))
        })
        .filter_map(|base| base.image_stream_tag.as_ref().map(|ist| (base, ist)))
        .collect();
    if chosen.is_empty() {
        return Ok(());
    }
    let allowed = allowed_list(allowed);
    if allowed.is_empty() {
        let bases: Vec<String> = chosen.iter().map(|(_, ist)| ist.to_string()).collect();
        output::note(&format!(
            "note: the repository chose the base image{} {} of pipeline:{pipeline_tag} ({dockerfile}); any namespace is allowed: set --allowed-root-namespaces to limit it",
            if bases.len() == 1 { "" } else { "s" },
            bases.join(", ")
        ));
        return Ok(());
    }
    match chosen
        .iter()
        .find(|(_, ist)| !allowed.contains(&ist.namespace()))
    {
        None => Ok(()),
        Some((base, ist)) => Err(BaseNamespaceNotAllowed {
            pipeline_tag: pipeline_tag.to_owned(),
            at: format!("{dockerfile}:{}", base.line),
            base: ist.to_string(),
            text: base.text.clone(),
            allowed: allowed.join(", "),
        }),
    }
}

/// The namespaces of `--allowed-root-namespaces`, blanks dropped.
fn allowed_list(allowed: &[String]) -> Vec<&str> {
    allowed
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect()
}
