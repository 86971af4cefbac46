//! What one stage's `FROM` was found to build on, and how: the evidence that option B's
//! roots, its `images disagree` error, the drift report and `project_image` build plans all
//! carry.
//!
//! Only the types (and how a requested stage reads in messages) live here; the rules that
//! fill them are in the `infer` folder.

use config_model::{ImageStreamTag, StageRef};
use serde::Serialize;

/// One image's Dockerfile and the root it implies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageBase {
    /// The image (`images[].to`).
    pub image: String,
    /// Its Dockerfile's repository path, or the field path of a `dockerfile_literal`.
    pub dockerfile: String,
    /// Why this stage: `from_dockerfile.stage`, `copied_by_final_stage` or `first_stage`.
    pub stage_chosen_by: &'static str,
    /// The stage and its base.
    #[serde(flatten)]
    pub base: StageBase,
}

/// A stage and the base image it builds on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageBase {
    /// The stage chosen (0-based).
    pub stage: usize,
    /// Its `AS` name.
    pub stage_name: Option<String>,
    /// The stage whose `FROM` gave the base (differs from `stage` when the chosen stage
    /// builds on an earlier one).
    pub based_on_stage: usize,
    /// The line of that `FROM`'s image.
    pub line: u32,
    /// The column of that `FROM`'s image.
    pub column: u32,
    /// The image token as written.
    pub from: String,
    /// The token after `ARG` expansion, when expansion was used.
    pub expanded: Option<String>,
    /// What mapped it: `pullspec`, `from:<name>` (`images[].from`) or `inputs.<name>.as`.
    pub via: String,
    /// `pipeline:<name>` when a replacement applied.
    pub replacement: Option<String>,
    /// The imagestreamtag.
    pub image_stream_tag: Option<ImageStreamTag>,
    /// Why there is none (build plans only; option B reports such images as skipped).
    pub problem: Option<String>,
    /// Anything else worth knowing (ignored circular replacements, recovered syntax errors).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl StageBase {
    pub(crate) fn image_stream_tag_text(&self) -> String {
        self.image_stream_tag
            .as_ref()
            .map_or_else(|| "?".to_owned(), ToString::to_string)
    }
}

/// [`ImageBase::stage_chosen_by`]: `from_dockerfile.stage` named it.
pub(crate) const NAMED_BY_REQUEST: &str = "from_dockerfile.stage";
/// The final stage copies from it.
pub(crate) const COPIED_BY_FINAL_STAGE: &str = "copied_by_final_stage";
/// Nothing else applied.
pub(crate) const FIRST_STAGE: &str = "first_stage";

/// `from_dockerfile.stage` as written: an index or a name.
pub(crate) fn stage_ref_text(stage: &StageRef) -> String {
    match stage {
        StageRef::Index(i) => i.to_string(),
        StageRef::Name(n) => n.clone(),
    }
}
