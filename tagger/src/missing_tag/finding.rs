//! Why a source imagestreamtag cannot be used, as one read of its ImageStream tells, and the
//! nearest existing tags to suggest.
//!
//! A leaf (no imports from the crate): the crate's error type holds a [`MissingTag`].

use std::fmt;

use config_model::ImageStreamTag;

/// How many tags a suggestion names at most.
pub const MAX_SUGGESTIONS: usize = 3;

/// A source imagestreamtag that does not exist or has no image, explained.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MissingTag {
    /// The imagestreamtag asked for.
    pub tag: ImageStreamTag,
    /// What its ImageStream says.
    #[serde(flatten)]
    pub finding: TagFinding,
}

/// What the ImageStream of a missing tag says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "finding")]
pub enum TagFinding {
    /// The ImageStream itself does not exist.
    StreamMissing,
    /// The stream exists without this tag.
    TagMissing {
        /// Up to [`MAX_SUGGESTIONS`] existing tags with the closest names, closest first.
        nearest: Vec<String>,
        /// How many tags the stream has.
        tags: usize,
    },
    /// The tag is in the stream's spec but has no image.
    NotImported {
        /// The import condition's reason (`NotFound`, `Unauthorized`), if the server set one.
        reason: Option<String>,
        /// The import condition's message, if the server set one.
        message: Option<String>,
    },
    /// The tag has an image by now (it appeared between the two reads): running again helps.
    Appeared,
    /// The ImageStream could not be read, so only the tag's absence is known.
    Unexplained {
        /// Why the stream could not be read.
        problem: String,
    },
}

impl fmt::Display for MissingTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tag = &self.tag;
        let stream = format!("{}/{}", tag.namespace(), tag.name());
        match &self.finding {
            TagFinding::StreamMissing => write!(
                f,
                "imagestreamtag {tag} does not exist: there is no imagestream {} in namespace {}",
                tag.name(),
                tag.namespace()
            ),
            TagFinding::TagMissing { nearest, tags } => {
                write!(
                    f,
                    "imagestreamtag {tag} does not exist: imagestream {stream} has no tag `{}`",
                    tag.tag()
                )?;
                match (nearest.as_slice(), tags) {
                    (_, 0) => f.write_str(" (it has no tags at all)"),
                    ([], n) => write!(f, " and none of its {n} tags has a similar name"),
                    (names, _) => write!(f, "; did you mean {}?", one_of(names)),
                }
            }
            TagFinding::NotImported { reason, message } => {
                write!(f, "imagestreamtag {tag} has no image: ")?;
                match (reason.as_deref(), message.as_deref()) {
                    (Some(reason), Some(message)) => {
                        write!(f, "its import failed: {reason}: {message}")
                    }
                    (None, Some(message)) => write!(f, "its import failed: {message}"),
                    (Some(reason), None) => write!(f, "its import failed: {reason}"),
                    (None, None) => {
                        f.write_str("its tag was never imported and the stream gives no reason")
                    }
                }
            }
            TagFinding::Appeared => write!(
                f,
                "imagestreamtag {tag} had no image when it was read, but has one now; run again"
            ),
            TagFinding::Unexplained { problem } => write!(
                f,
                "imagestreamtag {tag} does not exist (its imagestream could not be read to say more: {problem})"
            ),
        }
    }
}

/// `` `a` ``, `` `a` or `b` ``, `` `a`, `b` or `c` ``.
fn one_of(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// The existing tags closest to `wanted`, closest first, at most [`MAX_SUGGESTIONS`].
///
/// A tag qualifies when its edit distance (transpositions count once) to `wanted` is small for the length (at most a third
/// of the longer name, and at least 2 edits are always allowed), or when one name contains the
/// other, or when they share a prefix of at least half of `wanted` up to a `-`/`.` boundary.
/// Ranked by edit distance, then by the longer shared prefix, then by name.
pub fn nearest_tags<'t>(wanted: &str, existing: impl IntoIterator<Item = &'t str>) -> Vec<String> {
    let mut scored: Vec<(usize, std::cmp::Reverse<usize>, &str)> = existing
        .into_iter()
        .filter(|tag| *tag != wanted)
        .filter_map(|tag| {
            let distance = strsim::osa_distance(wanted, tag);
            let prefix = shared_prefix(wanted, tag);
            let longer = wanted.chars().count().max(tag.chars().count());
            let close = distance <= (longer / 3).max(2);
            let contains = !wanted.is_empty() && (tag.contains(wanted) || wanted.contains(tag));
            let same_start = prefix * 2 >= wanted.chars().count() && prefix > 0;
            (close || contains || same_start).then_some((distance, std::cmp::Reverse(prefix), tag))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.2 == b.2);
    scored
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, _, tag)| tag.to_owned())
        .collect()
}

/// Characters `a` and `b` share at the start, cut back to the last `-`, `.` or `_` boundary
/// unless the whole of the shorter name matches (`golang-1.2` and `golang-1.22` share `golang-1.`).
fn shared_prefix(a: &str, b: &str) -> usize {
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    if common == a.chars().count() || common == b.chars().count() {
        return common;
    }
    a.chars()
        .take(common)
        .collect::<Vec<_>>()
        .iter()
        .rposition(|c| matches!(c, '-' | '.' | '_'))
        .map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests;
