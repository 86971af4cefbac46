//! Unit tests of the `go.mod` reader.

use super::{GoDirectiveKind, GoMod, GoRelease};

/// `go.mod` text, then what [`GoMod::required`] says: `(kind, version, line)`.
fn check(text: &str, expected: Option<(GoDirectiveKind, &str, u32)>) {
    let go_mod = GoMod::parse(text);
    let got = go_mod
        .required()
        .map(|d| (d.kind, d.version.as_str(), d.line));
    assert_eq!(got, expected, "for:\n{text}");
}

fn release(text: &str) -> Option<(u32, u32)> {
    GoRelease::parse(text).map(|r| (r.major, r.minor))
}

#[test]
fn releases() {
    assert_eq!(release("1.22"), Some((1, 22)));
    assert_eq!(release("1.22.3"), Some((1, 22)));
    assert_eq!(release("1.21.0"), Some((1, 21)));
    assert_eq!(release("1.21rc1"), Some((1, 21)));
    assert_eq!(release("go1.22.3"), Some((1, 22)));
    assert_eq!(release("go1.21rc2"), Some((1, 21)));
    assert_eq!(release("go1.22.3+auto"), Some((1, 22)));
    assert_eq!(release("1"), None);
    assert_eq!(release("1."), None);
    assert_eq!(release(".22"), None);
    assert_eq!(release("default"), None);
    assert_eq!(release("x.y"), None);
    assert_eq!(release("1.x"), None);
    assert_eq!(release("1.99999999999999999999"), None);
}

#[test]
fn releases_compare_as_numbers() {
    let older = GoRelease::parse("1.9").unwrap();
    let newer = GoRelease::parse("1.10").unwrap();
    assert!(older < newer);
    assert_eq!(newer.to_string(), "1.10");
    assert_eq!(GoRelease::parse("1.22.3"), GoRelease::parse("1.22"));
}

#[test]
fn go_line_alone() {
    check(
        "module example.com/m\n\ngo 1.21.0\n",
        Some((GoDirectiveKind::Go, "1.21.0", 3)),
    );
    check(
        "module example.com/m\ngo 1.16\n",
        Some((GoDirectiveKind::Go, "1.16", 2)),
    );
}

#[test]
fn toolchain_wins_when_newer_or_equal() {
    check(
        "module m\ngo 1.21.0\ntoolchain go1.22.3\n",
        Some((GoDirectiveKind::Toolchain, "go1.22.3", 3)),
    );
    check(
        "module m\ngo 1.22.0\ntoolchain go1.22.3\n",
        Some((GoDirectiveKind::Toolchain, "go1.22.3", 3)),
    );
    // An older toolchain line does not lower what `go` requires.
    check(
        "module m\ngo 1.23\ntoolchain go1.22.3\n",
        Some((GoDirectiveKind::Go, "1.23", 2)),
    );
}

#[test]
fn comments_quotes_and_blocks() {
    let text = "// go 1.99 in a comment\n\
                module \"example.com/m\" // the module\n\
                \n\
                require (\n\
                \tgo 1.50 // not a directive: inside a block\n\
                \texample.com/x v1.0.0\n\
                )\n\
                go \"1.20\" // quoted\n\
                toolchain default\n";
    check(text, Some((GoDirectiveKind::Go, "1.20", 8)));
    assert_eq!(GoMod::parse(text).toolchain, None);
}

#[test]
fn malformed_or_absent_lines_give_nothing() {
    check("", None);
    check("module m\n", None);
    check("module m\ngo\n", None);
    check("module m\ngo 1.21 extra\n", None);
    check("module m\ngo go1.21\n", None);
    check("module m\ntoolchain 1.21\n", None);
    check("module m\ngopher 1.21\n", None);
    // Bytes that are not a go.mod at all.
    check("\u{0}\u{1}((((\n)))) go 1.2", None);
}

#[test]
fn the_first_of_a_repeated_directive_counts() {
    check("go 1.20\ngo 1.22\n", Some((GoDirectiveKind::Go, "1.20", 1)));
}

#[test]
fn newer_than_a_root() {
    let go_mod = GoMod::parse("module m\ngo 1.21.0\ntoolchain go1.22.3\n");
    let behind = go_mod
        .newer_than(GoRelease::parse("1.21").unwrap())
        .unwrap();
    assert_eq!(behind.to_string(), "`toolchain go1.22.3`");
    assert_eq!(go_mod.newer_than(GoRelease::parse("1.22").unwrap()), None);
    assert_eq!(go_mod.newer_than(GoRelease::parse("1.23").unwrap()), None);
    assert_eq!(
        GoMod::parse("").newer_than(GoRelease::parse("1.10").unwrap()),
        None
    );
}

#[test]
fn releases_of_root_tags() {
    let of = |tag: &str| GoRelease::from_tag(tag).map(|r| r.to_string());
    assert_eq!(
        of("rhel-9-release-golang-1.22-openshift-4.17").as_deref(),
        Some("1.22")
    );
    assert_eq!(of("golang-1.24.3").as_deref(), Some("1.24"));
    assert_eq!(of("go_1.10").as_deref(), Some("1.10"));
    assert_eq!(of("golang-x.y-golang-1.21").as_deref(), Some("1.21"));
    assert_eq!(of("rhel-9-base").as_deref(), None);
    assert_eq!(of("golang").as_deref(), None);
    assert_eq!(of("golang-1.21rc1").as_deref(), None);
}

#[test]
fn check_go_mod_compares_a_root_with_the_repository() {
    use crate::InMemoryFiles;
    let root: config_model::ImageStreamTag = "ocp/builder:rhel-9-golang-1.21-openshift-4.17"
        .parse()
        .unwrap();
    let files = |go_mod: &str| InMemoryFiles::new("test").with_file("go.mod", go_mod);
    let behind = super::check_go_mod(&root, &files("module m\ngo 1.21.0\ntoolchain go1.23.4\n"))
        .unwrap()
        .unwrap();
    assert!(behind.behind);
    assert_eq!(
        behind.to_string(),
        "`toolchain go1.23.4` asks for Go 1.23, newer than the root's Go 1.21: name a root with golang-1.23 or later"
    );
    let fine = super::check_go_mod(&root, &files("module m\ngo 1.21\n"))
        .unwrap()
        .unwrap();
    assert!(!fine.behind);
    assert_eq!(
        fine.to_string(),
        "`go 1.21` asks for Go 1.21; the root's Go 1.21 builds it"
    );
    // Nothing to compare: no go.mod, or no Go in the tag.
    assert_eq!(
        super::check_go_mod(&root, &InMemoryFiles::new("test")).unwrap(),
        None
    );
    let no_go: config_model::ImageStreamTag = "ocp/4.17:base-rhel9".parse().unwrap();
    assert_eq!(
        super::check_go_mod(&no_go, &files("go 1.99\n")).unwrap(),
        None
    );
}
