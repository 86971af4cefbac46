//! The Dockerfile and `.ci-operator.yaml` lines a resolution error points at, shown under the
//! error as compilers show them.

use resolver::{InferenceError, RepoFilesProvider};

use crate::output;
use crate::source::Repositories;

/// The lines `error` points at, read again from the tested repository (files are small and
/// bounded; a file that cannot be read is skipped).
pub(crate) fn repository_snippets(
    error: &resolver::Error,
    repositories: &Repositories,
) -> Vec<String> {
    let mut places: Vec<(String, u32, u32)> = Vec::new();
    if let resolver::Error::InRepoFileInvalid { at, .. } = error {
        places.push((
            config_model::IN_REPO_FILE_NAME.to_owned(),
            at.line,
            at.column,
        ));
    }
    let failure_place =
        |f: &resolver::ImageFailure| f.at.map(|at| (f.dockerfile.clone(), at.line, at.column));
    match error.inference() {
        Some(InferenceError::Image { failure }) => places.extend(failure_place(failure)),
        Some(InferenceError::AllFailed { failures }) => {
            places.extend(failures.iter().filter_map(failure_place))
        }
        Some(InferenceError::Disagree { roots, .. }) => {
            places.extend(
                roots
                    .iter()
                    .map(|r| (r.dockerfile.clone(), r.base.line, r.base.column)),
            );
        }
        _ => {}
    }
    let Ok(Some(files)) = repositories.files(None) else {
        return Vec::new();
    };
    places.dedup();
    places
        .into_iter()
        .take(4)
        .filter_map(|(file, line, column)| {
            let bytes = files.read(&file, resolver::MAX_DOCKERFILE_BYTES).ok()??;
            output::snippet(&file, &String::from_utf8_lossy(&bytes), line, column)
        })
        .collect()
}
