//! Hardened YAML loading: size, encoding and budget checks before and during parsing, and
//! errors that name a line and column and say what to do.
//!
//! Every document this crate reads may come from someone hostile (a pull request author owns
//! `.ci-operator.yaml`), so loading is bounded: a size cap before parsing, then serde-saphyr's
//! [`Budget`](serde_saphyr::Budget) (nodes, depth, aliases) while parsing, which stops
//! exponential and linear alias amplification alike. Duplicate keys are errors at every level.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, MapAccess, SeqAccess, Visitor};
use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::{DuplicateKeyPolicy, ExternalMessageSource, MessageFormatter};

use crate::position::Pos;
pub(crate) use crate::quote::quote;

mod key_path;

#[cfg(test)]
mod tests;

/// The largest ci-operator config accepted, in bytes (8 MiB). Real configs are under 100 KiB.
pub const MAX_CONFIG_BYTES: usize = 8 << 20;

/// The largest `.ci-operator.yaml` accepted, in bytes (1 MiB). Real files are a few lines.
pub const MAX_IN_REPO_BYTES: usize = 1 << 20;

/// The most YAML nodes (mappings, sequences, scalars, counting every alias expansion) a
/// document may have. The largest real config is about 5 000 nodes; this bounds the work an
/// alias bomb can cause to a fraction of a second.
const MAX_NODES: usize = 250_000;

/// Deepest nesting accepted. Real configs nest about ten levels.
const MAX_DEPTH: usize = 64;

/// Which kind of document is being read; it decides the size limit and the wording of errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Document {
    /// A ci-operator config.
    Config,
    /// A repository's `.ci-operator.yaml`.
    InRepo,
}

impl Document {
    /// The size limit for this kind of document, in bytes.
    pub fn max_bytes(self) -> usize {
        match self {
            Document::Config => MAX_CONFIG_BYTES,
            Document::InRepo => MAX_IN_REPO_BYTES,
        }
    }

    fn example_key(self) -> &'static str {
        match self {
            Document::Config => "build_root:",
            Document::InRepo => "build_root_image:",
        }
    }
}

impl fmt::Display for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Document::Config => "a ci-operator config",
            Document::InRepo => "a .ci-operator.yaml",
        })
    }
}

/// A document that could not be read: where (when known) and why.
///
/// `Display` is `PATH: MESSAGE` (the message alone when the path is empty), one line, without
/// the position: print `FILE:LINE:COLUMN: ...` with [`Error::pos`], or use
/// [`Error::to_diagnostic`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{kind}", path_prefix(path))]
pub struct Error {
    /// What is wrong.
    pub kind: ErrorKind,
    /// 1-based line and column of the problem, when the input has one (a file that is too
    /// large has none).
    pub pos: Option<Pos>,
    /// The field the problem is in (`build_root.image_stream_tag.tag`), for a value of the
    /// wrong type or a duplicate key; empty when not known or about the whole document.
    pub path: String,
    /// The lines around the problem with a caret under it, as serde-saphyr renders them
    /// (a few cropped lines, never the whole input), for a terminal that wants to show them.
    pub snippet: Option<String>,
}

