//! Tests of `ARG` expansion.

use proptest::prelude::*;

use super::*;

fn env(vars: &[(&str, Option<&str>)]) -> Env {
    vars.iter()
        .map(|(k, v)| {
            let value = match v {
                Some(v) => ArgValue::Set((*v).to_owned()),
                None => ArgValue::Unset,
            };
            ((*k).to_owned(), value)
        })
        .collect()
}

/// Expands `word` with `A=a`, `EMPTY=` and `UNSET` declared without a value.
fn check(word: &str, expected: Result<&str, ExpandError>) {
    let env = env(&[("A", Some("a")), ("EMPTY", Some("")), ("UNSET", None)]);
    assert_eq!(
        expand(word, '\\', &env),
        expected.map(str::to_owned),
        "expanding {word:?}"
    );
}

fn unset(name: &str) -> ExpandError {
    ExpandError::Unset {
        name: name.to_owned(),
    }
}

#[test]
fn plain_and_braced() {
    check("x-$A-y", Ok("x-a-y"));
    check("x-${A}-y", Ok("x-a-y"));
    check("$A$A", Ok("aa"));
    check("registry/x:${A}1", Ok("registry/x:a1"));
    check("$EMPTY", Ok(""));
}

#[test]
fn defaults_and_alternatives() {
    check("${UNSET:-w}", Ok("w"));
    check("${EMPTY:-w}", Ok("w"));
    check("${A:-w}", Ok("a"));
    check("${UNSET-w}", Ok("w"));
    check("${EMPTY-w}", Ok(""));
    check("${NOPE-w}", Ok("w"));
    check("${A:+w}", Ok("w"));
    check("${EMPTY:+w}", Ok(""));
    check("${EMPTY+w}", Ok("w"));
    check("${UNSET+w}", Ok(""));
    check("${A:?must}", Ok("a"));
    check("${UNSET:?must}", Err(unset("UNSET")));
    check("${UNSET:-${A}}", Ok("a"));
    check("${UNSET:-${NOPE:-deep}}", Ok("deep"));
}

#[test]
fn unset_variables_fail() {
    check("$UNSET", Err(unset("UNSET")));
    check("${NOPE}", Err(unset("NOPE")));
    check("x:${TAG}", Err(unset("TAG")));
}

#[test]
fn quotes_and_escapes() {
    check("\"$A\"", Ok("a"));
    check("'$A'", Ok("$A"));
    check("\\$A", Ok("$A"));
    check("a\\ b", Ok("a b"));
    check("\"x\\\"y\"", Ok("x\"y"));
    check(
        "'unterminated",
        Err(ExpandError::UnterminatedQuote { quote: '\'' }),
    );
    check(
        "\"unterminated",
        Err(ExpandError::UnterminatedQuote { quote: '"' }),
    );
    check("trailing\\", Ok("trailing\\"));
}

#[test]
fn lone_dollars_are_kept() {
    check("$", Ok("$"));
    check("a$-b", Ok("a$-b"));
}

#[test]
fn unsupported_and_malformed_forms() {
    check("${A", Err(ExpandError::Unterminated));
    check("${A:-w", Err(ExpandError::Unterminated));
    check(
        "${#A}",
        Err(ExpandError::Unsupported {
            form: "${".to_owned(),
        }),
    );
    check(
        "${A%suffix}",
        Err(ExpandError::Unsupported {
            form: "${A%".to_owned(),
        }),
    );
    check(
        "${A:0:2}",
        Err(ExpandError::Unsupported {
            form: "${A:0".to_owned(),
        }),
    );
}

#[test]
fn backtick_escape() {
    let env = env(&[("A", Some("a"))]);
    assert_eq!(expand("`$A-$A", '`', &env).unwrap(), "$A-a");
    assert_eq!(expand("c:\\dir", '`', &env).unwrap(), "c:\\dir");
}

#[test]
fn invalid_defaults_fail_when_used() {
    let mut env = Env::new();
    env.insert(
        "BAD".to_owned(),
        ArgValue::Invalid(ExpandError::TooLong { limit: 1 }),
    );
    assert_eq!(
        expand("$BAD", '\\', &env),
        Err(ExpandError::TooLong { limit: 1 })
    );
    assert_eq!(expand("ok", '\\', &env).unwrap(), "ok");
}

