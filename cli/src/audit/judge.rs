//! The verdict on one build root, from the files of its branch's tip.
//!
//! Everything but `unreachable` for a failed fetch and `tag-missing` (the cluster's, see
//! [`super::cluster`]) is decided here, in the order of precedence: the first that applies
//! wins. Reads go through the resolver's [`RepoFiles`], so a read that fails because the
//! repository went away (or the deadline passed) is `unreachable` too.

use config_model::{IN_REPO_FILE_NAME, ImageStreamTag, ValidConfig};
use resolver::{FileErrorKind, GO_MOD_FILE, MAX_IN_REPO_FILE_BYTES, RepoFiles, StrategyKind};

use super::report::Verdict;
use super::text::chain;

/// What one build root got, before the cluster is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Judgement {
    pub(crate) verdict: Verdict,
    pub(crate) reason: String,
    pub(crate) file: Option<String>,
    pub(crate) line: Option<u32>,
    pub(crate) root: Option<ImageStreamTag>,
    pub(crate) strategy: Option<String>,
    /// Where the root is named (the in-repo file's line, the Dockerfile's `FROM`), for a
    /// `tag-missing` verdict decided later.
    pub(crate) root_at: Option<(String, Option<u32>)>,
    /// What does not change the verdict but should be fixed (`inputs.<name>.as` entries
    /// that replace nothing).
    pub(crate) warnings: Vec<String>,
}

impl Judgement {
    pub(crate) fn new(verdict: Verdict, reason: impl Into<String>) -> Judgement {
        Judgement {
            verdict,
            reason: reason.into(),
            file: None,
            line: None,
            root: None,
            strategy: None,
            root_at: None,
            warnings: Vec::new(),
        }
    }

    pub(crate) fn at(mut self, file: impl Into<String>, line: Option<u32>) -> Judgement {
        self.file = Some(file.into());
        self.line = line.filter(|l| *l > 0);
        self
    }
}

/// The verdict on the root `key` (`None`: `build_root`) of a config that reads it from the
/// repository, whose files are `files`.
pub(crate) fn judge(config: &ValidConfig, key: Option<&str>, files: &dyn RepoFiles) -> Judgement {
    if let Some(judgement) = strict_in_repo_file(files) {
        return judgement;
    }
    // An unreadable repository shows in the verdict below; here it only costs the warnings.
    let warnings: Vec<String> = resolver::unused_inputs(config, key, files)
        .map(|unused| unused.iter().map(ToString::to_string).collect())
        .unwrap_or_default();
    let mut judgement = judge_root(config, key, files);
    judgement.warnings = warnings;
    judgement
}

/// [`judge`], once `.ci-operator.yaml` passed its strict check.
fn judge_root(config: &ValidConfig, key: Option<&str>, files: &dyn RepoFiles) -> Judgement {
    let repos = repositories(files, key);
    let root = match resolver::resolve(config, key, &repos) {
        Ok(Some(root)) => root,
        Ok(None) => {
            return Judgement::new(Verdict::Unresolved, "the config has no such build root");
        }
        Err(error) => return resolve_failure(&error),
    };
    let Some(found) = root.image_stream_tag.clone() else {
        return Judgement::new(Verdict::Unresolved, "the root names no imagestreamtag");
    };
    let (strategy, origin, origin_line) = origin(&root);
    let with_root = |mut judgement: Judgement| {
        judgement.root = Some(found.clone());
        judgement.strategy = Some(strategy.clone());
        judgement.root_at = Some((origin_file(&root), origin_line));
        judgement
    };
    // `check`'s drift compares with the tested repository's promoted images; a `build_roots`
    // repository's images are not promoted by this config.
    if root.strategy == StrategyKind::InRepoFile
        && key.is_none()
        && let Some(judgement) = drift(config, files, &found)
    {
        return with_root(judgement);
    }
    if let Some(judgement) = go_behind(files, &found) {
        return with_root(judgement);
    }
    with_root(
        Judgement::new(Verdict::Ok, format!("root `{found}` from {origin}"))
            .at(origin_file(&root), origin_line),
    )
}

/// The files for the resolver: the root's own repository, under its key.
fn repositories<'a>(files: &'a dyn RepoFiles, key: Option<&str>) -> resolver::Repositories<'a> {
    let repos = resolver::Repositories::new(files);
    match key {
        Some(key) => repos.with(key, files),
        None => repos,
    }
}

/// `.ci-operator.yaml`, checked as `validate --strict` does: a warning (an unknown key) is an
/// error here, since a key today's tool ignores is often a misspelt one.
pub(crate) fn strict_in_repo_file(files: &dyn RepoFiles) -> Option<Judgement> {
    let bytes = match files.read(IN_REPO_FILE_NAME, MAX_IN_REPO_FILE_BYTES) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return None,
        Err(error) => {
            let verdict = match error.kind() {
                FileErrorKind::Unreadable => Verdict::Unreachable,
                FileErrorKind::Refused => Verdict::Invalid,
            };
            return Some(Judgement::new(verdict, chain(&error)).at(IN_REPO_FILE_NAME, None));
        }
    };
    let diagnostics = match config_model::parse_in_repo(&bytes) {
        Ok(in_repo) => in_repo.warnings,
        Err(error) => error.diagnostics(),
    };
    let first = diagnostics
        .iter()
        .find(|d| d.is_error())
        .or_else(|| diagnostics.first())?;
    let others = diagnostics.len() - 1;
    let mut reason = format!(
        "{}{first}",
        if first.is_error() {
            ""
        } else {
            "warning (an error under --strict): "
        }
    );
    if others > 0 {
        reason.push_str(&format!(" (and {others} more)"));
    }
    let line = first.pos.is_known().then_some(first.pos.line);
    Some(Judgement::new(Verdict::Invalid, reason).at(IN_REPO_FILE_NAME, line))
}

