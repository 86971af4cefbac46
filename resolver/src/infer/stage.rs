//! Option B's stage rule: which stage of a Dockerfile holds the build root.
//!
//! `from_dockerfile.stage` when the repository names one (an `AS` name, matched ignoring case,
//! or an index from 0); else the first, in file order, of the earlier stages the final stage
//! copies from (`COPY --from=<stage>`); else the first stage.

use config_model::StageRef;

use crate::base::{COPIED_BY_FINAL_STAGE, FIRST_STAGE, NAMED_BY_REQUEST, stage_ref_text};
use crate::dockerfile::Dockerfile;
use crate::error::Problem;

/// Which stage holds the root, and why ([`NAMED_BY_REQUEST`], [`COPIED_BY_FINAL_STAGE`] or
/// [`FIRST_STAGE`]).
pub(crate) fn choose_stage(
    dockerfile: &Dockerfile,
    requested: Option<&StageRef>,
) -> Result<(usize, &'static str), Problem> {
    let count = dockerfile.stages.len();
    if let Some(requested) = requested {
        let index = match requested {
            StageRef::Index(i) => Some(*i).filter(|&i| i < count),
            StageRef::Name(name) => dockerfile
                .stage_named(name)
                .or_else(|| name.parse::<usize>().ok().filter(|&i| i < count)),
        };
        return match index {
            Some(i) => Ok((i, NAMED_BY_REQUEST)),
            None => Err(Problem::NoSuchStage {
                stage: stage_ref_text(requested),
                count,
            }),
        };
    }
    let last = count.saturating_sub(1);
    let copied = dockerfile.stages[last]
        .copies_from
        .iter()
        .filter_map(|word| {
            dockerfile
                .stage_named(&word.text)
                .or_else(|| word.text.parse::<usize>().ok())
                .filter(|&i| i < last)
        })
        .min();
    Ok(match copied {
        Some(i) => (i, COPIED_BY_FINAL_STAGE),
        None => (0, FIRST_STAGE),
    })
}

#[cfg(test)]
mod tests;
