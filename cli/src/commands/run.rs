//! `ci-operator run`: what a job pod does. Resolve every root of the config, then tag each, or
//! build it when it comes from `project_image` (unless the cache has it); prints the pinned pull
//! spec (`LOCAL_IMAGE_ROOT`) of each root on stdout, one per line, or with `--dry-run` the
//! objects it would create, touching no cluster.

use std::time::Instant;

use crate::args::{OutputFormat, RunArgs};
use crate::exit::{ExitStatus, Failure};
use crate::output;
use crate::pipeline::{self, RootStep, RunSettings};

pub(crate) fn run(args: &RunArgs, format: OutputFormat) -> Result<ExitStatus, Failure> {
    let deadline = Instant::now() + args.source.timeout;
    if pipeline::supplied_root()? {
        return Ok(ExitStatus::Success);
    }
    let loaded = pipeline::load(&args.config)?;
    let resolved = pipeline::resolve(&loaded, &args.source, deadline)?;
    if resolved.roots.is_empty() {
        output::note("the config has no build root: nothing to tag");
        return Ok(ExitStatus::Success);
    }
    let settings = RunSettings {
        namespace: &args.namespace,
        promote: args.promote,
        root_cache_namespace: &args.root_cache_namespace,
        dry_run: args.cluster.dry_run,
    };
    let mut steps = Vec::new();
    for root in &resolved.roots {
        // How each root was chosen, for the person reading the job's log.
        output::note(pipeline::explain(root).trim_end());
        if let Some(request) = pipeline::request_for(&loaded.config, root, &settings) {
            steps.push(RootStep::Tag(request));
            continue;
        }
        let build = resolved.plan_build(
            &loaded.config,
            root,
            &settings,
            &args.source.allowed_root_namespaces,
        )?;
        match build {
            Some(build) => steps.push(RootStep::Build(build)),
            None => output::note(&format!(
                "pipeline:{} has no imagestreamtag and is not built from project_image: nothing to do",
                root.pipeline_tag
            )),
        }
    }
    pipeline::run_all(
        steps,
        &args.cluster,
        deadline,
        format,
        Some(&resolved.warnings),
    )?;
    Ok(ExitStatus::Success)
}
