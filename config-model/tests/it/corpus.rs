//! The real-world corpus: every config parses and validates as its `expected.yaml` says,
//! every `.ci-operator.yaml` reads.

use std::path::PathBuf;

use config_model::{parse_config_bytes, parse_in_repo, validate_config};

use crate::render_all;

#[derive(serde::Deserialize)]
struct Expected {
    valid: bool,
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs_err::read_dir(crate::corpus_dir().join("cases"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("config.yaml").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 40, "corpus not found: {} cases", cases.len());
    cases
}

fn name(case: &std::path::Path) -> String {
    case.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn configs_validate_as_expected() -> Result<(), Box<dyn std::error::Error>> {
    let mut report = Vec::new();
    for case in cases() {
        let bytes = fs_err::read(case.join("config.yaml"))?;
        let expected: Expected =
            serde_saphyr::from_str(&fs_err::read_to_string(case.join("expected.yaml"))?)?;
        let config = parse_config_bytes(&bytes)
            .unwrap_or_else(|err| panic!("{}: {:?}: {err}", name(&case), err.pos));
        match validate_config(config) {
            Ok(valid) => {
                assert!(expected.valid, "{} is valid, expected invalid", name(&case));
                assert!(valid.warnings().is_empty(), "{}", name(&case));
            }
            Err(diagnostics) => {
                assert!(
                    !expected.valid,
                    "{}: {}",
                    name(&case),
                    render_all(&diagnostics)
                );
                report.push(format!("{}:\n{}", name(&case), render_all(&diagnostics)));
            }
        }
    }
    insta::assert_snapshot!(report.join("\n"), @"
    Azure__ARO-HCP__main__baseimage-generator:
    7:3: build_root: value required when `images` are built: set one of project_image, image_stream_tag or from_repository
    ");
    Ok(())
}

#[test]
fn configs_keep_images_and_positions() -> Result<(), Box<dyn std::error::Error>> {
    let mut items_form = 0;
    let mut images = 0;
    for case in cases() {
        let config = parse_config_bytes(&fs_err::read(case.join("config.yaml"))?)?;
        if let Some(list) = &config.images {
            items_form += usize::from(list.value.items_form);
            for item in &list.value.items {
                images += 1;
                assert!(item.pos.is_known(), "{}", name(&case));
            }
        }
        if let Some(root) = &config.build_root {
            assert!(root.pos.is_known(), "{}", name(&case));
        }
    }
    assert_eq!(items_form, 5);
    assert_eq!(images, 80);
    Ok(())
}

#[test]
fn in_repo_files_read() -> Result<(), Box<dyn std::error::Error>> {
    let mut report = Vec::new();
    for case in cases() {
        let path = case.join("repo/.ci-operator.yaml");
        if !path.is_file() {
            continue;
        }
        let outcome = match parse_in_repo(&fs_err::read(&path)?) {
            Ok(in_repo) => {
                let root = in_repo.config.build_root_image.expect("checked");
                let mut lines = vec![format!(
                    "ok {}",
                    root.image_stream_tag()
                        .map_or("from_dockerfile".to_owned(), |t| t.to_string())
                )];
                if !in_repo.warnings.is_empty() {
                    lines.push(render_all(&in_repo.warnings));
                }
                lines.join("\n")
            }
            Err(config_model::in_repo::Error::Parse(err)) => {
                panic!("{}: not readable: {err}", name(&case))
            }
            Err(err) => format!("{}\nerror: {err}", render_all(&err.diagnostics())),
        };
        report.push(format!("{}: {outcome}", name(&case)));
    }
    insta::assert_snapshot!("in_repo_files", report.join("\n"));
    Ok(())
}
