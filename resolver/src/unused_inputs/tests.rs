//! Unit tests of the `inputs.<name>.as` check.

use crate::InMemoryFiles;

use super::unused_inputs;

fn check(config: &str, dockerfile: &str, expected: &[&str]) {
    let config =
        config_model::validate_config(config_model::parse_config(config).unwrap()).unwrap();
    let files = InMemoryFiles::new("test").with_file("Dockerfile", dockerfile);
    let got: Vec<String> = unused_inputs(&config, None, &files)
        .unwrap()
        .iter()
        .map(|u| format!("{}:{}: {u}", u.line, u.column))
        .collect();
    assert_eq!(got, expected);
}

const CONFIG: &str = "build_root:\n  from_repository: true\nbase_images:\n  builder:\n    namespace: ocp\n    name: builder\n    tag: golang-1.22\nimages:\n- dockerfile_path: Dockerfile\n  to: app\n  inputs:\n    builder:\n      as:\n      - registry.ci.openshift.org/ocp/builder:golang-1.22\n      - quay.io/old/builder:1.20\n";

#[test]
fn an_entry_matching_no_from_is_reported_at_its_line() {
    check(
        CONFIG,
        "FROM registry.ci.openshift.org/ocp/builder:golang-1.22 AS build\nFROM scratch\nCOPY --from=build /a /a\n",
        &[
            "15:9: images[0].inputs.builder.as[1]: `quay.io/old/builder:1.20` matches no `FROM` or `COPY --from` of `Dockerfile`, so it replaces nothing: fix the entry or remove it",
        ],
    );
}

#[test]
fn copy_from_an_image_counts_as_a_use() {
    check(
        CONFIG,
        "FROM registry.ci.openshift.org/ocp/builder:golang-1.22\nCOPY --from=quay.io/old/builder:1.20 /a /a\n",
        &[],
    );
}

#[test]
fn unreadable_dockerfiles_are_left_to_resolution() {
    check(CONFIG, "this is not a Dockerfile\n", &[]);
}
