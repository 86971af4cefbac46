//! Option B's image rule: which images' Dockerfiles the root is inferred from, and when they
//! agree.
//!
//! `from_dockerfile.image` names one image of the config's `images` built from this
//! repository. Otherwise every image that is not `optional` and is built from this repository
//! (no `ref`, or the `ref` of a `build_roots` key) is a candidate; when several are left and any
//! has a multi-stage Dockerfile, single-stage ones are skipped (a runtime base, not a
//! builder). Each remaining image's root is its chosen stage (`infer/stage.rs`) mapped through
//! its `FROM` (`infer/from_mapping.rs`); they must all name the same imagestreamtag.

use config_model::{Config, ImageItem, Located, StageRef};

use crate::base::ImageBase;
use crate::dockerfile::{Dockerfile, Location};
use crate::error::{Error, ImageFailure, InferenceError, Problem};
use crate::infer::from_mapping::{BuildSettings, global_env, stage_base};
use crate::infer::loader::{Loaded, Loader, recovered_note};
use crate::infer::stage::choose_stage;

/// A candidate image and its Dockerfile.
pub(crate) struct Candidate<'a> {
    /// `images[].to`, or the item's field path when it has none.
    pub(crate) name: String,
    /// The image build.
    pub(crate) item: &'a ImageItem,
    /// Its Dockerfile's repository path, or the field path of its `dockerfile_literal`.
    pub(crate) label: String,
}

/// The images to infer from.
pub(crate) enum ImageChoice<'c> {
    /// The one `from_dockerfile.image` names.
    Named(Candidate<'c>),
    /// Every candidate, by convention; never empty.
    Promoted(Vec<Candidate<'c>>),
}

/// The images option B infers from for a root read from repository `ref_` (`None`: the tested
/// repository): the one `named` by `from_dockerfile.image`, else every candidate.
pub(crate) fn choose_images<'c>(
    config: &'c Config,
    ref_: Option<&str>,
    named: Option<&Located<String>>,
) -> Result<ImageChoice<'c>, Box<InferenceError>> {
    let Some(name) = named else {
        let candidates = candidates(config, ref_);
        if candidates.is_empty() {
            let why = if config.images.as_ref().is_none_or(|i| i.items.is_empty()) {
                "the config has no `images`: name the root in `.ci-operator.yaml` as `build_root_image: {namespace, name, tag}`"
            } else {
                "every image is `optional` or built from another repository (`ref`): name the root in `.ci-operator.yaml` as `build_root_image: {namespace, name, tag}`"
            };
            return Err(Box::new(InferenceError::NoImage {
                why: why.to_owned(),
            }));
        }
        return Ok(ImageChoice::Promoted(candidates));
    };
    let found = config.images.as_ref().and_then(|images| {
        images.items.iter().enumerate().find(|(_, item)| {
            item.to.as_ref().is_some_and(|t| t.value == name.value)
                && item.ref_.as_ref().map(|r| r.value.as_str()) == ref_
        })
    });
    match found {
        Some((index, item)) => Ok(ImageChoice::Named(candidate(config, index, item))),
        None => {
            let known: Vec<String> = candidates(config, ref_)
                .iter()
                .map(|c| format!("`{}`", c.name))
                .collect();
            Err(Box::new(InferenceError::UnknownImage {
                name: name.value.clone(),
                at: Location::from_pos(name.pos),
                known: if known.is_empty() {
                    "none: the config has no image built from this repository".to_owned()
                } else {
                    known.join(", ")
                },
            }))
        }
    }
}

/// The images option B considers by convention for a root read from repository `ref_`
/// (`None`: the tested repository), in config order.
pub(crate) fn candidates<'c>(config: &'c Config, ref_: Option<&str>) -> Vec<Candidate<'c>> {
    let Some(images) = &config.images else {
        return Vec::new();
    };
    images
        .items
        .iter()
        .enumerate()
        .filter(|(_, item)| !item.optional && item.ref_.as_ref().map(|r| r.value.as_str()) == ref_)
        .map(|(i, item)| candidate(config, i, item))
        .collect()
}

fn candidate<'c>(config: &'c Config, index: usize, item: &'c ImageItem) -> Candidate<'c> {
    let prefix = match &config.images {
        Some(images) if images.items_form => format!("images.items[{index}]"),
        _ => format!("images[{index}]"),
    };
    let name = item
        .to
        .as_ref()
        .map_or_else(|| prefix.clone(), |t| t.value.clone());
    let label = item
        .dockerfile_repo_path()
        .unwrap_or_else(|| format!("{prefix}.dockerfile_literal"));
    Candidate { name, item, label }
}

