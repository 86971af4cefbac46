//! Fuzzes the archive writer over arbitrary trees: each input line `path` (or `x path` for
//! an executable, `l path` for a symlink) adds an entry; `COPY` of every top-level name
//! follows. The archive must read back, hold only paths of the context, and be the same bytes
//! twice.
#![no_main]

use libfuzzer_sys::fuzz_target;
use resolver::{BuildDockerfile, InMemoryFiles, RepoFiles, RootBuildRequest};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut files = InMemoryFiles::new("fuzz").with_file("secret", "outside");
    let mut sources = Vec::new();
    for line in text.lines().take(64) {
        let (kind, path) = match line.split_once(' ') {
            Some(("x", path)) => ('x', path),
            Some(("l", path)) => ('l', path),
            _ => ('f', line),
        };
        let parts: Vec<&str> = path
            .split('/')
            // InMemoryFiles refuses `\` in paths (a separator elsewhere): keep to what it holds.
            .filter(|p| !p.is_empty() && *p != "." && *p != ".." && !p.contains('\\'))
            .collect();
        if parts.is_empty() {
            continue;
        }
        let repo_path = format!("ctx/{}", parts.join("/"));
        files = match kind {
            'x' => files.with_executable(repo_path, line.as_bytes().to_vec()),
            'l' => files.with_symlink(repo_path, "../secret"),
            _ => files.with_file(repo_path, line.as_bytes().to_vec()),
        };
        sources.push(path.to_owned());
    }
    let copies: String = sources.iter().map(|s| format!("COPY {s} /d/\n")).collect();
    files.insert("ctx/Dockerfile", format!("FROM scratch\n{copies}"));
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
    let mut first = Vec::new();
    let Ok(summary) = plan.write_archive(&files, &mut first) else {
        assert!(first.is_empty(), "a refused archive wrote nothing");
        return;
    };
    assert_eq!(summary.bytes, first.len() as u64);
    let mut second = Vec::new();
    plan.write_archive(&files, &mut second)
        .expect("the same archive twice");
    assert_eq!(first, second, "the archive is deterministic");
    let mut reader = tar::Archive::new(first.as_slice());
    for entry in reader.entries().expect("our archive reads back") {
        let entry = entry.expect("our archive entries read back");
        let path = entry
            .path()
            .expect("paths read back")
            .to_string_lossy()
            .into_owned();
        let path = path.trim_end_matches('/');
        assert!(
            !path.starts_with('/') && !path.split('/').any(|p| p == ".."),
            "{path}"
        );
        assert!(
            files.entry(&format!("ctx/{path}")).ok().flatten().is_some(),
            "{path}"
        );
    }
});
