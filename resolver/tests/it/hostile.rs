//! Hostile repositories: huge or deep Dockerfiles, exponential `ARG`s, paths that leave the
//! repository, oversized files. Each must fail cleanly (or succeed) in bounded work.

use insta::assert_snapshot;
use resolver::{InMemoryFiles, Problem, Repositories, resolve_all};

use crate::{chain, config};

const ONE_IMAGE: &str =
    "build_root:\n  from_repository: true\nimages:\n- dockerfile_path: Dockerfile\n  to: app\n";

fn resolve_dockerfile(dockerfile: impl Into<Vec<u8>>) -> Result<String, resolver::Error> {
    let config = config(ONE_IMAGE);
    let files = InMemoryFiles::new("hostile").with_file("Dockerfile", dockerfile);
    let roots = resolve_all(&config, &Repositories::new(&files))?;
    Ok(roots[0]
        .image_stream_tag
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default())
}

fn problem(result: Result<String, resolver::Error>) -> Problem {
    let error = result.expect_err("resolution fails");
    match error.inference() {
        Some(resolver::InferenceError::AllFailed { failures }) => failures[0].problem.clone(),
        _ => panic!("not an inference failure: {}", chain(&error)),
    }
}

#[test]
fn hundred_thousand_stages_chained() {
    let mut text = String::from("FROM registry.ci.openshift.org/ocp/builder:deep AS s0\n");
    for i in 1..100_000 {
        text.push_str(&format!("FROM s{} AS s{i}\n", i - 1));
    }
    text.push_str("FROM registry.ci.openshift.org/ocp/4.20:base\nCOPY --from=s99999 / /\n");
    assert_eq!(resolve_dockerfile(text).unwrap(), "ocp/builder:deep");
}

#[test]
fn exponential_arg_chain_is_refused() {
    let mut text = String::from("ARG A0=xxxxxxxxxxxxxxxx\n");
    for i in 1..=64 {
        text.push_str(&format!("ARG A{i}=${{A{}}}${{A{}}}\n", i - 1, i - 1));
    }
    text.push_str("FROM registry.ci.openshift.org/ocp/builder:$A64\n");
    let error = resolve_dockerfile(text).unwrap_err();
    let text = chain(&error);
    assert!(
        text.contains("Dockerfile:66:6: `registry.ci.openshift.org/ocp/builder:$A64`: the expansion is longer than 4096 bytes"),
        "{text}"
    );
}

#[test]
fn deeply_nested_expansion_is_refused() {
    let from = format!("{}x{}", "${U:-".repeat(100_000), "}".repeat(100_000));
    let problem = problem(resolve_dockerfile(format!("FROM {from}\n")));
    // The message shows the start of the token, not all of it.
    assert!(problem.to_string().len() < 1000, "{problem}");
    assert!(matches!(
        problem,
        Problem::Expansion {
            error: resolver::ExpandError::TooDeep { .. },
            ..
        }
    ));
}

#[test]
fn huge_and_binary_dockerfiles() {
    let huge = format!(
        "FROM registry.ci.openshift.org/a/b:c\n{}",
        "# padding\n".repeat(500_000)
    );
    assert_snapshot!(problem(resolve_dockerfile(huge)), @"the Dockerfile was refused: refused to read `Dockerfile`: the file has 5000037 bytes, more than the limit of 4194304");
    assert_snapshot!(problem(resolve_dockerfile(vec![0xff, 0xfe, b'F'])), @"the Dockerfile is not UTF-8 text");
}

#[test]
fn paths_leaving_the_repository_are_refused() {
    for (context_dir, dockerfile_path) in [
        ("..", "Dockerfile"),
        ("a/../..", "Dockerfile"),
        ("", "/etc/passwd"),
    ] {
        let yaml = format!(
            "build_root:\n  from_repository: true\nimages:\n- context_dir: \"{context_dir}\"\n  dockerfile_path: \"{dockerfile_path}\"\n  to: app\n"
        );
        let cfg = config(&yaml);
        let files = InMemoryFiles::new("hostile");
        let error = resolve_all(&cfg, &Repositories::new(&files)).unwrap_err();
        assert!(!error.is_repository_unreadable());
        let text = chain(&error);
        assert!(
            text.contains("the Dockerfile was refused: refused to read"),
            "{text}"
        );

        let yaml = format!(
            "build_root:\n  project_image:\n    context_dir: \"{context_dir}\"\n    dockerfile_path: \"{dockerfile_path}\"\n"
        );
        let cfg = config(&yaml);
        let error = resolve_all(&cfg, &Repositories::new(&files)).unwrap_err();
        assert!(!error.is_repository_unreadable());
        assert!(
            chain(&error).contains("the Dockerfile was refused"),
            "{}",
            chain(&error)
        );
    }
}

#[test]
fn huge_in_repo_file_is_refused() {
    let config = config("build_root:\n  from_repository: true\n");
    let files =
        InMemoryFiles::new("hostile").with_file(".ci-operator.yaml", vec![b'#'; 2 * 1024 * 1024]);
    let error = resolve_all(&config, &Repositories::new(&files)).unwrap_err();
    assert!(!error.is_repository_unreadable());
    assert_snapshot!(chain(&error), @r"
    error: build_root: a file of the repository at hostile was refused
      caused by: refused to read `.ci-operator.yaml`
      caused by: the file has 2097152 bytes, more than the limit of 1048576
    ");
}

#[test]
fn in_memory_files_refuse_unsafe_paths() {
    let files = InMemoryFiles::new("x").with_file("a", "b");
    use resolver::RepoFiles;
    for path in ["", "/a", "../a", "a/../../b", "a/..", "\\a"] {
        let error = files.read(path, 10).unwrap_err();
        assert_eq!(error.kind(), resolver::FileErrorKind::Refused, "{path}");
    }
    assert_eq!(files.read("a", 10).unwrap(), Some(b"b".to_vec()));
    assert_eq!(
        files.read("a", 0).unwrap_err().kind(),
        resolver::FileErrorKind::Refused
    );
}
