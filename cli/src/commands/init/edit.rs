//! Edits of a YAML file's text by top-level block, so that every other line and comment stays
//! byte for byte: `init` replaces `build_root:` in the config and adds or replaces
//! `build_root_image:` in `.ci-operator.yaml` this way, never by re-serializing a document
//! (which would drop comments, reorder keys and re-quote values).

use std::ops::Range;

/// The lines of the top-level block `key:`: its line, then every line that is indented, or
/// blank with an indented line after it. A flow mapping (`key: {...}`) or a scalar is one line.
fn block_lines(lines: &[&str], key: &str) -> Option<Range<usize>> {
    let prefix = format!("{key}:");
    let start = lines.iter().position(|l| l.starts_with(&prefix))?;
    let value = lines[start][prefix.len()..].trim();
    let mut end = start + 1;
    if value.is_empty() || value.starts_with('#') {
        while end < lines.len() {
            let line = lines[end];
            let indented = line.starts_with(' ') || line.starts_with('\t');
            let blank_inside = line.trim().is_empty()
                && lines[end..]
                    .iter()
                    .find(|l| !l.trim().is_empty())
                    .is_some_and(|l| l.starts_with(' '));
            if indented || blank_inside {
                end += 1;
            } else {
                break;
            }
        }
    }
    Some(start..end)
}

/// Whether `text` has a top-level `key:`.
pub(crate) fn has_block(text: &str, key: &str) -> bool {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    block_lines(&lines, key).is_some()
}

/// `text` with the top-level block `key:` replaced by `block` (which ends with a newline);
/// `None` when there is no such block.
pub(crate) fn replace_block(text: &str, key: &str, block: &str) -> Option<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let range = block_lines(&lines, key)?;
    let mut out = String::with_capacity(text.len() + block.len());
    for line in &lines[..range.start] {
        out.push_str(line);
    }
    out.push_str(block);
    for line in &lines[range.end..] {
        out.push_str(line);
    }
    Some(out)
}

/// `text` with `block` added at the end, on a line of its own.
pub(crate) fn append_block(text: &str, block: &str) -> String {
    let mut out = String::with_capacity(text.len() + block.len() + 1);
    out.push_str(text);
    if !text.is_empty() && !text.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(block);
    out
}

#[cfg(test)]
mod tests;
