//! Invariant checks that run as ordinary tests: the dependency arrows between crates and the
//! `//!` line every Rust file opens with.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::{cargo, project_root};

/// Normal (non-dev, non-build) dependency closure of every workspace package, by package name.
fn closures() -> BTreeMap<String, BTreeSet<String>> {
    let output = cargo()
        .args(["metadata", "--format-version", "1", "--locked"])
        .output()
        .expect("cargo metadata runs in the workspace");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");

    let names: BTreeMap<&str, &str> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            (
                p["id"].as_str().expect("id"),
                p["name"].as_str().expect("name"),
            )
        })
        .collect();
    // Edges that exist in a normal build: a dependency of kind `null` (normal) on any target.
    let mut edges: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for node in metadata["resolve"]["nodes"]
        .as_array()
        .expect("resolve nodes")
    {
        let id = node["id"].as_str().expect("node id");
        let normal = node["deps"].as_array().expect("deps").iter().filter(|dep| {
            dep["dep_kinds"]
                .as_array()
                .expect("dep_kinds")
                .iter()
                .any(|kind| kind["kind"].is_null())
        });
        edges
            .entry(id)
            .or_default()
            .extend(normal.map(|dep| dep["pkg"].as_str().expect("pkg")));
    }
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m.as_str().expect("id"))
        .collect();

    let mut out = BTreeMap::new();
    for member in members {
        let mut seen = BTreeSet::new();
        let mut stack = vec![member];
        while let Some(id) = stack.pop() {
            for &dep in edges.get(id).map(Vec::as_slice).unwrap_or_default() {
                if seen.insert(dep) {
                    stack.push(dep);
                }
            }
        }
        out.insert(
            names[member].to_owned(),
            seen.into_iter().map(|id| names[id].to_owned()).collect(),
        );
    }
    out
}

#[test]
fn layering() {
    let closures = closures();
    let reaches = |from: &str, to: &str| closures[from].contains(to);
    // Sanity: the check would notice an edge that exists, so a misspelt name cannot pass.
    assert!(
        reaches("cli", "config-model"),
        "cli should reach config-model"
    );
    assert!(
        reaches("repo-source", "gix"),
        "repo-source should reach gix"
    );
    assert!(reaches("tagger", "kube"), "tagger should reach kube");

    let forbidden: &[(&str, &[&str])] = &[
        (
            "config-model",
            &[
                "repo-source",
                "resolver",
                "tagger",
                "cli",
                "gix",
                "kube",
                "tokio",
                "reqwest",
                "hyper",
            ],
        ),
        (
            "resolver",
            &[
                "repo-source",
                "tagger",
                "cli",
                "gix",
                "kube",
                "tokio",
                "reqwest",
                "hyper",
            ],
        ),
        (
            "repo-source",
            &["config-model", "resolver", "tagger", "cli", "kube"],
        ),
        ("tagger", &["repo-source", "resolver", "cli", "gix"]),
    ];
    let mut broken = Vec::new();
    for (from, targets) in forbidden {
        for to in *targets {
            if reaches(from, to) {
                broken.push(format!("{from} must not depend on {to}"));
            }
        }
    }
    for (name, closure) in &closures {
        if name != "xtask" && closure.contains("xtask") {
            broken.push(format!("{name} must not depend on xtask"));
        }
    }
    // testkit is test support: only ever a dev-dependency, so nothing of it ships.
    assert!(
        closures.contains_key("testkit"),
        "testkit should be a workspace member"
    );
    for (name, closure) in &closures {
        if closure.contains("testkit") {
            broken.push(format!(
                "{name} must not depend on testkit (a dev-dependency only)"
            ));
        }
    }
    assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
}

#[test]
fn every_rust_file_opens_with_a_module_doc() {
    let mut missing = Vec::new();
    for crate_dir in [
        "config-model",
        "repo-source",
        "resolver",
        "tagger",
        "cli",
        "xtask",
    ] {
        visit(&project_root().join(crate_dir), &mut missing);
    }
    assert!(
        missing.is_empty(),
        "these files do not open with a `//!` line:\n{}",
        missing.join("\n")
    );
}

fn visit(dir: &Path, missing: &mut Vec<String>) {
    let Ok(entries) = fs_err::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "target" && name != "snapshots" {
                visit(&path, missing);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = fs_err::read_to_string(&path).unwrap_or_default();
            if !text.trim_start().starts_with("//!") {
                missing.push(
                    path.strip_prefix(project_root())
                        .unwrap_or(&path)
                        .display()
                        .to_string(),
                );
            }
        }
    }
}
