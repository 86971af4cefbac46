//! `ci-operator tag`: pin an imagestreamtag given on the command line into `pipeline:<tag>` by
//! digest. Prints the pinned pull spec (`LOCAL_IMAGE_ROOT`); with `--dry-run`, the objects it
//! would create instead, touching no cluster.

use std::time::Instant;

use tagger::TagRequest;

use crate::args::{OutputFormat, TagArgs, parse_root};
use crate::exit::{ExitStatus, Failure};
use crate::pipeline;

pub(crate) fn run(args: &TagArgs, format: OutputFormat) -> Result<ExitStatus, Failure> {
    let root = parse_root(&args.root)?;
    if pipeline::supplied_root()? {
        return Ok(ExitStatus::Success);
    }
    let mut request = TagRequest::new(args.namespace.clone(), root);
    request.pipeline_tag = args.pipeline_tag.clone();
    pipeline::tag_all(
        vec![request],
        &args.cluster,
        Instant::now() + args.timeout,
        format,
        None,
    )?;
    Ok(ExitStatus::Success)
}
