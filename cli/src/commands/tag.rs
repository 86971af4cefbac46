//! `ci-operator tag` and `ci-operator run`: pin roots into `pipeline:<tag>` by digest.
//!
//! `run` is what a job pod does: resolve every root of the config, then tag each. Both print
//! the pinned pull spec (`LOCAL_IMAGE_ROOT`) of each root on stdout, one per line; with
//! `--dry-run` they print the objects they would create instead, touching no cluster.

use std::time::{Duration, Instant};

use anyhow::anyhow;
use config_model::{ImageStreamTagReference, ValidConfig};
use resolver::ResolvedRoot;
use serde::Serialize;
use tagger::{BuildCache, ErrorKind, TagRequest, Tagged};

use crate::args::{ClusterArgs, OutputFormat, RunArgs, TagArgs};
use crate::exit::{ExitStatus, Failure};
use crate::output;

/// `-o json|yaml` of `tag` and `run`.
#[derive(Serialize)]
struct TagReport {
    roots: Vec<TaggedRoot>,
}

#[derive(Serialize)]
struct TaggedRoot {
    pipeline_tag: String,
    /// The root that was resolved.
    root: String,
    /// The imagestreamtag whose image was pinned (the root or its build cache).
    source: String,
    digest: String,
    pull_spec: String,
    choice: String,
    created: bool,
}

pub(crate) fn run_tag(args: &TagArgs, format: OutputFormat) -> Result<ExitStatus, Failure> {
    let root = parse_root(&args.root)?;
    if let Some(status) = supplied_root()? {
        return Ok(status);
    }
    let mut request = TagRequest::new(args.namespace.clone(), root);
    request.pipeline_tag = args.pipeline_tag.clone();
    tag_all(
        vec![request],
        &args.cluster,
        Instant::now() + args.timeout,
        format,
    )
}

pub(crate) fn run_run(args: &RunArgs, format: OutputFormat) -> Result<ExitStatus, Failure> {
    let deadline = Instant::now() + args.source.timeout;
    if let Some(status) = supplied_root()? {
        return Ok(status);
    }
    let config = super::load_config(&args.config)?;
    let roots = super::resolve::resolve_roots(&config, &args.source, deadline)?;
    if roots.is_empty() {
        output::note("the config has no build root: nothing to tag");
        return Ok(ExitStatus::Success);
    }
    let mut requests = Vec::new();
    for root in &roots {
        // How each root was chosen, for the person reading the job's log.
        output::note(root.to_string().trim_end());
        match request_for(&config, root, args) {
            Some(request) => requests.push(request),
            None => output::note(&format!(
                "pipeline:{} is built from project_image, not tagged: the build runs in a later step",
                root.pipeline_tag
            )),
        }
    }
    tag_all(requests, &args.cluster, deadline, format)
}

/// The tag request for a resolved root; `None` for a root that is built, not tagged.
fn request_for(config: &ValidConfig, root: &ResolvedRoot, args: &RunArgs) -> Option<TagRequest> {
    let ist = root.image_stream_tag.clone()?;
    let mut request = TagRequest::new(args.namespace.clone(), ist);
    request.pipeline_tag = root.pipeline_tag.clone();
    request.promote = args.promote;
    let build_root = match &root.ref_ {
        None => config.config().build_root.as_ref(),
        Some(key) => config.config().build_roots.get(key),
    };
    let use_build_cache = build_root
        .and_then(|b| b.use_build_cache.as_ref())
        .is_some_and(|u| u.value);
    if use_build_cache {
        match &config.config().zz_generated_metadata {
            Some(meta)
                if !meta.org.is_empty() && !meta.repo.is_empty() && !meta.branch.is_empty() =>
            {
                request.build_cache = Some(BuildCache {
                    org: meta.org.clone(),
                    repo: meta.repo.clone(),
                    branch: meta.branch.clone(),
                    variant: meta.variant.clone(),
                });
            }
            _ => output::note(
                "use_build_cache is set but the config has no zz_generated_metadata (org, repo, branch): tagging the root itself",
            ),
        }
    }
    Some(request)
}

