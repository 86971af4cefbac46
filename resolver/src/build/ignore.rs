//! `.dockerignore` as Docker reads it (moby's `ignorefile.ReadAll`) and matches it (moby's
//! `patternmatcher`, walking the context with each directory's results passed to its
//! entries, as BuildKit's file walker does).
//!
//! moby turns each pattern into a Go regular expression: `*` is `[^/]*`, `?` is `[^/]`, `**`
//! is `(.*/)?` (or `.*` at the end), `[...]` is passed through as a regular-expression class
//! and `\` escapes the next character. The same is done here without a regex engine (a small
//! set-of-states matcher, linear in the path), and the regular-expression forms moby would
//! accept by accident (`\d` inside a pattern, `[[:alpha:]]`, a `*` inside a class) are
//! refused as unsupported rather than guessed.

use super::glob::go_match;
use super::paths::go_clean;

/// A `.dockerignore` pattern that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IgnorePatternError {
    /// Docker refuses it too (Go's `filepath.Match` reports a syntax error, or a lone `!`).
    #[error(".dockerignore:{line}: `{pattern}` is not a valid pattern")]
    Invalid {
        /// 1-based line in `.dockerignore`.
        line: usize,
        /// The pattern as cleaned.
        pattern: String,
    },
    /// It uses a regular-expression form that moby accepts by accident; refused rather than
    /// guessed.
    #[error(
        ".dockerignore:{line}: `{pattern}` uses a form this reader does not support ({form}): write it with `*`, `?`, `**` and plain `[...]` classes"
    )]
    Unsupported {
        /// 1-based line in `.dockerignore`.
        line: usize,
        /// The pattern as cleaned.
        pattern: String,
        /// What is not supported.
        form: &'static str,
    },
}

/// The patterns of a `.dockerignore`, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct DockerIgnore {
    patterns: Vec<Pattern>,
}

#[derive(Debug, Clone)]
struct Pattern {
    exclusion: bool,
    rule: Rule,
}

