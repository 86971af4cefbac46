//! Validation of a parsed config: every problem at once, each with a position and the field
//! path users write.
//!
//! The rules and their message texts follow ci-tools' `pkg/validation` (`config.go`) for the
//! parts this feature touches, plus the rules it forgets: `images` without any build root, and
//! `build_roots` entries checked like `build_root`.
//!
//! Paths: `images[2]` for the list form of `images`, `images.items[2]` for the `{items: [...]}`
//! form (the keys the user wrote; ci-tools says `images[2]` for both).
//!
//! One pass over the config, with a hash map of pipeline image names: linear in its size.

use std::collections::HashMap;

use crate::config::{BuildRoot, Config, ImageStreamTagReference};
use crate::diagnostic::{self, Diagnostic};
use crate::image_stream_tag::{self, Member};
use crate::position::{Located, Pos};

#[cfg(test)]
mod tests;

/// A config that passed validation: the only way the resolver accepts one.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidConfig {
    config: Config,
    warnings: Vec<Diagnostic>,
}

impl ValidConfig {
    /// The config.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The config, by value.
    pub fn into_inner(self) -> Config {
        self.config
    }

    /// Warnings found while validating (the config is valid despite them).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
}

/// Validates a config, returning it as a [`ValidConfig`] when it has no error (warnings do
/// not fail it), or every diagnostic found, warnings included, sorted by position.
///
/// Rules (texts as ci-tools prints them): `build_root` and each `build_roots[org.repo]` name
/// exactly one of `project_image`, `image_stream_tag` or `from_repository: true` (each
/// conflicting pair is reported), with namespace, name and tag non-empty; `build_roots` keys
/// look like `org.repo`; `images` need a build root; each image has a `to`, no
/// `dockerfile_literal` beside `context_dir`/`dockerfile_path`, and a name no other field
/// defines (`root`, `root-<org.repo>`, `bin`, `test-bin`, `rpms`, `base_images` keys, other
/// images); `base_images.<key>.tag` is set. Every non-empty namespace, name and tag of an
/// imagestreamtag (in `build_root`, `build_roots` and `base_images`) follows OpenShift's rules
/// (see [`crate::ImageStreamTag`]), each reported at its position: the references of
/// `build_root` and `build_roots` of a validated config are all
/// [`crate::ImageStreamTagReference::checked`], those of `base_images` when they name a
/// namespace and a name. Items of the `{items: [...]}` form are
/// `images.items[i]`, of the list form `images[i]`.
pub fn validate_config(config: Config) -> Result<ValidConfig, Vec<Diagnostic>> {
    let diagnostics = diagnostics(&config);
    if diagnostics.iter().any(Diagnostic::is_error) {
        Err(diagnostics)
    } else {
        Ok(ValidConfig {
            config,
            warnings: diagnostics,
        })
    }
}

/// Every problem of a config, errors and warnings, sorted by position.
pub fn diagnostics(config: &Config) -> Vec<Diagnostic> {
    let mut check = Checker::default();
    check.config(config);
    let mut out = check.out;
    diagnostic::sort(&mut out);
    out
}

#[derive(Default)]
struct Checker {
    out: Vec<Diagnostic>,
    /// Pipeline image name -> the field that defines it, as ci-tools' `addPipelineImage`.
    pipeline_images: HashMap<String, String>,
}

impl Checker {
    fn error(&mut self, pos: Pos, path: impl Into<String>, message: impl Into<String>) {
        self.out.push(Diagnostic::error(pos, path, message));
    }

    /// Records that `field` defines the pipeline image `name`, or reports that an earlier
    /// field already did.
    fn pipeline_image(&mut self, name: &str, field: &str, pos: Pos) {
        match self.pipeline_images.get(name) {
            Some(previous) => {
                let message = format!(
                    "duplicate image name '{name}' (previously defined by field '{previous}')"
                );
                self.error(pos, field, message);
            }
            None => {
                self.pipeline_images
                    .insert(name.to_owned(), field.to_owned());
            }
        }
    }

    fn config(&mut self, config: &Config) {
        // As ci-tools: the build commands define their images first, without a check.
        let commands = [
            (
                &config.binary_build_commands,
                "bin",
                "binary_build_commands",
            ),
            (
                &config.test_binary_build_commands,
                "test-bin",
                "test_binary_build_commands",
            ),
            (&config.rpm_build_commands, "rpms", "rpm_build_commands"),
        ];
        for (commands, image, field) in commands {
            if commands.as_ref().is_some_and(|c| !c.value.is_empty()) {
                self.pipeline_images
                    .insert(image.to_owned(), field.to_owned());
            }
        }

        if let Some(root) = &config.build_root {
            self.build_root("build_root", root);
            self.pipeline_image("root", "build_root", root.pos);
        }
        for (key, root) in &config.build_roots {
            let path = format!("build_roots[{key}]");
            if !is_org_repo(key) {
                self.error(
                    root.pos,
                    path.as_str(),
                    format!(
                        "`{}` is not an `org.repo` key: write the GitHub organisation and repository joined by a dot (`openshift.api`)",
                        crate::parse::quote(key)
                    ),
                );
            }
            self.build_root(&path, root);
            self.pipeline_image(&format!("root-{key}"), &path, root.pos);
        }

        for (key, image) in &config.base_images {
            let path = format!("base_images.{key}");
            // As ci-tools: a base image needs only its tag (namespace and name may be left to
            // other config); what is given follows OpenShift's rules.
            if image.tag.value.is_empty() {
                let pos = known_or(image.tag.pos, image.pos);
                self.error(
                    pos,
                    format!("{path}.tag"),
                    "value required but not provided",
                );
            }
            self.member_rules(&path, image);
            self.pipeline_image(key, &path, image.pos);
        }

        if let Some(images) = &config.images {
            self.images(config, images);
        }
    }

