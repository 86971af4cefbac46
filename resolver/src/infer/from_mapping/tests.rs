//! Tests of the global `ARG` scope a `FROM` expands in, and of base image replacements.

use config_model::BuildArg;

use super::*;
use crate::expand::ArgValue;

fn dockerfile(text: &str) -> Dockerfile {
    Dockerfile::parse(text).unwrap()
}

#[test]
fn global_args_and_build_args() {
    let d = dockerfile("ARG A=1\nARG B=${A}2\nARG C\nARG D=x\nARG A\nFROM scratch\nARG LOCAL=1\n");
    let build_args = [
        BuildArg {
            name: "D".to_owned(),
            value: "$literal".to_owned(),
        },
        BuildArg {
            name: "UNDECLARED".to_owned(),
            value: "v".to_owned(),
        },
    ];
    let env = global_env(&d, &build_args);
    assert_eq!(env.get("A"), Some(&ArgValue::Set("1".to_owned())));
    assert_eq!(env.get("B"), Some(&ArgValue::Set("12".to_owned())));
    assert_eq!(env.get("C"), Some(&ArgValue::Unset));
    assert_eq!(env.get("D"), Some(&ArgValue::Set("$literal".to_owned())));
    assert_eq!(env.get("UNDECLARED"), None);
    assert_eq!(env.get("LOCAL"), None);
}

/// A base image entry that is no valid imagestreamtag (validation refuses it; a config built
/// another way may have it) fails the mapping with the entry's name, not a root.
#[test]
fn an_invalid_base_image_names_its_entry() {
    let config = config_model::parse_config(
        "base_images:\n  builder:\n    tag: golang\nimages:\n- dockerfile_path: Dockerfile\n  to: app\n  inputs:\n    builder:\n      as:\n      - golang:1.24\n",
    )
    .unwrap();
    let item = &config.images.as_ref().unwrap().items[0];
    let settings = BuildSettings {
        from: None,
        inputs: &item.inputs,
        build_args: &[],
    };
    let d = dockerfile("FROM golang:1.24\n");
    let env = global_env(&d, &[]);
    let (at, problem) = stage_base(&d, 0, &settings, &config.base_images, &env).unwrap_err();
    assert_eq!(at.map(|a| (a.line, a.column)), Some((1, 6)));
    insta::assert_snapshot!(problem, @"`inputs.builder.as` replaces the `FROM` by `pipeline:builder`, and `base_images.builder` is not a valid imagestreamtag: missing namespace: a namespace is a DNS-1123 label (1 to 63 lowercase letters, digits and `-`, starting and ending with a letter or digit)");
}