/// A resolver error as a verdict: the repository went away, the in-repo file is wrong, or no
/// root could be found.
fn resolve_failure(error: &resolver::Error) -> Judgement {
    use resolver::Error;
    let reason = chain(error);
    match error {
        Error::Unreadable { .. } => Judgement::new(Verdict::Unreachable, reason),
        Error::Refused { source, .. } if source.path() == IN_REPO_FILE_NAME => {
            Judgement::new(Verdict::Invalid, reason).at(IN_REPO_FILE_NAME, None)
        }
        Error::InRepoFileSyntax { .. } => {
            Judgement::new(Verdict::Invalid, reason).at(IN_REPO_FILE_NAME, None)
        }
        Error::InRepoFileInvalid { at, .. } => {
            Judgement::new(Verdict::Invalid, reason).at(IN_REPO_FILE_NAME, Some(at.line))
        }
        Error::Inference {
            in_repo_file,
            source,
            ..
        } => {
            let judgement = Judgement::new(Verdict::Unresolved, reason);
            match (in_repo_file, inference_location(source)) {
                (_, Some((file, line))) => judgement.at(file, line),
                (Some(at), None) => judgement.at(IN_REPO_FILE_NAME, Some(at.line)),
                (None, None) => judgement,
            }
        }
        // The config's own problems: validation refuses such a config before this runs.
        Error::InvalidImageStreamTag { .. } | Error::NoBuildRoot { .. } => {
            Judgement::new(Verdict::Invalid, reason)
        }
        Error::Refused { .. }
        | Error::NoRepository { .. }
        | Error::ProjectImage { .. }
        | Error::NoInRepoRoot { .. } => Judgement::new(Verdict::Unresolved, reason),
    }
}

/// The Dockerfile (and line) an inference failure is about, when it is about one.
fn inference_location(error: &resolver::InferenceError) -> Option<(String, Option<u32>)> {
    use resolver::{InferenceError, Problem};
    let failure = match error {
        InferenceError::Image { failure } => failure,
        InferenceError::AllFailed { failures } => failures
            .iter()
            .find(|f| f.problem != Problem::SingleStage)
            .or_else(|| failures.first())?,
        InferenceError::UnknownImage { at, .. } => {
            return Some((IN_REPO_FILE_NAME.to_owned(), Some(at.line)));
        }
        InferenceError::NoImage { .. } | InferenceError::Disagree { .. } => return None,
    };
    Some((failure.dockerfile.clone(), failure.at.map(|at| at.line)))
}

/// `in_repo_file` or `dockerfile`, a description of where the root came from, and its line.
fn origin(root: &resolver::ResolvedRoot) -> (String, String, Option<u32>) {
    match &root.source {
        resolver::Source::InRepoFile(source) => (
            root.strategy.to_string(),
            format!("`{}`", source.file),
            Some(source.line),
        ),
        resolver::Source::Dockerfile(source) => match source.images.first() {
            Some(image) => (
                root.strategy.to_string(),
                format!("the Dockerfile of image `{}`", image.image),
                Some(image.base.line),
            ),
            None => (
                root.strategy.to_string(),
                "the Dockerfiles".to_owned(),
                None,
            ),
        },
        _ => (root.strategy.to_string(), "the config".to_owned(), None),
    }
}

fn origin_file(root: &resolver::ResolvedRoot) -> String {
    match &root.source {
        resolver::Source::InRepoFile(source) => source.file.clone(),
        resolver::Source::Dockerfile(source) => source
            .images
            .first()
            .map(|i| i.dockerfile.clone())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// `drift` when a promoted Dockerfile implies a root whose Go, RHEL or OpenShift version
/// differs from the in-repo root (as `check` reports it).
fn drift(config: &ValidConfig, files: &dyn RepoFiles, root: &ImageStreamTag) -> Option<Judgement> {
    let report = resolver::check_drift(config, files).ok()?;
    let image = report
        .images
        .iter()
        .find(|i| i.verdict == resolver::Verdict::Drift)?;
    let implied = image
        .implied_root
        .as_ref()
        .map(|r| format!("`{r}`"))
        .unwrap_or_default();
    let differences: Vec<String> = image
        .differences
        .iter()
        .map(|d| {
            format!(
                "{} {} in the in-repo root, {} in the Dockerfile",
                d.what, d.root, d.implied
            )
        })
        .collect();
    let line = image.source.as_ref().map(|s| s.line);
    Some(
        Judgement::new(
            Verdict::Drift,
            format!(
                "`.ci-operator.yaml` names `{root}`, but image `{}` is built on {implied}: {}",
                image.image,
                differences.join(", ")
            ),
        )
        .at(image.dockerfile.clone(), line),
    )
}

/// `go-behind` when the root's `golang-X.Y` is older than `go.mod` asks (the resolver's
/// [`resolver::check_go_mod`]); nothing without a `go.mod` or a Go version in the tag. A
/// `go.mod` that cannot be read because the repository went away is `unreachable`.
fn go_behind(files: &dyn RepoFiles, root: &ImageStreamTag) -> Option<Judgement> {
    match resolver::check_go_mod(root, files) {
        Ok(Some(check)) if check.behind => Some(
            Judgement::new(Verdict::GoBehind, format!("the root `{root}`: {check}"))
                .at(GO_MOD_FILE, Some(check.required.line)),
        ),
        Ok(_) => None,
        Err(error) => {
            Some(Judgement::new(Verdict::Unreachable, chain(&error)).at(GO_MOD_FILE, None))
        }
    }
}
