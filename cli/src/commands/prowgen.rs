//! `ci-operator prowgen`: the Prow `decoration_config` a config's jobs need, as ci-tools'
//! prowgen generates it: clone nothing when nothing is read from the repository, else only
//! the files that are read.

use std::collections::BTreeSet;

use config_model::{Config, IN_REPO_FILE_NAME};
use serde::Serialize;

use crate::args::{OutputFormat, ProwgenArgs};
use crate::documents::read_user_file;
use crate::error::{InvalidDocument, render_diagnostic};
use crate::exit::{ExitStatus, Failure};
use crate::output;

/// The secret Prow clones private repositories with (ci-tools' `OauthTokenSecretName`/`Key`).
const OAUTH_SECRET_NAME: &str = "github-credentials-openshift-ci-robot-private-git-cloner";
const OAUTH_SECRET_KEY: &str = "oauth";

/// What `prowgen` prints.
#[derive(Debug, Serialize, PartialEq)]
pub(crate) struct ProwgenOutput {
    decoration_config: DecorationConfig,
}

/// Prow's `decoration_config`, only the cloning fields.
#[derive(Debug, Default, Serialize, PartialEq)]
struct DecorationConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    skip_cloning: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sparse_checkout_files: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    oauth_token_secret: Option<OauthTokenSecret>,
}

#[derive(Debug, Serialize, PartialEq)]
struct OauthTokenSecret {
    key: &'static str,
    name: &'static str,
}

pub(crate) fn run(args: &ProwgenArgs, format: OutputFormat) -> Result<ExitStatus, Failure> {
    // Like ci-tools' prowgen, generate from any readable config: validation problems are
    // `validate`'s job, and a job config must still be generated for them to be seen in CI.
    let file = args.config.display().to_string();
    let bytes = read_user_file(&args.config)?;
    let config = config_model::parse_config_bytes(&bytes).map_err(|e| InvalidDocument {
        file: file.clone(),
        what: "config",
        diagnostics: vec![e.to_diagnostic()],
    })?;
    for problem in config_model::diagnostics(&config) {
        tracing::warn!("{}", render_diagnostic(&file, &problem));
    }
    let generated = generate(&config);
    let text = match format {
        OutputFormat::Json => output::render(format, &generated, String::new)?,
        // `-o junit` never reaches here (`commands::run` refuses it).
        OutputFormat::Text | OutputFormat::Yaml | OutputFormat::Junit => output::yaml(&generated)?,
    };
    output::stdout(&text)?;
    Ok(ExitStatus::Success)
}

/// The decoration config for a config's jobs.
pub(crate) fn generate(config: &Config) -> ProwgenOutput {
    let prowgen = config.prowgen.clone().unwrap_or_default();
    let oauth = prowgen.private.then_some(OauthTokenSecret {
        key: OAUTH_SECRET_KEY,
        name: OAUTH_SECRET_NAME,
    });
    let full_clone = prowgen.disable_sparse_checkout
        || config.images.as_ref().is_some_and(|i| i.build_if_affected);
    if full_clone {
        return ProwgenOutput {
            decoration_config: DecorationConfig {
                oauth_token_secret: oauth,
                ..Default::default()
            },
        };
    }
    let files = sparse_checkout_files(config);
    let decoration_config = if files.is_empty() {
        DecorationConfig {
            skip_cloning: Some(true),
            ..Default::default()
        }
    } else {
        DecorationConfig {
            sparse_checkout_files: files,
            oauth_token_secret: oauth,
            ..Default::default()
        }
    };
    ProwgenOutput { decoration_config }
}

/// `.ci-operator.yaml` when any root is read from the repository, plus every Dockerfile the
/// images build from, sorted and unique (ci-tools' `sparseCheckoutFiles`).
fn sparse_checkout_files(config: &Config) -> Vec<String> {
    let mut files = BTreeSet::new();
    let from_repository = config
        .build_root
        .as_ref()
        .is_some_and(|r| r.is_from_repository())
        || config.build_roots.values().any(|r| r.is_from_repository());
    if from_repository {
        files.insert(IN_REPO_FILE_NAME.to_owned());
    }
    for item in config.images.iter().flat_map(|images| images.items.iter()) {
        if item.dockerfile_literal.is_some() || item.ref_.as_ref().is_some_and(|r| !r.is_empty()) {
            continue;
        }
        let dockerfile = item
            .dockerfile_path
            .as_ref()
            .map(|p| p.value.as_str())
            .filter(|p| !p.is_empty());
        let dockerfile = dockerfile.unwrap_or("Dockerfile");
        let path = match item
            .context_dir
            .as_ref()
            .map(|c| c.value.as_str())
            .filter(|c| !c.is_empty())
        {
            Some(context_dir) => go_path_join(context_dir, dockerfile),
            None => dockerfile.to_owned(),
        };
        files.insert(path);
    }
    files.into_iter().collect()
}

/// Go's `path.Join`: join with `/`, then `path.Clean` (drop `.` and empty elements, resolve
/// `..` lexically), so the file names match ci-tools' byte for byte.
fn go_path_join(a: &str, b: &str) -> String {
    resolver::go_clean(&format!("{a}/{b}"))
}

#[cfg(test)]
mod tests {
    use super::go_path_join;

    #[test]
    fn joins_like_go() {
        assert_eq!(
            go_path_join("images/recycler/", "Dockerfile.rhel"),
            "images/recycler/Dockerfile.rhel"
        );
        assert_eq!(go_path_join(".", "Dockerfile"), "Dockerfile");
        assert_eq!(go_path_join("./a", "../b/Dockerfile"), "b/Dockerfile");
        assert_eq!(go_path_join("..", "Dockerfile"), "../Dockerfile");
        assert_eq!(go_path_join("/x", "../../y"), "/y");
    }
}
