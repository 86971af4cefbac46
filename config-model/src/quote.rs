//! Quoting text of the input in a message: cropped and on one line, so a hostile document
//! cannot flood or reshape an error.

/// Longest text of the input quoted in a message (a duplicate key, a scalar).
const MAX_QUOTED_CHARS: usize = 60;

/// Crops and flattens text quoted from the input so a message stays on one short line.
pub(crate) fn quote(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(MAX_QUOTED_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(MAX_QUOTED_CHARS).is_some() {
        out.push('…');
    }
    out
}
