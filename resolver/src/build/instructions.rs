//! What a Dockerfile reads from its build context: the sources of `COPY` and `ADD` without
//! `--from` (in every stage), and `RUN --mount=type=bind` without `from` (whose source
//! defaults to the context root). `ONBUILD` instructions run in other builds and are not read.
//!
//! Sources go through the shell-word processing BuildKit applies (quotes and the escape
//! character removed). A source that names a variable (`$SRC`) or a mount that cannot be read
//! plainly stands for the whole context: the inputs then cover everything the build could
//! read, which is never wrong, only less precise.

use std::collections::HashMap;

use crate::dockerfile::{blank_instructions_except, escape_directive};
use crate::expand;

/// One thing a Dockerfile reads from outside its stages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ContextRead {
    /// 1-based line of the instruction.
    pub(crate) line: usize,
    /// `COPY`, `ADD` or `RUN --mount`.
    pub(crate) instruction: &'static str,
    pub(crate) what: Read,
}

/// What is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Read {
    /// A path or glob relative to the context, after word processing.
    Path(String),
    /// A URL given to `ADD`: not in the context; its text is part of the key.
    Remote(String),
    /// The whole context, and why (a bind mount of the root, a source with a variable...).
    Context(&'static str),
}

/// The context reads of a Dockerfile; `Err` with the parser's message when even the
/// instructions that matter do not parse (the caller then takes the whole context).
pub(crate) fn context_reads(text: &str) -> Result<Vec<ContextRead>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let escape = escape_directive(text);
    match parse_dockerfile::parse(text) {
        Ok(parsed) => Ok(collect(&parsed, text, escape)),
        Err(_) => {
            let blanked =
                blank_instructions_except(text, escape, &["FROM", "ARG", "COPY", "ADD", "RUN"]);
            match parse_dockerfile::parse(&blanked) {
                Ok(parsed) => Ok(collect(&parsed, &blanked, escape)),
                Err(e) => Err(format!("{e:#}")),
            }
        }
    }
}

fn collect(
    parsed: &parse_dockerfile::Dockerfile<'_>,
    text: &str,
    escape: char,
) -> Vec<ContextRead> {
    use parse_dockerfile::{Instruction, Source};
    let line_of = |offset: usize| {
        text.get(..offset)
            .map_or(1, |t| t.matches('\n').count() + 1)
    };
    let mut reads = Vec::new();
    for stage in parsed.stages() {
        for instruction in stage.instructions {
            let (name, options, sources, keyword) = match instruction {
                Instruction::Copy(copy) => ("COPY", &copy.options, &copy.src, &copy.copy),
                Instruction::Add(add) => ("ADD", &add.options, &add.src, &add.add),
                Instruction::Run(run) => {
                    let line = line_of(run.run.span.start);
                    for flag in &run.options {
                        if flag.name.value == "mount" {
                            let value = flag.value.as_ref().map_or("", |v| v.value.as_ref());
                            if let Some(what) = bind_mount(value) {
                                reads.push(ContextRead {
                                    line,
                                    instruction: "RUN --mount",
                                    what,
                                });
                            }
                        }
                    }
                    continue;
                }
                _ => continue,
            };
            if options.iter().any(|flag| flag.name.value == "from") {
                continue;
            }
            let line = line_of(keyword.span.start);
            for source in sources {
                let Source::Path(path) = source else {
                    // A heredoc is written by the Dockerfile itself.
                    continue;
                };
                let raw = path.value.as_ref();
                let what = if name == "ADD" && is_remote(raw) {
                    Read::Remote(raw.to_owned())
                } else {
                    word(raw, escape)
                };
                reads.push(ContextRead {
                    line,
                    instruction: name,
                    what,
                });
            }
        }
    }
    reads
}

/// `ADD` of something fetched by the builder, not read from the context.
fn is_remote(source: &str) -> bool {
    ["http://", "https://", "git@", "git://", "ssh://"]
        .iter()
        .any(|prefix| source.starts_with(prefix))
}

/// A source after BuildKit's word processing; a variable makes it the whole context.
fn word(raw: &str, escape: char) -> Read {
    if raw.contains('$') {
        return Read::Context("a source names a variable");
    }
    match expand::expand(raw, escape, &HashMap::new()) {
        Ok(path) => Read::Path(path),
        Err(_) => Read::Context("a source could not be read as a shell word"),
    }
}

/// What a `--mount` value reads from the context, if anything. BuildKit reads the value as
/// CSV `key=value` fields; the type defaults to `bind`, the source to the context root.
fn bind_mount(value: &str) -> Option<Read> {
    if value.contains('"') || value.contains('$') {
        return Some(Read::Context("a `RUN --mount` could not be read plainly"));
    }
    let mut kind = "bind";
    let mut source = None;
    let mut from = false;
    for field in value.split(',') {
        let (key, val) = field.split_once('=').unwrap_or((field, ""));
        match key.trim().to_ascii_lowercase().as_str() {
            "type" => kind = val.trim(),
            "source" | "src" => source = Some(val.trim().to_owned()),
            "from" => from = true,
            _ => {}
        }
    }
    if !kind.eq_ignore_ascii_case("bind") || from {
        return None;
    }
    Some(match source {
        Some(source) if !source.is_empty() => Read::Path(source),
        _ => Read::Context("a `RUN --mount=type=bind` without `source` binds the context root"),
    })
}

#[cfg(test)]
mod tests;
