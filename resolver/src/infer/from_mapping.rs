//! The `FROM` mapping: from a chosen stage to the imagestreamtag it builds on.
//!
//! The stage's `FROM` is followed through earlier stages (`FROM <stage name>`) and mapped, in
//! this order:
//!
//! 1. `images[].from` replaces the final stage's `FROM` by `pipeline:<from>`;
//! 2. an `inputs.<name>.as` entry equal to the token as written replaces it by
//!    `pipeline:<name>`;
//! 3. otherwise the token is `ARG`-expanded (global `ARG`s, overridden by `build_args`: see
//!    [`global_env`]; the expansion itself is `crate::expand`) and the pull spec is mapped to
//!    an imagestreamtag (`crate::pullspec`).
//!
//! A replacement by a pipeline image takes that image's `base_images` entry; a replacement by
//! `root` itself is circular and ignored, with a note.

use std::collections::BTreeMap;

use config_model::{BuildArg, ImageBuildInputs, ImageStreamTagReference, Located};

use crate::base::StageBase;
use crate::dockerfile::{Dockerfile, Location};
use crate::error::Problem;
use crate::expand::{self, ArgValue, Env};
use crate::pullspec::{self, NotIst};

/// What a `FROM` may be replaced by, and with what arguments it expands: the parts of an
/// image build (`images[]` or `project_image`) that matter.
pub(crate) struct BuildSettings<'a> {
    /// `images[].from`: replaces the final stage's `FROM`.
    pub(crate) from: Option<&'a Located<String>>,
    /// `inputs`: each replaces the `FROM` tokens listed in its `as`.
    pub(crate) inputs: &'a BTreeMap<String, ImageBuildInputs>,
    /// `build_args`: override the Dockerfile's global `ARG`s.
    pub(crate) build_args: &'a [BuildArg],
}

/// The config's `base_images`, by pipeline name.
pub(crate) type BaseImages = BTreeMap<String, Located<ImageStreamTagReference>>;

/// The global `ARG`s of a Dockerfile with their values: defaults expanded in order,
/// overridden by `build_args` (which apply only to declared `ARG`s, as in BuildKit).
pub(crate) fn global_env(dockerfile: &Dockerfile, build_args: &[BuildArg]) -> Env {
    let mut env = Env::new();
    for arg in &dockerfile.global_args {
        let value = if let Some(b) = build_args.iter().rev().find(|b| b.name == arg.name) {
            ArgValue::Set(b.value.clone())
        } else if let Some(default) = &arg.default {
            match expand::expand(default, dockerfile.escape, &env) {
                Ok(v) => ArgValue::Set(v),
                Err(e) => ArgValue::Invalid(e),
            }
        } else if let Some(previous) = env.get(&arg.name) {
            previous.clone()
        } else {
            ArgValue::Unset
        };
        env.insert(arg.name.clone(), value);
    }
    env
}

/// The base of stage `start`: follows `FROM <earlier stage>` chains and maps the `FROM` to an
/// imagestreamtag in the order of the rules (see the module doc).
pub(crate) fn stage_base(
    dockerfile: &Dockerfile,
    start: usize,
    settings: &BuildSettings<'_>,
    base_images: &BaseImages,
    env: &Env,
) -> Result<StageBase, (Option<Location>, Problem)> {
    let last = dockerfile.stages.len().saturating_sub(1);
    let mut notes = Vec::new();
    let mut current = start;
    // Each step goes to an earlier stage, so the loop ends within `start + 1` steps.
    loop {
        let stage = &dockerfile.stages[current];
        let token = &stage.from.text;
        let at = stage.from.at;
        let base = StageBase {
            stage: start,
            stage_name: dockerfile.stages[start].name.clone(),
            based_on_stage: current,
            line: at.line,
            column: at.column,
            from: token.clone(),
            expanded: None,
            via: String::new(),
            replacement: None,
            image_stream_tag: None,
            problem: None,
            notes: Vec::new(),
        };
        // (1) `images[].from` replaces the final stage's `FROM`.
        if current == last
            && let Some(from) = settings.from
        {
            if from.value == "root" {
                notes.push(
                    "`from: root` would build the root on itself: circular, ignored".to_owned(),
                );
            } else {
                let via = format!("from:{}", from.value);
                return pipeline_base(base, base_images, &from.value, via, notes);
            }
        }
        // A `FROM` naming an earlier stage builds on that stage.
        if let Some(earlier) = dockerfile.stage_named(token).filter(|&i| i < current) {
            current = earlier;
            continue;
        }
        // (2) An `inputs.<name>.as` entry equal to the token as written.
        if let Some(name) = input_replacing(settings.inputs, token) {
            if name == "root" {
                notes.push(format!(
                    "`inputs.root.as` replaces `{token}` by the root itself: circular, ignored"
                ));
            } else {
                let via = format!("inputs.{name}.as");
                return pipeline_base(base, base_images, name, via, notes);
            }
        }
        // (3) ARG expansion and the pull spec.
        let expanded = expand::expand(token, dockerfile.escape, env).map_err(|error| {
            (
                Some(at),
                Problem::Expansion {
                    token: shown(token),
                    error,
                },
            )
        })?;
        if expanded != *token
            && let Some(earlier) = dockerfile.stage_named(&expanded).filter(|&i| i < current)
        {
            current = earlier;
            continue;
        }
        return pullspec_base(base, expanded, notes);
    }
}

