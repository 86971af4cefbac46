//! The pieces of option B used alone: the Dockerfile reader, `ARG` expansion and pull specs.

use std::collections::BTreeMap;

use insta::assert_snapshot;
use resolver::{Dockerfile, ExpandError, PullSpecError, expand_arg, pullspec_image_stream_tag};

#[test]
fn dockerfile_stages_args_and_locations() {
    let dockerfile = Dockerfile::parse(
        "# escape=`\n\
         ARG GO=1.24 OS\n\
         FROM --platform=linux/amd64 registry.ci.openshift.org/ocp/builder:golang-${GO} AS Builder\n\
         RUN make `\n  build\n\
         FROM registry.ci.openshift.org/ocp/4.20:base-rhel9\n\
         COPY --from=builder /bin/app /bin/app\n\
         COPY --from=quay.io/x/y:1 /etc/z /etc/z\n",
    )
    .unwrap();
    assert_eq!(dockerfile.escape(), '`');
    let args: Vec<_> = dockerfile
        .global_args()
        .iter()
        .map(|a| (a.name(), a.default()))
        .collect();
    assert_eq!(args, [("GO", Some("1.24")), ("OS", None)]);
    let stages: Vec<String> = dockerfile
        .stages()
        .iter()
        .map(|s| {
            let copies: Vec<String> = s
                .copies_from()
                .map(|(from, at)| format!("{from}@{at}"))
                .collect();
            format!(
                "{} {} as {:?} copies {copies:?}",
                s.from_location(),
                s.from(),
                s.name()
            )
        })
        .collect();
    assert_snapshot!(stages.join("\n"), @r#"
    3:29 registry.ci.openshift.org/ocp/builder:golang-${GO} as Some("Builder") copies []
    6:6 registry.ci.openshift.org/ocp/4.20:base-rhel9 as None copies ["builder@7:13", "quay.io/x/y:1@8:13"]
    "#);
    assert_eq!(dockerfile.stage_named("builder"), Some(0));
    assert_eq!(dockerfile.stage_named("runtime"), None);
    assert!(dockerfile.recovered().is_none());
}

#[test]
fn dockerfile_recovers_from_instructions_it_does_not_read() {
    let dockerfile =
        Dockerfile::parse("FROM registry.ci.openshift.org/ocp/4.20:base\nENTRYPOINT []\n").unwrap();
    assert_eq!(dockerfile.stages().len(), 1);
    assert!(dockerfile.recovered().is_some());
    let error = Dockerfile::parse("RUN true\n").unwrap_err();
    assert_snapshot!(error.to_string(), @"expected at least one FROM instruction");
}

#[test]
fn expansion_with_build_args() {
    let args = BTreeMap::from([
        ("GO".to_owned(), "1.24".to_owned()),
        ("EMPTY".to_owned(), String::new()),
    ]);
    assert_eq!(
        expand_arg("builder:golang-${GO}-${EMPTY:-x}${EMPTY-y}", '\\', &args).unwrap(),
        "builder:golang-1.24-x"
    );
    assert_eq!(expand_arg("\"a b\"`$GO", '`', &args).unwrap(), "a b$GO");
    assert_eq!(
        expand_arg("$OS", '\\', &args),
        Err(ExpandError::Unset {
            name: "OS".to_owned()
        })
    );
    assert_snapshot!(expand_arg("${GO%.*}", '\\', &args).unwrap_err(), @"the expansion form `${GO%` is not supported (use `$V`, `${V}`, `${V:-default}`, `${V-default}`, `${V:+alt}` or `${V+alt}`)");
}

#[test]
fn pullspec_errors_say_why() {
    let why = |p: &str| pullspec_image_stream_tag(p).unwrap_err().to_string();
    assert_eq!(
        pullspec_image_stream_tag("registry.ci.openshift.org/ocp/4.19").map(|i| i.to_string()),
        Ok("ocp/4.19:latest".to_owned())
    );
    assert_eq!(
        pullspec_image_stream_tag("quay.io/x/y:1"),
        Err(PullSpecError::NotCiRegistry)
    );
    assert_snapshot!(why("quay.io/x/y:1"), @"the image is not on a CI registry");
    assert_snapshot!(why("registry.ci.openshift.org/ocp/builder@sha256:abc"), @"a reference by digest names no imagestreamtag");
    assert_snapshot!(why("registry.ci.openshift.org/builder:1"), @"not an imagestreamtag reference: an image on a CI registry is `<namespace>/<name>[:<tag>]`");
    assert_snapshot!(why("quay-proxy.ci.openshift.org/openshift/ci:ocp_builder"), @"not an imagestreamtag reference: a QCI tag is `<namespace>_<name>_<tag>`");
    assert_snapshot!(why(""), @"the pull spec is empty");
}