/// `LOCAL_IMAGE_ROOT` in the environment: the root was supplied, nothing is tagged.
fn supplied_root() -> Result<Option<ExitStatus>, Failure> {
    match std::env::var("LOCAL_IMAGE_ROOT") {
        Ok(value) if !value.trim().is_empty() => {
            output::note("LOCAL_IMAGE_ROOT is set: the build root was supplied, nothing is tagged");
            output::stdout(&format!("{}\n", value.trim()))?;
            Ok(Some(ExitStatus::Success))
        }
        _ => Ok(None),
    }
}

/// `NS/NAME:TAG`.
fn parse_root(text: &str) -> Result<ImageStreamTagReference, Failure> {
    let usage = || {
        Failure::usage(anyhow!(
            "--root `{text}` is not NAMESPACE/NAME:TAG (e.g. openshift/release:golang-1.22)"
        ))
    };
    let (namespace, rest) = text.split_once('/').ok_or_else(usage)?;
    let (name, tag) = rest.split_once(':').ok_or_else(usage)?;
    if [namespace, name, tag]
        .iter()
        .any(|p| p.is_empty() || p.contains(['/', ':', '@']))
    {
        return Err(usage());
    }
    Ok(ImageStreamTagReference::new(namespace, name, tag))
}

fn tag_all(
    requests: Vec<TagRequest>,
    cluster: &ClusterArgs,
    deadline: Instant,
    format: OutputFormat,
) -> Result<ExitStatus, Failure> {
    if cluster.dry_run {
        let mut text = String::new();
        for request in &requests {
            let yaml = tagger::dry_run(request).map_err(tagger_failure)?;
            if !text.is_empty() {
                text.push_str("---\n");
            }
            text.push_str(&yaml);
        }
        output::stdout(&text)?;
        return Ok(ExitStatus::Success);
    }
    if requests.is_empty() {
        return Ok(ExitStatus::Success);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Failure::cluster(anyhow::Error::new(e).context("starting the async runtime"))
        })?;
    let tagged = runtime.block_on(async {
        let client = tagger::client_from(cluster.kubeconfig.as_deref())
            .await
            .map_err(tagger_failure)?;
        let mut tagged = Vec::new();
        for request in &requests {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(Failure::cluster(anyhow!(
                    "the deadline (--timeout) passed before pipeline:{} was tagged",
                    request.pipeline_tag
                )));
            }
            let options = tagger::Options {
                timeout: remaining.max(Duration::from_millis(1)),
                ..Default::default()
            };
            let done = tagger::tag(&client, request, &options)
                .await
                .map_err(tagger_failure)?;
            output::note(&format!(
                "pipeline:{} <- {}: {}",
                done.pipeline_tag, done.source, done.choice
            ));
            tagged.push((request.root.to_string(), done));
        }
        Ok::<_, Failure>(tagged)
    })?;
    let report = TagReport {
        roots: tagged
            .into_iter()
            .map(|(root, t)| report_of(root, t))
            .collect(),
    };
    let text = output::render(format, &report, || {
        report
            .roots
            .iter()
            .map(|r| format!("{}\n", r.pull_spec))
            .collect()
    })?;
    output::stdout(&text)?;
    Ok(ExitStatus::Success)
}

fn report_of(root: String, tagged: Tagged) -> TaggedRoot {
    TaggedRoot {
        pipeline_tag: tagged.pipeline_tag,
        root,
        source: tagged.source.to_string(),
        digest: tagged.digest,
        pull_spec: tagged.pull_spec,
        choice: tagged.choice.to_string(),
        created: tagged.outcome == tagger::Outcome::Created,
    }
}

fn tagger_failure(error: tagger::Error) -> Failure {
    match error.kind() {
        ErrorKind::Input => Failure::input(error),
        ErrorKind::Cluster | ErrorKind::Conflict => Failure::cluster(error),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_root;

    #[test]
    fn roots() {
        assert_eq!(
            parse_root("openshift/release:golang-1.22")
                .unwrap()
                .to_string(),
            "openshift/release:golang-1.22"
        );
        for bad in [
            "release:golang",
            "openshift/release",
            "a/b/c:d",
            "/b:c",
            "a/:c",
            "a/b:",
            "a/b:c@sha256",
        ] {
            assert!(parse_root(bad).is_err(), "{bad}");
        }
    }
}