/// What made a document unreadable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// The input is over the size limit of its kind of document.
    #[error(
        "the file is {size} bytes, over the {} MiB limit for {document}: check that this is the right file",
        limit / (1 << 20)
    )]
    TooLarge {
        /// Size of the input in bytes.
        size: usize,
        /// The limit in bytes ([`MAX_CONFIG_BYTES`] or [`MAX_IN_REPO_BYTES`]).
        limit: usize,
        /// Which kind of document it was read as.
        document: Document,
    },
    /// The input is not UTF-8 (the position is that of the first bad byte).
    #[error("the file is not valid UTF-8: save it as UTF-8 text")]
    InvalidUtf8,
    /// The input contains a NUL byte.
    #[error("the file contains a NUL byte: it is binary data, not YAML text")]
    NulByte,
    /// The document is a list or a scalar where a mapping of keys is expected.
    #[error(
        "the document is {found}, not a mapping: {document} is a mapping of keys such as `{}`",
        document.example_key()
    )]
    NotAMapping {
        /// What the document is instead (`a list`, `the string "hello"`).
        found: String,
        /// Which kind of document it was read as.
        document: Document,
    },
    /// A mapping has the same key twice.
    #[error("duplicate key `{key}`: a key may appear once in a mapping, remove one of them")]
    DuplicateKey {
        /// The repeated key (cropped when very long).
        key: String,
    },
    /// The file holds several YAML documents.
    #[error("the file holds more than one YAML document (`---`): keep only one")]
    MultipleDocuments,
    /// The document breaks a parsing budget: too many nodes, aliases or levels of nesting.
    #[error(
        "the document is too large or too deeply nested ({limit}): remove aliases that repeat large parts, or deep nesting"
    )]
    TooComplex {
        /// Which limit was hit.
        limit: String,
    },
    /// The text is not valid YAML.
    #[error("invalid YAML: {message}")]
    Syntax {
        /// What the parser found wrong.
        message: String,
    },
    /// Valid YAML whose values have the wrong shape (a list where a string is expected, ...).
    #[error("invalid value: {message}")]
    Invalid {
        /// What is wrong with the value.
        message: String,
    },
}

impl Error {
    fn at(kind: ErrorKind, pos: Option<Pos>) -> Self {
        Error {
            kind,
            pos,
            path: String::new(),
            snippet: None,
        }
    }

    /// This error as a [`Diagnostic`](crate::Diagnostic) with an empty field path, so a
    /// caller can print parse errors and validation problems the same way.
    pub fn to_diagnostic(&self) -> crate::Diagnostic {
        crate::Diagnostic {
            severity: crate::Severity::Error,
            pos: self.pos.unwrap_or(Pos::UNKNOWN),
            path: self.path.clone(),
            message: self.kind.to_string(),
        }
    }
}

/// Loads bytes as one YAML document of `document`'s kind into `T`.
pub(crate) fn load_bytes<T>(bytes: &[u8], document: Document) -> Result<T, Error>
where
    T: DeserializeOwned + Default,
{
    check_size(bytes.len(), document)?;
    let text = std::str::from_utf8(bytes).map_err(|err| {
        let pos = pos_of_offset(bytes, err.valid_up_to());
        Error::at(ErrorKind::InvalidUtf8, Some(pos))
    })?;
    load_str(text, document)
}

/// Loads text as one YAML document of `document`'s kind into `T`.
pub(crate) fn load_str<T>(text: &str, document: Document) -> Result<T, Error>
where
    T: DeserializeOwned + Default,
{
    check_size(text.len(), document)?;
    if let Some(offset) = text.bytes().position(|b| b == 0) {
        let pos = pos_of_offset(text.as_bytes(), offset);
        return Err(Error::at(ErrorKind::NulByte, Some(pos)));
    }
    match serde_saphyr::from_str_with_options::<TopLevel<T>>(text, options()) {
        Ok(TopLevel(value)) => Ok(value),
        Err(err) => Err(convert(&err, text, document)),
    }
}

fn check_size(size: usize, document: Document) -> Result<(), Error> {
    let limit = document.max_bytes();
    if size > limit {
        return Err(Error::at(
            ErrorKind::TooLarge {
                size,
                limit,
                document,
            },
            None,
        ));
    }
    Ok(())
}

/// The parser options every document is read with (also used by the benchmark's baseline, so
/// both sides pay for the same checks).
pub fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = MAX_NODES;
    budget.max_depth = MAX_DEPTH;
    budget.max_reader_input_bytes = Some(MAX_CONFIG_BYTES);
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.duplicate_keys = DuplicateKeyPolicy::Error;
    options.with_snippet = true;
    options
}

