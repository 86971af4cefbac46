//! Strategies through the public API, with in-memory files.

use insta::assert_snapshot;
use resolver::{
    Error, FileError, InMemoryFiles, RepoFiles, Repositories, ResolvedRoot, StrategyKind,
    resolve_all,
};

use crate::{chain, config};

const BUILDER: &str = "registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.24-openshift-4.20";

/// Resolves every root of `yaml` with `files` as the tested repository.
fn resolve(yaml: &str, files: &[(&str, &str)]) -> Result<Vec<ResolvedRoot>, Error> {
    let config = config(yaml);
    let mut repo = InMemoryFiles::new("abc123 (base main + PR #12)");
    for (path, text) in files {
        repo.insert(*path, *text);
    }
    resolve_all(&config, &Repositories::new(&repo))
}

/// `strategy namespace/name:tag` of the first root, or the error chain.
fn check(yaml: &str, files: &[(&str, &str)]) -> String {
    match resolve(yaml, files) {
        Ok(roots) => {
            let root = &roots[0];
            let ist = root
                .image_stream_tag
                .as_ref()
                .map_or_else(|| "-".to_owned(), ToString::to_string);
            format!("{} {ist}", root.strategy)
        }
        Err(error) => chain(&error),
    }
}

const FROM_REPO: &str = "build_root:\n  from_repository: true\n";

fn with_images(images: &str) -> String {
    format!("{FROM_REPO}images:\n{images}")
}

fn multi_stage(builder: &str) -> String {
    format!(
        "FROM {builder} AS builder\nRUN make\nFROM registry.ci.openshift.org/ocp/4.20:base-rhel9\nCOPY --from=builder /a /a\n"
    )
}

