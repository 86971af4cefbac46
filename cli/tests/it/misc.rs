//! The small subcommands: schema, completions, man, help and version, and the broken pipe.

use crate::helpers::run;

#[test]
fn schemas_are_json_schemas_of_both_files() {
    for (which, key) in [("config", "build_root"), ("in-repo", "build_root_image")] {
        let result = run(&["schema", which]);
        assert_eq!(result.code, 0, "{}", result.stderr);
        let schema: serde_json::Value = serde_json::from_str(&result.stdout).unwrap();
        assert!(schema["properties"][key].is_object(), "{which}: {schema}");
        // The committed copy is the same (see config-model's staleness test).
        let file = crate::helpers::root().join(format!(
            "config-model/schema/ci-operator-{}.schema.json",
            if which == "config" {
                "config"
            } else {
                "in-repo"
            }
        ));
        let committed: serde_json::Value =
            serde_json::from_str(&fs_err::read_to_string(file).unwrap()).unwrap();
        assert_eq!(schema, committed, "{which}");
    }
}

#[test]
fn completions_and_man_page() {
    let bash = run(&["completions", "bash"]);
    assert_eq!(bash.code, 0);
    assert!(
        bash.stdout.contains("ci-operator") && bash.stdout.contains("--allowed-root-namespaces")
    );
    let zsh = run(&["completions", "zsh"]);
    assert!(zsh.stdout.starts_with("#compdef ci-operator"));
    let man = run(&["man"]);
    assert_eq!(man.code, 0);
    assert!(
        man.stdout.contains(".TH ci-operator"),
        "{}",
        &man.stdout[..200.min(man.stdout.len())]
    );
    assert_eq!(run(&["completions", "nosuchshell"]).code, 2);
}

#[test]
fn help_lists_the_contract() {
    let help = run(&["--help"]);
    assert_eq!(help.code, 0);
    insta::assert_snapshot!(help.stdout, @"
    Decides a job's build root and pins it into the job namespace's pipeline:root

    Usage: ci-operator [OPTIONS] <COMMAND>

    Commands:
      validate     Validate configs and in-repo files (directories are searched for *.yaml; a file named
                   .ci-operator.yaml is checked as an in-repo file)
      resolve      Resolve every build root of a config
      tag          Pin an imagestreamtag into the job namespace as pipeline:root
      run          Resolve every build root, then tag each: what a job pod does
      check        Compare the in-repo build root with the root each promoted Dockerfile implies
      prowgen      Print the Prow decoration_config the config's jobs need
      init         Create .ci-operator.yaml for a repository from its config's image_stream_tag
      audit        Check every branch that reads its build root from the repository, at its tip
      schema       Print the JSON Schema of a config or of .ci-operator.yaml, for editors
      completions  Print shell completions
      help         Print this message or the help of the given subcommand(s)

    Options:
      -o, --output <OUTPUT>
              Output format

              Possible values:
              - text:  For people
              - yaml:  For machines, as YAML
              - json:  For machines, as JSON
              - junit: JUnit XML, for Prow's result views (`audit` only)
              
              [default: text]

      -v, --verbose...
              More logs on stderr (repeat for more); `RUST_LOG` overrides

      -q, --quiet
              Only errors on stderr

      -h, --help
              Print help (see a summary with '-h')

      -V, --version
              Print version
    ");
    assert_eq!(run(&["--version"]).code, 0);
    assert_eq!(run(&["nosuchcommand"]).code, 2);
    assert_eq!(
        run(&["resolve", "--config", "x", "--rev", "HEAD"]).code,
        2,
        "--rev needs --repo"
    );
}

#[test]
fn broken_pipe_exits_quietly() {
    // `| head -c1`: the reader goes away after one byte; pipefail shows our exit code.
    let binary = env!("CARGO_BIN_EXE_ci-operator");
    let output = std::process::Command::new("bash")
        .args(["-c", &format!("set -o pipefail; for i in 1 2 3 4 5 6 7 8; do '{binary}' completions bash; done | head -c1 >/dev/null")])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