/// The input whose `as` lists `token` exactly as written.
fn input_replacing<'s>(
    inputs: &'s BTreeMap<String, ImageBuildInputs>,
    token: &str,
) -> Option<&'s str> {
    inputs.iter().find_map(|(name, input)| {
        input
            .as_
            .iter()
            .any(|a| a.value == token)
            .then_some(name.as_str())
    })
}

/// Where `base`'s `FROM` image is written, for a problem with it.
fn location(base: &StageBase) -> Location {
    Location {
        line: base.line,
        column: base.column,
    }
}

/// `base` replaced by `pipeline:<name>`, which must be a valid `base_images` entry.
fn pipeline_base(
    mut base: StageBase,
    base_images: &BaseImages,
    name: &str,
    via: String,
    notes: Vec<String>,
) -> Result<StageBase, (Option<Location>, Problem)> {
    let at = location(&base);
    let Some(ist) = base_images.get(name) else {
        return Err((
            Some(at),
            Problem::PipelineImage {
                via,
                name: name.to_owned(),
            },
        ));
    };
    let checked = ist.value.checked().map_err(|problem| {
        (
            Some(at),
            Problem::InvalidBaseImage {
                via: via.clone(),
                name: name.to_owned(),
                problem,
            },
        )
    })?;
    base.image_stream_tag = Some(checked);
    base.replacement = Some(format!("pipeline:{name}"));
    base.via = via;
    base.notes = notes;
    Ok(base)
}

/// `base` mapped through the pull spec its `FROM` expands to.
fn pullspec_base(
    mut base: StageBase,
    expanded: String,
    notes: Vec<String>,
) -> Result<StageBase, (Option<Location>, Problem)> {
    let at = location(&base);
    if expanded.eq_ignore_ascii_case("scratch") {
        return Err((
            Some(at),
            Problem::Scratch {
                stage: base.based_on_stage,
            },
        ));
    }
    let not = match pullspec::to_image_stream_tag(&expanded) {
        Ok(ist) => {
            if expanded != base.from {
                base.expanded = Some(expanded);
            }
            base.image_stream_tag = Some(ist);
            base.via = "pullspec".to_owned();
            base.notes = notes;
            return Ok(base);
        }
        Err(not) => not,
    };
    let token = shown(&base.from);
    let pullspec = shown(&expanded);
    let problem = match not {
        NotIst::NotCiRegistry => Problem::NotCiRegistry { token, pullspec },
        NotIst::Digest => Problem::Digest { token, pullspec },
        NotIst::Malformed(why) => Problem::NotImageStreamTag {
            token,
            pullspec,
            why: why.to_owned(),
        },
        NotIst::Empty => Problem::Empty { token },
    };
    Err((Some(at), problem))
}

/// The most of a token an error message shows: a hostile Dockerfile can make one megabytes
/// long.
const MAX_SHOWN_CHARS: usize = 200;

/// `text`, cut to [`MAX_SHOWN_CHARS`] characters with an ellipsis.
fn shown(text: &str) -> String {
    match text.char_indices().nth(MAX_SHOWN_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests;
