//! A Dockerfile reader for what the resolver needs: global `ARG`s, each stage's `FROM` (image
//! token, `AS` name, `--platform`) and the stages its `COPY --from` names, all with lines and
//! columns.
//!
//! Tokenising (continuations, the `escape` directive, comments, heredocs, lowercase
//! instructions, `ONBUILD`) is parse-dockerfile's. That parser refuses some valid Docker
//! (`ENTRYPOINT []`) and some malformed instructions the resolver never reads; such an
//! instruction must not make resolution fail. So when parsing fails, every instruction other
//! than `FROM`, `ARG` and `COPY` is blanked out (replaced by spaces, keeping every newline, so
//! lines and columns stay those of the file) and the text is parsed again, once. The splitter
//! that finds instruction boundaries for this knows continuations, comments and heredocs, so a
//! `FROM` inside a heredoc never becomes an instruction.

use std::collections::HashMap;
use std::fmt;

/// A position in a Dockerfile: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
pub struct Location {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl Location {
    /// Where a config or in-repo file value is.
    pub(crate) fn from_pos(pos: config_model::Pos) -> Location {
        Location {
            line: pos.line,
            column: pos.column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A word of the Dockerfile as written (continuations removed), with where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    pub(crate) text: String,
    pub(crate) at: Location,
}

/// A global `ARG` (declared before the first `FROM`), one per name of the instruction:
/// `ARG A=1 B` gives two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobalArg {
    pub(crate) name: String,
    /// The default as written (quotes and variables not yet processed).
    pub(crate) default: Option<String>,
}

/// One stage of a [`Dockerfile`]: its `FROM` and the `COPY --from` values it uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// The `FROM` image token as written.
    pub(crate) from: Word,
    /// The `AS` name as written.
    pub(crate) name: Option<String>,
    /// The `--from` values of the stage's `COPY` instructions, in order.
    pub(crate) copies_from: Vec<Word>,
}

/// A Dockerfile, reduced to what resolution reads: the escape character, the global `ARG`s
/// and each stage's `FROM`, `AS` name and `COPY --from` values, with lines and columns.
///
/// ```
/// let dockerfile = resolver::Dockerfile::parse(
///     "ARG GO=1.24\n\
///      FROM registry.ci.openshift.org/ocp/builder:golang-${GO} AS builder\n\
///      FROM registry.ci.openshift.org/ocp/4.20:base-rhel9\n\
///      COPY --from=builder /bin/app /bin/app\n",
/// )
/// .unwrap();
/// assert_eq!(dockerfile.global_args()[0].name(), "GO");
/// assert_eq!(dockerfile.global_args()[0].default(), Some("1.24"));
/// let builder = &dockerfile.stages()[0];
/// assert_eq!(builder.from(), "registry.ci.openshift.org/ocp/builder:golang-${GO}");
/// assert_eq!(builder.name(), Some("builder"));
/// assert_eq!(builder.from_location().to_string(), "2:6");
/// assert_eq!(dockerfile.stage_named("BUILDER"), Some(0));
/// let copies: Vec<&str> = dockerfile.stages()[1].copies_from().map(|(from, _)| from).collect();
/// assert_eq!(copies, ["builder"]);
/// ```
#[derive(Debug, Clone)]
pub struct Dockerfile {
    pub(crate) escape: char,
    pub(crate) global_args: Vec<GlobalArg>,
    pub(crate) stages: Vec<Stage>,
    /// Lowercased stage names to their index (Docker compares stage names without case).
    names: HashMap<String, usize>,
    /// The parse error that made the reader blank out unused instructions, if any.
    pub(crate) recovered: Option<SyntaxError>,
}

/// A Dockerfile that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    /// Where, when known (`None` for "no `FROM` at all").
    pub at: Option<Location>,
    /// What parse-dockerfile said.
    pub message: String,
}

