//! Fuzzes the resolver's Dockerfile reader, then option B's inference over the same file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use resolver::{Dockerfile, InMemoryFiles, Repositories};

/// A config whose root is inferred from `Dockerfile`, with a `base_images` entry and an
/// `inputs.as` replacement so those rules run too.
const CONFIG: &str = "\
build_root:
  from_repository: true
base_images:
  base:
    namespace: ocp
    name: \"4.20\"
    tag: base-rhel9
images:
- dockerfile_path: Dockerfile
  to: app
  inputs:
    base:
      as:
      - registry.ci.openshift.org/ocp/4.20:base-rhel9
";

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        read(text);
    }
    infer(data);
});

/// Reads the Dockerfile and checks what the reader promises about it.
fn read(text: &str) {
    let Ok(dockerfile) = Dockerfile::parse(text) else {
        return;
    };
    let lines = text.split('\n').count();
    for (index, stage) in dockerfile.stages().iter().enumerate() {
        let at = stage.from_location();
        assert!(
            at.line >= 1 && at.column >= 1,
            "locations are 1-based: {at}"
        );
        assert!(
            at.line as usize <= lines,
            "{at} is past the last line ({lines})"
        );
        if let Some(name) = stage.name() {
            let named = dockerfile.stage_named(name);
            assert!(
                named.is_some_and(|i| i <= index),
                "stage {name:?} not found"
            );
        }
        for (_, at) in stage.copies_from() {
            assert!(
                at.line as usize <= lines,
                "{at} is past the last line ({lines})"
            );
        }
    }
    for arg in dockerfile.global_args() {
        let _ = (arg.name(), arg.default());
    }
    let _ = dockerfile.recovered().map(ToString::to_string);
}

/// Resolves a root from the Dockerfile as `from_repository: true` does.
fn infer(data: &[u8]) {
    let Ok(parsed) = config_model::parse_config(CONFIG) else {
        panic!("the fuzz config parses");
    };
    let Ok(config) = config_model::validate_config(parsed) else {
        panic!("the fuzz config is valid");
    };
    let files = InMemoryFiles::new("fuzz").with_file("Dockerfile", data.to_vec());
    match resolver::resolve_all(&config, &Repositories::new(&files)) {
        Ok(roots) => {
            for root in roots {
                let _ = format!("{root:?}");
            }
        }
        Err(error) => {
            let mut source: Option<&dyn std::error::Error> = Some(&error);
            while let Some(s) = source {
                let _ = s.to_string();
                source = s.source();
            }
        }
    }
}