/// 1-based line and column (in characters) of a byte offset. Columns count the UTF-8
/// characters before the offset on its line, so a bad byte after `é` is still reported where
/// an editor shows it.
fn pos_of_offset(bytes: &[u8], offset: usize) -> Pos {
    let before = &bytes[..offset.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_bytes = &before[line_start..];
    // Count characters: every byte that is not a UTF-8 continuation byte starts one.
    let column = line_bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() + 1;
    Pos {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
    }
}

/// Where a document's content starts: the first character that is not blank, a comment, a
/// directive or the `---` marker. Used for errors about the document as a whole.
pub(crate) fn content_start(text: &str) -> Pos {
    for (index, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        let trimmed = &line[indent..];
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('%') {
            continue;
        }
        let mut offset = indent;
        if let Some(after) = trimmed.strip_prefix("---")
            && (after.is_empty() || after.starts_with(char::is_whitespace))
        {
            let content = after.trim_start();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            offset += 3 + (after.len() - content.len());
        }
        return Pos {
            line: u32::try_from(index + 1).unwrap_or(u32::MAX),
            column: u32::try_from(line[..offset].chars().count() + 1).unwrap_or(u32::MAX),
        };
    }
    Pos { line: 1, column: 1 }
}

/// What the top-level visitor says it expects; an "invalid type" error that carries this text
/// is about the document itself, not a nested value.
const TOP_LEVEL_EXPECTING: &str = "a mapping of keys at the top of the document";

/// The document as a whole: a mapping read as `T`, or nothing at all (an empty document is
/// `T::default()`). Anything else is refused with an error that names what it was.
struct TopLevel<T>(T);

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for TopLevel<T> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TopVisitor<T>(std::marker::PhantomData<T>);

        impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for TopVisitor<T> {
            type Value = TopLevel<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(TOP_LEVEL_EXPECTING)
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(TopLevel)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Self::Value, A::Error> {
                Err(de::Error::invalid_type(de::Unexpected::Seq, &self))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TopLevel(T::default()))
            }

            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TopLevel(T::default()))
            }
        }

        deserializer.deserialize_any(TopVisitor(std::marker::PhantomData))
    }
}

/// Flattens a message from the parser onto one line.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    // Parser messages are short; a very long one quotes the input, which we crop.
    if out.chars().count() > 200 {
        out = out.chars().take(200).collect();
        out.push('…');
    }
    out
}

/// The error without the wrappers that add snippets and alias locations.
fn original(mut err: &serde_saphyr::Error) -> &serde_saphyr::Error {
    loop {
        match err {
            serde_saphyr::Error::WithSnippet { error, .. }
            | serde_saphyr::Error::AliasError { error, .. } => err = error,
            other => return other,
        }
    }
}

fn describe_breach(breach: &BudgetBreach) -> String {
    match breach {
        BudgetBreach::Nodes { .. } => format!("more than {MAX_NODES} nodes, counting aliases"),
        BudgetBreach::Depth { .. } => format!("nesting deeper than {MAX_DEPTH} levels"),
        BudgetBreach::Aliases { aliases } => format!("{aliases} aliases"),
        BudgetBreach::Anchors { anchors } => format!("{anchors} anchors"),
        BudgetBreach::Events { .. } => "too many parser events".to_owned(),
        BudgetBreach::AliasAnchorRatio { aliases, anchors } => {
            format!("{aliases} aliases for {anchors} anchors")
        }
        BudgetBreach::ScalarBytes { .. } => "too much scalar text, counting aliases".to_owned(),
        BudgetBreach::Documents { .. } => "too many documents".to_owned(),
        BudgetBreach::MergeKeys { .. } => "too many merge keys".to_owned(),
        _ => "a parser budget".to_owned(),
    }
}

