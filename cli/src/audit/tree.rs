//! Reading a config tree in openshift/release's layout:
//! `<org>/<repo>/<org>-<repo>-<branch>[__<variant>].yaml`.
//!
//! The path names the branch, but `zz_generated_metadata` (written by ci-tools' generators)
//! wins when present: a branch name with a `-` cannot be told from the repository name in the
//! file name alone. Files are read in path order, so the report is the same on every machine.

use std::path::{Path, PathBuf};

use config_model::ValidConfig;

use crate::error::AuditError;

/// Which repository and branch a config is for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Branch {
    pub(crate) org: String,
    pub(crate) repo: String,
    pub(crate) branch: String,
}

/// One config file of the tree.
#[derive(Debug)]
pub(crate) struct ConfigFile {
    /// The path relative to CONFIG_DIR, `/`-separated.
    pub(crate) path: String,
    /// Its repository and branch, when the metadata or the path tell.
    pub(crate) branch: Option<Branch>,
    /// `__<variant>` of the file name, or the metadata's variant.
    pub(crate) variant: Option<String>,
    /// The validated config, or why it is not one.
    pub(crate) config: Result<ValidConfig, Vec<config_model::Diagnostic>>,
    /// Whether `build_root` or a `build_roots` entry says `from_repository: true`; `None` when
    /// the file is not a config at all (it does not parse), so nobody can tell.
    pub(crate) from_repository: Option<bool>,
}

/// The largest config file read; configs of openshift/release are a few KB.
const MAX_CONFIG_FILE_BYTES: u64 = config_model::parse::MAX_CONFIG_BYTES as u64;

/// Every `*.yaml` file under `dir`, parsed and validated, sorted by path.
pub(crate) fn read_tree(dir: &Path) -> Result<Vec<ConfigFile>, AuditError> {
    if !dir.is_dir() {
        return Err(AuditError::NotADirectory {
            path: dir.to_path_buf(),
        });
    }
    let mut paths = Vec::new();
    collect_yaml(dir, &mut paths)?;
    paths.sort();
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let relative = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let (config, metadata, from_repository) = match load(&path) {
            Ok(parsed) => {
                let metadata = parsed.zz_generated_metadata.clone();
                let from_repository = parsed
                    .build_root
                    .iter()
                    .chain(parsed.build_roots.values())
                    .any(|root| root.value.is_from_repository());
                (
                    config_model::validate_config(parsed),
                    metadata,
                    Some(from_repository),
                )
            }
            Err(diagnostics) => (Err(diagnostics), None, None),
        };
        let (branch, variant) = locate(&relative, metadata.as_ref());
        files.push(ConfigFile {
            path: relative,
            branch,
            variant,
            config,
            from_repository,
        });
    }
    Ok(files)
}

/// Collects `*.yaml` files, never following symlinks (a config tree is a checkout; a link out
/// of it is not a config of it).
fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), AuditError> {
    let read_error = |source| AuditError::ReadTree {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let entry = entry.map_err(read_error)?;
        let kind = entry.file_type().map_err(read_error)?;
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if kind.is_dir() && !hidden {
            collect_yaml(&path, out)?;
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "yaml") && !hidden {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads and parses one config; a file that cannot be read is one diagnostic.
fn load(path: &Path) -> Result<config_model::Config, Vec<config_model::Diagnostic>> {
    let unreadable = |message: String| {
        vec![config_model::Diagnostic::error(
            config_model::Pos::default(),
            "",
            message,
        )]
    };
    let size = fs_err::metadata(path)
        .map_err(|e| unreadable(format!("cannot read the file: {e}")))?
        .len();
    if size > MAX_CONFIG_FILE_BYTES {
        return Err(unreadable(format!(
            "the file has {size} bytes, more than the limit of {MAX_CONFIG_FILE_BYTES}"
        )));
    }
    let bytes = fs_err::read(path).map_err(|e| unreadable(format!("cannot read the file: {e}")))?;
    config_model::parse_config_bytes(&bytes).map_err(|e| vec![e.to_diagnostic()])
}

/// The branch and variant of a config: from `zz_generated_metadata` when it names org, repo
/// and branch, else from the path `<org>/<repo>/<org>-<repo>-<branch>[__<variant>].yaml`.
pub(crate) fn locate(
    relative: &str,
    metadata: Option<&config_model::Metadata>,
) -> (Option<Branch>, Option<String>) {
    if let Some(metadata) = metadata
        && !metadata.org.is_empty()
        && !metadata.repo.is_empty()
        && !metadata.branch.is_empty()
    {
        let branch = Branch {
            org: metadata.org.clone(),
            repo: metadata.repo.clone(),
            branch: metadata.branch.clone(),
        };
        let variant = metadata.variant.clone().filter(|v| !v.is_empty());
        return (Some(branch), variant);
    }
    from_path(relative)
}

/// `<org>/<repo>/<org>-<repo>-<branch>[__<variant>].yaml`, read from the last three
/// components (the tree may be given from higher up, as `ci-operator/config`).
fn from_path(relative: &str) -> (Option<Branch>, Option<String>) {
    let parts: Vec<&str> = relative.split('/').collect();
    let [.., org, repo, file] = parts.as_slice() else {
        return (None, None);
    };
    let Some(stem) = file.strip_suffix(".yaml") else {
        return (None, None);
    };
    let (name, variant) = match stem.split_once("__") {
        Some((name, variant)) if !variant.is_empty() => (name, Some(variant.to_owned())),
        _ => (stem, None),
    };
    let prefix = format!("{org}-{repo}-");
    match name.strip_prefix(&prefix) {
        Some(branch) if !branch.is_empty() => (
            Some(Branch {
                org: (*org).to_owned(),
                repo: (*repo).to_owned(),
                branch: branch.to_owned(),
            }),
            variant,
        ),
        _ => (None, variant),
    }
}

#[cfg(test)]
mod tests;