#[test]
fn configured_image_stream_tag() {
    let yaml = "build_root:\n  image_stream_tag:\n    namespace: openshift\n    name: release\n    tag: golang-1.22\n";
    assert_snapshot!(check(yaml, &[]), @"image_stream_tag openshift/release:golang-1.22");
    let root = &resolve(yaml, &[]).unwrap()[0];
    assert_snapshot!(root.to_string(), @r"
    pipeline:root <- openshift/release:golang-1.22
      strategy: image_stream_tag
      from the config: `build_root.image_stream_tag` (line 3, column 5)
    ");
}

#[test]
fn in_repo_file_option_a() {
    let file = "build_root_image:\n  namespace: openshift\n  name: release\n  tag: \"1.22\"\n";
    assert_snapshot!(check(FROM_REPO, &[(".ci-operator.yaml", file)]), @"in_repo_file openshift/release:1.22");
}

#[test]
fn in_repo_file_warnings_are_explained() {
    let file = "build_root_image:\n  namespace: openshift\n  name: release\n  tag: x\n  use_build_cache: true\n";
    let root = &resolve(FROM_REPO, &[(".ci-operator.yaml", file)]).unwrap()[0];
    let text = root.to_string();
    assert!(text.contains("warning: .ci-operator.yaml:"), "{text}");
}

#[test]
fn in_repo_file_errors() {
    let both = "build_root_image:\n  namespace: a\n  name: b\n  tag: c\n  from_dockerfile: {}\n";
    let text = check(FROM_REPO, &[(".ci-operator.yaml", both)]);
    assert!(text.starts_with("error: build_root: `.ci-operator.yaml` at abc123 (base main + PR #12) is not a valid in-repo file\n  caused by: invalid .ci-operator.yaml"), "{text}");
    let empty = "build_root_image:\n  namespace: a\n  name: \"\"\n  tag: c\n";
    let text = check(FROM_REPO, &[(".ci-operator.yaml", empty)]);
    assert!(text.contains("must be non-empty"), "{text}");
    let text = check(FROM_REPO, &[(".ci-operator.yaml", "build_root_image: [\n")]);
    assert!(text.contains("is not a valid in-repo file"), "{text}");
}

#[test]
fn in_repo_file_bad_members_say_where_and_which_field() {
    let file = "build_root_image:\n  namespace: Open_Shift\n  name: release\n  tag: \"a b\"\n";
    let error = resolve(FROM_REPO, &[(".ci-operator.yaml", file)]).unwrap_err();
    let Error::InRepoFileInvalid { at, .. } = &error else {
        panic!("not InRepoFileInvalid: {error:?}");
    };
    assert_eq!((at.line, at.column), (2, 14));
    assert_snapshot!(chain(&error), @"error: build_root: `.ci-operator.yaml`:2:14 at abc123 (base main + PR #12): build_root_image.namespace: `Open_Shift` is not a valid namespace: a namespace is a DNS-1123 label (1 to 63 lowercase letters, digits and `-`, starting and ending with a letter or digit); write the namespace that holds the image stream, such as `openshift` or `ocp` (and 1 more)");
    // A file that is wrong in another way as well keeps the file's own summary.
    let also_empty = "build_root_image:\n  namespace: Open_Shift\n  name: \"\"\n  tag: c\n";
    let text = check(FROM_REPO, &[(".ci-operator.yaml", also_empty)]);
    assert!(text.contains("is not a valid in-repo file"), "{text}");
}

#[test]
fn by_convention_multi_stage() {
    let yaml = with_images("- dockerfile_path: Dockerfile\n  to: app\n");
    let dockerfile = multi_stage(BUILDER);
    assert_snapshot!(check(&yaml, &[("Dockerfile", &dockerfile)]), @"dockerfile ocp/builder:rhel-9-golang-1.24-openshift-4.20");
    let root = &resolve(&yaml, &[("Dockerfile", &dockerfile)]).unwrap()[0];
    assert_snapshot!(root.to_string(), @r"
    pipeline:root <- ocp/builder:rhel-9-golang-1.24-openshift-4.20
      strategy: dockerfile
      inferred by convention from the promoted Dockerfiles at abc123 (base main + PR #12) (no `.ci-operator.yaml`)
      image `app`: Dockerfile
        stage 0 `builder` (the first stage the final stage copies from)
        line 1, column 6: FROM registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.24-openshift-4.20
        -> ocp/builder:rhel-9-golang-1.24-openshift-4.20
    ");
}

#[test]
fn json_shape_is_the_cli_contract() {
    let yaml = with_images("- dockerfile_path: Dockerfile\n  to: app\n");
    let roots = resolve(&yaml, &[("Dockerfile", &multi_stage(BUILDER))]).unwrap();
    let json = serde_json::to_value(&roots[0]).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "image_stream_tag",
            "pipeline_tag",
            "ref",
            "source",
            "strategy"
        ]
    );
    assert_eq!(json["pipeline_tag"], "root");
    assert_eq!(json["ref"], serde_json::Value::Null);
    assert_eq!(json["strategy"], "dockerfile");
    assert_eq!(
        json["image_stream_tag"],
        serde_json::json!({"namespace": "ocp", "name": "builder", "tag": "rhel-9-golang-1.24-openshift-4.20"})
    );
    assert_eq!(
        serde_json::to_string(&roots[0].image_stream_tag).unwrap(),
        r#"{"namespace":"ocp","name":"builder","tag":"rhel-9-golang-1.24-openshift-4.20"}"#
    );
    assert_eq!(json["source"]["revision"], "abc123 (base main + PR #12)");
    assert_eq!(json["source"]["images"][0]["line"], 1);
    assert_eq!(json["source"]["images"][0]["via"], "pullspec");
}

#[test]
fn from_dockerfile_names_image_and_stage() {
    let yaml = with_images(
        "- dockerfile_path: a/Dockerfile\n  to: a\n- dockerfile_path: b/Dockerfile\n  to: b\n",
    );
    let b = "FROM registry.ci.openshift.org/ocp/builder:one AS first\nFROM registry.ci.openshift.org/ocp/builder:two AS second\nFROM registry.ci.openshift.org/ocp/4.20:base\nCOPY --from=first / /\n";
    let files = |file: &'static str| {
        [
            (
                "a/Dockerfile",
                multi_stage("registry.ci.openshift.org/ocp/builder:a"),
            ),
            ("b/Dockerfile", b.to_owned()),
            (".ci-operator.yaml", file.to_owned()),
        ]
    };
    let run = |file: &'static str| {
        let files = files(file);
        let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        check(&yaml, &refs)
    };
    assert_snapshot!(run("build_root_image:\n  from_dockerfile:\n    image: b\n"), @"dockerfile ocp/builder:one");
    assert_snapshot!(run("build_root_image:\n  from_dockerfile:\n    image: b\n    stage: second\n"), @"dockerfile ocp/builder:two");
    assert_snapshot!(run("build_root_image:\n  from_dockerfile:\n    image: b\n    stage: 1\n"), @"dockerfile ocp/builder:two");
    assert_snapshot!(run("build_root_image:\n  from_dockerfile:\n    image: b\n    stage: 7\n"), @r"
    error: build_root: `.ci-operator.yaml`:3:5 at abc123 (base main + PR #12) asks to infer the build root from a Dockerfile, and that failed
      caused by: b: b/Dockerfile: no stage `7`: the Dockerfile has 3 stage(s); name an existing stage (`AS` name or index from 0) in `build_root_image.from_dockerfile.stage`
    ");
    assert_snapshot!(run("build_root_image:\n  from_dockerfile:\n    image: c\n"), @r"
    error: build_root: `.ci-operator.yaml`:3:5 at abc123 (base main + PR #12) asks to infer the build root from a Dockerfile, and that failed
      caused by: no image `c` in the config's `images` (`.ci-operator.yaml`:3:12 `build_root_image.from_dockerfile.image`): name one of `a`, `b`
    ");
    // Without `image`, both images are considered and disagree.
    assert_snapshot!(run("build_root_image:\n  from_dockerfile: {}\n"), @r"
    error: build_root: `.ci-operator.yaml`:2:20 at abc123 (base main + PR #12) asks to infer the build root from a Dockerfile, and that failed
      caused by: images disagree: a=ocp/builder:a, b=ocp/builder:one: name the image to use in `.ci-operator.yaml` as `build_root_image.from_dockerfile.image`
    ");
}

#[test]
fn stage_choice_and_chains() {
    let yaml = with_images("- dockerfile_path: Dockerfile\n  to: app\n");
    let check_df = |dockerfile: &str| check(&yaml, &[("Dockerfile", dockerfile)]);
    // The first (in file order) of the stages the final stage copies from, not the first copy.
    assert_snapshot!(check_df("FROM registry.ci.openshift.org/x/a:1 AS a\nFROM registry.ci.openshift.org/x/b:1 AS b\nFROM registry.ci.openshift.org/x/c:1\nCOPY --from=b / /\nCOPY --from=a / /\n"), @"dockerfile x/a:1");
    // By index, and an image in `--from` is not a stage.
    assert_snapshot!(check_df("FROM registry.ci.openshift.org/x/a:1\nFROM registry.ci.openshift.org/x/b:1\nFROM registry.ci.openshift.org/x/c:1\nCOPY --from=quay.io/x/y:1 / /\nCOPY --from=1 / /\n"), @"dockerfile x/b:1");
    // No copy from a stage: the first stage.
    assert_snapshot!(check_df("FROM registry.ci.openshift.org/x/a:1\nFROM registry.ci.openshift.org/x/b:1\nCOPY --from=quay.io/x/y:1 / /\n"), @"dockerfile x/a:1");
    // A stage built on an earlier stage is followed to that stage's base, whatever the case.
    assert_snapshot!(check_df("FROM registry.ci.openshift.org/x/a:1 AS Base\nFROM base AS build\nFROM registry.ci.openshift.org/x/c:1\nCOPY --from=build / /\n"), @"dockerfile x/a:1");
    // `scratch` has no base.
    assert_snapshot!(check_df("FROM scratch AS a\nFROM registry.ci.openshift.org/x/c:1\nCOPY --from=a / /\n"), @r"
    error: build_root: `.ci-operator.yaml` does not exist at abc123 (base main + PR #12), and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: Dockerfile:1:6: stage 0 is `FROM scratch`, which has no base image to build in
    ");
}

#[test]
fn replacements() {
    let base_images = "base_images:\n  builder:\n    namespace: ocp\n    name: builder\n    tag: golang-1.24\n  os:\n    namespace: ocp\n    name: ubi\n    tag: \"9\"\n";
    let single = "FROM quay.io/somewhere/else:1\n";
    // `images[].from` replaces the final stage's FROM.
    let yaml = format!(
        "{FROM_REPO}{base_images}images:\n- dockerfile_path: Dockerfile\n  from: os\n  to: app\n"
    );
    assert_snapshot!(check(&yaml, &[("Dockerfile", single)]), @"dockerfile ocp/ubi:9");
    // An `inputs.<name>.as` token, exactly as written.
    let yaml = format!(
        "{FROM_REPO}{base_images}images:\n- dockerfile_path: Dockerfile\n  inputs:\n    builder:\n      as:\n      - quay.io/somewhere/else:1\n  to: app\n"
    );
    assert_snapshot!(check(&yaml, &[("Dockerfile", single)]), @"dockerfile ocp/builder:golang-1.24");
    let root = &resolve(&yaml, &[("Dockerfile", single)]).unwrap()[0];
    assert!(
        root.to_string()
            .contains("replaced by pipeline:builder through `inputs.builder.as`")
    );
    // A replacement by `root` is circular and ignored: the pull spec is used.
    let yaml = format!(
        "{FROM_REPO}{base_images}images:\n- dockerfile_path: Dockerfile\n  from: root\n  inputs:\n    root:\n      as:\n      - {BUILDER}\n  to: app\n"
    );
    assert_snapshot!(check(&yaml, &[("Dockerfile", &format!("FROM {BUILDER}\n"))]), @"dockerfile ocp/builder:rhel-9-golang-1.24-openshift-4.20");
    let root = &resolve(&yaml, &[("Dockerfile", &format!("FROM {BUILDER}\n"))]).unwrap()[0];
    assert!(root.to_string().contains("circular, ignored"), "{root}");
    // Another pipeline image is an error.
    let yaml = format!(
        "{FROM_REPO}{base_images}images:\n- dockerfile_path: Dockerfile\n  from: src\n  to: app\n"
    );
    assert_snapshot!(check(&yaml, &[("Dockerfile", single)]), @r"
    error: build_root: `.ci-operator.yaml` does not exist at abc123 (base main + PR #12), and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: Dockerfile:1:6: `from:src` replaces the `FROM` by `pipeline:src`, which is not a `base_images` entry: only a base image can be a build root
    ");
}

#[test]
fn arg_expansion_and_build_args() {
    let dockerfile =
        "ARG REG=registry.ci.openshift.org\nARG TAG\nFROM ${REG}/ocp/builder:${TAG:-golang-1.22}\n";
    let yaml = with_images("- dockerfile_path: Dockerfile\n  to: app\n");
    assert_snapshot!(check(&yaml, &[("Dockerfile", dockerfile)]), @"dockerfile ocp/builder:golang-1.22");
    let yaml = with_images(
        "- dockerfile_path: Dockerfile\n  build_args:\n  - name: TAG\n    value: golang-1.23\n  to: app\n",
    );
    assert_snapshot!(check(&yaml, &[("Dockerfile", dockerfile)]), @"dockerfile ocp/builder:golang-1.23");
    let unset = "ARG BASE\nFROM $BASE\n";
    let yaml = with_images("- dockerfile_path: Dockerfile\n  to: app\n");
    assert_snapshot!(check(&yaml, &[("Dockerfile", unset)]), @"
    error: build_root: `.ci-operator.yaml` does not exist at abc123 (base main + PR #12), and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: Dockerfile:2:6: `$BASE`: the ARG `BASE` has no value: give the ARG a default or a `build_args` entry, or add an `inputs.<alias>.as` replacement for `$BASE` and a `base_images.<alias>` entry
    ");
}

#[test]
fn pull_spec_forms() {
    let yaml = with_images("- dockerfile_path: Dockerfile\n  to: app\n");
    let check_from = |from: &str| check(&yaml, &[("Dockerfile", &format!("FROM {from}\n"))]);
    assert_snapshot!(check_from("quay-proxy.ci.openshift.org/openshift/ci:ocp_builder_rhel-9-golang-1.21-openshift-4.16"), @"dockerfile ocp/builder:rhel-9-golang-1.21-openshift-4.16");
    assert_snapshot!(check_from("registry.svc.ci.openshift.org/openshift/release"), @"dockerfile openshift/release:latest");
    assert_snapshot!(check_from("registry.ci.openshift.org/ocp/builder@sha256:0123"), @r"
    error: build_root: `.ci-operator.yaml` does not exist at abc123 (base main + PR #12), and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image gives a build root: app: Dockerfile:1:6: `registry.ci.openshift.org/ocp/builder@sha256:0123` is a digest, which cannot name an imagestreamtag: add an `inputs.<alias>.as` replacement for `registry.ci.openshift.org/ocp/builder@sha256:0123` and a `base_images.<alias>` entry
    ");
}

#[test]
fn which_images_are_considered() {
    // Optional images and images of other repositories are not; a missing Dockerfile is
    // reported and skipped; single-stage ones are skipped when another is multi-stage.
    let yaml = with_images(
        "- dockerfile_path: opt/Dockerfile\n  optional: true\n  to: opt\n\
         - dockerfile_path: other/Dockerfile\n  ref: org.other\n  to: other\n\
         - dockerfile_path: missing/Dockerfile\n  to: missing\n\
         - dockerfile_path: single/Dockerfile\n  to: single\n\
         - dockerfile_path: app/Dockerfile\n  to: app\n",
    );
    let files = [
        (
            "opt/Dockerfile",
            "FROM registry.ci.openshift.org/x/opt:1\nFROM b\n".to_owned(),
        ),
        (
            "single/Dockerfile",
            "FROM registry.ci.openshift.org/x/single:1\n".to_owned(),
        ),
        ("app/Dockerfile", multi_stage(BUILDER)),
    ];
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let root = &resolve(&yaml, &refs).unwrap()[0];
    assert_snapshot!(root.to_string(), @r"
    pipeline:root <- ocp/builder:rhel-9-golang-1.24-openshift-4.20
      strategy: dockerfile
      inferred by convention from the promoted Dockerfiles at abc123 (base main + PR #12) (no `.ci-operator.yaml`)
      image `app`: app/Dockerfile
        stage 0 `builder` (the first stage the final stage copies from)
        line 1, column 6: FROM registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.24-openshift-4.20
        -> ocp/builder:rhel-9-golang-1.24-openshift-4.20
      skipped single: single/Dockerfile: single-stage Dockerfile: a runtime base, not a builder
      skipped missing: missing/Dockerfile: the Dockerfile does not exist at abc123 (base main + PR #12): fix `context_dir`/`dockerfile_path` or add the file
    ");
    // Only optional images: nothing to infer from.
    let yaml = with_images("- dockerfile_path: Dockerfile\n  optional: true\n  to: opt\n");
    assert_snapshot!(check(&yaml, &[]), @r"
    error: build_root: `.ci-operator.yaml` does not exist at abc123 (base main + PR #12), and the build root cannot be inferred from the Dockerfiles of `images`: add a `.ci-operator.yaml` with `build_root_image`, or fix the cause below
      caused by: no image to infer the root from: every image is `optional` or built from another repository (`ref`): name the root in `.ci-operator.yaml` as `build_root_image: {namespace, name, tag}`
    ");
    // A lone single-stage image is used.
    let yaml = with_images("- dockerfile_path: Dockerfile\n  to: app\n");
    assert_snapshot!(check(&yaml, &[("Dockerfile", "FROM registry.ci.openshift.org/x/single:1\n")]), @"dockerfile x/single:1");
}

#[test]
fn multi_repo_roots() {
    let yaml = "build_root:\n  image_stream_tag:\n    namespace: a\n    name: b\n    tag: c\n\
                build_roots:\n  org.other:\n    from_repository: true\n  org.zzz:\n    image_stream_tag:\n      namespace: z\n      name: z\n      tag: z\n\
                images:\n- dockerfile_path: Dockerfile\n  ref: org.other\n  to: other\n";
    let config = config(yaml);
    let primary = InMemoryFiles::new("primary");
    let other = InMemoryFiles::new("other at def456").with_file("Dockerfile", multi_stage(BUILDER));
    let repos = Repositories::new(&primary).with("org.other", &other);
    let roots = resolve_all(&config, &repos).unwrap();
    let summary: Vec<String> = roots
        .iter()
        .map(|r| {
            format!(
                "{} {:?} {} {}",
                r.pipeline_tag,
                r.ref_,
                r.strategy,
                r.image_stream_tag.as_ref().unwrap()
            )
        })
        .collect();
    assert_snapshot!(summary.join("\n"), @r#"
    root None image_stream_tag a/b:c
    root-org.other Some("org.other") dockerfile ocp/builder:rhel-9-golang-1.24-openshift-4.20
    root-org.zzz Some("org.zzz") image_stream_tag z/z:z
    "#);
    let error = resolve_all(&config, &Repositories::new(&primary)).unwrap_err();
    assert!(!error.is_repository_unreadable());
    assert_snapshot!(chain(&error), @"error: build_roots[org.other]: the job has no repository `org.other` to read the build root from: add it to the job's refs or extra_refs");
}

#[test]
fn project_image_build_plan() {
    let yaml = "base_images:\n  go:\n    namespace: openshift\n    name: release\n    tag: golang-1.22\n\
                build_root:\n  project_image:\n    context_dir: images/root/\n    dockerfile_path: Dockerfile.root\n    build_args:\n    - name: V\n      value: \"2\"\n    inputs:\n      go:\n        as:\n        - golang:1.22\n";
    let dockerfile =
        "FROM golang:1.22 AS go\nFROM go AS chained\nFROM quay.io/x/tools:1\nENTRYPOINT []\n";
    let roots = resolve(yaml, &[("images/root/Dockerfile.root", dockerfile)]).unwrap();
    assert_eq!(roots[0].strategy, StrategyKind::ProjectImage);
    assert_snapshot!(roots[0].to_string(), @r"
    pipeline:root <- built from a Dockerfile
      strategy: project_image
      built from images/root/Dockerfile.root (3 stage(s)) in context `images/root` at abc123 (base main + PR #12)
        stage 0 `go`
        line 1, column 6: FROM golang:1.22
        replaced by pipeline:go through `inputs.go.as`
        -> openshift/release:golang-1.22
        stage 2
        line 3, column 6: FROM quay.io/x/tools:1
        -> no imagestreamtag: `quay.io/x/tools:1` is not on a CI registry: add an `inputs.<alias>.as` replacement for `quay.io/x/tools:1` and a `base_images.<alias>` entry
      build arg V=2
      input pipeline:go replaces golang:1.22
      note: an instruction the resolver does not read was ignored at line 4 (ENTRYPOINT instruction requires at least one argument)
    ");
    assert_snapshot!(check(yaml, &[]), @"error: build_root.project_image: images/root/Dockerfile.root: the Dockerfile does not exist at abc123 (base main + PR #12): fix `context_dir`/`dockerfile_path` or add the file");
    assert_snapshot!(check(yaml, &[("images/root/Dockerfile.root", "FROM\n")]), @"error: build_root.project_image: images/root/Dockerfile.root:1:1: invalid Dockerfile: FROM instruction requires at least one argument");
    let literal = "build_root:\n  project_image:\n    dockerfile_literal: |\n      FROM registry.ci.openshift.org/ocp/4.20:base\n";
    assert_snapshot!(check(literal, &[]), @"project_image -");
}

/// Files whose every read fails.
struct Broken;

impl RepoFiles for Broken {
    fn read(&self, path: &str, _max_bytes: u64) -> Result<Option<Vec<u8>>, FileError> {
        Err(FileError::unreadable(path, "object database corrupt"))
    }
    fn revision(&self) -> String {
        "abc123".to_owned()
    }
}

#[test]
fn unreadable_repository_is_its_own_kind() {
    let config = config(FROM_REPO);
    let error = resolve_all(&config, &Repositories::new(&Broken)).unwrap_err();
    assert!(error.is_repository_unreadable());
    assert_snapshot!(chain(&error), @r"
    error: build_root: cannot read the repository at abc123
      caused by: could not read `.ci-operator.yaml`
      caused by: object database corrupt
    ");
}
