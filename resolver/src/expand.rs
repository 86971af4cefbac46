//! `ARG` expansion in `FROM` lines, as BuildKit does it: `$V`, `${V}`, `${V:-w}`, `${V-w}`,
//! `${V:+w}`, `${V+w}`, `${V:?w}`, `${V?w}`, quotes and the escape character.
//!
//! The work is bounded: the input is read once (nested words are parsed in place, never
//! re-scanned), nesting is limited to [`MAX_DEPTH`] levels and every result to
//! [`MAX_EXPANDED_BYTES`], so an `ARG` chain that doubles at each step fails quickly instead of
//! growing exponentially.

use std::collections::HashMap;

/// The longest expansion accepted, in bytes. An image reference is far shorter.
pub(crate) const MAX_EXPANDED_BYTES: usize = 4096;

/// How deep `${V:-${W:-...}}` may nest.
pub(crate) const MAX_DEPTH: usize = 32;

/// Why an `ARG` expansion failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpandError {
    /// A variable without a value was used where its value is needed.
    #[error("the ARG `{name}` has no value")]
    Unset {
        /// The variable's name.
        name: String,
    },
    /// `${` without its `}`.
    #[error("`${{` is not closed by `}}`")]
    Unterminated,
    /// A quote without its closing quote.
    #[error("a {quote} quote is not closed")]
    UnterminatedQuote {
        /// `'` or `"`.
        quote: char,
    },
    /// A form the resolver does not evaluate (`${#V}`, `${V%s}`, `${V/a/b}`, `${V:0:2}`...).
    #[error(
        "the expansion form `{form}` is not supported (use `$V`, `${{V}}`, `${{V:-default}}`, `${{V-default}}`, `${{V:+alt}}` or `${{V+alt}}`)"
    )]
    Unsupported {
        /// The text of the form, up to where it was recognised.
        form: String,
    },
    /// The result would exceed 4096 bytes.
    #[error("the expansion is longer than {limit} bytes")]
    TooLong {
        /// The limit.
        limit: usize,
    },
    /// `${...}` nested more than 32 levels.
    #[error("expansions are nested more than {limit} levels deep")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
}

/// The value of an `ARG` in scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ArgValue {
    /// Declared with a value (a default or a build argument).
    Set(String),
    /// Declared without a value.
    Unset,
    /// Declared with a default that could not be expanded; using it fails with this error.
    Invalid(ExpandError),
}

/// Variables in scope, by name.
pub(crate) type Env = HashMap<String, ArgValue>;

/// Expands `word` with the variables of `env`, removing quotes and escape characters as
/// BuildKit does for `FROM`.
pub(crate) fn expand(word: &str, escape: char, env: &Env) -> Result<String, ExpandError> {
    let mut expander = Expander {
        text: word,
        pos: 0,
        escape,
        env,
    };
    expander.word(false, 0)
}

struct Expander<'a> {
    text: &'a str,
    pos: usize,
    escape: char,
    env: &'a Env,
}

fn push(out: &mut String, s: &str) -> Result<(), ExpandError> {
    if out.len() + s.len() > MAX_EXPANDED_BYTES {
        return Err(ExpandError::TooLong {
            limit: MAX_EXPANDED_BYTES,
        });
    }
    out.push_str(s);
    Ok(())
}

