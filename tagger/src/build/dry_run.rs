//! `--dry-run` of a root build: the cache tag it would read and the BuildConfig it would
//! create, as YAML, without a cluster.

use crate::build::claim::Claim;
use crate::build::objects::{build_config, cache_tag, output_tag};
use crate::build::request::RootBuildRequest;
use crate::dry_run::to_yaml;
use crate::error::Error;
use crate::pin::PIPELINE_STREAM;

/// The objects a root build would read and write for `request`, as commented multi-document
/// YAML: the BuildConfig and the cache tag it writes after a build. The claim annotation and
/// the digest are only known at run time, so they are placeholders, and comments say so.
pub fn dry_run_build(request: &RootBuildRequest) -> Result<String, Error> {
    request.validate()?;
    let claim = Claim {
        build: 1,
        serial: 0,
        owner: "<run id>".to_owned(),
    };
    let digest = "sha256:<the build's output digest>";
    let mut out = String::new();
    out.push_str(&format!(
        "# Root build {} in namespace {}.\n",
        request.key, request.namespace
    ));
    out.push_str(&format!(
        "# Cache hit: the imagestreamtag {} exists; pipeline:{} is pinned from its image by digest and nothing is built.\n",
        request.cache, request.pipeline_tag
    ));
    out.push_str(&format!(
        "# Cache miss: this BuildConfig builds the uploaded context into {PIPELINE_STREAM}:{}, pipeline:{} is pinned\n# to the build's output digest, and the cache tag below is written from that image.\n",
        output_tag(request),
        request.pipeline_tag
    ));
    out.push_str(&to_yaml(&build_config(request, &claim)));
    out.push_str("---\n");
    out.push_str(&to_yaml(&cache_tag(request, digest)));
    Ok(out)
}
