//! `.ci-operator.yaml`, the in-repo file that names a repository's build root.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Severity};
use crate::image_stream_tag::{self, ImageStreamTag};
use crate::parse::{self, Document};
use crate::position::Located;

mod load;

/// The file name of the in-repo file, at the repository root.
pub const IN_REPO_FILE_NAME: &str = ".ci-operator.yaml";

/// The contents of `.ci-operator.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
pub struct InRepoConfig {
    /// The build root the repository asks for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_root_image: Option<Located<BuildRootImage>>,
}

/// `build_root_image`: either an imagestreamtag (option A) or "infer it from a Dockerfile"
/// (option B, chosen by the repository). Validation refuses a file that says both.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
pub struct BuildRootImage {
    /// Namespace of the image stream (option A).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = image_stream_tag::NAMESPACE_PATTERN))]
    pub namespace: Option<Located<String>>,
    /// Name of the image stream (option A).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        regex(pattern = image_stream_tag::NAME_PATTERN),
        length(max = image_stream_tag::MAX_STREAM_NAME)
    )]
    pub name: Option<Located<String>>,
    /// Tag (option A).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = image_stream_tag::TAG_PATTERN))]
    pub tag: Option<Located<String>>,
    /// Infer the root from a Dockerfile of the config's `images` (option B).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_dockerfile: Option<Located<FromDockerfile>>,
}

impl BuildRootImage {
    /// The checked imagestreamtag, when namespace, name and tag are all given and valid.
    ///
    /// A `BuildRootImage` from [`parse_in_repo`] that has the three members has valid ones
    /// (validation refused the file otherwise), so `None` then means option B. One built in
    /// code with a bad member gives `None` too: there is no way to get an unchecked reference.
    pub fn image_stream_tag(&self) -> Option<ImageStreamTag> {
        match (&self.namespace, &self.name, &self.tag) {
            (Some(namespace), Some(name), Some(tag)) => {
                ImageStreamTag::new(namespace.as_str(), name.as_str(), tag.as_str()).ok()
            }
            _ => None,
        }
    }
}

/// `build_root_image.from_dockerfile`: which image and stage to infer the root from. Both are
/// optional; the resolver's rules fill in what is missing.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
pub struct FromDockerfile {
    /// An `images[].to` of the config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Located<String>>,
    /// A stage name, or a 0-based stage index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Located<StageRef>>,
}

/// A Dockerfile stage, by `AS` name or by 0-based index.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum StageRef {
    /// The stage's position in the file, from 0.
    Index(usize),
    /// The stage's `AS` name.
    Name(String),
}

/// A `.ci-operator.yaml` that passed its checks, with the warnings found on the way (unknown
/// keys, each with its position and a "did you mean" hint when one is close).
#[derive(Debug, Clone, PartialEq)]
pub struct InRepo {
    /// The file's contents. `build_root_image` is always `Some`, with either namespace, name
    /// and tag all valid ([`BuildRootImage::image_stream_tag`] gives them), or
    /// `from_dockerfile`.
    pub config: InRepoConfig,
    /// Unknown keys, which are ignored. `validate --strict` makes them errors.
    pub warnings: Vec<Diagnostic>,
}

/// Why a `.ci-operator.yaml` was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The file is not a readable YAML document (too large, not UTF-8, duplicate keys, alias
    /// bomb, wrong value types, ...).
    #[error("invalid .ci-operator.yaml")]
    Parse(#[source] parse::Error),
    /// The YAML is readable but says something wrong. `Display` shows the first error.
    #[error("{}", summary(diagnostics))]
    Invalid {
        /// Every problem: the errors and the warnings (unknown keys, which often explain an
        /// error: a misspelt key is then missing), sorted by position.
        diagnostics: Vec<Diagnostic>,
    },
}

impl Error {
    /// Every problem as diagnostics, so a caller prints parse errors and invalid contents the
    /// same way (a parse error is one diagnostic with an empty path).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            Error::Parse(err) => vec![err.to_diagnostic()],
            Error::Invalid { diagnostics } => diagnostics.clone(),
        }
    }
}

/// The path of errors about `build_root_image` as a whole.
const BUILD_ROOT_IMAGE: &str = "build_root_image";

/// What every `.ci-operator.yaml` error starts with, as ci-tools prints it.
const INVALID: &str = "invalid .ci-operator.yaml";

/// ci-tools' text, kept verbatim, for `build_root_image` without a complete imagestreamtag (a
/// member missing or empty, or no member and no `from_dockerfile`). Its diagnostic has the
/// path `build_root_image` like every other; the one-line summary of a refused file prints the
/// text alone, since it names its field and says `invalid .ci-operator.yaml: ` itself.
const MEMBERS_NON_EMPTY: &str = "invalid .ci-operator.yaml: all build_root_image members (namespace, name, tag) must be non-empty";

fn summary(diagnostics: &[Diagnostic]) -> String {
    let mut errors = diagnostics.iter().filter(|d| d.severity == Severity::Error);
    let Some(first) = errors.next() else {
        return format!("{INVALID}: no problem found");
    };
    let mut out = if first.message == MEMBERS_NON_EMPTY {
        first.message.clone()
    } else {
        format!("{INVALID}: {first}")
    };
    let more = errors.count();
    if more > 0 {
        out.push_str(&format!(" (and {more} more)"));
    }
    out
}

/// Reads and checks a `.ci-operator.yaml` (at most [`parse::MAX_IN_REPO_BYTES`]).
///
/// Unknown keys, at any level, are warnings, never errors. Errors, all reported at once:
/// `build_root_image` missing; namespace, name and tag not all given and non-empty while
/// `from_dockerfile` is absent (ci-tools' kept text); a namespace, name or tag that breaks
/// OpenShift's rules (see [`ImageStreamTag`]), at its position; both those and
/// `from_dockerfile`; an empty `from_dockerfile.image`; a
/// `from_dockerfile.stage` that is neither a name nor a 0-based index.
pub fn parse_in_repo(bytes: &[u8]) -> Result<InRepo, Error> {
    let raw: load::RawInRepo = parse::load_bytes(bytes, Document::InRepo).map_err(Error::Parse)?;
    // The text is UTF-8 here: load_bytes checked it.
    let text = std::str::from_utf8(bytes).unwrap_or_default();
    let (config, mut diagnostics) = load::check(raw, text);
    crate::diagnostic::sort(&mut diagnostics);
    match config {
        Some(config) if !diagnostics.iter().any(Diagnostic::is_error) => Ok(InRepo {
            config,
            warnings: diagnostics,
        }),
        _ => Err(Error::Invalid { diagnostics }),
    }
}
