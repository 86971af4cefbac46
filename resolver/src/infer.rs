//! Option B: the build root implied by the Dockerfiles of the config's `images`.
//!
//! Which image: `from_dockerfile.image`, else every image that is not `optional` and is built
//! from this repository (no `ref`, or the `ref` of a `build_roots` key); when several are left
//! and any has a multi-stage Dockerfile, single-stage ones are skipped. Which stage:
//! `from_dockerfile.stage`, else the first (in file order) of the earlier stages the final stage
//! copies from, else the first stage. The stage's `FROM` is followed through earlier stages and
//! mapped to an imagestreamtag by [`stage_base`].

use std::collections::HashMap;
use std::rc::Rc;

use config_model::{
    BuildArg, Config, ImageBuildInputs, ImageItem, ImageStreamTagReference, Located, StageRef,
};

use crate::dockerfile::{Dockerfile, Location};
use crate::error::{Error, ImageFailure, InferenceError, Problem};
use crate::expand::{self, ArgValue, Env};
use crate::files::{MAX_DOCKERFILE_BYTES, RepoFiles};
use crate::pullspec::{self, NotIst};
use crate::root::{ImageBase, StageBase};

/// What a `FROM` may be replaced by, and with what arguments it expands: the parts of an
/// image build (`images[]` or `project_image`) that matter.
pub(crate) struct BuildSettings<'a> {
    /// `images[].from`: replaces the final stage's `FROM`.
    pub(crate) from: Option<&'a Located<String>>,
    pub(crate) inputs: &'a std::collections::BTreeMap<String, ImageBuildInputs>,
    pub(crate) build_args: &'a [BuildArg],
}

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
/// imagestreamtag in the order of the rules: `images[].from` on the final stage, an exact
/// `inputs.<name>.as` token, then `ARG` expansion and the pull spec.
pub(crate) fn stage_base(
    dockerfile: &Dockerfile,
    start: usize,
    settings: &BuildSettings<'_>,
    base_images: &std::collections::BTreeMap<String, Located<ImageStreamTagReference>>,
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
        let mut base = StageBase {
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
        let pipeline =
            |mut base: StageBase, name: &str, via: String, notes: Vec<String>| match base_images
                .get(name)
            {
                Some(ist) => {
                    base.image_stream_tag = Some(ist.value.clone());
                    base.replacement = Some(format!("pipeline:{name}"));
                    base.via = via;
                    base.notes = notes;
                    Ok(base)
                }
                None => Err((
                    Some(at),
                    Problem::PipelineImage {
                        via,
                        name: name.to_owned(),
                    },
                )),
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
                return pipeline(base, &from.value, format!("from:{}", from.value), notes);
            }
        }
        // A `FROM` naming an earlier stage builds on that stage.
        if let Some(earlier) = dockerfile.stage_named(token).filter(|&i| i < current) {
            current = earlier;
            continue;
        }
        // (2) An `inputs.<name>.as` entry equal to the token as written.
        let replacement = settings.inputs.iter().find_map(|(name, input)| {
            input
                .as_
                .iter()
                .any(|a| a.value == *token)
                .then_some(name.as_str())
        });
        if let Some(name) = replacement {
            if name == "root" {
                notes.push(format!(
                    "`inputs.root.as` replaces `{token}` by the root itself: circular, ignored"
                ));
            } else {
                return pipeline(base, name, format!("inputs.{name}.as"), notes);
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
        if expanded != *token {
            if let Some(earlier) = dockerfile.stage_named(&expanded).filter(|&i| i < current) {
                current = earlier;
                continue;
            }
            base.expanded = Some(expanded.clone());
        }
        if expanded.eq_ignore_ascii_case("scratch") {
            return Err((Some(at), Problem::Scratch { stage: current }));
        }
        return match pullspec::to_image_stream_tag(&expanded) {
            Ok(ist) => {
                base.image_stream_tag = Some(ist);
                base.via = "pullspec".to_owned();
                base.notes = notes;
                Ok(base)
            }
            Err(not) => {
                let token = shown(token);
                let pullspec = shown(&expanded);
                Err((
                    Some(at),
                    match not {
                        NotIst::NotCiRegistry => Problem::NotCiRegistry { token, pullspec },
                        NotIst::Digest => Problem::Digest { token, pullspec },
                        NotIst::Malformed(why) => Problem::NotImageStreamTag {
                            token,
                            pullspec,
                            why: why.to_owned(),
                        },
                        NotIst::Empty => Problem::Empty { token },
                    },
                ))
            }
        };
    }
}

/// The most of a token an error message shows: a hostile Dockerfile can make one megabytes
/// long.
const MAX_SHOWN_CHARS: usize = 200;

/// `text`, cut to [`MAX_SHOWN_CHARS`] characters with an ellipsis.
pub(crate) fn shown(text: &str) -> String {
    match text.char_indices().nth(MAX_SHOWN_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// A note saying that a malformed instruction was ignored, if one was.
pub(crate) fn recovered_note(dockerfile: &Dockerfile) -> Option<String> {
    let error = dockerfile.recovered.as_ref()?;
    let at = error
        .at
        .map(|a| format!(" at line {}", a.line))
        .unwrap_or_default();
    Some(format!(
        "an instruction the resolver does not read was ignored{at} ({})",
        error.message
    ))
}

/// Which stage holds the root, and why.
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
            Some(i) => Ok((i, "from_dockerfile.stage")),
            None => Err(Problem::NoSuchStage {
                stage: crate::root::stage_ref_text(requested),
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
        Some(i) => (i, "copied_by_final_stage"),
        None => (0, "first_stage"),
    })
}

/// A candidate image and its Dockerfile.
pub(crate) struct Candidate<'a> {
    pub(crate) name: String,
    pub(crate) item: &'a ImageItem,
    pub(crate) label: String,
}

/// A Dockerfile read and parsed, or why not; shared by images that use the same file.
pub(crate) type Loaded = Result<Rc<Dockerfile>, (Option<Location>, Problem)>;

/// Reads and parses Dockerfiles, once per path.
pub(crate) struct Loader<'a> {
    files: &'a dyn RepoFiles,
    revision: String,
    field: &'a str,
    cache: HashMap<String, Loaded>,
}