impl Dockerfile {
    /// Reads a Dockerfile. A leading byte order mark is skipped. An instruction the reader
    /// does not need (anything but `FROM`, `ARG` and `COPY`) that does not parse is ignored,
    /// and the error kept in [`Dockerfile::recovered`].
    ///
    /// # Errors
    ///
    /// [`SyntaxError`] when a `FROM`, `ARG` or `COPY` does not parse, or when there is no
    /// `FROM` at all.
    pub fn parse(text: &str) -> Result<Dockerfile, SyntaxError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let lines = LineIndex::new(text);
        match parse_dockerfile::parse(text) {
            Ok(parsed) => Ok(Self::from_parsed(&parsed, text, &lines, None)),
            Err(first) => {
                let first = syntax_error(&first, text, &lines);
                let escape = escape_directive(text);
                let blanked = blank_instructions_except(text, escape, &["FROM", "ARG", "COPY"]);
                match parse_dockerfile::parse(&blanked) {
                    Ok(parsed) => Ok(Self::from_parsed(&parsed, &blanked, &lines, Some(first))),
                    Err(second) => Err(syntax_error(&second, &blanked, &lines)),
                }
            }
        }
    }

    fn from_parsed(
        parsed: &parse_dockerfile::Dockerfile<'_>,
        text: &str,
        lines: &LineIndex,
        recovered: Option<SyntaxError>,
    ) -> Dockerfile {
        let escape = parsed
            .parser_directives
            .escape
            .as_ref()
            .map_or('\\', |d| d.value.value);
        let mut global_args = Vec::new();
        for arg in parsed.global_args() {
            for word in crate::expand::split_words(&arg.arguments.value, escape) {
                let (name, default) = match word.split_once('=') {
                    Some((name, default)) => (name, Some(default.to_owned())),
                    None => (word, None),
                };
                global_args.push(GlobalArg {
                    name: name.to_owned(),
                    default,
                });
            }
        }
        let mut stages = Vec::with_capacity(parsed.stages().len());
        let mut names = HashMap::new();
        for (index, stage) in parsed.stages().enumerate() {
            let from = Word {
                text: stage.from.image.value.to_string(),
                at: lines.location(text, stage.from.image.span.start),
            };
            let name = stage
                .from
                .as_
                .as_ref()
                .map(|(_, name)| name.value.to_string());
            if let Some(name) = &name {
                names.entry(name.to_lowercase()).or_insert(index);
            }
            let mut copies_from = Vec::new();
            for instruction in stage.instructions {
                if let parse_dockerfile::Instruction::Copy(copy) = instruction {
                    for flag in &copy.options {
                        if flag.name.value == "from"
                            && let Some(value) = &flag.value
                        {
                            copies_from.push(Word {
                                text: value.value.to_string(),
                                at: lines.location(text, value.span.start),
                            });
                        }
                    }
                }
            }
            stages.push(Stage {
                from,
                name,
                copies_from,
            });
        }
        Dockerfile {
            escape,
            global_args,
            stages,
            names,
            recovered,
        }
    }

    /// The index of the stage named `name` (without case), if any. When two stages share a
    /// name, the first one.
    pub fn stage_named(&self, name: &str) -> Option<usize> {
        self.names.get(&name.to_lowercase()).copied()
    }

    /// The stages, in file order (stage indexes are positions in this slice).
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// The global `ARG`s (before the first `FROM`), in file order.
    pub fn global_args(&self) -> &[GlobalArg] {
        &self.global_args
    }

    /// The escape character: a backslash, or a backtick when a `# escape=` directive says so.
    pub fn escape(&self) -> char {
        self.escape
    }

    /// The parse error of an instruction the reader ignored, if there was one.
    pub fn recovered(&self) -> Option<&SyntaxError> {
        self.recovered.as_ref()
    }
}

impl Stage {
    /// The `FROM` image token as written (continuations removed, `ARG`s not expanded).
    pub fn from(&self) -> &str {
        &self.from.text
    }

    /// Where the `FROM` image token starts.
    pub fn from_location(&self) -> Location {
        self.from.at
    }

    /// The `AS` name as written, if any.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The values of the stage's `COPY --from=...` flags as written, in order, each with
    /// where it starts.
    pub fn copies_from(&self) -> impl Iterator<Item = (&str, Location)> {
        self.copies_from.iter().map(|w| (w.text.as_str(), w.at))
    }
}

impl GlobalArg {
    /// The variable's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The default as written (quotes and variables not yet processed), if any.
    pub fn default(&self) -> Option<&str> {
        self.default.as_deref()
    }
}

fn syntax_error(error: &parse_dockerfile::Error, text: &str, lines: &LineIndex) -> SyntaxError {
    let at = (error.line() > 0).then(|| {
        // parse-dockerfile counts columns in bytes; count characters instead.
        let line_start = lines.start_of_line(error.line());
        let byte = (line_start + error.column().saturating_sub(1)).min(text.len());
        lines.location(text, byte)
    });
    SyntaxError {
        at,
        message: format!("{error:#}"),
    }
}

