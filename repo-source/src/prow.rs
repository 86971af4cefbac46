//! Prow's refs: which repository a job tests, where Prow cloned it, and where to fetch it from.
//!
//! These are plain types, not Prow's `JOB_SPEC` JSON: the caller (the CLI) parses the job spec
//! and converts each entry of `refs` / `extra_refs` into a [`CloneRef`], so this crate does not
//! depend on the config model.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::path::RepoPath;
use crate::remote::{FetchSpec, PullRef};

/// One repository a Prow job clones: an entry of the job spec's `refs` or `extra_refs`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CloneRef {
    /// The GitHub organisation (`org`).
    pub org: String,
    /// The repository name (`repo`).
    pub repo: String,
    /// The branch the job runs against (`base_ref`).
    pub base_ref: String,
    /// The commit of `base_ref` the job runs against (`base_sha`); when unset, the tip of
    /// `base_ref` at fetch time, as Prow does.
    pub base_sha: Option<String>,
    /// The PRs merged onto the base, in order (`pulls`).
    pub pulls: Vec<PullRef>,
    /// Where the repository is cloned under `<base>/src/` instead of `github.com/<org>/<repo>`
    /// (`path_alias`).
    pub path_alias: Option<String>,
    /// Where to clone from instead of `https://github.com/<org>/<repo>.git` (`clone_uri`).
    pub clone_uri: Option<String>,
    /// Whether the job runs in this repository's directory (`workdir`).
    pub workdir: bool,
}

impl CloneRef {
    /// `org/repo`, for messages.
    pub fn name(&self) -> String {
        format!("{}/{}", self.org, self.repo)
    }

    /// The directory Prow clones this repository into under `base` (Prow's `--src-root` parent,
    /// `/home/prow/go` in job pods): `<base>/src/<path_alias>` or
    /// `<base>/src/github.com/<org>/<repo>`.
    ///
    /// A `path_alias`, `org` or `repo` that would leave `<base>/src` (`..`, an absolute path) is
    /// refused.
    pub fn work_dir(&self, base: &Path) -> Result<PathBuf, Error> {
        let alias = self.path_alias.as_deref().filter(|alias| !alias.is_empty());
        let relative = match alias {
            Some(alias) => alias.to_owned(),
            None => format!("github.com/{}/{}", self.org, self.repo),
        };
        let checked = RepoPath::parse(&relative).map_err(|reason| Error::InvalidRef {
            name: self.name(),
            reason: match alias {
                Some(alias) => format!("`path_alias: {alias}` is refused: {reason}"),
                None => format!("its directory `{relative}` is refused: {reason}"),
            },
        })?;
        let mut dir = base.join("src");
        dir.extend(checked.components());
        Ok(dir)
    }

    /// What to fetch to get this ref's merged revision from its remote: `clone_uri` or
    /// `https://github.com/<org>/<repo>.git`, `base_sha` (else `base_ref`) and the PRs.
    pub fn fetch_spec(&self) -> FetchSpec {
        let url = match self.clone_uri.as_deref().filter(|uri| !uri.is_empty()) {
            Some(uri) => uri.to_owned(),
            None => format!("https://github.com/{}/{}.git", self.org, self.repo),
        };
        let base = match self.base_sha.as_deref().filter(|sha| !sha.is_empty()) {
            Some(sha) => sha.to_owned(),
            None => self.base_ref.clone(),
        };
        FetchSpec {
            url,
            base,
            pulls: self.pulls.clone(),
        }
    }
}

/// The ref a job tests, by Prow's rules, or the ref of a keyed root.
///
/// Without a key: the extra ref marked `workdir: true`, else `refs`, else the only extra ref.
/// With a key (`org.repo`, from `build_roots[org.repo]`): the ref, in `refs` or `extra_refs`,
/// with that org and repo.
///
/// Where Prow would silently take the first of several candidates (several `workdir: true`
/// refs, or several extra refs and no `refs`), this is an error: reading the wrong repository's
/// build root is worse than stopping.
pub fn tested_ref<'a>(
    refs: Option<&'a CloneRef>,
    extra_refs: &'a [CloneRef],
    key: Option<&str>,
) -> Result<&'a CloneRef, Error> {
    let all: Vec<&CloneRef> = refs.into_iter().chain(extra_refs).collect();
    if all.is_empty() {
        return Err(Error::NoRefs);
    }
    if let Some(key) = key {
        let Some((org, repo)) = key
            .split_once('.')
            .filter(|(org, repo)| !org.is_empty() && !repo.is_empty())
        else {
            return Err(Error::InvalidKey {
                key: key.to_owned(),
            });
        };
        let matching: Vec<&CloneRef> = all
            .iter()
            .copied()
            .filter(|r| r.org == org && r.repo == repo)
            .collect();
        return match matching.as_slice() {
            [one] => Ok(one),
            [] => Err(Error::NoRefForKey {
                key: key.to_owned(),
                cloned: all
                    .iter()
                    .map(|r| format!("`{}`", r.name()))
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
            _ => Err(Error::AmbiguousRefs {
                reason: format!("`{org}/{repo}` is cloned {} times", matching.len()),
            }),
        };
    }
    let workdirs: Vec<&CloneRef> = all.iter().copied().filter(|r| r.workdir).collect();
    match (workdirs.as_slice(), refs, extra_refs) {
        ([one], _, _) => Ok(one),
        ([_, _, ..], _, _) => Err(Error::AmbiguousRefs {
            reason: format!(
                "{} refs are marked `workdir: true` ({})",
                workdirs.len(),
                workdirs
                    .iter()
                    .map(|r| format!("`{}`", r.name()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
        ([], Some(primary), _) => Ok(primary),
        ([], None, [only]) => Ok(only),
        ([], None, several) => Err(Error::AmbiguousRefs {
            reason: format!(
                "`refs` is unset and none of the {} extra refs is marked `workdir: true`",
                several.len()
            ),
        }),
    }
}

/// The directory of the tested ref (or of the keyed root's ref) under `base`, with that ref.
///
/// [`tested_ref`] then [`CloneRef::work_dir`].
pub fn prow_work_dir<'a>(
    base: &Path,
    refs: Option<&'a CloneRef>,
    extra_refs: &'a [CloneRef],
    key: Option<&str>,
) -> Result<(PathBuf, &'a CloneRef), Error> {
    let chosen = tested_ref(refs, extra_refs, key)?;
    Ok((chosen.work_dir(base)?, chosen))
}

#[cfg(test)]
mod tests;
