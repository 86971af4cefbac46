//! The one checked imagestreamtag reference, [`ImageStreamTag`], and the rules of a valid one.
//! Every crate that needs to know whether `namespace/name:tag` is valid asks here.
//!
//! The rules are OpenShift's (the API server refuses anything else):
//! - **namespace**: a DNS-1123 label, as for every Kubernetes namespace: 1 to 63 lowercase
//!   letters, digits and `-`, starting and ending with a letter or digit
//!   (`[a-z0-9]([-a-z0-9]*[a-z0-9])?`).
//! - **name**: an image stream name, checked by `ValidateImageStreamName` in
//!   openshift/openshift-apiserver (`pkg/image/apis/image/validation/validation.go`): it must
//!   match `[a-z0-9]+(?:[._-][a-z0-9]+)*` (lowercase letters and digits, in runs joined by one
//!   `.`, `_` or `-`; so no `/`, `%`, `.`, `..`, `--`, no leading or trailing separator), and
//!   `ValidateImageStream` refuses a `namespace/name` longer than 255 characters (the
//!   docker/distribution `NameTotalLengthMax`). [`check_stream_name`] checks the name alone up
//!   to 253 characters (the most any namespace leaves); [`ImageStreamTag::new`] checks the
//!   whole.
//! - **tag**: docker/distribution's tag rule, `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
//!
//! [`crate::ImageStreamTagReference`] stays what users wrote (located strings, possibly empty or
//! wrong); validation reports each bad member at its position, and
//! [`crate::ImageStreamTagReference::checked`] turns a reference into the checked type. The
//! JSON Schemas carry the same rules as patterns (`*_PATTERN`), for editors.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::parse::quote;

/// A checked imagestreamtag reference `namespace/name:tag`: every member follows OpenShift's
/// rules (see the module docs), so the API server accepts it as a name.
///
/// Serializes as `{"namespace", "name", "tag"}`; displays as `namespace/name:tag`.
///
/// ```
/// use config_model::{ImageStreamTag, Member};
///
/// let ist: ImageStreamTag = "openshift/release:golang-1.22".parse().unwrap();
/// assert_eq!((ist.namespace(), ist.name(), ist.tag()), ("openshift", "release", "golang-1.22"));
/// let err = ImageStreamTag::new("Open_Shift", "release", "4.10").unwrap_err();
/// assert_eq!(err.member, Member::Namespace);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ImageStreamTag {
    namespace: String,
    name: String,
    tag: String,
}

impl ImageStreamTag {
    /// Checks the three members and, when they are all valid, gives the reference.
    ///
    /// # Errors
    ///
    /// The first member that breaks its rule (namespace, then name, then tag), with the rule.
    pub fn new(
        namespace: impl Into<String>,
        name: impl Into<String>,
        tag: impl Into<String>,
    ) -> Result<Self, InvalidImageStreamTag> {
        let (namespace, name, tag) = (namespace.into(), name.into(), tag.into());
        match problems(&namespace, &name, &tag).into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(ImageStreamTag {
                namespace,
                name,
                tag,
            }),
        }
    }

    /// The namespace of the image stream.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The name of the image stream.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The tag in the image stream.
    pub fn tag(&self) -> &str {
        &self.tag
    }
}

impl FromStr for ImageStreamTag {
    type Err = InvalidImageStreamTag;

    /// Reads `namespace/name:tag` (the form `oc` prints). A text without `/` misses the
    /// namespace, one without `:` after it misses the tag.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let missing = |member| InvalidImageStreamTag {
            member,
            value: String::new(),
            problem: FORM_RULE,
        };
        let (namespace, rest) = text
            .split_once('/')
            .ok_or_else(|| missing(Member::Namespace))?;
        let (name, tag) = rest.split_once(':').ok_or_else(|| missing(Member::Tag))?;
        ImageStreamTag::new(namespace, name, tag)
    }
}

impl fmt::Display for ImageStreamTag {
    /// `namespace/name:tag`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}:{}", self.namespace, self.name, self.tag)
    }
}

/// A member of an imagestreamtag reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Member {
    /// The namespace of the image stream.
    Namespace,
    /// The name of the image stream.
    Name,
    /// The tag.
    Tag,
}

impl Member {
    /// The YAML key of the member: `namespace`, `name` or `tag`.
    pub fn key(self) -> &'static str {
        match self {
            Member::Namespace => "namespace",
            Member::Name => "name",
            Member::Tag => "tag",
        }
    }

    /// What the member is called in a sentence.
    fn noun(self) -> &'static str {
        match self {
            Member::Namespace => "namespace",
            Member::Name => "image stream name",
            Member::Tag => "tag",
        }
    }

    /// What to write instead, for validation messages.
    fn fix(self) -> &'static str {
        match self {
            Member::Namespace => {
                "write the namespace that holds the image stream, such as `openshift` or `ocp`"
            }
            Member::Name => {
                "write the image stream's name as `oc get imagestreams` lists it, such as `release` or `builder`"
            }
            Member::Tag => "write a tag of the image stream, such as `golang-1.22` or `4.20`",
        }
    }
}

impl fmt::Display for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Which member of an imagestreamtag reference is wrong, its value, and the rule it breaks.
///
/// `Display`: ``invalid namespace `Open_Shift`: a namespace is a DNS-1123 label (...)``, or
/// `missing tag: ...` when the member is empty; the message ends with the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InvalidImageStreamTag {
    /// The member that is wrong.
    pub member: Member,
    /// Its value, as given (empty when it is missing).
    pub value: String,
    /// The rule it breaks.
    pub problem: &'static str,
}

