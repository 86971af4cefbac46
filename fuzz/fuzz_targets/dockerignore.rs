//! Fuzzes `.dockerignore` reading and matching: the input up to the first `\0` is the
//! `.dockerignore`, each later line a file of the context; `COPY . .` then resolves the context
//! through it. Checks that inputs are entries of the context, none inside another.
#![no_main]

use libfuzzer_sys::fuzz_target;
use resolver::{BuildDockerfile, InMemoryFiles, RepoFiles, RootBuildRequest};

fuzz_target!(|data: &[u8]| {
    let (ignore, rest) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &b""[..]),
    };
    let mut files = InMemoryFiles::new("fuzz")
        .with_file("Dockerfile", "FROM scratch\nCOPY . .\n")
        .with_file(".dockerignore", ignore.to_vec());
    for line in String::from_utf8_lossy(rest).lines().take(64) {
        let path: Vec<&str> = line
            .split('/')
            // InMemoryFiles refuses `\` in paths (a separator elsewhere): keep to what it holds.
            .filter(|p| !p.is_empty() && *p != "." && *p != ".." && !p.contains('\\'))
            .collect();
        if !path.is_empty() {
            files.insert(path.join("/"), line.as_bytes().to_vec());
        }
    }
    let request = RootBuildRequest {
        context_dir: String::new(),
        dockerfile: BuildDockerfile::Path("Dockerfile".into()),
        build_args: Vec::new(),
        image_inputs: Default::default(),
        bases: Vec::new(),
    };
    let Ok(plan) = resolver::plan_root_build(&files, request) else {
        return;
    };
    let mut previous: Option<&str> = None;
    for input in &plan.inputs {
        let entry = files.entry(&input.path).ok().flatten();
        assert!(entry.is_some_and(|e| e.id == input.id), "{input:?}");
        if let Some(previous) = previous {
            assert!(
                !(input.path.starts_with(previous)
                    && input.path[previous.len()..].starts_with('/')),
                "{:?} is inside {previous:?}",
                input.path
            );
        }
        previous = Some(&input.path);
    }
});
