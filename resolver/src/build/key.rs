//! The cache key of a root build: `root-` and the first 20 hex digits of a SHA-256 over a
//! versioned encoding of everything the build reads. Every field is tagged and
//! length-prefixed, so no two different plans encode to the same bytes.

use std::collections::BTreeMap;
use std::fmt;

use config_model::ImageStreamTag;
use sha2::{Digest, Sha256};

use super::plan::{BuildDockerfile, MissingDigest, RootBuildPlan};

/// Bumped whenever the encoding changes, so old cache tags are never reused by mistake.
const KEY_VERSION: &str = "ci-operator root build key v1";

/// The key of a root build: `root-<20 hex>`, usable as an imagestreamtag tag and a
/// BuildConfig name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct BuildKey(String);

impl BuildKey {
    /// `root-<20 hex>`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BuildKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

struct Encoder(Sha256);

impl Encoder {
    fn field(&mut self, tag: &str, value: &[u8]) {
        for part in [tag.as_bytes(), value] {
            self.0
                .update(u64::try_from(part.len()).unwrap_or(u64::MAX).to_be_bytes());
            self.0.update(part);
        }
    }
}

impl RootBuildPlan {
    /// The cache key `root-<20 hex>`; needs the current digest of every base that maps to an
    /// imagestreamtag.
    ///
    /// # Errors
    ///
    /// [`MissingDigest`] for the first such base whose digest `digests` lacks.
    pub fn key(
        &self,
        digests: &BTreeMap<ImageStreamTag, String>,
    ) -> Result<BuildKey, MissingDigest> {
        let mut e = Encoder(Sha256::new());
        e.field("version", KEY_VERSION.as_bytes());
        for input in &self.inputs {
            e.field("input.path", input.path.as_bytes());
            e.field("input.kind", input.kind.git_mode().as_bytes());
            e.field("input.id", input.id.as_bytes());
        }
        for remote in &self.remote_sources {
            e.field("remote", remote.url.as_bytes());
        }
        match &self.dockerfile {
            BuildDockerfile::Path(path) => {
                let in_context = path
                    .strip_prefix(&self.context_dir)
                    .map(|rest| rest.trim_start_matches('/'))
                    .filter(|_| !self.context_dir.is_empty())
                    .unwrap_or(path);
                e.field("dockerfile.path", in_context.as_bytes());
            }
            BuildDockerfile::Literal(text) => e.field("dockerfile.literal", text.as_bytes()),
        }
        let mut args: Vec<&(String, String)> = self.build_args.iter().collect();
        args.sort();
        for (name, value) in args {
            e.field("arg.name", name.as_bytes());
            e.field("arg.value", value.as_bytes());
        }
        for base in &self.bases {
            match &base.image_stream_tag {
                Some(ist) => {
                    let digest = digests.get(ist).ok_or_else(|| MissingDigest {
                        image_stream_tag: ist.clone(),
                        line: base.line,
                        text: base.text.clone(),
                    })?;
                    e.field("base.tag", ist.to_string().as_bytes());
                    e.field("base.digest", digest.as_bytes());
                }
                None => e.field("base.text", base.text.as_bytes()),
            }
        }
        for (name, replaces) in &self.image_inputs {
            e.field("image_input.name", name.as_bytes());
            for text in replaces {
                e.field("image_input.as", text.as_bytes());
            }
        }
        let digest = e.0.finalize();
        let hex: String = digest.iter().take(10).map(|b| format!("{b:02x}")).collect();
        Ok(BuildKey(format!("root-{hex}")))
    }
}
