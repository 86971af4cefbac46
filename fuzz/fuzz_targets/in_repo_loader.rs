//! Fuzzes the `.ci-operator.yaml` loader: bytes to an `InRepo` or every problem as diagnostics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match config_model::parse_in_repo(data) {
        Ok(in_repo) => {
            let root = in_repo.config.build_root_image.as_ref();
            assert!(
                root.is_some(),
                "a valid .ci-operator.yaml has a build_root_image"
            );
            let _ = root.map(|r| r.value.image_stream_tag());
            for diagnostic in &in_repo.warnings {
                let _ = diagnostic.render(Some(".ci-operator.yaml"));
            }
        }
        Err(error) => {
            let _ = error.to_string();
            let diagnostics = error.diagnostics();
            assert!(
                !diagnostics.is_empty(),
                "an invalid .ci-operator.yaml reports at least one problem"
            );
            for diagnostic in diagnostics {
                let _ = diagnostic.render(Some(".ci-operator.yaml"));
            }
        }
    }
});