fn push_char(out: &mut String, c: char) -> Result<(), ExpandError> {
    let mut buf = [0u8; 4];
    push(out, c.encode_utf8(&mut buf))
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl<'a> Expander<'a> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// A word up to the end of the input, or (`in_braces`) up to an unquoted `}`, which is
    /// left for the caller.
    fn word(&mut self, in_braces: bool, depth: usize) -> Result<String, ExpandError> {
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                if in_braces {
                    return Err(ExpandError::Unterminated);
                }
                return Ok(out);
            };
            if in_braces && c == '}' {
                return Ok(out);
            }
            self.bump();
            if c == self.escape {
                match self.bump() {
                    Some(next) => push_char(&mut out, next)?,
                    None => push_char(&mut out, c)?,
                }
            } else if c == '\'' {
                let rest = &self.text[self.pos..];
                let Some(end) = rest.find('\'') else {
                    return Err(ExpandError::UnterminatedQuote { quote: '\'' });
                };
                push(&mut out, &rest[..end])?;
                self.pos += end + 1;
            } else if c == '"' {
                self.double_quoted(&mut out, depth)?;
            } else if c == '$' {
                self.dollar(&mut out, depth)?;
            } else {
                push_char(&mut out, c)?;
            }
        }
    }

    fn double_quoted(&mut self, out: &mut String, depth: usize) -> Result<(), ExpandError> {
        loop {
            let Some(c) = self.bump() else {
                return Err(ExpandError::UnterminatedQuote { quote: '"' });
            };
            if c == '"' {
                return Ok(());
            }
            if c == self.escape {
                match self.peek() {
                    Some(next) if next == '"' || next == '$' || next == self.escape => {
                        self.bump();
                        push_char(out, next)?;
                    }
                    _ => push_char(out, c)?,
                }
            } else if c == '$' {
                self.dollar(out, depth)?;
            } else {
                push_char(out, c)?;
            }
        }
    }

    /// After a `$`.
    fn dollar(&mut self, out: &mut String, depth: usize) -> Result<(), ExpandError> {
        match self.peek() {
            Some('{') => {
                self.bump();
                self.braced(out, depth)
            }
            Some(c) if is_name_char(c) => {
                let name = self.name();
                match self.lookup(name)? {
                    Some(value) => push(out, value),
                    None => Err(ExpandError::Unset {
                        name: name.to_owned(),
                    }),
                }
            }
            // A `$` that starts no expansion is kept, as BuildKit does.
            _ => push_char(out, '$'),
        }
    }

    fn name(&mut self) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(is_name_char) {
            self.bump();
        }
        let text: &'a str = self.text;
        &text[start..self.pos]
    }

    /// The value of a variable: `Ok(None)` when unset, an error when its default was invalid.
    fn lookup(&self, name: &str) -> Result<Option<&str>, ExpandError> {
        match self.env.get(name) {
            Some(ArgValue::Set(value)) => Ok(Some(value)),
            Some(ArgValue::Invalid(error)) => Err(error.clone()),
            Some(ArgValue::Unset) | None => Ok(None),
        }
    }

    /// After `${`.
    fn braced(&mut self, out: &mut String, depth: usize) -> Result<(), ExpandError> {
        let start = self.pos;
        let name = self.name().to_owned();
        if name.is_empty() {
            return Err(self.unsupported(start));
        }
        let op = match self.bump() {
            Some('}') => {
                return match self.lookup(&name)? {
                    Some(value) => push(out, value),
                    None => Err(ExpandError::Unset { name }),
                };
            }
            Some(':') => match self.bump() {
                Some(c @ ('-' | '+' | '?')) => (true, c),
                Some(_) => return Err(self.unsupported(start)),
                None => return Err(ExpandError::Unterminated),
            },
            Some(c @ ('-' | '+' | '?')) => (false, c),
            Some(_) => return Err(self.unsupported(start)),
            None => return Err(ExpandError::Unterminated),
        };
        if depth + 1 > MAX_DEPTH {
            return Err(ExpandError::TooDeep { limit: MAX_DEPTH });
        }
        // The alternative word is parsed even when it is not used, so the input is read once.
        let alternative = self.word(true, depth + 1)?;
        self.bump(); // the `}`, which `word` stopped at
        let value = self.lookup(&name)?;
        let (colon, op) = op;
        let present = match value {
            Some(v) => !colon || !v.is_empty(),
            None => false,
        };
        match op {
            '-' => match value {
                Some(v) if present => push(out, v),
                _ => push(out, &alternative),
            },
            '+' => {
                if present {
                    push(out, &alternative)
                } else {
                    Ok(())
                }
            }
            _ => match value {
                Some(v) if present => push(out, v),
                _ => Err(ExpandError::Unset { name }),
            },
        }
    }

    fn unsupported(&self, start: usize) -> ExpandError {
        let end = (self.pos).min(self.text.len());
        let form: String = self.text[start..end].chars().take(40).collect();
        ExpandError::Unsupported {
            form: format!("${{{form}"),
        }
    }
}

/// Expands `word` as BuildKit expands a `FROM` line: `$V`, `${V}`, `${V:-w}`, `${V-w}`,
/// `${V:+w}`, `${V+w}`, `${V:?w}` and `${V?w}` with the variables of `args`, removing quotes
/// and the `escape` character (a backslash, or [`Dockerfile::escape`](crate::Dockerfile::escape)).
/// A variable missing from `args` is unset. The result is at most 4096 bytes.
///
/// ```
/// use std::collections::BTreeMap;
///
/// let args = BTreeMap::from([("GO".to_owned(), "1.24".to_owned())]);
/// let image = resolver::expand_arg("registry.ci.openshift.org/ocp/builder:golang-${GO}", '\\', &args);
/// assert_eq!(image.unwrap(), "registry.ci.openshift.org/ocp/builder:golang-1.24");
/// assert_eq!(resolver::expand_arg("${OS:-rhel9}", '\\', &args).unwrap(), "rhel9");
/// assert!(resolver::expand_arg("$OS", '\\', &args).is_err());
/// ```
///
/// # Errors
///
/// [`ExpandError`] when a needed variable is unset, a quote or `${` is not closed, the form is
/// one the resolver does not evaluate (`${#V}`, `${V%s}`...), expansions nest more than 32
/// levels, or the result would be longer than 4096 bytes.
pub fn expand_arg(
    word: &str,
    escape: char,
    args: &std::collections::BTreeMap<String, String>,
) -> Result<String, ExpandError> {
    let env: Env = args
        .iter()
        .map(|(name, value)| (name.clone(), ArgValue::Set(value.clone())))
        .collect();
    expand(word, escape, &env)
}

/// Splits the arguments of an `ARG` instruction into words at unquoted, unescaped whitespace,
/// keeping quotes and escapes for [`expand`].
pub(crate) fn split_words(text: &str, escape: char) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                } else if c == escape && q == '"' {
                    chars.next();
                }
            }
            None => {
                if c.is_whitespace() {
                    if let Some(s) = start.take() {
                        words.push(&text[s..i]);
                    }
                    continue;
                }
                if start.is_none() {
                    start = Some(i);
                }
                if c == '\'' || c == '"' {
                    quote = Some(c);
                } else if c == escape {
                    chars.next();
                }
            }
        }
    }
    if let Some(s) = start {
        words.push(&text[s..]);
    }
    words
}

#[cfg(test)]
mod tests;