impl<'a> Loader<'a> {
    pub(crate) fn new(files: &'a dyn RepoFiles, revision: String, field: &'a str) -> Self {
        Loader {
            files,
            revision,
            field,
            cache: HashMap::new(),
        }
    }

    /// Parses a `dockerfile_literal`.
    pub(crate) fn parse_literal(text: &str) -> Loaded {
        parse(text)
    }

    pub(crate) fn revision(&self) -> &str {
        &self.revision
    }

    /// The Dockerfile of an image build: a literal, or the file at `path`. Only an unreadable
    /// repository is an `Err`; every problem of the content is in the `Loaded`.
    pub(crate) fn load(&mut self, literal: Option<&str>, path: &str) -> Result<Loaded, Error> {
        if let Some(literal) = literal {
            return Ok(parse(literal));
        }
        if let Some(loaded) = self.cache.get(path) {
            return Ok(loaded.clone());
        }
        let loaded = match self.files.read(path, MAX_DOCKERFILE_BYTES) {
            Ok(Some(bytes)) => match String::from_utf8(bytes) {
                Ok(text) => parse(&text),
                Err(_) => Err((None, Problem::NotUtf8)),
            },
            Ok(None) => Err((
                None,
                Problem::Missing {
                    revision: self.revision.clone(),
                },
            )),
            Err(e) if e.kind() == crate::files::FileErrorKind::Refused => Err((
                None,
                Problem::Refused {
                    reason: error_chain(&e),
                },
            )),
            Err(e) => return Err(Error::from_file(self.field, self.revision.clone(), e)),
        };
        self.cache.insert(path.to_owned(), loaded.clone());
        Ok(loaded)
    }
}

fn parse(text: &str) -> Loaded {
    Dockerfile::parse(text)
        .map(Rc::new)
        .map_err(|e| (e.at, Problem::Syntax { message: e.message }))
}

/// `error: cause: cause`, for messages that must stand alone.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The images option B considers for a root read from repository `ref_` (`None`: the tested
/// repository), in config order.
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

pub(crate) fn candidate<'c>(
    config: &'c Config,
    index: usize,
    item: &'c ImageItem,
) -> Candidate<'c> {
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

/// The outcome of inferring from a set of images.
pub(crate) struct Inferred {
    pub(crate) images: Vec<ImageBase>,
    pub(crate) skipped: Vec<ImageFailure>,
}

/// Infers the root from `candidates`; `skip_single_stage` applies the multi-stage rule.
pub(crate) fn infer(
    config: &Config,
    candidates: &[Candidate<'_>],
    stage: Option<&StageRef>,
    skip_single_stage: bool,
    loader: &mut Loader<'_>,
) -> Result<Result<Inferred, InferenceError>, Error> {
    let mut loaded = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        let literal = candidate
            .item
            .dockerfile_literal
            .as_ref()
            .map(|l| l.value.as_str());
        loaded.push(loader.load(literal, &candidate.label)?);
    }
    let any_multi = loaded
        .iter()
        .any(|l| l.as_ref().is_ok_and(|d| d.stages.len() > 1));
    let several = loaded.iter().filter(|l| l.is_ok()).count() > 1;
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
        if skip_single_stage && several && any_multi && dockerfile.stages.len() == 1 {
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

/// The root one image's Dockerfile implies.
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

#[cfg(test)]
mod tests;