/// Byte offsets of line starts, for turning spans into lines and columns in O(log n).
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    fn start_of_line(&self, line: usize) -> usize {
        self.starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or_else(|| self.starts.last().copied().unwrap_or(0))
    }

    fn location(&self, text: &str, byte: usize) -> Location {
        let byte = byte.min(text.len());
        let line = self.starts.partition_point(|&s| s <= byte);
        let start = self.starts[line.saturating_sub(1).min(self.starts.len() - 1)];
        let column = text
            .get(start..byte)
            .map_or(byte - start, |s| s.chars().count());
        Location {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }
}

/// The escape character chosen by a `# escape=` parser directive at the top of the file.
pub(crate) fn escape_directive(text: &str) -> char {
    for line in text.lines() {
        let Some(comment) = line.trim_start().strip_prefix('#') else {
            break;
        };
        let Some((key, value)) = comment.split_once('=') else {
            break;
        };
        let key = key.trim().to_ascii_lowercase();
        if key == "escape" {
            return if value.trim() == "`" { '`' } else { '\\' };
        }
        if key != "syntax" && key != "check" {
            break;
        }
    }
    '\\'
}

/// The text with every instruction other than those of `keep` (uppercase keywords) replaced
/// by spaces (newlines kept), parser directives and comments left alone.
pub(crate) fn blank_instructions_except(text: &str, escape: char, keep: &[&str]) -> String {
    let mut out = text.as_bytes().to_vec();
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            lines.push(start..i);
            start = i + 1;
        }
    }
    if start < text.len() {
        lines.push(start..text.len());
    }
    let line_text = |i: usize| text[lines[i].clone()].trim_end_matches('\r');
    let continues = |line: &str| line.trim_end().ends_with(escape);
    let is_skippable = |line: &str| {
        let t = line.trim_start();
        t.is_empty() || t.starts_with('#')
    };

    let mut i = 0;
    while i < lines.len() {
        let first = line_text(i);
        if is_skippable(first) {
            i += 1;
            continue;
        }
        let keyword = first
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        // The logical instruction: continued lines, with comments and empty lines inside.
        let begin = i;
        let mut instruction = String::from(first);
        let mut current = first;
        while continues(current) && i + 1 < lines.len() {
            i += 1;
            current = line_text(i);
            if !is_skippable(current) {
                instruction.push(' ');
                instruction.push_str(current);
            }
        }
        // Heredoc bodies follow the instruction's last line.
        // BuildKit reads heredocs in `RUN`, `COPY` and `ADD` only.
        let delimiters = if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") {
            heredoc_delimiters(&instruction)
        } else {
            Vec::new()
        };
        for (delimiter, strip_tabs) in delimiters {
            while i + 1 < lines.len() {
                i += 1;
                let body = line_text(i);
                let body = if strip_tabs {
                    body.trim_start_matches('\t')
                } else {
                    body
                };
                if body == delimiter {
                    break;
                }
            }
        }
        if !keep.contains(&keyword.as_str()) {
            for line in &lines[begin..=i] {
                for byte in &mut out[line.clone()] {
                    if *byte != b'\r' {
                        *byte = b' ';
                    }
                }
            }
        }
        i += 1;
    }
    // Only ASCII spaces replaced whole lines' bytes, so the text is still UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The heredoc delimiters an instruction opens (`<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'`), with
/// whether leading tabs are stripped from the body.
fn heredoc_delimiters(instruction: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = instruction;
    while let Some(at) = rest.find("<<") {
        rest = &rest[at + 2..];
        let strip_tabs = rest.starts_with('-');
        if strip_tabs {
            rest = &rest[1..];
        }
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
        if let Some(q) = quote {
            rest = &rest[1..];
            let end = rest.find(q).unwrap_or(rest.len());
            let word = &rest[..end];
            if !word.is_empty() {
                out.push((word.to_owned(), strip_tabs));
            }
            rest = &rest[end..];
        } else {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
                .unwrap_or(rest.len());
            let word = &rest[..end];
            if !word.is_empty()
                && word
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            {
                out.push((word.to_owned(), strip_tabs));
            }
            rest = &rest[end..];
        }
    }
    out
}

#[cfg(test)]
mod tests;
