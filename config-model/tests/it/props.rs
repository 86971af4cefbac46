//! Arbitrary input never panics the loaders.

use proptest::prelude::*;

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = config_model::parse_config_bytes(&bytes);
        let _ = config_model::parse_in_repo(&bytes);
    }

    /// Inputs made of YAML punctuation and key names reach deeper than random bytes.
    #[test]
    fn yaml_like_text_never_panics(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("build_root:"), Just("build_root_image:"), Just("from_dockerfile:"),
                Just("stage:"), Just("images:"), Just("items:"), Just("- "), Just("  "),
                Just("\n"), Just("&a "), Just("*a"), Just("["), Just("]"), Just("{"),
                Just("}"), Just(","), Just(": "), Just("'x'"), Just("-1"), Just("4.10"),
                Just("~"), Just("---\n"), Just("#"), Just("to: root"), Just("tag:"),
                Just("namespace: a"), Just("\t"), Just("!!str "), Just("<<: *a"),
            ],
            0..64,
        )
    ) {
        let text: String = parts.concat();
        if let Ok(config) = config_model::parse_config(&text) {
            let _ = config_model::validate_config(config);
        }
        let _ = config_model::parse_in_repo(text.as_bytes());
        let _ = config_model::parse_job_spec(&text);
    }
}
