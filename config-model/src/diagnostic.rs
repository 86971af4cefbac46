//! Diagnostics: one problem in a document, with where it is, the field path users write, and
//! what to do.

use std::fmt;

use crate::position::Pos;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input is wrong.
    Error,
    /// The input is accepted but probably not what the author meant (`--strict` makes it an
    /// error).
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem found in a document: where, which field, what.
///
/// `Display` prints `PATH: MESSAGE` (or `MESSAGE` when the path is empty), the way ci-tools
/// prints its validation errors: `build_root: from_repository and image_stream_tag are
/// mutually exclusive`. [`Diagnostic::render`] puts the file and position in front.
///
/// Serialized (for `-o json`) as `{"severity", "pos": {"line", "column"}, "path", "message"}`;
/// `pos` is `0:0` when unknown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where in the document.
    pub pos: Pos,
    /// The field path in the keys users write (`build_root.image_stream_tag.tag`,
    /// `build_roots[org.repo]`, `images[2]`); empty for the document as a whole.
    pub path: String,
    /// What is wrong, and where it helps, what to do.
    pub message: String,
}

impl Diagnostic {
    /// An error at `pos` for the field `path`.
    pub fn error(pos: Pos, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            pos,
            path: path.into(),
            message: message.into(),
        }
    }

    /// A warning at `pos` for the field `path`.
    pub fn warning(pos: Pos, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            pos,
            path: path.into(),
            message: message.into(),
        }
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// One line: `FILE:LINE:COLUMN: PATH: MESSAGE`. The file is left out when `file` is
    /// `None`, the position when it is not known, the path when it is empty. The severity is
    /// not printed: a caller that mixes warnings and errors prefixes it as it likes.
    pub fn render(&self, file: Option<&str>) -> String {
        let mut out = String::new();
        if let Some(file) = file {
            out.push_str(file);
            out.push(':');
        }
        if self.pos.is_known() {
            out.push_str(&self.pos.to_string());
            out.push(':');
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&self.to_string());
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Sorts diagnostics by position (unknown positions last), keeping the order of checks for
/// diagnostics at the same place.
pub(crate) fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| (!d.pos.is_known(), d.pos));
}
