//! Go's `path/filepath.Match` on Unix, which BuildKit uses to match `COPY`/`ADD` sources with
//! wildcards against the context: `*` (any run of non-`/` bytes), `?` (one non-`/`
//! character), `[...]` classes (`^` negates, `a-z` ranges, `\` escapes; a class may match
//! `/`), and `\` escaping the next character.
//!
//! It is a port of the algorithm rather than a translation to another glob dialect, so the
//! odd corners stay Go's: a malformed pattern matches nothing (BuildKit ignores the error),
//! and the rest of the pattern is still checked for syntax after a mismatch.

/// The pattern is malformed (Go's `ErrBadPattern`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadPattern;

/// Whether `name` matches `pattern`, as Go's `filepath.Match` (with `/` as the separator).
pub(crate) fn go_match(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    let mut pattern = pattern.as_bytes();
    let mut name = name.as_bytes();
    'pattern: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            // A trailing `*` matches the rest of the name unless it has a `/`.
            return Ok(!name.contains(&b'/'));
        }
        let (t, ok, err) = match_chunk(chunk, name);
        // The last chunk must exhaust the name, else a star may still match further on.
        if ok && (t.is_empty() || !pattern.is_empty()) {
            name = t;
            continue;
        }
        if let Some(err) = err {
            return Err(err);
        }
        if star {
            // Try the chunk after skipping 1..n bytes; a star cannot skip `/`.
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                let (t, ok, err) = match_chunk(chunk, &name[i + 1..]);
                if ok {
                    if pattern.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'pattern;
                }
                if let Some(err) = err {
                    return Err(err);
                }
                i += 1;
            }
        }
        // Before answering "no", check that the rest of the pattern is well formed.
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            if let (_, _, Some(err)) = match_chunk(chunk, b"") {
                return Err(err);
            }
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// Whether a path component holds a wildcard, as BuildKit's `containsWildcards` decides
/// (a `\` hides the next byte).
pub(crate) fn has_wildcards(component: &str) -> bool {
    let bytes = component.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'*' | b'?' | b'[' => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// Splits off the leading stars and the chunk up to the next star outside a class.
fn scan_chunk(pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut star = false;
    let mut pattern = pattern;
    while let [b'*', rest @ ..] = pattern {
        pattern = rest;
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &pattern[..i], &pattern[i..])
}

/// Matches one chunk at the start of `s`: the rest of `s` and whether it matched. After a
/// mismatch the chunk is still read to the end, to report a malformed pattern.
fn match_chunk<'s>(chunk: &[u8], s: &'s [u8]) -> (&'s [u8], bool, Option<BadPattern>) {
    let mut chunk = chunk;
    let mut s = s;
    let mut failed = false;
    while let Some(&first) = chunk.first() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match first {
            b'[' => {
                let mut r = 0u32;
                if !failed {
                    let (c, n) = decode(s);
                    r = c;
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let negated = chunk.first() == Some(&b'^');
                if negated {
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut ranges = 0;
                loop {
                    if chunk.first() == Some(&b']') && ranges > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let Ok((lo, rest)) = get_esc(chunk) else {
                        return (b"", false, Some(BadPattern));
                    };
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.first() == Some(&b'-') {
                        let Ok((h, rest)) = get_esc(&chunk[1..]) else {
                            return (b"", false, Some(BadPattern));
                        };
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    ranges += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            b'?' => {
                if !failed {
                    if s[0] == b'/' {
                        failed = true;
                    }
                    let (_, n) = decode(s);
                    s = &s[n..];
                }
                chunk = &chunk[1..];
            }
            _ => {
                if first == b'\\' {
                    chunk = &chunk[1..];
                    if chunk.is_empty() {
                        return (b"", false, Some(BadPattern));
                    }
                }
                if !failed {
                    if chunk[0] != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    if failed {
        (b"", false, None)
    } else {
        (s, true, None)
    }
}

/// One possibly escaped character of a class, and the rest of the chunk.
fn get_esc(chunk: &[u8]) -> Result<(u32, &[u8]), BadPattern> {
    let mut chunk = chunk;
    match chunk.first() {
        None | Some(b'-' | b']') => return Err(BadPattern),
        Some(b'\\') => {
            chunk = &chunk[1..];
            if chunk.is_empty() {
                return Err(BadPattern);
            }
        }
        Some(_) => {}
    }
    let (r, n) = decode(chunk);
    if r == u32::from(char::REPLACEMENT_CHARACTER) && n == 1 {
        return Err(BadPattern);
    }
    let rest = &chunk[n..];
    if rest.is_empty() {
        return Err(BadPattern);
    }
    Ok((r, rest))
}

/// The first UTF-8 character of `bytes` and its width; U+FFFD and 1 for an invalid byte, as
/// Go's `utf8.DecodeRune`.
fn decode(bytes: &[u8]) -> (u32, usize) {
    let Some(&first) = bytes.first() else {
        return (u32::from(char::REPLACEMENT_CHARACTER), 0);
    };
    let width = match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => return (u32::from(char::REPLACEMENT_CHARACTER), 1),
    };
    match bytes
        .get(..width)
        .and_then(|b| std::str::from_utf8(b).ok())
        .and_then(|s| s.chars().next())
    {
        Some(c) => (u32::from(c), width),
        None => (u32::from(char::REPLACEMENT_CHARACTER), 1),
    }
}

#[cfg(test)]
mod tests;
