//! Reading `.ci-operator.yaml` key by key, so unknown keys become warnings with a position
//! instead of being dropped, then checking what was read.
//!
//! The public types derive `Deserialize` and would ignore unknown keys silently; these raw
//! types keep every key they do not know, with its position. `#[serde(flatten)]` could collect
//! them too, but it buffers the input and loses every position below it.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use super::{
    BUILD_ROOT_IMAGE, BuildRootImage, FromDockerfile, InRepoConfig, MEMBERS_NON_EMPTY, StageRef,
};
use crate::diagnostic::Diagnostic;
use crate::image_stream_tag::{self, Member};
use crate::parse::quote;
use crate::position::Located;

#[cfg(test)]
mod tests;

/// The whole file.
#[derive(Debug, Default)]
pub(crate) struct RawInRepo {
    /// `None` when absent, `Some(None)` when written without a value.
    build_root_image: Option<Located<Option<RawBuildRootImage>>>,
    unknown: Vec<Located<String>>,
}

#[derive(Debug, Default)]
struct RawBuildRootImage {
    namespace: Option<Located<String>>,
    name: Option<Located<String>>,
    tag: Option<Located<String>>,
    /// `Some(None)` is `from_dockerfile:` with no value: infer with every default.
    from_dockerfile: Option<Located<Option<RawFromDockerfile>>>,
    unknown: Vec<Located<String>>,
}

#[derive(Debug, Default)]
struct RawFromDockerfile {
    image: Option<Located<String>>,
    stage: Option<Located<RawStage>>,
    unknown: Vec<Located<String>>,
}

/// `stage` as written: checked later, so a bad value is a diagnostic with a path rather than
/// a parse error.
#[derive(Debug)]
enum RawStage {
    Index(u64),
    Negative(i64),
    Name(String),
    /// A float, a boolean, a list...: what it was, for the message.
    Other(String),
}

const TOP_KEYS: &[&str] = &["build_root_image"];
const BUILD_ROOT_IMAGE_KEYS: &[&str] = &["namespace", "name", "tag", "from_dockerfile"];
const FROM_DOCKERFILE_KEYS: &[&str] = &["image", "stage"];

/// Keys of the config's `build_root` that people put in `.ci-operator.yaml`; real files do.
const CONFIG_BUILD_ROOT_KEYS: &[&str] = &[
    "project_image",
    "use_build_cache",
    "image_stream_tag",
    "from_repository",
];

/// Reads a mapping key by key. `field` reads the value of a key it knows and returns `true`;
/// the values of other keys are skipped and the keys returned, with their positions.
fn read_fields<'de, A, F>(mut map: A, mut field: F) -> Result<Vec<Located<String>>, A::Error>
where
    A: MapAccess<'de>,
    F: FnMut(&str, &mut A) -> Result<bool, A::Error>,
{
    let mut unknown = Vec::new();
    while let Some(key) = map.next_key::<Located<String>>()? {
        if !field(&key.value, &mut map)? {
            map.next_value::<de::IgnoredAny>()?;
            unknown.push(key);
        }
    }
    Ok(unknown)
}

/// A `Deserialize` for a raw struct read with [`read_fields`].
macro_rules! raw_struct {
    ($ty:ident, $expecting:literal, |$raw:ident, $key:ident, $map:ident| $body:expr) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct RawVisitor;
                impl<'de> Visitor<'de> for RawVisitor {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<$ty, A::Error> {
                        let mut $raw = $ty::default();
                        let unknown = read_fields(map, |$key, $map| $body)?;
                        $raw.unknown = unknown;
                        Ok($raw)
                    }
                }
                deserializer.deserialize_map(RawVisitor)
            }
        }
    };
}

raw_struct!(
    RawInRepo,
    "a mapping with `build_root_image`",
    |raw, key, map| {
        match key {
            "build_root_image" => raw.build_root_image = Some(map.next_value()?),
            _ => return Ok(false),
        }
        Ok(true)
    }
);

raw_struct!(
    RawBuildRootImage,
    "a mapping with namespace, name and tag, or from_dockerfile",
    |raw, key, map| {
        match key {
            "namespace" => raw.namespace = map.next_value()?,
            "name" => raw.name = map.next_value()?,
            "tag" => raw.tag = map.next_value()?,
            "from_dockerfile" => raw.from_dockerfile = Some(map.next_value()?),
            _ => return Ok(false),
        }
        Ok(true)
    }
);

