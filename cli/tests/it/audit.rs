//! `ci-operator audit`: real repositories (built with testkit's git helpers) served over HTTP,
//! a config tree in openshift/release's layout, and the binary run on them.

mod forge;
mod proxy;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use testkit::openshift::FakeOpenShift;

use forge::{
    FROM_REPOSITORY, Forge, assert_well_formed, builder, configured, dockerfile, in_repo,
    json_reasons, json_verdicts, tree_digest,
};
use proxy::{FaultProxy, ProxyFault};

/// One synthetic repository per verdict, and a config for each.
fn verdict_forge() -> Forge {
    let forge = Forge::new();
    let healthy = [("go.mod", "module example.com/m\n\ngo 1.22.0\n")];
    // ok: the in-repo root matches the Dockerfile; go.mod asks for no later Go.
    forge.branch(
        "acme",
        "in-repo",
        "main",
        &[
            (".ci-operator.yaml", &in_repo("1.22")),
            ("Dockerfile", &dockerfile("1.22")),
            healthy[0],
        ],
    );
    forge.config("acme", "in-repo", "main", None, FROM_REPOSITORY);
    // ok: no in-repo file, option B infers the root.
    forge.branch(
        "acme",
        "inferred",
        "main",
        &[("Dockerfile", &dockerfile("1.22")), healthy[0]],
    );
    // Its config replaces a `FROM` the Dockerfile no longer has: a warning, not a verdict.
    forge.config(
        "acme",
        "inferred",
        "main",
        None,
        &format!(
            "{FROM_REPOSITORY}  inputs:\n    builder:\n      as:\n      - {}\nbase_images:\n  builder:\n    namespace: ocp\n    name: builder\n    tag: rhel-9-golang-1.20-openshift-4.17\n",
            builder("1.20")
        ),
    );
    // invalid: an unknown key is a warning, an error under --strict.
    forge.branch(
        "acme",
        "typo",
        "main",
        &[
            (
                ".ci-operator.yaml",
                &format!("{}build_root_imag: {{}}\n", in_repo("1.22")),
            ),
            ("Dockerfile", &dockerfile("1.22")),
        ],
    );
    forge.config("acme", "typo", "main", None, FROM_REPOSITORY);
    // unresolved: no in-repo file, and the Dockerfile is built on Docker Hub.
    forge.branch(
        "acme",
        "hub",
        "main",
        &[(
            "Dockerfile",
            "FROM docker.io/library/golang:1.22 AS builder\nFROM registry.ci.openshift.org/ocp/4.17:base-rhel9\nCOPY --from=builder /a /a\n",
        )],
    );
    forge.config("acme", "hub", "main", None, FROM_REPOSITORY);
    // drift: an old release branch whose in-repo root names Go 1.10.
    forge.branch(
        "acme",
        "old",
        "release-4.1",
        &[
            (".ci-operator.yaml", &in_repo("1.10")),
            ("Dockerfile", &dockerfile("1.19")),
        ],
    );
    forge.config("acme", "old", "release-4.1", None, FROM_REPOSITORY);
    // go-behind: root and Dockerfile agree on Go 1.21, go.mod's toolchain wants 1.23.
    forge.branch(
        "acme",
        "behind",
        "main",
        &[
            (".ci-operator.yaml", &in_repo("1.21")),
            ("Dockerfile", &dockerfile("1.21")),
            (
                "go.mod",
                "module example.com/m // the module\n\ngo 1.21.0\n\ntoolchain go1.23.4\n",
            ),
        ],
    );
    forge.config("acme", "behind", "main", None, FROM_REPOSITORY);
    // unreachable: no such repository on the server.
    forge.config("acme", "gone", "main", None, FROM_REPOSITORY);
    // A multi-repo job: `build_roots[acme.tools]` reads acme/tools at the config's branch; the
    // metadata names the branch, whatever the path says.
    forge.branch(
        "acme",
        "tools",
        "main",
        &[(".ci-operator.yaml", &in_repo("1.22")), healthy[0]],
    );
    forge.config(
        "acme",
        "multi",
        "renamed",
        None,
        &format!(
            "{}build_roots:\n  acme.tools:\n    from_repository: true\nzz_generated_metadata:\n  org: acme\n  repo: multi\n  branch: main\n",
            configured("1.22")
        ),
    );
    // invalid: the config itself breaks a rule, so every job of the branch fails on it.
    forge.config(
        "acme",
        "both",
        "main",
        None,
        "build_root:\n  from_repository: true\n  image_stream_tag:\n    namespace: ocp\n    name: builder\n    tag: golang-1.22\n",
    );
    // Not audited: the config names its root.
    forge.config("acme", "in-repo", "legacy", None, &configured("1.22"));
    forge
}

