//! Fuzzes the Prow `JOB_SPEC` parser on UTF-8 input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    match config_model::parse_job_spec(json) {
        Ok(spec) => {
            let _ = format!("{spec:?}");
            for refs in spec.refs.iter().chain(&spec.extra_refs) {
                let _ = refs.key();
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