raw_struct!(
    RawFromDockerfile,
    "a mapping with `image` and `stage`",
    |raw, key, map| {
        match key {
            "image" => raw.image = map.next_value()?,
            "stage" => raw.stage = map.next_value()?,
            _ => return Ok(false),
        }
        Ok(true)
    }
);

impl<'de> Deserialize<'de> for RawStage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StageVisitor;
        impl<'de> Visitor<'de> for StageVisitor {
            type Value = RawStage;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a stage name or a 0-based stage index")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawStage, E> {
                Ok(RawStage::Index(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawStage, E> {
                Ok(u64::try_from(v).map_or(RawStage::Negative(v), RawStage::Index))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawStage, E> {
                Ok(RawStage::Other(format!("the number `{v}`")))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawStage, E> {
                Ok(RawStage::Other(format!("the boolean `{v}`")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawStage, E> {
                // `stage: "1"` is the index 1: Docker stage names cannot be all digits.
                if !v.is_empty()
                    && v.bytes().all(|b| b.is_ascii_digit())
                    && let Ok(index) = v.parse()
                {
                    return Ok(RawStage::Index(index));
                }
                Ok(RawStage::Name(v.to_owned()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<RawStage, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(RawStage::Other("a list".to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawStage, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(RawStage::Other("a mapping".to_owned()))
            }
        }
        deserializer.deserialize_any(StageVisitor)
    }
}

/// Checks what was read: the config when it is usable, and every diagnostic (errors and
/// warnings). The config is `None` when `build_root_image` is missing.
pub(crate) fn check(raw: RawInRepo, text: &str) -> (Option<InRepoConfig>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    warn_unknown(&mut out, "", &raw.unknown, TOP_KEYS);

    let required = "required: write `build_root_image: {namespace: NS, name: NAME, tag: TAG}` to name the build root, or `build_root_image: {from_dockerfile: {}}` to infer it from a Dockerfile";
    let Some(located) = raw.build_root_image else {
        let pos = crate::parse::content_start(text);
        out.push(Diagnostic::error(pos, BUILD_ROOT_IMAGE, required));
        return (None, out);
    };
    let root_pos = located.pos;
    let Some(image) = located.value else {
        out.push(Diagnostic::error(root_pos, BUILD_ROOT_IMAGE, required));
        return (None, out);
    };
    warn_unknown(
        &mut out,
        BUILD_ROOT_IMAGE,
        &image.unknown,
        BUILD_ROOT_IMAGE_KEYS,
    );

    let members = [&image.namespace, &image.name, &image.tag];
    let any_member = members.iter().any(|m| m.is_some());
    // Point at the first member that is empty, else at the mapping (one is missing).
    let empty = members
        .iter()
        .filter_map(|m| m.as_ref())
        .find(|m| m.value.is_empty());
    let incomplete = empty.is_some() || members.iter().any(|m| m.is_none());
    // `build_root_image: {}` is incomplete too, unless it infers the root from a Dockerfile.
    if incomplete && (any_member || image.from_dockerfile.is_none()) {
        let pos = empty.map_or(root_pos, |m| m.pos);
        out.push(Diagnostic::error(pos, BUILD_ROOT_IMAGE, MEMBERS_NON_EMPTY));
    }
    check_member_rules(&mut out, &image);

    let from_dockerfile = image.from_dockerfile.map(|located| {
        let pos = located.pos;
        let raw = located.value.unwrap_or_default();
        Located::at(check_from_dockerfile(&mut out, raw), pos)
    });
    if let Some(from) = &from_dockerfile
        && any_member
    {
        out.push(Diagnostic::error(
            from.pos,
            BUILD_ROOT_IMAGE,
            "namespace, name and tag, and from_dockerfile are mutually exclusive: name an imagestreamtag or infer the root from a Dockerfile, not both",
        ));
    }

    let config = InRepoConfig {
        build_root_image: Some(Located::at(
            BuildRootImage {
                namespace: image.namespace,
                name: image.name,
                tag: image.tag,
                from_dockerfile,
            },
            root_pos,
        )),
    };
    (Some(config), out)
}

/// Each given, non-empty member that breaks OpenShift's rules, at its own position (empty
/// ones are [`MEMBERS_NON_EMPTY`]'s).
fn check_member_rules(out: &mut Vec<Diagnostic>, image: &RawBuildRootImage) {
    let value = |member: &Option<Located<String>>| {
        member.as_ref().map_or("", |m| m.value.as_str()).to_owned()
    };
    let problems = image_stream_tag::problems(
        &value(&image.namespace),
        &value(&image.name),
        &value(&image.tag),
    );
    for problem in problems.iter().filter(|p| !p.value.is_empty()) {
        let located = match problem.member {
            Member::Namespace => &image.namespace,
            Member::Name => &image.name,
            Member::Tag => &image.tag,
        };
        if let Some(located) = located {
            out.push(Diagnostic::error(
                located.pos,
                format!("{BUILD_ROOT_IMAGE}.{}", problem.member.key()),
                image_stream_tag::validation_message(problem),
            ));
        }
    }
}

fn check_from_dockerfile(out: &mut Vec<Diagnostic>, raw: RawFromDockerfile) -> FromDockerfile {
    const PATH: &str = "build_root_image.from_dockerfile";
    warn_unknown(out, PATH, &raw.unknown, FROM_DOCKERFILE_KEYS);
    if let Some(image) = &raw.image
        && image.value.is_empty()
    {
        out.push(Diagnostic::error(
            image.pos,
            format!("{PATH}.image"),
            "must not be empty: name an `images[].to` of the config, or leave `image` out",
        ));
    }
    let stage = raw.stage.and_then(|stage| {
        let path = format!("{PATH}.stage");
        let problem = match stage.value {
            RawStage::Index(index) => match usize::try_from(index) {
                Ok(index) => return Some(Located::at(StageRef::Index(index), stage.pos)),
                Err(_) => format!("`{index}` is not a stage index: it is far too large"),
            },
            RawStage::Name(name) if !name.is_empty() => {
                return Some(Located::at(StageRef::Name(name), stage.pos));
            }
            RawStage::Name(_) => {
                "must not be empty: write a stage name (`FROM ... AS name`) or a 0-based index, or leave `stage` out".to_owned()
            }
            RawStage::Negative(index) => {
                format!("`{index}` is negative: stage indexes count from 0, the first `FROM`")
            }
            RawStage::Other(what) => format!(
                "{what} is not a stage: write a stage name (`FROM ... AS name`) or a 0-based index"
            ),
        };
        out.push(Diagnostic::error(stage.pos, path, problem));
        None
    });
    FromDockerfile {
        image: raw.image,
        stage,
    }
}

/// One warning per unknown key, with a hint: the known key it is close to, or where a key of
/// the config's `build_root` belongs.
fn warn_unknown(
    out: &mut Vec<Diagnostic>,
    parent: &str,
    unknown: &[Located<String>],
    known: &[&str],
) {
    for key in unknown {
        let shown = quote(&key.value);
        let path = if parent.is_empty() {
            shown.clone()
        } else {
            format!("{parent}.{shown}")
        };
        let message = if let Some(suggestion) = closest(&key.value, known) {
            format!("unknown key, ignored; did you mean `{suggestion}`?")
        } else if CONFIG_BUILD_ROOT_KEYS.contains(&key.value.as_str()) {
            format!(
                "unknown key, ignored: `{shown}` belongs to `build_root` in the ci-operator config, not to .ci-operator.yaml"
            )
        } else {
            let list = known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            format!("unknown key, ignored (known keys here: {list})")
        };
        out.push(Diagnostic::warning(key.pos, path, message));
    }
}

/// The known key a misspelt one is closest to: same letters ignoring case, `_` and `-`, or
/// within a third of its length in Damerau-Levenshtein distance.
fn closest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let normalize = |s: &str| -> String {
        s.chars()
            .filter(|c| !matches!(c, '_' | '-'))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let normalized = normalize(key);
    if let Some(same) = known.iter().find(|k| normalize(k) == normalized) {
        return Some(same);
    }
    let limit = (key.chars().count() / 3).max(1);
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(key, k), *k))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, k)| k)
}