/// moby's match types.
#[derive(Debug, Clone)]
enum Rule {
    Exact(String),
    /// `foo**`: the path starts with `foo`.
    Prefix(String),
    /// `**foo`: the path ends with `foo` (or is `foo` without its leading `/`).
    Suffix(String),
    Regex(Vec<Token>),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Char(char),
    /// `^` outside a class: a regex anchor, matches only at the start.
    Begin,
    /// `[^/]`
    NotSlash,
    /// `[^/]*`
    NotSlashRun,
    /// `.*` (a Go regex `.` does not match a newline)
    AnyRun,
    /// `(.*/)?`
    DirsOpt,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

/// Which patterns matched a directory (moby's `MatchInfo`), passed to its entries.
pub(crate) type ParentMatches = Vec<bool>;

impl DockerIgnore {
    /// Reads a `.dockerignore` (as UTF-8, invalid bytes replaced).
    pub(crate) fn parse(bytes: &[u8]) -> Result<DockerIgnore, IgnorePatternError> {
        let text = String::from_utf8_lossy(bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut patterns = Vec::new();
        for (index, line) in text.split('\n').enumerate() {
            let line_number = index + 1;
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.starts_with('#') {
                continue;
            }
            let mut pattern = line.trim();
            if pattern.is_empty() {
                continue;
            }
            let invert = pattern.starts_with('!');
            if invert {
                pattern = pattern[1..].trim();
            }
            let mut cleaned = String::new();
            if !pattern.is_empty() {
                cleaned = go_clean(pattern);
                if cleaned.len() > 1 && cleaned.starts_with('/') {
                    cleaned.remove(0);
                }
            }
            if invert {
                cleaned.insert(0, '!');
            }
            patterns.push(Pattern::new(&cleaned, line_number)?);
        }
        Ok(DockerIgnore { patterns })
    }

    /// No patterns: nothing is ignored.
    pub(crate) fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// What a walk starts with: no directory above the context's entries matched.
    pub(crate) fn root_matches(&self) -> ParentMatches {
        vec![false; self.patterns.len()]
    }

    /// Whether `path` (relative to the context, no leading `/`) is ignored, given what its
    /// directory matched; and what it matched, for its own entries (moby's
    /// `MatchesUsingParentResults`).
    pub(crate) fn matches(&self, path: &str, parent: &[bool]) -> (bool, ParentMatches) {
        let mut ignored = false;
        let mut info = vec![false; self.patterns.len()];
        for (i, pattern) in self.patterns.iter().enumerate() {
            let mut matched = parent.get(i).copied().unwrap_or(false);
            if !matched {
                // An inclusion is skipped once ignored, an exception until then.
                if pattern.exclusion != ignored {
                    continue;
                }
                matched = pattern.rule.matches(path);
            }
            info[i] = matched;
            if matched {
                ignored = !pattern.exclusion;
            }
        }
        (ignored, info)
    }

    /// Whether nothing below the directory `dir` can be ignored differently from `dir`
    /// itself: no pattern that `dir` did not match could match a path below it. When true,
    /// the directory's git tree id describes exactly what Docker would send.
    pub(crate) fn uniform_below(&self, dir: &str, dir_matches: &[bool]) -> bool {
        self.patterns
            .iter()
            .zip(dir_matches)
            .all(|(pattern, &matched)| matched || !pattern.rule.may_match_below(dir))
    }
}

impl Pattern {
    /// moby's `New` for one pattern: a leading `!` makes an exception; the pattern must be
    /// one Go's `filepath.Match` accepts.
    fn new(cleaned_line: &str, line: usize) -> Result<Pattern, IgnorePatternError> {
        let cleaned = go_clean(cleaned_line);
        let (exclusion, text) = match cleaned.strip_prefix('!') {
            Some("") => {
                return Err(IgnorePatternError::Invalid {
                    line,
                    pattern: cleaned,
                });
            }
            Some(rest) => (true, rest.to_owned()),
            None => (false, cleaned.clone()),
        };
        if go_match(&text, ".").is_err() {
            return Err(IgnorePatternError::Invalid {
                line,
                pattern: text,
            });
        }
        let rule = compile(&text).map_err(|form| IgnorePatternError::Unsupported {
            line,
            pattern: text.clone(),
            form,
        })?;
        Ok(Pattern { exclusion, rule })
    }
}

/// moby's `compile`: the match type and, for regular expressions, the tokens.
fn compile(pattern: &str) -> Result<Rule, &'static str> {
    #[derive(PartialEq)]
    enum Detected {
        Exact,
        Prefix,
        Suffix,
        Regex,
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut detected = Detected::Exact;
    let mut at = 0;
    let mut iteration = 0;
    while at < chars.len() {
        let ch = chars[at];
        at += 1;
        match ch {
            '*' if chars.get(at) == Some(&'*') => {
                at += 1;
                if chars.get(at) == Some(&'/') {
                    at += 1;
                }
                if at == chars.len() {
                    if detected == Detected::Exact {
                        detected = Detected::Prefix;
                    } else {
                        tokens.push(Token::AnyRun);
                        detected = Detected::Regex;
                    }
                } else {
                    tokens.push(Token::DirsOpt);
                    detected = Detected::Regex;
                }
                if iteration == 0 {
                    detected = Detected::Suffix;
                }
            }
            '*' => {
                tokens.push(Token::NotSlashRun);
                detected = Detected::Regex;
            }
            '?' => {
                tokens.push(Token::NotSlash);
                detected = Detected::Regex;
            }
            '\\' => match chars.get(at) {
                Some(&next) => {
                    at += 1;
                    tokens.push(Token::Char(regex_escape(next)?));
                    detected = Detected::Regex;
                }
                // A trailing `\` is a regex error in moby: nothing matches.
                None => return Err("a trailing `\\`"),
            },
            '[' => {
                let (class, next) = class(&chars, at)?;
                tokens.push(class);
                at = next;
                detected = Detected::Regex;
            }
            ']' => {
                tokens.push(Token::Char(']'));
                detected = Detected::Regex;
            }
            '^' => tokens.push(Token::Begin),
            other => tokens.push(Token::Char(other)),
        }
        iteration += 1;
    }
    Ok(match detected {
        // A `^` in an exact or affix pattern is compared as text, as moby does.
        Detected::Exact => Rule::Exact(pattern.to_owned()),
        Detected::Prefix => Rule::Prefix(pattern[..pattern.len() - 2].to_owned()),
        Detected::Suffix => Rule::Suffix(pattern[2..].to_owned()),
        Detected::Regex => Rule::Regex(tokens),
    })
}

/// The character a regex escape `\c` stands for, when it is a plain one.
fn regex_escape(c: char) -> Result<char, &'static str> {
    if c.is_ascii_punctuation() {
        Ok(c)
    } else {
        Err("a `\\` before a letter, a digit or a non-ASCII character")
    }
}

/// A `[...]` class starting after its `[` at `at`, as Go's regex parser reads the text moby
/// passes through; the token and where the text goes on.
fn class(chars: &[char], mut at: usize) -> Result<(Token, usize), &'static str> {
    let negated = chars.get(at) == Some(&'^');
    if negated {
        at += 1;
    }
    let mut ranges = Vec::new();
    let item = |at: &mut usize| -> Result<char, &'static str> {
        match chars.get(*at) {
            Some('\\') => {
                let c = chars.get(*at + 1).copied().ok_or("a trailing `\\`")?;
                *at += 2;
                regex_escape(c)
            }
            Some('*' | '?') => Err("a `*` or `?` inside a class"),
            Some('[') if chars.get(*at + 1) == Some(&':') => Err("a `[:name:]` class"),
            Some(&c) => {
                *at += 1;
                Ok(c)
            }
            None => Err("an unclosed class"),
        }
    };
    loop {
        if chars.get(at) == Some(&']') && !ranges.is_empty() {
            return Ok((Token::Class { negated, ranges }, at + 1));
        }
        let lo = item(&mut at)?;
        let hi = if chars.get(at) == Some(&'-') && chars.get(at + 1) != Some(&']') {
            at += 1;
            item(&mut at)?
        } else {
            lo
        };
        if hi < lo {
            return Err("a reversed range");
        }
        ranges.push((lo, hi));
    }
}

