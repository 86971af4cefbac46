//! [`Revision`]: which revision a snapshot shows, and the short forms of ids its description
//! uses.

use std::fmt;

/// Which revision a [`Snapshot`](crate::Snapshot) shows, for messages and reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    commit: Option<String>,
    tree: Option<String>,
    description: String,
}

impl Revision {
    /// A revision described by `description`, which shows remotes as
    /// [`RemoteUrl`](crate::RemoteUrl)s do: without credentials.
    pub(crate) fn new(commit: Option<String>, tree: Option<String>, description: String) -> Self {
        Revision {
            commit,
            tree,
            description,
        }
    }

    /// The commit's full hex id; `None` for files on disk.
    ///
    /// For a remote with PRs merged, this is the id of the merge commit made in memory here,
    /// which differs from Prow's (the dates differ); compare [`Revision::tree`] instead.
    pub fn commit(&self) -> Option<&str> {
        self.commit.as_deref()
    }

    /// The root tree's full hex id; `None` for files on disk. Equal to the tree of the merge
    /// commit `git merge --no-ff` makes.
    pub fn tree(&self) -> Option<&str> {
        self.tree.as_deref()
    }

    /// A phrase naming the revision, such as ``HEAD (1a2b3c4) of `/repo` `` or ``the merge of PR
    /// #12 (def4567) onto 1a2b3c4 from `https://github.com/org/repo.git` ``.
    pub fn description(&self) -> &str {
        &self.description
    }
}

impl fmt::Display for Revision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description)
    }
}

/// The short form of an id used in descriptions.
pub(crate) fn short(id: &gix::oid) -> String {
    id.to_hex_with_len(7).to_string()
}

/// The short form of a SHA given as text (a PR's head), used in descriptions.
pub(crate) fn short_sha(sha: &str) -> &str {
    sha.get(..7).unwrap_or(sha)
}

/// `1a2b3c4` when `rev` is the commit's SHA, else `` `main` (1a2b3c4) ``.
pub(crate) fn describe(rev: &str, commit: &gix::oid) -> String {
    if rev.eq_ignore_ascii_case(&commit.to_string()) {
        short(commit)
    } else {
        format!("`{rev}` ({})", short(commit))
    }
}
