//! What a fetch asks for: [`Want`], one revision and the scratch ref it lands in.

use crate::error::Error;
use crate::url::RemoteUrl;

use super::spec::FetchSpec;

/// One thing to fetch and the scratch ref it lands in.
#[derive(Clone)]
pub(crate) struct Want {
    /// The refspec source: a full SHA or a ref name.
    pub(crate) source: String,
    /// `refs/scratch/<name>`.
    pub(crate) local: String,
}

impl Want {
    pub(crate) fn new(source: &str, name: &str) -> Self {
        Want {
            source: source.to_owned(),
            local: format!("refs/scratch/{name}"),
        }
    }

    /// Whether the source can only mean one revision: not empty, no refspec syntax (`:`, `+`,
    /// `^`, `*`), no whitespace.
    fn is_valid(&self) -> bool {
        !self.source.is_empty()
            && !self.source.starts_with(['+', '^'])
            && !self
                .source
                .contains(|c: char| c == ':' || c == '*' || c.is_whitespace())
    }

    pub(crate) fn refspec(&self) -> String {
        format!("+{}:{}", self.source, self.local)
    }
}

/// The wants of `spec`: the base, then each PR's SHA (or head ref when it has none).
pub(crate) fn spec_wants(spec: &FetchSpec) -> Vec<Want> {
    let mut wants = vec![Want::new(&spec.base, "base")];
    for (index, pull) in spec.pulls.iter().enumerate() {
        // Without a SHA, Prow merges whatever the PR's head ref points to.
        let source = match pull.sha.as_str() {
            "" => format!("refs/pull/{}/head", pull.number),
            sha => sha.to_owned(),
        };
        wants.push(Want::new(&source, &format!("pull-{index}")));
    }
    wants
}

/// Refuses a want that is not one revision.
pub(crate) fn check_wants(url: &RemoteUrl, wants: &[Want]) -> Result<(), Error> {
    match wants.iter().find(|want| !want.is_valid()) {
        Some(want) => Err(Error::RevisionNotFound {
            rev: want.source.clone(),
            repository: format!("`{url}`"),
            source: None,
        }),
        None => Ok(()),
    }
}
