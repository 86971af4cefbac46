//! The fixtures of the audit tests: repositories served over HTTP, a config tree, and
//! readers of the audit's documents.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use testkit::git::http::GitHttpServer;

use crate::helpers::{Run, ci_operator, run_command};

/// A builder image whose tag states Go, RHEL and OpenShift versions.
pub(super) fn builder(go: &str) -> String {
    format!("registry.ci.openshift.org/ocp/builder:rhel-9-golang-{go}-openshift-4.17")
}

/// A two-stage Dockerfile built on `builder(go)`.
pub(super) fn dockerfile(go: &str) -> String {
    format!(
        "FROM {} AS builder\nRUN make\nFROM registry.ci.openshift.org/ocp/4.17:base-rhel9\nCOPY --from=builder /bin/app /bin/app\n",
        builder(go)
    )
}

/// `.ci-operator.yaml` naming `ocp/builder:rhel-9-golang-<go>-openshift-4.17`.
pub(super) fn in_repo(go: &str) -> String {
    format!(
        "build_root_image:\n  namespace: ocp\n  name: builder\n  tag: rhel-9-golang-{go}-openshift-4.17\n"
    )
}

/// A config that reads its root from the repository and promotes `app` from `Dockerfile`.
pub(super) const FROM_REPOSITORY: &str =
    "build_root:\n  from_repository: true\nimages:\n- dockerfile_path: Dockerfile\n  to: app\n";

/// A config that names its root.
pub(super) fn configured(go: &str) -> String {
    format!(
        "build_root:\n  image_stream_tag:\n    namespace: ocp\n    name: builder\n    tag: rhel-9-golang-{go}-openshift-4.17\nimages:\n- dockerfile_path: Dockerfile\n  to: app\n"
    )
}

/// Repositories under `repos/<org>/<repo>.git`, served over HTTP, and a config tree.
pub(super) struct Forge {
    dir: tempfile::TempDir,
    pub(super) server: GitHttpServer,
}

impl Forge {
    pub(super) fn new() -> Forge {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["repos", "config", "work", "tmp"] {
            fs_err::create_dir_all(dir.path().join(sub)).unwrap();
        }
        let server = GitHttpServer::start(&dir.path().join("repos"));
        Forge { dir, server }
    }

    pub(super) fn path(&self, sub: &str) -> PathBuf {
        self.dir.path().join(sub)
    }

    /// Publishes a branch of `org/repo` holding `files`, made by `extra` too (symlinks...).
    pub(super) fn branch_with(
        &self,
        org: &str,
        repo: &str,
        branch: &str,
        files: &[(&str, &str)],
        extra: impl FnOnce(&Path),
    ) {
        let work = self.path("work").join(org).join(repo).join(branch);
        testkit::git::init(&work);
        for (path, content) in files {
            testkit::git::write(&work, path, content.as_bytes());
        }
        extra(&work);
        testkit::git::commit(&work, &format!("{branch} of {org}/{repo}"));
        let bare = self.path("repos").join(org).join(format!("{repo}.git"));
        if !bare.exists() {
            fs_err::create_dir_all(&bare).unwrap();
            testkit::git::git(&bare, &["init", "-q", "--bare"]);
        }
        let target = bare.to_str().unwrap().to_owned();
        testkit::git::git(
            &work,
            &["push", "-q", &target, &format!("HEAD:refs/heads/{branch}")],
        );
    }

    pub(super) fn branch(&self, org: &str, repo: &str, branch: &str, files: &[(&str, &str)]) {
        self.branch_with(org, repo, branch, files, |_| {});
    }

    /// Writes the config of `org/repo@branch` (and variant) in openshift/release's layout.
    pub(super) fn config(
        &self,
        org: &str,
        repo: &str,
        branch: &str,
        variant: Option<&str>,
        yaml: &str,
    ) {
        let variant = variant.map(|v| format!("__{v}")).unwrap_or_default();
        let path = self
            .path("config")
            .join(org)
            .join(repo)
            .join(format!("{org}-{repo}-{branch}{variant}.yaml"));
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        fs_err::write(path, yaml).unwrap();
    }

    pub(super) fn template(&self) -> String {
        format!(
            "http://127.0.0.1:{}/{{org}}/{{repo}}.git",
            self.server.port()
        )
    }

    /// Runs `ci-operator audit CONFIG_DIR --git-url-template <template> ARGS`, with the system's
    /// temporary directory in the forge (to see that the scratch directory is removed).
    pub(super) fn audit_with(&self, template: &str, args: &[&str]) -> Run {
        let config = self.path("config");
        let mut command = ci_operator();
        command
            .env("TMPDIR", self.path("tmp"))
            .args([
                "audit",
                config.to_str().unwrap(),
                "--git-url-template",
                template,
            ])
            .args(args);
        run_command(&mut command)
    }

    pub(super) fn audit(&self, args: &[&str]) -> Run {
        self.audit_with(&self.template(), args)
    }

    /// The run's output with the ports and paths of this forge replaced.
    pub(super) fn render(&self, run: &Run, ports: &[u16]) -> String {
        let mut text = run.render(&[(self.dir.path(), "[FORGE]")]);
        for port in ports.iter().chain([&self.server.port()]) {
            text = text.replace(&format!("127.0.0.1:{port}"), "127.0.0.1:[PORT]");
        }
        text
    }
}

/// Every file under `dir` with its contents, to compare before and after.
pub(super) fn tree_digest(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in fs_err::read_dir(&next).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                let content = fs_err::read(&path).unwrap_or_default();
                files.insert(path, content);
            }
        }
    }
    files
}

/// `config build_root` -> verdict, from `-o json`.
pub(super) fn json_verdicts(stdout: &str) -> BTreeMap<String, String> {
    json_field(stdout, "verdict")
}

pub(super) fn json_reasons(stdout: &str) -> BTreeMap<String, String> {
    json_field(stdout, "reason")
}

fn json_field(stdout: &str, field: &str) -> BTreeMap<String, String> {
    let document: serde_json::Value = serde_json::from_str(stdout).unwrap();
    document["configs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["config"].as_str().unwrap().to_owned(),
                c[field].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A small well-formedness check: every tag closes in order, and no text holds a raw `<` or
/// `&` that is not an entity.
pub(super) fn assert_well_formed(xml: &str) {
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("an XML declaration");
    let mut open: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        for (at, _) in text.match_indices('&') {
            let entity = &text[at..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#"]
                    .iter()
                    .any(|e| entity.starts_with(e)),
                "a raw `&` in {text:?}"
            );
        }
        let end = rest[start..].find('>').expect("a tag closes") + start;
        let tag = &rest[start + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop().as_deref(), Some(name), "tags close in order");
        } else if !tag.ends_with('/') {
            let name = tag.split_whitespace().next().unwrap().to_owned();
            open.push(name);
        }
        rest = &rest[end + 1..];
    }
    assert!(open.is_empty(), "unclosed: {open:?}");
}
