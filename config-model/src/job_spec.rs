//! Prow's `JOB_SPEC`: the job a pod runs and the git refs it tests.

use serde::{Deserialize, Serialize};

#[cfg(test)]
mod tests;

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

/// Why a `JOB_SPEC` was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Not JSON, or JSON of the wrong shape. `path` is the field (`refs.pulls[0].number`),
    /// empty for the document itself.
    #[error(
        "invalid JOB_SPEC at line {line} column {column}: {}{message}",
        path_prefix(path)
    )]
    Json {
        /// 1-based line (0 when serde_json does not know it).
        line: usize,
        /// 1-based column (0 when serde_json does not know it).
        column: usize,
        /// The field, in the JSON keys Prow writes.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A SHA field that is not a full commit SHA. Prow always sets full SHAs: a branch name or
    /// an abbreviation here is a hand-written job spec to fix.
    #[error(
        "invalid JOB_SPEC: {path}: `{value}` is not a commit SHA: write the full 40 (or 64) hexadecimal digits"
    )]
    NotASha {
        /// The field (`refs.base_sha`, `extra_refs[0].pulls[1].sha`).
        path: String,
        /// What it holds (cropped when long).
        value: String,
    },
}

fn path_prefix(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

/// Parses Prow's `JOB_SPEC` JSON. Unknown fields are ignored (Prow adds links, titles and
/// `decoration_config`). `refs` and `extra_refs` may both be absent: whether that is enough
/// is for the reader of the repository to decide. `base_sha` and pull SHAs, when set, must be
/// full commit SHAs.
pub fn parse_job_spec(json: &str) -> Result<JobSpec, Error> {
    // serde would also read a struct from a JSON array; Prow writes an object.
    let start = json.len() - json.trim_start().len();
    if let Some(first) = json[start..].chars().next()
        && first != '{'
    {
        let before = &json[..start];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        return Err(Error::Json {
            line,
            column,
            path: String::new(),
            message: "expected a JSON object (`{...}`)".to_owned(),
        });
    }
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let spec: JobSpec = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        json_error(
            if path == "." { String::new() } else { path },
            err.into_inner(),
        )
    })?;
    // Trailing characters after the object.
    deserializer
        .end()
        .map_err(|err| json_error(String::new(), err))?;
    check_shas("refs", spec.refs.iter())?;
    check_shas_indexed(&spec.extra_refs)?;
    Ok(spec)
}

fn json_error(path: String, err: serde_json::Error) -> Error {
    let (line, column) = (err.line(), err.column());
    let text = err.to_string();
    // serde_json appends the position; the error prints it in front instead.
    let suffix = format!(" at line {line} column {column}");
    let message = text.strip_suffix(&suffix).unwrap_or(&text).to_owned();
    Error::Json {
        line,
        column,
        path,
        message,
    }
}

fn check_shas<'a>(path: &str, refs: impl Iterator<Item = &'a Refs>) -> Result<(), Error> {
    for refs in refs {
        check_refs(path, refs)?;
    }
    Ok(())
}

fn check_shas_indexed(refs: &[Refs]) -> Result<(), Error> {
    for (index, refs) in refs.iter().enumerate() {
        check_refs(&format!("extra_refs[{index}]"), refs)?;
    }
    Ok(())
}

fn check_refs(path: &str, refs: &Refs) -> Result<(), Error> {
    if !refs.base_sha.is_empty() && !is_sha(&refs.base_sha) {
        return Err(not_a_sha(format!("{path}.base_sha"), &refs.base_sha));
    }
    for (index, pull) in refs.pulls.iter().enumerate() {
        if !is_sha(&pull.sha) {
            return Err(not_a_sha(format!("{path}.pulls[{index}].sha"), &pull.sha));
        }
    }
    Ok(())
}

fn not_a_sha(path: String, value: &str) -> Error {
    Error::NotASha {
        path,
        value: crate::parse::quote(value),
    }
}

/// A full SHA-1 (40) or SHA-256 (64) object name in hexadecimal.
fn is_sha(text: &str) -> bool {
    matches!(text.len(), 40 | 64) && text.bytes().all(|b| b.is_ascii_hexdigit())
}
