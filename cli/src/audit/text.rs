//! Errors as the one line an audit entry has room for.

/// `error: cause: cause`, each text once (libraries that repeat their source in their own
/// message are not printed twice), on one line, with URL credentials redacted.
pub(crate) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    let line = parts
        .join(": ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    repo_source::redact_credentials(&line).into_owned()
}
