//! Unit tests of the imagestreamtag rules.

use proptest::prelude::*;

use super::*;

#[test]
fn namespaces() {
    for ok in [
        "openshift",
        "ocp",
        "ci",
        "a",
        "build-cache",
        "0",
        &"a".repeat(63),
    ] {
        assert_eq!(check_namespace(ok), Ok(()), "{ok:?}");
    }
    for bad in [
        "",
        "Open_Shift",
        "OpenShift",
        "-a",
        "a-",
        "a.b",
        "a_b",
        "a b",
        &"a".repeat(64),
    ] {
        assert_eq!(check_namespace(bad), Err(NAMESPACE_RULE), "{bad:?}");
    }
}

#[test]
fn stream_names() {
    for ok in [
        "release", "4.20", "builder", "git-sync", "a_b", "a.b-c_d", "0",
    ] {
        assert_eq!(check_stream_name(ok), Ok(()), "{ok:?}");
    }
    let longest = "a".repeat(253);
    assert_eq!(check_stream_name(&longest), Ok(()));
    for bad in [
        "", "rel ease", "Release", "a--b", "a..b", "a._b", ".a", "a.", "-a", "a-", "_a", "a/b",
        "a%b", ".", "..", "a:b", "é",
    ] {
        assert_eq!(check_stream_name(bad), Err(NAME_RULE), "{bad:?}");
    }
    assert_eq!(check_stream_name(&"a".repeat(254)), Err(NAME_RULE));
}

#[test]
fn tags() {
    for ok in [
        "golang-1.22",
        "4.10",
        "latest",
        "_x",
        "A",
        "rhel-9-release-golang-1.23-openshift-4.19",
    ] {
        assert_eq!(check_tag(ok), Ok(()), "{ok:?}");
    }
    assert_eq!(check_tag(&"a".repeat(128)), Ok(()));
    for bad in ["", "a b", ".a", "-a", "a:b", "a/b", "a@b", &"a".repeat(129)] {
        assert_eq!(check_tag(bad), Err(TAG_RULE), "{bad:?}");
    }
}

#[test]
fn namespace_and_name_together_are_at_most_255() {
    let name = "n".repeat(200);
    assert!(ImageStreamTag::new("a".repeat(54), name.as_str(), "t").is_ok());
    let err = ImageStreamTag::new("a".repeat(55), name.as_str(), "t").unwrap_err();
    assert_eq!(
        (err.member, err.problem),
        (Member::Name, NAMESPACE_NAME_RULE)
    );
}

#[test]
fn errors_name_the_first_bad_member() {
    let err = ImageStreamTag::new("Open_Shift", "rel ease", "a b").unwrap_err();
    insta::assert_snapshot!(err, @"invalid namespace `Open_Shift`: a namespace is a DNS-1123 label (1 to 63 lowercase letters, digits and `-`, starting and ending with a letter or digit)");
    let all: Vec<String> = problems("Open_Shift", "rel ease", "a b")
        .iter()
        .map(ToString::to_string)
        .collect();
    insta::assert_snapshot!(all.join("\n"), @"
    invalid namespace `Open_Shift`: a namespace is a DNS-1123 label (1 to 63 lowercase letters, digits and `-`, starting and ending with a letter or digit)
    invalid name `rel ease`: an image stream name is 1 to 253 lowercase letters and digits, in runs joined by a single `.`, `_` or `-` (OpenShift's `[a-z0-9]+([._-][a-z0-9]+)*`)
    invalid tag `a b`: a tag is 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`
    ");
    let err = ImageStreamTag::new("openshift", "release", "").unwrap_err();
    insta::assert_snapshot!(err, @"missing tag: a tag is 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`");
}

#[test]
fn text_form() {
    let ist: ImageStreamTag = "openshift/release:golang-1.22".parse().unwrap();
    assert_eq!(
        ist,
        ImageStreamTag::new("openshift", "release", "golang-1.22").unwrap()
    );
    assert_eq!(ist.to_string(), "openshift/release:golang-1.22");
    let err = "release:golang-1.22".parse::<ImageStreamTag>().unwrap_err();
    insta::assert_snapshot!(err, @"missing namespace: an imagestreamtag is written `namespace/name:tag`");
    let err = "openshift/release".parse::<ImageStreamTag>().unwrap_err();
    insta::assert_snapshot!(err, @"missing tag: an imagestreamtag is written `namespace/name:tag`");
    let err = "a/b/c:d".parse::<ImageStreamTag>().unwrap_err();
    assert_eq!((err.member, err.value.as_str()), (Member::Name, "b/c"));
    let err = "a/b:c:d".parse::<ImageStreamTag>().unwrap_err();
    assert_eq!((err.member, err.value.as_str()), (Member::Tag, "c:d"));
}

#[test]
fn serializes_as_three_members() {
    let ist = ImageStreamTag::new("ocp", "builder", "4.10").unwrap();
    assert_eq!(
        serde_json::to_string(&ist).unwrap(),
        r#"{"namespace":"ocp","name":"builder","tag":"4.10"}"#
    );
}

#[test]
fn messages_quote_control_characters_away() {
    let err = ImageStreamTag::new("ocp", "builder", "a\nb").unwrap_err();
    insta::assert_snapshot!(validation_message(&err), @"`a b` is not a valid tag: a tag is 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`; write a tag of the image stream, such as `golang-1.22` or `4.20`");
}

/// OpenShift's name rule said another way: split at every separator, each run is non-empty
/// lowercase letters and digits.
fn name_oracle(name: &str) -> bool {
    name.len() <= 253
        && name.split(['.', '_', '-']).all(|run| {
            !run.is_empty()
                && run
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Strings a JSON Schema pattern matches (proptest's regexes are anchored already).
fn matching(pattern: &str) -> proptest::string::RegexGeneratorStrategy<String> {
    let unanchored = pattern.trim_start_matches('^').trim_end_matches('$');
    proptest::string::string_regex(unanchored).unwrap()
}

proptest! {
    #[test]
    fn schema_patterns_only_match_valid_members(
        namespace in matching(NAMESPACE_PATTERN),
        name in matching(NAME_PATTERN),
        tag in matching(TAG_PATTERN),
    ) {
        prop_assert_eq!(check_namespace(&namespace), Ok(()));
        prop_assert_eq!(check_stream_name(&name).is_ok(), name.len() <= MAX_STREAM_NAME);
        prop_assert_eq!(check_tag(&tag), Ok(()));
    }

    #[test]
    fn names_follow_the_oracle(name in "[a-cA9._/-]{0,10}") {
        prop_assert_eq!(check_stream_name(&name).is_ok(), name_oracle(&name));
    }

    #[test]
    fn valid_references_round_trip(
        namespace in "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?",
        name in "[a-z0-9]{1,8}([._-][a-z0-9]{1,8}){0,5}",
        tag in "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}",
    ) {
        let ist = ImageStreamTag::new(namespace.as_str(), name.as_str(), tag.as_str()).unwrap();
        prop_assert_eq!(ist.to_string().parse::<ImageStreamTag>(), Ok(ist));
    }

    #[test]
    fn parsing_never_panics(text in "\\PC{0,40}") {
        let _ = text.parse::<ImageStreamTag>();
    }
}