/// The Dockerfile of each candidate, in order; only an unreadable repository is an `Err`.
pub(crate) fn load_candidates(
    candidates: &[Candidate<'_>],
    loader: &mut Loader<'_>,
) -> Result<Vec<Loaded>, Error> {
    let mut loaded = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        let literal = candidate
            .item
            .dockerfile_literal
            .as_ref()
            .map(|l| l.value.as_str());
        loaded.push(loader.load(literal, &candidate.label)?);
    }
    Ok(loaded)
}

/// Whether the single-stage Dockerfiles of these candidates are skipped: several were read
/// and any of them is multi-stage.
pub(crate) fn single_stage_skipped(loaded: &[Loaded]) -> bool {
    let several = loaded.iter().filter(|l| l.is_ok()).count() > 1;
    let any_multi = loaded
        .iter()
        .any(|l| l.as_ref().is_ok_and(|d| d.stages.len() > 1));
    several && any_multi
}

/// The outcome of inferring from a set of images.
pub(crate) struct Inferred {
    /// Each image that gave the root (they agree), in config order.
    pub(crate) images: Vec<ImageBase>,
    /// Images skipped, and why.
    pub(crate) skipped: Vec<ImageFailure>,
}

/// Infers the root from the chosen images, with the stage `from_dockerfile.stage` names.
/// Only an unreadable repository is an outer `Err`.
pub(crate) fn infer(
    config: &Config,
    choice: &ImageChoice<'_>,
    stage: Option<&StageRef>,
    loader: &mut Loader<'_>,
) -> Result<Result<Inferred, InferenceError>, Error> {
    Ok(match choice {
        ImageChoice::Promoted(candidates) => infer_from(config, candidates, stage, true, loader)?,
        ImageChoice::Named(candidate) => {
            match infer_from(
                config,
                std::slice::from_ref(candidate),
                stage,
                false,
                loader,
            )? {
                Err(InferenceError::AllFailed { mut failures }) if failures.len() == 1 => {
                    Err(InferenceError::Image {
                        failure: failures.remove(0),
                    })
                }
                other => other,
            }
        }
    })
}

/// Infers the root from `candidates`; `skip_single_stage` applies the multi-stage rule.
fn infer_from(
    config: &Config,
    candidates: &[Candidate<'_>],
    stage: Option<&StageRef>,
    skip_single_stage: bool,
    loader: &mut Loader<'_>,
) -> Result<Result<Inferred, InferenceError>, Error> {
    let loaded = load_candidates(candidates, loader)?;
    let skip_single_stage = skip_single_stage && single_stage_skipped(&loaded);
    let mut singles = Vec::new();
    let mut failures = Vec::new();
    let mut images = Vec::new();
    for (candidate, loaded) in candidates.iter().zip(loaded) {
        let failure = |at, problem| ImageFailure {
            image: candidate.name.clone(),
            dockerfile: candidate.label.clone(),
            at,
            problem,
        };
        let dockerfile = match loaded {
            Ok(d) => d,
            Err((at, problem)) => {
                failures.push(failure(at, problem));
                continue;
            }
        };
        if skip_single_stage && dockerfile.stages.len() == 1 {
            singles.push(failure(None, Problem::SingleStage));
            continue;
        }
        match image_base(config, candidate, &dockerfile, stage) {
            Ok(base) => images.push(base),
            Err((at, problem)) => failures.push(failure(at, problem)),
        }
    }
    singles.extend(failures);
    let skipped = singles;
    if images.is_empty() {
        return Ok(Err(InferenceError::AllFailed { failures: skipped }));
    }
    let first = images[0].base.image_stream_tag.clone();
    if images.iter().any(|i| i.base.image_stream_tag != first) {
        return Ok(Err(InferenceError::Disagree {
            roots: images,
            skipped,
        }));
    }
    Ok(Ok(Inferred { images, skipped }))
}

/// The root one image's Dockerfile implies: its chosen stage, mapped through its `FROM`.
pub(crate) fn image_base(
    config: &Config,
    candidate: &Candidate<'_>,
    dockerfile: &Dockerfile,
    stage: Option<&StageRef>,
) -> Result<ImageBase, (Option<Location>, Problem)> {
    let (index, chosen_by) = choose_stage(dockerfile, stage).map_err(|p| (None, p))?;
    let settings = BuildSettings {
        from: candidate.item.from.as_ref(),
        inputs: &candidate.item.inputs,
        build_args: &candidate.item.build_args,
    };
    let env = global_env(dockerfile, settings.build_args);
    let mut base = stage_base(dockerfile, index, &settings, &config.base_images, &env)?;
    base.notes.extend(recovered_note(dockerfile));
    Ok(ImageBase {
        image: candidate.name.clone(),
        dockerfile: candidate.label.clone(),
        stage_chosen_by: chosen_by,
        base,
    })
}