#[test]
fn audit_gives_each_config_its_verdict_as_json() {
    let forge = verdict_forge();
    let run = forge.audit(&["-o", "json"]);
    insta::assert_snapshot!(forge.render(&run, &[]));
}

#[test]
fn audit_prints_one_line_per_config_then_the_counts() {
    let forge = verdict_forge();
    let run = forge.audit(&[]);
    insta::assert_snapshot!(forge.render(&run, &[]));
}

#[test]
fn audit_junit_is_one_testcase_per_config() {
    let forge = verdict_forge();
    let run = forge.audit(&["-o", "junit"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_well_formed(&run.stdout);
    insta::assert_snapshot!(forge.render(&run, &[]));
}

#[test]
fn audit_fail_on_chooses_the_verdicts_that_fail() {
    let forge = verdict_forge();
    // Every verdict but ok fails by default.
    assert_eq!(forge.audit(&["-q"]).code, 1);
    // Only the chosen ones otherwise: there is one of each here, so pick none that occurs.
    let only = |verdicts: &str| forge.audit(&["-q", "--fail-on", verdicts]).code;
    assert_eq!(only("tag-missing"), 0);
    assert_eq!(only("drift,tag-missing"), 1);
    assert_eq!(only("unreachable"), 1);
}

#[test]
fn audit_usage_errors_exit_2() {
    let forge = verdict_forge();
    let bad_verdict = forge.audit(&["--fail-on", "broken"]);
    assert_eq!(bad_verdict.code, 2, "{}", bad_verdict.stderr);
    let ok_verdict = forge.audit(&["--fail-on", "ok"]);
    assert_eq!(ok_verdict.code, 2, "{}", ok_verdict.stderr);
    let no_placeholder = forge.audit_with("https://git.example.com/one.git", &[]);
    insta::assert_snapshot!(forge.render(&no_placeholder, &[]), @r"
    exit: 2
    --- stdout
    --- stderr
    error: --git-url-template `https://git.example.com/one.git` has no `{repo}`: every repository would be fetched from the same URL
    ");
    let zero_jobs = forge.audit(&["-j", "0"]);
    assert_eq!(zero_jobs.code, 2, "{}", zero_jobs.stderr);
    let missing = crate::helpers::run(&["audit", "/nonexistent/config"]);
    insta::assert_snapshot!(missing.render(&[]), @r"
    exit: 2
    --- stdout
    --- stderr
    error: /nonexistent/config is not a directory: give the directory that holds `<org>/<repo>/*.yaml`
    ");
    // JUnit is the audit's alone.
    let junit_elsewhere = crate::helpers::run(&["schema", "config", "-o", "junit"]);
    insta::assert_snapshot!(junit_elsewhere.render(&[]), @r"
    exit: 2
    --- stdout
    --- stderr
    error: `-o junit` is only for `audit`: use `-o text`, `-o yaml` or `-o json`
    ");
}

#[test]
fn audit_fetches_a_branch_once_for_all_its_variants() {
    let forge = Forge::new();
    forge.branch(
        "acme",
        "shared",
        "main",
        &[
            (".ci-operator.yaml", &in_repo("1.22")),
            ("Dockerfile", &dockerfile("1.22")),
        ],
    );
    forge.config("acme", "shared", "main", None, FROM_REPOSITORY);
    let alone = forge.audit(&["-o", "json"]);
    assert_eq!(alone.code, 0, "{}", alone.stderr);
    let requests_alone = forge.server.requests();
    forge.server.reset_counters();
    forge.config("acme", "shared", "main", Some("okd"), FROM_REPOSITORY);
    forge.config("acme", "shared", "main", Some("rt"), FROM_REPOSITORY);
    let variants = forge.audit(&["-o", "json"]);
    assert_eq!(variants.code, 0, "{}", variants.stderr);
    let verdicts = json_verdicts(&variants.stdout);
    assert_eq!(
        verdicts.values().map(String::as_str).collect::<Vec<_>>(),
        ["ok", "ok", "ok"]
    );
    assert_eq!(forge.server.requests(), requests_alone);
}

#[test]
fn audit_candidates_says_which_configs_could_switch() {
    let forge = Forge::new();
    // The branch's in-repo file names the configured root.
    forge.branch(
        "acme",
        "ready",
        "main",
        &[
            (".ci-operator.yaml", &in_repo("1.22")),
            ("Dockerfile", &dockerfile("1.22")),
        ],
    );
    forge.config("acme", "ready", "main", None, &configured("1.22"));
    // No in-repo file, but option B infers the configured root.
    forge.branch(
        "acme",
        "inferable",
        "main",
        &[("Dockerfile", &dockerfile("1.22"))],
    );
    forge.config("acme", "inferable", "main", None, &configured("1.22"));
    // Option B infers another root: switching would change it.
    forge.branch(
        "acme",
        "moved",
        "main",
        &[("Dockerfile", &dockerfile("1.23"))],
    );
    forge.config("acme", "moved", "main", None, &configured("1.22"));
    // Without --candidates, none of them is audited.
    let plain = forge.audit(&[]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(
        plain.stdout.starts_with("0 build roots audited"),
        "{}",
        plain.stdout
    );
    let run = forge.audit(&["--candidates", "-o", "json"]);
    insta::assert_snapshot!(forge.render(&run, &[]));
    let text = forge.audit(&["--candidates"]);
    insta::assert_snapshot!(forge.render(&text, &[]));
}

#[test]
fn audit_gives_symlinks_and_alias_bombs_a_verdict_in_bounded_time() {
    let forge = Forge::new();
    let dockerfile = dockerfile("1.22");
    forge.branch_with(
        "evil",
        "symlink",
        "main",
        &[("Dockerfile", &dockerfile)],
        |work| testkit::git::symlink(work, ".ci-operator.yaml", "/etc/passwd"),
    );
    // Nine levels of nine aliases: a billion strings if expanded.
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (name, previous) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        let aliases = vec![format!("*{previous}"); 9].join(",");
        bomb.push_str(&format!("{name}: &{name} [{aliases}]\n"));
    }
    forge.branch(
        "evil",
        "bomb",
        "main",
        &[(".ci-operator.yaml", &bomb), ("Dockerfile", &dockerfile)],
    );
    for repo in ["symlink", "bomb"] {
        forge.config("evil", repo, "main", None, FROM_REPOSITORY);
    }
    let start = Instant::now();
    let run = forge.audit(&["-o", "json"]);
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!(forge.render(&run, &[]));
}

#[test]
fn audit_refuses_a_50_mib_in_repo_file_from_its_size_alone() {
    let forge = Forge::new();
    // 50 MiB written straight into the served repository: a push would only cost time.
    let huge = forge.path("repos").join("evil").join("huge.git");
    fs_err::create_dir_all(&huge).unwrap();
    testkit::git::git(&huge, &["init", "-q", "--bare"]);
    let mut import = testkit::git::FastImport::start(&huge);
    import.commit("main", None, testkit::git::EPOCH, "a 50 MiB in-repo file");
    import.file(".ci-operator.yaml", &vec![b'#'; 50 * 1024 * 1024]);
    import.file("Dockerfile", dockerfile("1.22").as_bytes());
    import.finish();
    forge.config("evil", "huge", "main", None, FROM_REPOSITORY);
    let start = Instant::now();
    let run = forge.audit(&["-o", "json"]);
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    // Refused from the pack entry's header: the server sent far less than the file.
    assert!(
        forge.server.bytes_sent() < 5 * 1024 * 1024,
        "{} bytes",
        forge.server.bytes_sent()
    );
    insta::assert_snapshot!(forge.render(&run, &[]));
}

#[test]
fn audit_faults_make_only_their_config_unreachable_within_the_deadline() {
    let forge = Forge::new();
    for repo in ["healthy", "five-hundred", "cut", "stalled"] {
        forge.branch(
            "acme",
            repo,
            "main",
            &[
                (".ci-operator.yaml", &in_repo("1.22")),
                ("Dockerfile", &dockerfile("1.22")),
            ],
        );
        forge.config("acme", repo, "main", None, FROM_REPOSITORY);
    }
    let proxy = FaultProxy::start(
        forge.server.port(),
        vec![
            ("/acme/five-hundred.git".to_owned(), ProxyFault::Status500),
            ("/acme/cut.git".to_owned(), ProxyFault::DropMidPack),
            ("/acme/stalled.git".to_owned(), ProxyFault::Stall),
        ],
    );
    let start = Instant::now();
    let run = forge.audit_with(&proxy.template(), &["-o", "json", "--timeout", "3s"]);
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    assert_eq!(run.code, 1, "{}", run.stderr);
    let verdicts = json_verdicts(&run.stdout);
    assert_eq!(
        verdicts,
        BTreeMap::from([
            (
                "acme/cut/acme-cut-main.yaml".to_owned(),
                "unreachable".to_owned()
            ),
            (
                "acme/five-hundred/acme-five-hundred-main.yaml".to_owned(),
                "unreachable".to_owned()
            ),
            (
                "acme/healthy/acme-healthy-main.yaml".to_owned(),
                "ok".to_owned()
            ),
            (
                "acme/stalled/acme-stalled-main.yaml".to_owned(),
                "unreachable".to_owned()
            ),
        ]),
        "{}",
        run.stdout
    );
    let reasons = json_reasons(&run.stdout);
    let reason = |repo: &str| reasons[&format!("acme/{repo}/acme-{repo}-main.yaml")].as_str();
    assert!(
        reason("five-hundred").contains("HTTP status 500"),
        "{reasons:?}"
    );
    assert!(
        reason("cut").contains("broke during the fetch"),
        "{reasons:?}"
    );
    assert!(
        reason("stalled").contains("did not finish within 3.0s"),
        "{reasons:?}"
    );
}

#[test]
fn audit_with_a_cluster_finds_missing_tags_and_writes_nothing() {
    let forge = Forge::new();
    forge.branch(
        "acme",
        "present",
        "main",
        &[
            (".ci-operator.yaml", &in_repo("1.22")),
            ("Dockerfile", &dockerfile("1.22")),
        ],
    );
    forge.config("acme", "present", "main", None, FROM_REPOSITORY);
    // The tag drifts too: tag-missing outranks drift.
    forge.branch(
        "acme",
        "absent",
        "main",
        &[
            (".ci-operator.yaml", &in_repo("1.99")),
            ("Dockerfile", &dockerfile("1.22")),
        ],
    );
    forge.config("acme", "absent", "main", None, FROM_REPOSITORY);
    let cluster = FakeOpenShift::start();
    cluster.seed_tag(
        "ocp",
        "builder",
        "rhel-9-golang-1.22-openshift-4.17",
        "sha256:0000000000000000000000000000000000000000000000000000000000000001",
        &[],
    );
    let kubeconfig = forge.path("kubeconfig");
    fs_err::write(&kubeconfig, cluster.kubeconfig_yaml()).unwrap();
    let before = (
        tree_digest(&forge.path("config")),
        tree_digest(&forge.path("repos")),
    );
    let run = forge.audit(&["-o", "json", "--kubeconfig", kubeconfig.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!(forge.render(&run, &[cluster.port()]));
    // Read-only: no write to the cluster, the config tree or the repositories, and the scratch
    // directory is gone.
    assert_eq!(cluster.writes(), 0, "{:?}", cluster.log_lines());
    assert_eq!(
        (
            tree_digest(&forge.path("config")),
            tree_digest(&forge.path("repos"))
        ),
        before
    );
    assert_eq!(fs_err::read_dir(forge.path("tmp")).unwrap().count(), 0);
}
