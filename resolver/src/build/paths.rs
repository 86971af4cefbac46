//! Lexical path cleaning as Go's `path.Clean`, which Docker applies to `COPY` sources and
//! `.dockerignore` patterns before matching, and ci-tools to the Dockerfile paths it names.

/// The shortest path equivalent to `path` by lexical processing: `//` and `.` removed, `..`
/// resolved against the component before it (kept at the start of a relative path, dropped at
/// the root of an absolute one); `.` for an empty result.
pub fn go_clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests;