#[test]
fn doubling_chain_is_cut_off() {
    // ARG A0=xxxxxxxx, A1=$A0$A0, ... : 2^40 bytes if nothing stopped it.
    let mut env = Env::new();
    env.insert("A0".to_owned(), ArgValue::Set("x".repeat(8)));
    for i in 1..=40 {
        let word = format!("${{A{0}}}${{A{0}}}", i - 1);
        let value = match expand(&word, '\\', &env) {
            Ok(v) => ArgValue::Set(v),
            Err(e) => ArgValue::Invalid(e),
        };
        env.insert(format!("A{i}"), value);
    }
    assert_eq!(
        expand("$A40", '\\', &env),
        Err(ExpandError::TooLong {
            limit: MAX_EXPANDED_BYTES
        })
    );
    assert_eq!(expand("$A9", '\\', &env).unwrap().len(), 4096);
}

#[test]
fn deep_nesting_is_refused() {
    let word = format!("{}x{}", "${U:-".repeat(1000), "}".repeat(1000));
    assert_eq!(
        expand(&word, '\\', &Env::new()),
        Err(ExpandError::TooDeep { limit: MAX_DEPTH })
    );
    let word = format!("{}x{}", "${U:-".repeat(MAX_DEPTH), "}".repeat(MAX_DEPTH));
    assert_eq!(expand(&word, '\\', &Env::new()).unwrap(), "x");
}

#[test]
fn long_input_is_refused_in_linear_time() {
    let word = "a".repeat(10 * 1024 * 1024);
    assert_eq!(
        expand(&word, '\\', &Env::new()),
        Err(ExpandError::TooLong {
            limit: MAX_EXPANDED_BYTES
        })
    );
}

#[test]
fn split_words_keeps_quotes() {
    assert_eq!(
        split_words("A=1  B=\"x y\" C='p q' D=a\\ b E", '\\'),
        vec!["A=1", "B=\"x y\"", "C='p q'", "D=a\\ b", "E"]
    );
    assert_eq!(split_words("   ", '\\'), Vec::<&str>::new());
}

/// Quotes `s` so that expansion gives `s` back.
fn quote(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if matches!(c, '\\' | '$' | '"' | '\'' | ' ') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

proptest! {
    #[test]
    fn never_panics(word in "\\PC{0,64}", value in "\\PC{0,16}") {
        let env = env(&[("A", Some(value.as_str())), ("U", None)]);
        let _ = expand(&word, '\\', &env);
        let _ = expand(&word, '`', &env);
        let _ = split_words(&word, '\\');
    }

    #[test]
    fn dollar_heavy_input_never_panics(word in "[${}:+?\\-A-C\"'\\\\]{0,64}") {
        let env = env(&[("A", Some("a")), ("B", Some("")), ("C", None)]);
        let _ = expand(&word, '\\', &env);
    }

    #[test]
    fn escaped_text_round_trips(s in "\\PC{0,64}") {
        prop_assert_eq!(expand(&quote(&s), '\\', &Env::new()), Ok(s.clone()));
        let single = format!("'{}'", s.replace('\'', ""));
        prop_assert_eq!(expand(&single, '\\', &Env::new()), Ok(s.replace('\'', "")));
    }

    #[test]
    fn variables_expand_to_their_values(value in "[a-z0-9./:_-]{0,32}", prefix in "[a-z/]{0,8}") {
        let env = env(&[("V", Some(value.as_str()))]);
        prop_assert_eq!(expand(&format!("{prefix}${{V}}"), '\\', &env), Ok(format!("{prefix}{value}")));
        prop_assert_eq!(expand(&format!("{prefix}$V"), '\\', &env), Ok(format!("{prefix}{value}")));
        let expected = if value.is_empty() { "d".to_owned() } else { value.clone() };
        prop_assert_eq!(expand("${V:-d}", '\\', &env), Ok(expected));
    }
}
