//! `--candidates`: could a config that names its root (`image_stream_tag`) read the same root
//! from its repository instead?
//!
//! It could when setting `from_repository: true` would resolve, at the branch's tip, to the
//! imagestreamtag it configures today: the branch's `.ci-operator.yaml` names that tag, or
//! (without the file) option B infers it from the promoted Dockerfiles. Then the switch
//! changes nothing for the branch's jobs, which is what a rollout wants.

use config_model::{ImageStreamTag, ValidConfig};
use resolver::{RepoFiles, Strategy};

use super::judge::strict_in_repo_file;
use super::report::Verdict;
use super::text::chain;

/// Whether the root `key` could switch, how, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Switch {
    pub(crate) could_switch: bool,
    pub(crate) via: Option<String>,
    pub(crate) reason: String,
    pub(crate) file: Option<String>,
    pub(crate) line: Option<u32>,
}

impl Switch {
    fn no(reason: String, file: Option<String>, line: Option<u32>) -> Switch {
        Switch {
            could_switch: false,
            via: None,
            reason,
            file,
            line,
        }
    }
}

/// Resolves the root `key` as `from_repository: true` would and compares it with
/// `configured`.
pub(crate) fn could_switch(
    config: &ValidConfig,
    key: Option<&str>,
    files: &dyn RepoFiles,
    configured: &ImageStreamTag,
) -> Switch {
    if let Some(problem) = strict_in_repo_file(files) {
        let reason = match problem.verdict {
            Verdict::Unreachable => format!("the branch could not be read: {}", problem.reason),
            _ => format!("its `.ci-operator.yaml` is not valid: {}", problem.reason),
        };
        return Switch::no(reason, problem.file, problem.line);
    }
    let repos = resolver::Repositories::new(files);
    let repos = match key {
        Some(key) => repos.with(key, files),
        None => repos,
    };
    let Some(context) = resolver::Context::new(config, key, &repos) else {
        return Switch::no("the config has no such build root".to_owned(), None, None);
    };
    let root = match resolver::FromRepository.resolve(&context) {
        Ok(root) => root,
        Err(error) => {
            return Switch::no(
                format!("from_repository would not resolve: {}", chain(&error)),
                None,
                None,
            );
        }
    };
    let (file, line) = match &root.source {
        resolver::Source::InRepoFile(source) => (Some(source.file.clone()), Some(source.line)),
        resolver::Source::Dockerfile(source) => match source.images.first() {
            Some(image) => (Some(image.dockerfile.clone()), Some(image.base.line)),
            None => (None, None),
        },
        _ => (None, None),
    };
    let found = root.image_stream_tag.clone();
    let how = match root.strategy {
        resolver::StrategyKind::InRepoFile => "its `.ci-operator.yaml` names",
        _ => "option B infers",
    };
    match found {
        Some(found) if &found == configured => Switch {
            could_switch: true,
            via: Some(root.strategy.to_string()),
            reason: format!("{how} `{found}`, the configured root"),
            file,
            line,
        },
        Some(found) => Switch::no(
            format!("{how} `{found}`, not the configured `{configured}`"),
            file,
            line,
        ),
        None => Switch::no(
            "the repository names no imagestreamtag".to_owned(),
            file,
            line,
        ),
    }
}
