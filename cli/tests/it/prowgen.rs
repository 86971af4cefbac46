//! `ci-operator prowgen` against the corpus: what ci-tools' prowgen generates for real configs.

use crate::helpers::run;

#[test]
fn corpus_prowgen_matches_expected() {
    for case in crate::corpus::cases() {
        let config = case.dir.join("config.yaml");
        let result = run(&[
            "prowgen",
            "-q",
            "-o",
            "json",
            "--config",
            config.to_str().unwrap(),
        ]);
        assert_eq!(result.code, 0, "{}: {}", case.name, result.stderr);
        let got: serde_json::Value = serde_json::from_str(&result.stdout).unwrap();
        assert_eq!(got, case.expected["prowgen"], "{}", case.name);
    }
}

#[test]
fn yaml_output_skip_cloning() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.yaml");
    fs_err::write(&file, "build_root:\n  image_stream_tag: {namespace: openshift, name: release, tag: golang-1.22}\n").unwrap();
    let result = run(&["prowgen", "--config", file.to_str().unwrap()]);
    insta::assert_snapshot!(result.render(&[(dir.path(), "[TMP]")]), @"
    exit: 0
    --- stdout
    decoration_config:
      skip_cloning: true
    --- stderr
    ");
}

#[test]
fn private_and_full_clone() {
    let dir = tempfile::tempdir().unwrap();
    let private = dir.path().join("private.yaml");
    fs_err::write(
        &private,
        "build_root:\n  from_repository: true\nprowgen:\n  private: true\n",
    )
    .unwrap();
    let full = dir.path().join("full.yaml");
    fs_err::write(
        &full,
        "build_root:\n  from_repository: true\nprowgen:\n  disable_sparse_checkout: true\n",
    )
    .unwrap();
    let affected = dir.path().join("affected.yaml");
    fs_err::write(&affected, "build_root:\n  from_repository: true\nimages:\n  build_if_affected: true\n  items:\n  - to: x\n").unwrap();
    let mut out = String::new();
    for file in [&private, &full, &affected] {
        out.push_str(
            &run(&["prowgen", "--config", file.to_str().unwrap()]).render(&[(dir.path(), "[TMP]")]),
        );
    }
    insta::assert_snapshot!(out, @"
    exit: 0
    --- stdout
    decoration_config:
      sparse_checkout_files:
      - .ci-operator.yaml
      oauth_token_secret:
        key: oauth
        name: github-credentials-openshift-ci-robot-private-git-cloner
    --- stderr
    exit: 0
    --- stdout
    decoration_config: {}
    --- stderr
    exit: 0
    --- stdout
    decoration_config: {}
    --- stderr
    ");
}