/// Turns a serde-saphyr error into ours: a kind, a position, and the rendered snippet.
fn convert(err: &serde_saphyr::Error, text: &str, document: Document) -> Error {
    use serde_saphyr::Error as E;

    let mut pos = err
        .location()
        .filter(|l| *l != serde_saphyr::Location::UNKNOWN)
        .map(Pos::from);
    let inner = original(err);
    let kind = match inner {
        E::DuplicateMappingKey { key, .. } => ErrorKind::DuplicateKey {
            key: key.as_deref().map(quote).unwrap_or_else(|| "?".to_owned()),
        },
        E::MultipleDocuments { .. } => ErrorKind::MultipleDocuments,
        E::Budget { breach, .. } => ErrorKind::TooComplex {
            limit: describe_breach(breach),
        },
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => ErrorKind::TooComplex {
            limit: "aliases expand to too much".to_owned(),
        },
        E::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } if expected == TOP_LEVEL_EXPECTING => {
            pos = Some(content_start(text));
            ErrorKind::NotAMapping {
                found: describe_unexpected(unexpected),
                document,
            }
        }
        E::ExternalMessage { source, msg, .. } => match source.as_ref() {
            ExternalMessageSource::Parser(scan)
                if matches!(
                    scan.kind(),
                    serde_saphyr::granit_parser::ErrorKind::RecursionLimitExceeded
                ) =>
            {
                ErrorKind::TooComplex {
                    limit: format!("nesting deeper than {MAX_DEPTH} levels"),
                }
            }
            _ => ErrorKind::Syntax {
                message: one_line(msg),
            },
        },
        E::UnknownAnchor { .. } => ErrorKind::Syntax {
            message:
                "an alias (`*name`) refers to an anchor (`&name`) that is not defined before it"
                    .to_owned(),
        },
        E::Unexpected { expected, .. } => ErrorKind::Invalid {
            message: format!(
                "expected {}",
                match *expected {
                    "mapping start" => "a mapping",
                    "sequence start" => "a list",
                    "string scalar" => "a string",
                    other => other,
                }
            ),
        },
        E::IOError { .. } => ErrorKind::Syntax {
            message: "the input could not be decoded".to_owned(),
        },
        other => ErrorKind::Invalid {
            message: one_line(&serde_saphyr::DefaultMessageFormatter.format_message(other)),
        },
    };
    let snippet = match err {
        E::WithSnippet { .. } if !matches!(kind, ErrorKind::NotAMapping { .. }) => {
            render_snippet(err, &kind)
        }
        _ => None,
    };
    // Types and duplicates are about a field: find which, by reading the document again up
    // to the error. Syntax errors are not (the last key before one is usually not at fault).
    let path = match (&kind, pos) {
        (ErrorKind::Invalid { .. }, Some(pos)) => key_path::path_at(text, pos, options()).last_key,
        (ErrorKind::DuplicateKey { .. }, Some(pos)) => key_path::path_at(text, pos, options())
            .failed_mapping
            .unwrap_or_default(),
        _ => String::new(),
    };
    Error {
        kind,
        pos,
        path,
        snippet,
    }
}

fn path_prefix(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

/// "a list", "the number 12", "the string \"hello\"" for the top-level visitor's errors.
fn describe_unexpected(unexpected: &str) -> String {
    if unexpected == "sequence" {
        return "a list".to_owned();
    }
    format!("a scalar ({})", quote(unexpected))
}

/// The snippet part of serde-saphyr's rendering: the numbered lines and the caret, without the
/// header line that repeats the message and the `--> <input>` line.
fn render_snippet(err: &serde_saphyr::Error, kind: &ErrorKind) -> Option<String> {
    let message = kind.to_string();
    let rendered = err.render_with_formatter(&Label(&message));
    let lines: Vec<&str> = rendered
        .lines()
        .skip(1)
        .filter(|line| !line.trim_start().starts_with("-->"))
        .collect();
    if lines.is_empty() {
        None
    } else {
        Some(lines.join("\n"))
    }
}

/// Labels the caret of a snippet with our message rather than serde-saphyr's, which is
/// written for programmers ("set DuplicateKeyPolicy in Options").
struct Label<'m>(&'m str);

impl MessageFormatter for Label<'_> {
    fn format_message<'a>(&self, _err: &'a serde_saphyr::Error) -> std::borrow::Cow<'a, str> {
        std::borrow::Cow::Owned(self.0.to_owned())
    }
}