impl Rule {
    fn matches(&self, path: &str) -> bool {
        match self {
            Rule::Exact(text) => path == text,
            Rule::Prefix(prefix) => path.starts_with(prefix.as_str()),
            Rule::Suffix(suffix) => {
                path.ends_with(suffix.as_str())
                    || suffix.strip_prefix('/').is_some_and(|rest| path == rest)
            }
            Rule::Regex(tokens) => regex_match(tokens, path),
        }
    }

    /// Whether the rule could match some path below `dir` (conservative: `true` when unsure).
    fn may_match_below(&self, dir: &str) -> bool {
        let below = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let compatible = |prefix: &str| prefix.starts_with(&below) || below.starts_with(prefix);
        match self {
            Rule::Exact(text) => text.starts_with(&below) && text.len() > below.len(),
            Rule::Prefix(prefix) => compatible(prefix),
            Rule::Suffix(_) => true,
            Rule::Regex(tokens) => {
                let literal: String = tokens
                    .iter()
                    .map_while(|t| match t {
                        Token::Char(c) => Some(*c),
                        _ => None,
                    })
                    .collect();
                if !compatible(&literal) {
                    return false;
                }
                let crosses = tokens.iter().any(|t| {
                    matches!(t, Token::AnyRun | Token::DirsOpt)
                        || matches!(t, Token::Class { negated: true, .. })
                        || matches!(t, Token::Class { ranges, .. } if ranges.iter().any(|&(lo, hi)| lo <= '/' && '/' <= hi))
                });
                let slashes = tokens.iter().filter(|t| **t == Token::Char('/')).count();
                // A path below `dir` has more slashes than `dir`'s entries have.
                crosses || slashes >= below.matches('/').count()
            }
        }
    }
}

/// Whether the whole of `text` matches the tokens (anchored at both ends), by simulating
/// every possible position at once: linear in the text, whatever the pattern.
fn regex_match(tokens: &[Token], text: &str) -> bool {
    let n = tokens.len();
    // State k < n: before token k; n: done; n + 1 + k: inside the `.*` of a `DirsOpt` k.
    let mut current = vec![false; 2 * n + 1];
    let close = |states: &mut Vec<bool>, at_start: bool| {
        // Epsilon moves only go forward, so one pass in order reaches a fixed point.
        for k in 0..n {
            if !states[k] {
                continue;
            }
            match &tokens[k] {
                Token::NotSlashRun | Token::AnyRun => states[k + 1] = true,
                Token::DirsOpt => {
                    states[k + 1] = true;
                    states[n + 1 + k] = true;
                }
                Token::Begin if at_start => states[k + 1] = true,
                _ => {}
            }
        }
    };
    current[0] = true;
    close(&mut current, true);
    for c in text.chars() {
        let mut next = vec![false; 2 * n + 1];
        for k in 0..n {
            if current[k] {
                match &tokens[k] {
                    Token::Char(want) if *want == c => next[k + 1] = true,
                    Token::NotSlash if c != '/' => next[k + 1] = true,
                    Token::NotSlashRun if c != '/' => next[k] = true,
                    Token::AnyRun if c != '\n' => next[k] = true,
                    Token::Class { negated, ranges } => {
                        let inside = ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
                        if inside != *negated {
                            next[k + 1] = true;
                        }
                    }
                    _ => {}
                }
            }
            if current[n + 1 + k] && c != '\n' {
                next[n + 1 + k] = true;
                if c == '/' {
                    next[k + 1] = true;
                }
            }
        }
        close(&mut next, false);
        if !next.iter().any(|s| *s) {
            return false;
        }
        current = next;
    }
    current[n]
}

#[cfg(test)]
mod tests;
