//! Fuzzes the ci-operator config loader: YAML bytes to a `Config`, then every validation rule.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match config_model::parse_config_bytes(data) {
        Ok(config) => {
            let text = std::str::from_utf8(data).ok();
            for diagnostic in config_model::diagnostics(&config) {
                let _ = diagnostic.render(Some("config.yaml"));
                let _ = diagnostic.to_string();
                if let Some(text) = text {
                    check_position(text, diagnostic.pos.line);
                }
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});

/// A diagnostic points inside the file (or just past its end). YAML breaks lines at `\n`,
/// `\r\n` and a lone `\r`.
fn check_position(text: &str, line: u32) {
    let lines = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .split('\n')
        .count();
    assert!(
        usize::try_from(line).unwrap_or(usize::MAX) <= lines + 1,
        "line {line} past the end ({lines} lines)"
    );
}
