//! Repository-relative paths, checked before anything is looked up.
//!
//! A path comes from the caller (often from a config the PR author can influence) and names
//! a file inside the repository. It is split into normal components here, once, so that every
//! reader walks the same components and none of them can leave the repository.

use crate::error::UnsafePathReason;

/// A path inside the repository, split into components that are all plain names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RepoPath<'a> {
    components: Vec<&'a str>,
}

impl<'a> RepoPath<'a> {
    /// Checks `path` and splits it.
    ///
    /// Empty and `.` components are skipped, so `./Dockerfile` and `build//Dockerfile` read what
    /// a shell would; `..`, a leading `/`, a `.git` component and NUL bytes are refused because
    /// each would name something outside the repository's files.
    pub(crate) fn parse(path: &'a str) -> Result<Self, UnsafePathReason> {
        if path.contains('\0') {
            return Err(UnsafePathReason::Nul);
        }
        if path.starts_with('/') {
            return Err(UnsafePathReason::Absolute);
        }
        let mut components = Vec::new();
        for component in path.split('/') {
            match component {
                "" | "." => {}
                ".." => return Err(UnsafePathReason::ParentDir),
                name if name.eq_ignore_ascii_case(".git") => return Err(UnsafePathReason::GitDir),
                name => components.push(name),
            }
        }
        if components.is_empty() {
            return Err(UnsafePathReason::Empty);
        }
        Ok(RepoPath { components })
    }

    /// [`RepoPath::parse`], where an empty path (or only `.` and `/`) names the repository root:
    /// a path of no components, for looking up and listing entries.
    pub(crate) fn parse_or_root(path: &'a str) -> Result<Self, UnsafePathReason> {
        match RepoPath::parse(path) {
            Err(UnsafePathReason::Empty) => Ok(RepoPath {
                components: Vec::new(),
            }),
            parsed => parsed,
        }
    }

    /// The components, in order; never empty but for the root of
    /// [`RepoPath::parse_or_root`].
    pub(crate) fn components(&self) -> &[&'a str] {
        &self.components
    }
}

#[cfg(test)]
mod tests;
