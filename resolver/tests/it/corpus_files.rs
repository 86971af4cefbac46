//! Loading the corpus (`../corpus/cases/<case>/`): the config's text and the files of
//! `repo/`. Shared by the integration tests and the benchmark.

use std::path::{Path, PathBuf};

use resolver::InMemoryFiles;

/// One corpus case.
pub(crate) struct Case {
    /// The directory name.
    pub(crate) name: String,
    /// The case directory.
    pub(crate) dir: PathBuf,
    /// `config.yaml`.
    pub(crate) config: String,
    /// The files of `repo/`, by repository path.
    pub(crate) files: Vec<(String, Vec<u8>)>,
}

impl Case {
    /// The files of `repo/`, with or without `.ci-operator.yaml`.
    pub(crate) fn repo(&self, with_in_repo_file: bool) -> InMemoryFiles {
        let mut files = InMemoryFiles::new(format!("corpus {}", self.name));
        for (path, contents) in &self.files {
            if with_in_repo_file || path != ".ci-operator.yaml" {
                files.insert(path.clone(), contents.clone());
            }
        }
        files
    }
}

/// The corpus directory.
pub(crate) fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/cases")
}

/// Every case, sorted by name.
pub(crate) fn cases() -> Vec<Case> {
    let mut dirs: Vec<PathBuf> = fs_err::read_dir(corpus_dir())
        .expect("the corpus is committed beside the crates")
        .map(|e| e.expect("a readable corpus directory").path())
        .filter(|p| p.join("config.yaml").is_file())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let name = dir
                .file_name()
                .and_then(|n| n.to_str())
                .expect("case names are UTF-8")
                .to_owned();
            let config = fs_err::read_to_string(dir.join("config.yaml")).expect("config.yaml");
            let mut files = Vec::new();
            collect(&dir.join("repo"), "", &mut files);
            files.sort();
            Case {
                name,
                dir,
                config,
                files,
            }
        })
        .collect()
}

fn collect(dir: &Path, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = fs_err::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let entry = entry.expect("a readable corpus entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let file_type = entry.file_type().expect("a file type");
        if file_type.is_dir() {
            collect(&entry.path(), &path, out);
        } else if file_type.is_file() {
            out.push((path, fs_err::read(entry.path()).expect("a readable file")));
        }
    }
}
