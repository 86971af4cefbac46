//! Fuzzes the resolution of what a Dockerfile reads from its context (`COPY`/`ADD` sources,
//! globs, `RUN --mount=type=bind`) over a fixed repository, then the archive of the result.
#![no_main]

use libfuzzer_sys::fuzz_target;
use resolver::{BuildDockerfile, InMemoryFiles, RepoFiles, RootBuildRequest};

fuzz_target!(|data: &[u8]| {
    let files = InMemoryFiles::new("fuzz")
        .with_file("outside", "outside the context")
        .with_file("ctx/Dockerfile", data.to_vec())
        .with_file("ctx/go.mod", "module x\n")
        .with_file("ctx/cmd/main.go", "package main\n")
        .with_file("ctx/cmd/sub/a.go", "package sub\n")
        .with_executable("ctx/hack/run.sh", "#!/bin/sh\n")
        .with_file("ctx/[x]/*?", "odd names\n")
        .with_symlink("ctx/link", "../outside");
    let request = RootBuildRequest {
        context_dir: "ctx".into(),
        dockerfile: BuildDockerfile::Path("ctx/Dockerfile".into()),
        build_args: Vec::new(),
        image_inputs: Default::default(),
        bases: Vec::new(),
    };
    let Ok(plan) = resolver::plan_root_build(&files, request) else {
        return;
    };
    for input in &plan.inputs {
        assert!(
            !input.path.starts_with('/'),
            "absolute input {:?}",
            input.path
        );
        assert!(
            !input.path.split('/').any(|p| p == ".." || p == "."),
            "unclean input {:?}",
            input.path
        );
        let repo_path = if input.path.is_empty() {
            "ctx".to_owned()
        } else {
            format!("ctx/{}", input.path)
        };
        let entry = files.entry(&repo_path).ok().flatten();
        assert!(
            entry.is_some_and(|e| e.id == input.id),
            "{input:?} is not in the context"
        );
    }
    let _ = plan.key(&Default::default());
    let mut archive = Vec::new();
    if plan.write_archive(&files, &mut archive).is_ok() {
        let mut reader = tar::Archive::new(archive.as_slice());
        for entry in reader.entries().expect("our archive reads back") {
            let entry = entry.expect("our archive entries read back");
            let path = entry
                .path()
                .expect("paths read back")
                .to_string_lossy()
                .into_owned();
            let path = path.trim_end_matches('/');
            assert!(
                files.entry(&format!("ctx/{path}")).ok().flatten().is_some(),
                "{path}"
            );
        }
    }
});