    fn build_root(&mut self, path: &str, root: &Located<BuildRoot>) {
        let build_root = &root.value;
        let image_stream_tag = build_root.image_stream_tag.as_ref();
        let project_image = build_root.project_image.is_some();
        // `from_repository: false` is the same as not saying it.
        let from_repository = build_root.is_from_repository();

        if from_repository && image_stream_tag.is_some() {
            self.error(
                root.pos,
                path,
                "from_repository and image_stream_tag are mutually exclusive",
            );
        }
        if image_stream_tag.is_some() && project_image {
            self.error(
                root.pos,
                path,
                "image_stream_tag and project_image are mutually exclusive",
            );
        }
        if project_image && from_repository {
            self.error(
                root.pos,
                path,
                "project_image and from_repository are mutually exclusive",
            );
        }
        if image_stream_tag.is_none() && !project_image && !from_repository {
            self.error(
                root.pos,
                path,
                "you have to specify one of project_image, image_stream_tag or from_repository",
            );
        }
        if let Some(tag) = image_stream_tag {
            self.image_stream_tag_members(&format!("{path}.image_stream_tag"), tag);
        }
    }

    fn image_stream_tag_members(&mut self, path: &str, tag: &Located<ImageStreamTagReference>) {
        let members = [
            ("namespace", &tag.value.namespace),
            ("name", &tag.value.name),
            ("tag", &tag.value.tag),
        ];
        for (key, member) in members {
            if member.value.is_empty() {
                self.error(
                    known_or(member.pos, tag.pos),
                    format!("{path}.{key}"),
                    "value required but not provided",
                );
            }
        }
        self.member_rules(path, tag);
    }

    /// Each non-empty member that breaks OpenShift's rules, at its position (empty ones are
    /// reported, or allowed, by the caller).
    fn member_rules(&mut self, path: &str, tag: &Located<ImageStreamTagReference>) {
        let reference = &tag.value;
        let problems = image_stream_tag::problems(
            &reference.namespace.value,
            &reference.name.value,
            &reference.tag.value,
        );
        for problem in problems.iter().filter(|p| !p.value.is_empty()) {
            let member = match problem.member {
                Member::Namespace => &reference.namespace,
                Member::Name => &reference.name,
                Member::Tag => &reference.tag,
            };
            self.error(
                known_or(member.pos, tag.pos),
                format!("{path}.{}", problem.member.key()),
                image_stream_tag::validation_message(problem),
            );
        }
    }

    fn images(&mut self, config: &Config, images: &Located<crate::config::Images>) {
        let items = &images.value.items;
        if !items.is_empty() && config.build_root.is_none() && config.build_roots.is_empty() {
            self.error(
                images.pos,
                "build_root",
                "value required when `images` are built: set one of project_image, image_stream_tag or from_repository",
            );
        }
        let prefix = if images.value.items_form {
            "images.items"
        } else {
            "images"
        };
        for (index, item) in items.iter().enumerate() {
            let path = format!("{prefix}[{index}]");
            match item.value.to.as_ref().filter(|to| !to.value.is_empty()) {
                // Two images without `to` are not also reported as duplicates of ''.
                None => self.error(item.pos, path.as_str(), "`to` must be set"),
                Some(to) => self.pipeline_image(&to.value, &path, item.pos),
            }
            let set = |field: &Option<Located<String>>| {
                field.as_ref().is_some_and(|value| !value.value.is_empty())
            };
            if item.value.dockerfile_literal.is_some()
                && (set(&item.value.context_dir) || set(&item.value.dockerfile_path))
            {
                self.error(
                    item.pos,
                    path.as_str(),
                    "dockerfile_literal is mutually exclusive with context_dir and dockerfile_path",
                );
            }
        }
    }
}

fn known_or(pos: Pos, fallback: Pos) -> Pos {
    if pos.is_known() { pos } else { fallback }
}

/// Whether a `build_roots` key looks like `org.repo`: a GitHub organisation (letters, digits,
/// `-`), a dot, and a repository name (letters, digits, `-`, `_`, `.`).
fn is_org_repo(key: &str) -> bool {
    let Some((org, repo)) = key.split_once('.') else {
        return false;
    };
    !org.is_empty()
        && !repo.is_empty()
        && org.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && repo
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}
