//! `inputs.<name>.as` entries that replace nothing: an image build's `as` list names the
//! `FROM` (or `COPY --from`) images the pipeline image replaces, and an entry that matches no
//! such token of the image's Dockerfile silently does nothing (a typo, or a Dockerfile that
//! moved on to another base). `check` and `audit` warn about them.

use std::fmt;

use config_model::{ImageItem, ValidConfig};
use serde::Serialize;

use crate::error::Error;
use crate::files::RepoFiles;
use crate::infer::loader::Loader;

/// An `inputs.<name>.as` entry that matches no `FROM` or `COPY --from` of its image's
/// Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnusedInput {
    /// The field path of the entry (`images[0].inputs.root.as[1]`).
    pub field: String,
    /// Its line in the config.
    pub line: u32,
    /// Its column in the config.
    pub column: u32,
    /// The image (`images[].to`).
    pub image: String,
    /// The image's Dockerfile (its repository path, or the `dockerfile_literal` field).
    pub dockerfile: String,
    /// The entry as written.
    pub replaces: String,
}

impl fmt::Display for UnusedInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: `{}` matches no `FROM` or `COPY --from` of `{}`, so it replaces nothing: fix the entry or remove it",
            self.field, self.replaces, self.dockerfile
        )
    }
}

/// Every `inputs.<name>.as` entry of the images built from repository `key` (`None`: the
/// tested one) that matches no `FROM` or `COPY --from` token, as written, of the image's
/// Dockerfile. Images whose Dockerfile cannot be read or parsed are skipped (resolution says
/// why); only an unreadable repository is an error.
pub fn unused_inputs(
    config: &ValidConfig,
    key: Option<&str>,
    files: &dyn RepoFiles,
) -> Result<Vec<UnusedInput>, Error> {
    let config = config.config();
    let Some(images) = &config.images else {
        return Ok(Vec::new());
    };
    let mut loader = Loader::new(files, files.revision(), "build_root");
    let mut unused = Vec::new();
    for (index, item) in images.items.iter().enumerate() {
        let item: &ImageItem = &item.value;
        if item.ref_.as_ref().map(|r| r.value.as_str()) != key || item.inputs.is_empty() {
            continue;
        }
        let prefix = if images.items_form {
            format!("images.items[{index}]")
        } else {
            format!("images[{index}]")
        };
        let literal = item.dockerfile_literal.as_ref().map(|l| l.value.as_str());
        let label = item
            .dockerfile_repo_path()
            .unwrap_or_else(|| format!("{prefix}.dockerfile_literal"));
        let Ok(dockerfile) = loader.load(literal, &label)? else {
            continue;
        };
        let tokens: Vec<&str> = dockerfile
            .stages()
            .iter()
            .flat_map(|stage| {
                std::iter::once(stage.from()).chain(stage.copies_from().map(|(t, _)| t))
            })
            .collect();
        for (name, inputs) in &item.inputs {
            for (position, entry) in inputs.as_.iter().enumerate() {
                if tokens.contains(&entry.value.as_str()) {
                    continue;
                }
                unused.push(UnusedInput {
                    field: format!("{prefix}.inputs.{name}.as[{position}]"),
                    line: entry.pos.line,
                    column: entry.pos.column,
                    image: item
                        .to
                        .as_ref()
                        .map_or_else(|| prefix.clone(), |t| t.value.clone()),
                    dockerfile: label.clone(),
                    replaces: entry.value.clone(),
                });
            }
        }
    }
    Ok(unused)
}

#[cfg(test)]
mod tests;
