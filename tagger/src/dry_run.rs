//! `--dry-run`: the objects a run would create, as YAML, without a cluster.

use crate::error::Error;
use crate::pin::{image_stream_image, pipeline_stream, pipeline_tag};
use crate::tag::BUILD_CACHE_ROOT_LABEL;
use crate::{BuildCacheSkipped, TagRequest};

/// The objects [`crate::tag`] would create for `request`, as multi-document YAML.
///
/// The digest is only known by reading the root from the cluster, so `tag.from.name` shows a
/// placeholder that says where the digest will come from, and a comment says so too. The
/// objects are built by the same functions the real run uses.
pub fn dry_run(request: &TagRequest) -> Result<String, Error> {
    let requested_cache = request.validate()?;
    let root = &request.root;
    let placeholder = format!("sha256:<pinned at run time from {root}>");
    let from = image_stream_image(root, &placeholder);
    let stream = pipeline_stream(&request.namespace);
    let istag = pipeline_tag(&request.namespace, &request.pipeline_tag, from);

    let mut out = String::new();
    out.push_str(&format!(
        "# Objects `ci-operator tag` would create in namespace {}.\n",
        request.namespace
    ));
    out.push_str(&format!(
        "# The digest in tag.from is read from the imagestreamtag {root} when the tag is created.\n"
    ));
    match &requested_cache {
        Some(cache) if request.promote => out.push_str(&format!(
            "# The build cache {cache} is not used: {}.\n",
            BuildCacheSkipped::Promote
        )),
        Some(cache) => out.push_str(&format!(
            "# use_build_cache: the image of {cache} replaces the root when its {BUILD_CACHE_ROOT_LABEL}\n# label equals the root's digest.\n"
        )),
        None => {}
    }
    out.push_str(&to_yaml(&stream));
    out.push_str("---\n");
    out.push_str(&to_yaml(&istag));
    Ok(out)
}

/// One object as YAML, ending with a newline.
pub(crate) fn to_yaml<T: serde::Serialize>(object: &T) -> String {
    // Plain scalars only: a folded `>-` block would split the placeholder over two lines.
    let mut options = serde_saphyr::SerializerOptions::default();
    options.prefer_block_scalars = false;
    let yaml = serde_saphyr::to_string_with_options(object, options)
        .expect("the image types serialize to YAML: only strings, bools and maps");
    if yaml.ends_with('\n') {
        yaml
    } else {
        yaml + "\n"
    }
}
