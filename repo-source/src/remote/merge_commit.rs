//! What both merge paths (partial and full) make of each PR: the merge commit Prow's
//! `git merge --no-ff` makes, and the phrase naming what the next PR is merged onto.

use std::fmt;

use gix::ObjectId;

use crate::error::BoxError;
use crate::revision::short_sha;

use super::spec::PullRef;

/// Writes (to memory) the merge commit Prow's `git merge --no-ff -m merge` makes, with fixed
/// identities and dates: only its tree and parents matter.
pub(crate) fn write_merge_commit(
    repo: &gix::Repository,
    tree: ObjectId,
    ours: ObjectId,
    theirs: ObjectId,
) -> Result<ObjectId, BoxError> {
    let signature = gix::actor::Signature {
        name: "repo-source".into(),
        email: "repo-source@localhost".into(),
        time: gix::date::Time::new(0, 0),
    };
    let commit = gix::objs::Commit {
        tree,
        parents: [ours, theirs].into_iter().collect(),
        author: signature.clone(),
        committer: signature,
        encoding: None,
        message: "merge\n".into(),
        extra_headers: Vec::new(),
    };
    Ok(repo.write_object(&commit)?.detach())
}

/// The SHA a PR is named by in messages: its own, else the head its ref resolved to.
pub(crate) fn head_sha(pull: &PullRef, head: ObjectId) -> String {
    match pull.sha.as_str() {
        "" => head.to_string(),
        sha => sha.to_owned(),
    }
}

/// What the next PR is merged onto, for messages: the base (`` `main` (1a2b3c4) ``), then
/// `the merge of PR #1 (def4567), #2 (89abcde) onto <base>`.
pub(crate) struct Onto {
    base: String,
    merged: Vec<String>,
}

impl Onto {
    /// The base, described.
    pub(crate) fn new(base: String) -> Self {
        Onto {
            base,
            merged: Vec::new(),
        }
    }

    /// Records that PR `number` at `sha` was merged.
    pub(crate) fn record(&mut self, number: u64, sha: &str) {
        self.merged.push(format!("#{number} ({})", short_sha(sha)));
    }
}

impl fmt::Display for Onto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.merged.is_empty() {
            f.write_str(&self.base)
        } else {
            let merged = self.merged.join(", ");
            write!(f, "the merge of PR {merged} onto {}", self.base)
        }
    }
}
