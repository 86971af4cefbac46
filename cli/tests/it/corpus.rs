//! The corpus of real configs (`corpus/cases/*`): one struct per case with its expectations.

use std::path::PathBuf;

/// One case of the corpus.
pub(crate) struct Case {
    pub(crate) name: String,
    pub(crate) dir: PathBuf,
    /// `expected.yaml`, as JSON.
    pub(crate) expected: serde_json::Value,
}

/// Every case, sorted by name.
pub(crate) fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = fs_err::read_dir(crate::helpers::corpus())
        .unwrap()
        .map(|entry| {
            let dir = entry.unwrap().path();
            let expected: serde_json::Value =
                serde_saphyr::from_str(&fs_err::read_to_string(dir.join("expected.yaml")).unwrap())
                    .unwrap();
            Case {
                name: dir.file_name().unwrap().to_string_lossy().into_owned(),
                dir,
                expected,
            }
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}
