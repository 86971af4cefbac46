//! `ci-operator tag`: pin an imagestreamtag given on the command line into `pipeline:<tag>` by
//! digest. Prints the pinned pull spec (`LOCAL_IMAGE_ROOT`); with `--dry-run`, the objects it
//! would create instead, touching no cluster.

use std::time::Instant;

use config_model::ImageStreamTag;
use tagger::TagRequest;

use crate::args::{OutputFormat, TagArgs, parse_root};
use crate::error::{TagError, UsageError};
use crate::exit::{ExitStatus, Failure};
use crate::pipeline;

pub(crate) fn run(args: &TagArgs, format: OutputFormat) -> Result<ExitStatus, Failure> {
    let root = checked_root(&args.root)?;
    if pipeline::supplied_root()? {
        return Ok(ExitStatus::Success);
    }
    let mut request = TagRequest::new(args.namespace.clone(), root?);
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

/// `--root`: a text not written NAMESPACE/NAME:TAG (a member missing, or holding `/`, `:` or
/// `@`) is a usage error, refused at once; a well-formed one whose member breaks OpenShift's
/// rules is a problem in the input (exit 1, as for a bad `--namespace`), and, like it, only
/// when the root is not supplied by `LOCAL_IMAGE_ROOT`.
fn checked_root(text: &str) -> Result<Result<ImageStreamTag, TagError>, UsageError> {
    match parse_root(text) {
        Ok(root) => Ok(Ok(root)),
        Err(UsageError::InvalidRoot { text, source })
            if !source.value.is_empty() && !source.value.contains(['/', ':', '@']) =>
        {
            Ok(Err(TagError::InvalidRoot { text, source }))
        }
        Err(usage) => Err(usage),
    }
}
