//! Fuzzes `ARG` expansion: the first line is the word, each further line a `NAME=value`
//! argument; a leading backtick selects the backtick escape character.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (escape, text) = match text.strip_prefix('`') {
        Some(rest) => ('`', rest),
        None => ('\\', text),
    };
    let mut lines = text.split('\n');
    let word = lines.next().unwrap_or_default();
    let args: BTreeMap<String, String> = lines
        .filter_map(|line| line.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    match resolver::expand_arg(word, escape, &args) {
        Ok(expanded) => {
            assert!(expanded.len() <= 4096, "expansions are at most 4096 bytes");
            // Without `$`, quotes or the escape character there is nothing to expand.
            if !word.contains(['$', '\'', '"', escape]) {
                assert_eq!(expanded, word);
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