impl fmt::Display for InvalidImageStreamTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.is_empty() {
            write!(f, "missing {}: {}", self.member, self.problem)
        } else {
            write!(
                f,
                "invalid {} `{}`: {}",
                self.member,
                quote(&self.value),
                self.problem
            )
        }
    }
}

/// How the text form is written.
const FORM_RULE: &str = "an imagestreamtag is written `namespace/name:tag`";

/// The rule of [`check_namespace`].
const NAMESPACE_RULE: &str = "a namespace is a DNS-1123 label (1 to 63 lowercase letters, digits and `-`, starting and ending with a letter or digit)";

/// The rule of [`check_stream_name`].
const NAME_RULE: &str = "an image stream name is 1 to 253 lowercase letters and digits, in runs joined by a single `.`, `_` or `-` (OpenShift's `[a-z0-9]+([._-][a-z0-9]+)*`)";

/// The rule [`ImageStreamTag::new`] adds to [`check_stream_name`].
const NAMESPACE_NAME_RULE: &str =
    "`namespace/name` is at most 255 characters (OpenShift's limit for an image repository)";

/// The rule of [`check_tag`].
const TAG_RULE: &str =
    "a tag is 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`";

/// [`check_namespace`] as a JSON Schema pattern (ECMA-262), for editors.
pub(crate) const NAMESPACE_PATTERN: &str = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";

/// [`check_stream_name`] as a JSON Schema pattern, with [`MAX_STREAM_NAME`] as `maxLength`.
pub(crate) const NAME_PATTERN: &str = "^[a-z0-9]+([._-][a-z0-9]+)*$";

/// [`check_tag`] as a JSON Schema pattern.
pub(crate) const TAG_PATTERN: &str = "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$";

/// The longest image stream name: what the shortest namespace leaves of `namespace/name`.
pub(crate) const MAX_STREAM_NAME: usize = MAX_NAMESPACE_NAME - 2;

/// The longest `namespace/name` OpenShift accepts.
const MAX_NAMESPACE_NAME: usize = 255;

/// Checks a namespace: a DNS-1123 label. The error is the rule.
pub fn check_namespace(namespace: &str) -> Result<(), &'static str> {
    let ok = !namespace.is_empty()
        && namespace.len() <= 63
        && namespace
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !namespace.starts_with('-')
        && !namespace.ends_with('-');
    if ok { Ok(()) } else { Err(NAMESPACE_RULE) }
}

/// Checks an image stream name by OpenShift's rule, `[a-z0-9]+([._-][a-z0-9]+)*`, at most
/// 253 characters. The error is the rule.
pub fn check_stream_name(name: &str) -> Result<(), &'static str> {
    let alphanumeric = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let separator = |b: u8| matches!(b, b'.' | b'_' | b'-');
    let bytes = name.as_bytes();
    // Runs of letters and digits joined by one separator: it starts and ends with a letter or
    // digit, and no two separators touch.
    let ok = name.len() <= MAX_STREAM_NAME
        && bytes.first().copied().is_some_and(alphanumeric)
        && bytes.last().copied().is_some_and(alphanumeric)
        && bytes.iter().all(|&b| alphanumeric(b) || separator(b))
        && !bytes
            .windows(2)
            .any(|pair| separator(pair[0]) && separator(pair[1]));
    if ok { Ok(()) } else { Err(NAME_RULE) }
}

/// Checks a tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. The error is the rule.
pub fn check_tag(tag: &str) -> Result<(), &'static str> {
    let ok = !tag.is_empty()
        && tag.len() <= 128
        && !tag.starts_with(['.', '-'])
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
    if ok { Ok(()) } else { Err(TAG_RULE) }
}

/// Every member that breaks its rule, in member order (an empty member too). The length of
/// `namespace/name` is checked when both are valid on their own, and blamed on the name.
pub(crate) fn problems(namespace: &str, name: &str, tag: &str) -> Vec<InvalidImageStreamTag> {
    type Check = fn(&str) -> Result<(), &'static str>;
    let checks: [(Member, &str, Check); 3] = [
        (Member::Namespace, namespace, check_namespace),
        (Member::Name, name, check_stream_name),
        (Member::Tag, tag, check_tag),
    ];
    let mut out: Vec<InvalidImageStreamTag> = checks
        .into_iter()
        .filter_map(|(member, value, check)| {
            check(value).err().map(|problem| InvalidImageStreamTag {
                member,
                value: value.to_owned(),
                problem,
            })
        })
        .collect();
    let members_ok = out.iter().all(|p| p.member == Member::Tag);
    if members_ok && namespace.len() + 1 + name.len() > MAX_NAMESPACE_NAME {
        out.insert(
            0,
            InvalidImageStreamTag {
                member: Member::Name,
                value: name.to_owned(),
                problem: NAMESPACE_NAME_RULE,
            },
        );
    }
    out
}

/// The validation message for a member that breaks its rule: the value, the rule, the fix.
/// The caller puts the field path in front.
pub(crate) fn validation_message(problem: &InvalidImageStreamTag) -> String {
    format!(
        "`{}` is not a valid {}: {}; {}",
        quote(&problem.value),
        problem.member.noun(),
        problem.problem,
        problem.member.fix()
    )
}

#[cfg(test)]
mod tests;
