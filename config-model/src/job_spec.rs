//! Prow's `JOB_SPEC`: the job a pod runs and the git refs it tests.

use serde::{Deserialize, Serialize};

/// The `JOB_SPEC` JSON Prow gives every job pod.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct JobSpec {
    /// `presubmit`, `postsubmit`, `periodic` or `batch`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The job's name.
    #[serde(default)]
    pub job: String,
    /// The build's id.
    #[serde(default)]
    pub buildid: String,
    /// The prowjob's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prowjobid: Option<String>,
    /// The tested repository (absent for periodics).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refs: Option<Refs>,
    /// Further repositories cloned beside it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_refs: Vec<Refs>,
}

/// One repository of a job, at a base commit with pull requests to merge onto it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct Refs {
    /// GitHub organisation.
    pub org: String,
    /// Repository name.
    pub repo: String,
    /// Base branch.
    #[serde(default)]
    pub base_ref: String,
    /// Base commit.
    #[serde(default)]
    pub base_sha: String,
    /// Pull requests merged onto the base, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pulls: Vec<Pull>,
    /// Where the repository is cloned under `$GOPATH/src`, when not `github.com/org/repo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_alias: Option<String>,
    /// Clone URL, when not `https://github.com/org/repo.git`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clone_uri: Option<String>,
    /// This is the repository the job's working directory is in.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub workdir: bool,
}

/// A pull request of a job.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct Pull {
    /// PR number.
    pub number: u64,
    /// PR author.
    #[serde(default)]
    pub author: String,
    /// Head commit of the PR.
    pub sha: String,
}

impl Refs {
    /// `org.repo`, the key `build_roots` uses.
    pub fn key(&self) -> String {
        format!("{}.{}", self.org, self.repo)
    }
}
